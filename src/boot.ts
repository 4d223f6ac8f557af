// The one boot path: open the database, migrate, build every service into `deps`, build the app.
// The server, the CLI, the test helpers and the browser harness all start here, so adding an adapter to the
// outside world (a mailer, a Stripe client, a scheduler) means: an option in BootOptions, a line in createDeps,
// and, if it holds resources, a closer in `onClose`. Nothing else constructs services.
import type { Database } from "bun:sqlite";
import { ConfigError, type Config } from "./config.ts";
import { openDatabase, closeDatabase } from "./db/open.ts";
import { migrate } from "./db/migrate.ts";
import { migrations } from "./db/migrations/index.ts";
import { createApp, type App } from "./app.ts";
import { createClientIp, type SocketInfo } from "./http/client-ip.ts";
import { loadAssets } from "./http/assets.ts";
import { silentLogger, type Logger } from "./http/logger.ts";
import { createRateLimiter } from "./http/rate-limit.ts";
import { createIdempotencyStore } from "./http/idempotency-store.ts";
import { systemClock, type Clock } from "./lib/clock.ts";
import { createFlowStore } from "./modules/flows/flows.store.ts";
import { createFlowService } from "./modules/flows/flows.service.ts";
import { createHealthStore } from "./modules/health/health.store.ts";
import { createHealthService } from "./modules/health/health.service.ts";
import { createKeyStore } from "./modules/keys/keys.store.ts";
import { createKeyService } from "./modules/keys/keys.service.ts";
import { createRetainrabbitService } from "./modules/retainrabbit/retainrabbit.service.ts";
import { createRetentbaseService } from "./modules/retentbase/retentbase.service.ts";
import { createResultTokens } from "./modules/sessions/result-token.ts";
import { createSessionStore } from "./modules/sessions/sessions.store.ts";
import { createSessionService } from "./modules/sessions/sessions.service.ts";
import { createAnalyticsStore } from "./modules/analytics/analytics.store.ts";
import { createAnalyticsService } from "./modules/analytics/analytics.service.ts";
import { createSessionSearchStore } from "./modules/sessions/session-search.store.ts";
import { createSessionSearchService } from "./modules/sessions/session-search.service.ts";
import { createUserStore } from "./modules/users/users.store.ts";
import { createUserService } from "./modules/users/users.service.ts";
import { createAuthStore } from "./modules/auth/auth.store.ts";
import { createAuthService } from "./modules/auth/auth.service.ts";
import { createBrandingStore } from "./modules/branding/branding.store.ts";
import { createBrandingService } from "./modules/branding/branding.service.ts";
import { createCancellationStore } from "./modules/cancellations/cancellations.store.ts";
import { createCancellationService } from "./modules/cancellations/cancellations.service.ts";
import { createWorkspaceStore } from "./modules/workspaces/workspaces.store.ts";
import { createWorkspaceService } from "./modules/workspaces/workspaces.service.ts";
import { createSmtpMailer, type Mailer } from "./modules/mail/mailer.ts";
import { createReportStore } from "./modules/reports/reports.store.ts";
import { createReportService } from "./modules/reports/reports.service.ts";
import { createReportScheduler } from "./modules/reports/report-scheduler.ts";
import { createAnalyticsFigures } from "./modules/reports/analytics-figures.ts";
import { createNotificationsService } from "./modules/notifications/notifications.service.ts";
import type Stripe from "stripe";
import { createBillingStore } from "./modules/billing/billing.store.ts";
import { createBillingService } from "./modules/billing/billing.service.ts";
import { createStripeClient } from "./modules/billing/stripe-client.ts";

export interface BootOptions {
  config: Readonly<Config>;
  /** Real time unless a test passes a clock it can move. */
  clock?: Clock;
  /** Silent unless given (the server passes its JSON logger). */
  logger?: Logger;
  // Adapters to the outside world go here (mailer?, stripe?, scheduler?), each optional so tests can pass a fake.
  /** Outgoing mail; built from SMTP_URL when not given. null: mail is off. */
  mailer?: Mailer | null;
  /** Built from config.stripe (null when billing is off) unless given. */
  stripe?: Stripe | null;
}

/** Everything a handler, a command or a test may need; built once per boot. */
export function createDeps(base: {
  config: Readonly<Config>;
  db: Database;
  clock: Clock;
  logger: Logger;
  onClose: (fn: () => void | Promise<void>) => void;
  mailer?: Mailer | null;
  stripe?: Stripe | null;
}) {
  const { config, db, clock } = base;
  const mailer: Mailer | null =
    base.mailer !== undefined ? base.mailer : config.smtp && config.mailFrom ? createSmtpMailer({ smtp: config.smtp, from: config.mailFrom }) : null;
  const startedAt = clock.now();
  const flowService = createFlowService({ flowStore: createFlowStore({ db }), clock });
  const workspaceService = createWorkspaceService({
    workspaceStore: createWorkspaceStore({ db }),
    flowService,
    clock,
    graceMs: config.signingSecretGraceMs,
  });
  const keyService = createKeyService({ keyStore: createKeyStore({ db }), clock });
  // Every session write updates the analytics rollups in its own transaction.
  const analyticsStore = createAnalyticsStore({ db });
  const analyticsService = createAnalyticsService({ analyticsStore, clock });
  const resultTokens = createResultTokens({
    workspaceService,
    clock,
    issuer: config.publicUrl,
    ttlSeconds: config.resultTokenTtlSeconds,
  });
  const sessionService = createSessionService({ sessionStore: createSessionStore({ db, rollups: analyticsStore }), flowService, resultTokens, clock });
  const userService = createUserService({ userStore: createUserStore({ db }), clock, memoryCostKiB: config.passwordMemoryKiB });
  const authService = createAuthService({ authStore: createAuthStore({ db }), userService, workspaceService, clock });
  const sessionSearchService = createSessionSearchService({ sessionSearchStore: createSessionSearchStore({ db }), clock });
  const brandingService = createBrandingService({ brandingStore: createBrandingStore({ db }), workspaceService, clock });
  const cancellationService = createCancellationService({ cancellationStore: createCancellationStore({ db, rollups: analyticsStore }), clock });
  const retentbaseService = createRetentbaseService({
    sessionService,
    resultTokens,
    cancelUrl: config.cancelUrl,
    linkedEventFor: cancellationService.linkedEventFor,
  });
  const retainrabbitService = createRetainrabbitService({
    flowService,
    sessionService,
    analyticsService,
    publicUrl: config.publicUrl,
    cancelUrl: config.cancelUrl,
  });
  const ip = config.ipRateLimitsPerMinute;
  const perMinute = (limit: number) => ({ limit, windowSeconds: 60 });
  const rateLimiter = createRateLimiter(
    {
      apiKey: perMinute(config.rateLimitPerMinute),
      failedKey: perMinute(ip.failedKey),
      result: perMinute(ip.result),
      hosted: perMinute(ip.hosted),
      login: perMinute(ip.login),
    },
    clock,
  );
  const clientIp = createClientIp(config.trustProxyHops);
  const reportService = createReportService({
    reportStore: createReportStore({ db }),
    workspaceService,
    figures: createAnalyticsFigures({ analyticsService, workspaceService }),
    mailer,
    clock,
    publicUrl: config.publicUrl,
    logger: base.logger,
  });
  // Built at every boot, started only by the server; closing the app waits for a pass in progress.
  const reportScheduler = createReportScheduler({ reportService, logger: base.logger });
  base.onClose(() => reportScheduler.stop());
  const notificationsService = createNotificationsService({ mailer, reportService, clock, publicUrl: config.publicUrl, logger: base.logger });
  const stripe = base.stripe !== undefined ? base.stripe : createStripeClient(config.stripe);
  const billingService = createBillingService({
    billingStore: createBillingStore({ db }),
    workspaceService,
    stripe,
    stripeConfig: config.stripe,
    clock,
    logger: base.logger,
    publicUrl: config.publicUrl,
    notifications: notificationsService,
    ownerEmails: async (workspaceId) =>
      (await userService.membersOf(workspaceId)).filter((m) => m.role === "owner" && m.active).map((m) => m.email),
  });
  // Mail queued by a webhook is sent after its transaction; let it finish before the database closes.
  base.onClose(() => billingService.idle());
  const healthService = createHealthService({
    healthStore: createHealthStore({ db }),
    clock,
    startedAt,
    expectedMigrations: migrations.length,
    notifications: notificationsService,
    billing: billingService,
  });
  const idempotencyStore = createIdempotencyStore({ db });
  return {
    config,
    db,
    clock,
    logger: base.logger,
    startedAt,
    flowService,
    workspaceService,
    keyService,
    sessionService,
    analyticsService,
    resultTokens,
    userService,
    authService,
    brandingService,
    sessionSearchService,
    healthService,
    /** The Stripe client, or null when billing is off (STRIPE_SECRET_KEY unset). */
    stripe,
    billingService,
    retentbaseService,
    retainrabbitService,
    cancellationService,
    rateLimiter,
    /** Outgoing mail, or null when SMTP_URL is unset: callers skip mail then. */
    mailer,
    reportService,
    reportScheduler,
    /** Mail for other features (invitations, billing warnings); a no-op without SMTP. */
    notificationsService,
    idempotencyStore,
    /** The client IP of a request (socket, or X-Forwarded-For behind trusted proxies). */
    clientIp: clientIp.of,
    rememberSocket: clientIp.remember,
  };
}

export type Deps = ReturnType<typeof createDeps>;

export interface Booted {
  /** The HTTP app, built on first use (a CLI command never needs it). */
  readonly app: App;
  deps: Deps;
  db: Database;
  /** Migration versions this boot applied (empty when the database was current). */
  migrationsApplied: number[];
  /** The fetch handler for Bun.serve: notes the socket's address (for per-IP limits), then runs the app. */
  fetch(request: Request, socket?: SocketInfo | null): Promise<Response>;
  /**
   * Builds the app and reads the embedded assets now, so no request pays for them; with `compress` (the default,
   * what the server does) every gzip form is made too.
   */
  warm(opts?: { compress?: boolean }): Promise<void>;
  /** Runs the registered closers (newest first), then checkpoints and closes the database. */
  close(): Promise<void>;
}

/** Opens the configured database; a folder that cannot be made or written is a configuration error naming it. */
function openDatabaseFor(config: Readonly<Config>): Database {
  try {
    return openDatabase(config.dbPath);
  } catch (error) {
    if (config.dbPath === ":memory:") throw error;
    const code = (error as { code?: string }).code ?? "error";
    throw new ConfigError(
      `Invalid HOLDFAST_DATA_DIR: cannot open ${config.dbPath} (${code}); the folder must exist or be creatable, and be writable by this user`,
    );
  }
}

export async function openApp(options: BootOptions): Promise<Booted> {
  const { config } = options;
  const db = openDatabaseFor(config);
  const closers: (() => void | Promise<void>)[] = [];
  try {
    const migrationsApplied = migrate(db);
    const deps = createDeps({
      config,
      db,
      clock: options.clock ?? systemClock,
      logger: options.logger ?? silentLogger,
      onClose: (fn) => void closers.push(fn),
      mailer: options.mailer,
      stripe: options.stripe,
    });
    let app: App | null = null;
    const appOnce = () => (app ??= createApp(deps));
    let closed = false;
    return {
      get app() {
        return appOnce();
      },
      deps,
      db,
      migrationsApplied,
      fetch(request, socket) {
        deps.rememberSocket(request, socket);
        return appOnce().handle(request);
      },
      async warm(opts = {}) {
        appOnce();
        await loadAssets({ compress: opts.compress ?? true });
      },
      async close() {
        if (closed) return;
        closed = true;
        for (const fn of closers.reverse()) await fn();
        closeDatabase(db);
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}
