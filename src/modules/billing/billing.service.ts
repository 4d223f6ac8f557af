// Workspace billing through Stripe: verifying and applying webhook events exactly once and in order,
// Checkout and customer-portal sessions, replays of failed events, and the figures deep health reports.
import Stripe from "stripe";
import type { StripeConfig } from "../../config.ts";
import type { Clock } from "../../lib/clock.ts";
import type { Logger } from "../../http/logger.ts";
import { AppError } from "../../lib/app-error.ts";
import type { WorkspaceService } from "../workspaces/workspaces.service.ts";
import type { Access, Plan } from "../workspaces/workspaces.schemas.ts";
import type { NotificationsService } from "../notifications/notifications.service.ts";
import type { BillingStore, StripeEventRow, WorkspaceBilling } from "./billing.store.ts";

export const LOOKUP_KEYS: Record<Plan, string> = { core: "holdfast_core", advanced: "holdfast_advanced" };
const PLAN_BY_LOOKUP_KEY = new Map(Object.entries(LOOKUP_KEYS).map(([plan, key]) => [key, plan as Plan]));

/** SPEC's mapping of a subscription status to workspace access; other statuses leave access as it is. */
export const ACCESS_BY_STATUS: Record<string, Access> = {
  active: "active",
  trialing: "active",
  past_due: "active",
  unpaid: "read_only",
  canceled: "read_only",
  incomplete_expired: "read_only",
};

const HANDLED = new Set([
  "checkout.session.completed",
  "customer.subscription.created",
  "customer.subscription.updated",
  "customer.subscription.deleted",
  "invoice.paid",
  "invoice.payment_failed",
]);

// Two snapshots of one subscription in the same second: created, then updated, then deleted.
const SNAPSHOT_RANK: Record<string, number> = {
  "customer.subscription.created": 1,
  "customer.subscription.updated": 2,
  "customer.subscription.deleted": 3,
};

/** Metadata key naming the workspace on the customer and subscription Holdfast creates through Checkout. */
export const WORKSPACE_METADATA_KEY = "holdfast_workspace_id";

/** What billing needs from the notifications service: whether mail is on, and the payment-failure mail. */
export type BillingNotifications = Pick<NotificationsService, "configured" | "sendBillingWarning">;

export type WebhookOutcome = "applied" | "stale" | "ignored" | "failed" | "duplicate";

/** Why an event could not be applied; kept with the event so an operator can act and replay it. */
class ApplyError extends Error {}

interface Applied {
  status: "applied" | "stale";
  mail: boolean;
}

type StripeObject = Record<string, any>;

const idOf = (value: unknown): string | null =>
  typeof value === "string" ? value : value && typeof value === "object" && typeof (value as { id?: unknown }).id === "string" ? (value as { id: string }).id : null;

/** Removes anything shaped like a Stripe key from a message before it is stored, logged or shown. */
export function redactStripe(message: string): string {
  return message.replace(/\b(sk|rk|pk)_(test|live)_[A-Za-z0-9*]+/g, "[redacted key]").replace(/\bwhsec_[A-Za-z0-9+/=]+/g, "[redacted secret]");
}

function planOf(subscription: StripeObject): { plan: Plan | null; lookupKey: string | null } {
  const items: StripeObject[] = subscription.items?.data ?? [];
  for (const item of items) {
    const key = item?.price?.lookup_key;
    if (typeof key === "string" && PLAN_BY_LOOKUP_KEY.has(key)) return { plan: PLAN_BY_LOOKUP_KEY.get(key)!, lookupKey: key };
  }
  const firstKey = items.find((i) => typeof i?.price?.lookup_key === "string")?.price.lookup_key ?? null;
  return { plan: null, lookupKey: firstKey };
}

/** End of the current period in epoch ms: on the items since API 2025-03, on the subscription before. */
function periodEndMs(subscription: StripeObject): number | null {
  const ends = (subscription.items?.data ?? []).map((i: StripeObject) => i?.current_period_end).filter((n: unknown) => typeof n === "number");
  const end = ends.length ? Math.min(...ends) : typeof subscription.current_period_end === "number" ? subscription.current_period_end : null;
  return end === null ? null : end * 1000;
}

/** The subscription an invoice bills: `parent.subscription_details` since API 2025-03, `subscription` before. */
function invoiceSubscription(invoice: StripeObject): string | null {
  return idOf(invoice.parent?.subscription_details?.subscription) ?? idOf(invoice.subscription);
}

function formatMinor(amount: number, currency: string): string {
  try {
    const format = new Intl.NumberFormat("en", { style: "currency", currency: currency.toUpperCase() });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(amount / 10 ** digits);
  } catch {
    return `${amount} ${currency}`;
  }
}

export interface BillingDeps {
  billingStore: BillingStore;
  workspaceService: WorkspaceService;
  stripe: Stripe | null;
  stripeConfig: StripeConfig | null;
  clock: Clock;
  logger: Logger;
  publicUrl: string;
  /** Mail to owners; without it (or with mail off) a payment failure shows only the dashboard banner. */
  notifications?: BillingNotifications | null;
  /** The e-mail addresses of a workspace's owners (the dashboard's members). */
  ownerEmails?: (workspaceId: string) => Promise<string[]>;
  /** How long a Stripe reachability result is reused, so health polls do not become API traffic. */
  reachabilityCacheMs?: number;
}

export interface BillingOverview {
  enabled: boolean;
  plan: Plan;
  access: Access;
  customerLinked: boolean;
  subscriptionStatus: string | null;
  nextInvoiceAt: number | null;
  paymentFailedAt: number | null;
  failedEvents: { id: string; type: string; error: string | null; receivedAt: number; attempts: number }[];
}

export function createBillingService(deps: BillingDeps) {
  const { billingStore: store, workspaceService, stripe, stripeConfig, clock, logger } = deps;
  const cryptoProvider = Stripe.createSubtleCryptoProvider();
  const reachabilityCacheMs = deps.reachabilityCacheMs ?? 60_000;
  const inFlightMail = new Set<Promise<void>>();
  let reachability: { at: number; result: Promise<string> } | null = null;

  function requireStripe(): Stripe {
    if (!stripe) throw new AppError(409, "Stripe billing is off on this server: set the plan with `holdfast workspace update ID --plan …`");
    return stripe;
  }

  /** Stripe's own errors become a 502 naming the kind of failure, never the key or Stripe's raw message. */
  async function callStripe<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      const e = error as { type?: string; statusCode?: number; message?: string };
      logger.warn("stripe call failed", { what, type: e.type, status: e.statusCode, message: redactStripe(String(e.message ?? "")) });
      throw new AppError(502, `Stripe could not ${what} (${e.type ?? "error"}${e.statusCode ? `, HTTP ${e.statusCode}` : ""}); try again shortly`);
    }
  }

  const emptyBilling = (workspaceId: string): WorkspaceBilling => ({
    workspaceId,
    customerId: null,
    subscriptionId: null,
    subscriptionStatus: null,
    nextInvoiceAt: null,
    paymentFailedAt: null,
    lastPaidAt: null,
    updatedAt: clock.now(),
  });

  /** Links a Stripe customer to a workspace; one customer never pays for two workspaces. */
  function linkCustomer(billing: WorkspaceBilling, customerId: string | null): void {
    if (!customerId || billing.customerId === customerId) return;
    const other = store.billingByCustomer(customerId);
    if (other && other.workspaceId !== billing.workspaceId)
      throw new ApplyError(`Stripe customer ${customerId} is already linked to another workspace`);
    billing.customerId = customerId;
  }

  // ---- Which workspace an event is about (async: it may ask the workspace service) ----

  async function resolveWorkspace(event: Stripe.Event): Promise<string> {
    const object = event.data.object as StripeObject;
    const existing = async (id: unknown, what: string): Promise<string> => {
      if (typeof id !== "string" || !id) throw new ApplyError(`${what} names no workspace`);
      if (!(await workspaceService.get(id))) throw new ApplyError(`${what} names workspace ${id}, which does not exist`);
      return id;
    };
    if (event.type === "checkout.session.completed") return existing(object.client_reference_id, `Checkout session ${object.id} (client_reference_id)`);

    const customerId = idOf(object.customer);
    const subscriptionId = event.type.startsWith("customer.subscription.") ? idOf(object.id) : invoiceSubscription(object);
    const named = object.metadata?.[WORKSPACE_METADATA_KEY] ?? object.subscription_details?.metadata?.[WORKSPACE_METADATA_KEY];
    if (typeof named === "string" && named) return existing(named, `${object.object ?? "object"} ${object.id} (metadata.${WORKSPACE_METADATA_KEY})`);
    const linked = (subscriptionId && store.billingBySubscription(subscriptionId)) || (customerId && store.billingByCustomer(customerId)) || null;
    if (linked) return linked.workspaceId;
    const snapshot = subscriptionId ? store.snapshot(subscriptionId) : null;
    if (snapshot) return snapshot.workspaceId;
    throw new ApplyError(`No workspace is linked to Stripe customer ${customerId ?? "(none)"}; it is linked by Checkout (client_reference_id)`);
  }

  // ---- Applying one event (synchronous: runs inside the transaction that records the event id) ----

  function applyCheckout(object: StripeObject, workspaceId: string): Applied {
    const billing = store.billing(workspaceId) ?? emptyBilling(workspaceId);
    linkCustomer(billing, idOf(object.customer));
    const subscriptionId = idOf(object.subscription);
    if (subscriptionId && billing.subscriptionId !== subscriptionId) {
      billing.subscriptionId = subscriptionId;
      // The subscription's own event may have come first (Stripe does not order them): apply what it said.
      const snapshot = store.snapshot(subscriptionId);
      if (snapshot) {
        billing.subscriptionStatus = snapshot.status;
        billing.nextInvoiceAt = snapshot.nextInvoiceAt;
        const plan = snapshot.lookupKey ? PLAN_BY_LOOKUP_KEY.get(snapshot.lookupKey) : undefined;
        workspaceService.applyBilling(workspaceId, { plan, access: ACCESS_BY_STATUS[snapshot.status] });
      }
    }
    billing.updatedAt = clock.now();
    store.saveBilling(billing);
    return { status: "applied", mail: false };
  }

  function applySubscription(event: Stripe.Event, workspaceId: string): Applied {
    const subscription = event.data.object as StripeObject;
    const rank = SNAPSHOT_RANK[event.type];
    const known = store.snapshot(subscription.id);
    if (known && (known.snapshotAt > event.created || (known.snapshotAt === event.created && known.snapshotRank > rank)))
      return { status: "stale", mail: false };

    const deleted = event.type === "customer.subscription.deleted";
    const status: string = deleted ? "canceled" : String(subscription.status);
    const { plan, lookupKey } = planOf(subscription);
    if (!deleted && !plan)
      throw new ApplyError(
        `Subscription ${subscription.id} has no price with lookup_key ${LOOKUP_KEYS.core} or ${LOOKUP_KEYS.advanced}` +
          (lookupKey ? ` (found ${lookupKey})` : ""),
      );
    const access: Access | undefined = deleted ? "read_only" : ACCESS_BY_STATUS[status];
    const nextInvoiceAt = deleted || access === "read_only" || subscription.cancel_at_period_end ? null : periodEndMs(subscription);
    const customerId = idOf(subscription.customer);
    store.saveSnapshot({
      id: subscription.id,
      workspaceId,
      customerId,
      status,
      lookupKey: lookupKey ?? known?.lookupKey ?? null,
      nextInvoiceAt,
      snapshotAt: event.created,
      snapshotRank: rank,
      updatedAt: clock.now(),
    });

    const billing = store.billing(workspaceId) ?? emptyBilling(workspaceId);
    const current = billing.subscriptionId ? store.snapshot(billing.subscriptionId) : null;
    // Another subscription takes over only when it is live and newer than the one deciding access now.
    const decides =
      !billing.subscriptionId ||
      billing.subscriptionId === subscription.id ||
      (!deleted && access === "active" && (!current || current.snapshotAt <= event.created));
    if (!decides) return { status: "applied", mail: false };
    linkCustomer(billing, customerId);
    billing.subscriptionId = subscription.id;
    billing.subscriptionStatus = status;
    billing.nextInvoiceAt = nextInvoiceAt;
    billing.updatedAt = clock.now();
    store.saveBilling(billing);
    workspaceService.applyBilling(workspaceId, { plan: deleted ? undefined : plan!, access });
    return { status: "applied", mail: false };
  }

  function applyInvoice(event: Stripe.Event, workspaceId: string): Applied {
    const invoice = event.data.object as StripeObject;
    const at = event.created * 1000;
    const billing = store.billing(workspaceId) ?? emptyBilling(workspaceId);
    const subscriptionId = invoiceSubscription(invoice);
    // An invoice of a subscription that no longer decides access changes nothing.
    if (subscriptionId && billing.subscriptionId && subscriptionId !== billing.subscriptionId) return { status: "stale", mail: false };
    linkCustomer(billing, idOf(invoice.customer));
    billing.subscriptionId ??= subscriptionId;
    billing.updatedAt = clock.now();

    if (event.type === "invoice.paid") {
      // A subscription that ended after this invoice was paid stays ended.
      const snapshot = subscriptionId ? store.snapshot(subscriptionId) : null;
      if (snapshot && snapshot.snapshotAt > event.created && ACCESS_BY_STATUS[snapshot.status] === "read_only") return { status: "stale", mail: false };
      billing.lastPaidAt = Math.max(billing.lastPaidAt ?? 0, at);
      if (billing.paymentFailedAt !== null && billing.paymentFailedAt <= at) billing.paymentFailedAt = null;
      store.saveBilling(billing);
      workspaceService.applyBilling(workspaceId, { access: "active" });
      return { status: "applied", mail: false };
    }

    // invoice.payment_failed: the banner, unless a payment has gone through since.
    if (billing.lastPaidAt !== null && billing.lastPaidAt >= at) return { status: "stale", mail: false };
    billing.paymentFailedAt = Math.max(billing.paymentFailedAt ?? 0, at);
    store.saveBilling(billing);
    return { status: "applied", mail: true };
  }

  function apply(event: Stripe.Event, workspaceId: string): Applied {
    if (event.type === "checkout.session.completed") return applyCheckout(event.data.object as StripeObject, workspaceId);
    if (event.type.startsWith("customer.subscription.")) return applySubscription(event, workspaceId);
    return applyInvoice(event, workspaceId);
  }

  // ---- The pipeline: record + apply in one transaction, or keep the failure ----

  async function processEvent(event: Stripe.Event, payload: string): Promise<{ status: WebhookOutcome; error?: string }> {
    const known = store.event(event.id);
    if (known && known.status !== "failed") return { status: "duplicate" };
    const base = (now: number, prior: StripeEventRow | null): StripeEventRow => ({
      id: event.id,
      type: event.type,
      created: event.created,
      status: "applied",
      workspaceId: prior?.workspaceId ?? null,
      payload: null,
      error: null,
      attempts: (prior?.attempts ?? 0) + 1,
      mailStatus: null,
      mailError: null,
      receivedAt: prior?.receivedAt ?? now,
      processedAt: now,
    });

    if (!HANDLED.has(event.type)) {
      return store.transaction(() => {
        if (store.event(event.id)) return { status: "duplicate" as const };
        store.saveEvent({ ...base(clock.now(), null), status: "ignored" });
        return { status: "ignored" as const };
      });
    }

    let workspaceId: string | null = null;
    try {
      workspaceId = await resolveWorkspace(event);
      const resolved = workspaceId;
      const result = store.transaction(() => {
        // Checked again inside the transaction: of concurrent deliveries of one event, exactly one applies it.
        const prior = store.event(event.id);
        if (prior && prior.status !== "failed") return null;
        const applied = apply(event, resolved);
        const mail = applied.mail && !!deps.notifications?.configured;
        store.saveEvent({ ...base(clock.now(), prior), status: applied.status, workspaceId: resolved, payload, mailStatus: mail ? "pending" : null });
        return { ...applied, mail };
      });
      if (!result) return { status: "duplicate" };
      if (result.mail) trackMail(deliverMail(event.id));
      logger.info("stripe event applied", { eventId: event.id, type: event.type, status: result.status, workspaceId: resolved });
      return { status: result.status };
    } catch (error) {
      const message = redactStripe(error instanceof ApplyError || error instanceof AppError ? error.message : `Unexpected error: ${(error as Error).message}`).slice(0, 500);
      if (!(error instanceof ApplyError)) logger.error("stripe event crashed", { eventId: event.id, type: event.type, error: message });
      const recorded = store.transaction(() => {
        const prior = store.event(event.id);
        if (prior && prior.status !== "failed") return false; // a concurrent delivery applied it meanwhile
        store.saveEvent({ ...base(clock.now(), prior), status: "failed", workspaceId: workspaceId ?? prior?.workspaceId ?? null, payload, error: message });
        return true;
      });
      if (!recorded) return { status: "duplicate" };
      logger.warn("stripe event failed", { eventId: event.id, type: event.type, error: message });
      return { status: "failed", error: message };
    }
  }

  // ---- Mail to owners after a payment failure ----

  function trackMail(p: Promise<void>): void {
    inFlightMail.add(p);
    void p.finally(() => inFlightMail.delete(p));
  }

  async function deliverMail(eventId: string): Promise<void> {
    const event = store.event(eventId);
    const notifications = deps.notifications;
    if (!event || !notifications || !event.workspaceId || !event.payload) return;
    try {
      const workspace = await workspaceService.get(event.workspaceId);
      if (!workspace) throw new Error("the workspace no longer exists");
      const owners = (await deps.ownerEmails?.(event.workspaceId)) ?? [];
      const invoice = (JSON.parse(event.payload) as Stripe.Event).data.object as StripeObject;
      const amount = typeof invoice.amount_due === "number" ? formatMinor(invoice.amount_due, String(invoice.currency ?? "usd")) : null;
      await notifications.sendBillingWarning({
        to: owners,
        workspaceName: workspace.name,
        detail: amount ? `Stripe could not collect ${amount}.` : null,
      });
      store.setMail(eventId, "sent", null);
    } catch (error) {
      const message = redactStripe((error as Error).message).slice(0, 300);
      store.setMail(eventId, "failed", message);
      logger.warn("payment-failure mail not sent", { eventId, error: message });
    }
  }

  // ---- Reachability for deep health ----

  async function checkReachability(client: Stripe): Promise<string> {
    try {
      await client.balance.retrieve({}, { timeout: 3000, maxNetworkRetries: 0 });
      return "ok";
    } catch (error) {
      const e = error as { type?: string; statusCode?: number };
      return `error: ${e.type ?? "unreachable"}${e.statusCode ? ` (HTTP ${e.statusCode})` : ""}`;
    }
  }

  return {
    enabled: stripe !== null,

    /** Verifies a webhook delivery and applies it. Throws 400 (nothing applied) when the signature fails. */
    async receiveWebhook(rawBody: string, signature: string | null): Promise<{ status: WebhookOutcome; error?: string }> {
      if (!stripe || !stripeConfig) throw new AppError(404, "Stripe billing is not configured on this server (STRIPE_SECRET_KEY is unset)");
      if (!signature) throw new AppError(400, "Missing Stripe-Signature header");
      let event: Stripe.Event;
      try {
        event = await stripe.webhooks.constructEventAsync(rawBody, signature, stripeConfig.webhookSecret, 300, cryptoProvider, clock.now());
      } catch {
        throw new AppError(400, "Stripe-Signature does not verify (wrong secret, altered body or older than 300 s)");
      }
      return processEvent(event, rawBody);
    },

    /** Applies a stored failed event again (or re-sends its owner mail); the dashboard button and the CLI. */
    async replay(eventId: string, workspaceId?: string): Promise<{ status: WebhookOutcome; error?: string }> {
      const event = store.event(eventId);
      if (!event || (workspaceId !== undefined && event.workspaceId !== workspaceId)) throw new AppError(404, `No Stripe event with id ${eventId}`);
      if (event.status === "failed") {
        if (!event.payload) throw new AppError(409, "This event was stored without its payload and cannot be replayed");
        return processEvent(JSON.parse(event.payload) as Stripe.Event, event.payload);
      }
      if (event.mailStatus === "failed") {
        store.setMail(eventId, "pending", null);
        await deliverMail(eventId);
        const after = store.event(eventId)!;
        return after.mailStatus === "sent" ? { status: "applied" } : { status: "failed", error: after.mailError ?? undefined };
      }
      throw new AppError(409, `Stripe event ${eventId} was ${event.status}, not failed: nothing to replay`);
    },

    /** Sends owner mail still pending (e.g. the server stopped before sending it). */
    async sendPendingMail(): Promise<number> {
      const pending = store.pendingMail();
      for (const event of pending) await deliverMail(event.id);
      return pending.length;
    },

    /** Resolves once the mail started by webhooks so far has been attempted (tests; graceful shutdown). */
    async idle(): Promise<void> {
      await Promise.all([...inFlightMail]);
    },

    /**
     * Origins the billing page's forms lead to (the 303 to Checkout or the portal), for its CSP form-action:
     * Stripe's, plus the API's own origin when STRIPE_API_URL points at stripe-mock or a proxy.
     */
    redirectOrigins(): string[] {
      if (!stripeConfig) return [];
      const origins = ["https://checkout.stripe.com", "https://billing.stripe.com"];
      const { host, port, protocol } = stripeConfig.api;
      if (host !== "api.stripe.com") origins.push(`${protocol}://${host.includes(":") ? `[${host}]` : host}:${port}`);
      return origins;
    },

    /** What the dashboard's banner needs on every page: one primary-key read. */
    bannerState(workspace: { id: string; access: Access }) {
      const billing = store.billing(workspace.id);
      return {
        enabled: stripe !== null,
        access: workspace.access,
        subscriptionStatus: billing?.subscriptionStatus ?? null,
        paymentFailedAt: billing?.paymentFailedAt ?? null,
      };
    },

    async overview(workspaceId: string): Promise<BillingOverview> {
      const workspace = await workspaceService.get(workspaceId);
      if (!workspace) throw new AppError(404, `No workspace with id ${workspaceId}`);
      const billing = store.billing(workspaceId);
      return {
        enabled: stripe !== null,
        plan: workspace.plan,
        access: workspace.access,
        customerLinked: !!billing?.customerId,
        subscriptionStatus: billing?.subscriptionStatus ?? null,
        nextInvoiceAt: billing?.nextInvoiceAt ?? null,
        paymentFailedAt: billing?.paymentFailedAt ?? null,
        failedEvents: store.failedEvents(workspaceId, 20).map((e) => ({ id: e.id, type: e.type, error: e.error, receivedAt: e.receivedAt, attempts: e.attempts })),
      };
    },

    /** A Checkout Session for the plan (the workspace's customer reused, created once); returns its URL. */
    async startCheckout(workspaceId: string, plan: Plan, opts: { email?: string } = {}): Promise<string> {
      const client = requireStripe();
      if (!PLAN_BY_LOOKUP_KEY.has(LOOKUP_KEYS[plan])) throw new AppError(400, "plan must be core or advanced");
      const workspace = await workspaceService.get(workspaceId);
      if (!workspace) throw new AppError(404, `No workspace with id ${workspaceId}`);
      const billing = store.billing(workspaceId) ?? emptyBilling(workspaceId);
      const returnTo = `${deps.publicUrl}/dashboard/billing`;
      // A second Checkout would start a second subscription billed beside the first: a workspace that
      // already pays changes plan in the portal's update flow instead.
      if (billing.customerId && billing.subscriptionId && ACCESS_BY_STATUS[billing.subscriptionStatus ?? ""] === "active") {
        const session = await callStripe("open the plan change", () =>
          client.billingPortal.sessions.create({
            customer: billing.customerId!,
            return_url: returnTo,
            flow_data: { type: "subscription_update", subscription_update: { subscription: billing.subscriptionId! } },
          }),
        );
        return session.url;
      }
      let customerId = billing.customerId;
      if (!customerId) {
        const customer = await callStripe("create the customer", () =>
          client.customers.create(
            { name: workspace.name, email: opts.email, metadata: { [WORKSPACE_METADATA_KEY]: workspaceId } },
            { idempotencyKey: `holdfast-customer-${workspaceId}` },
          ),
        );
        customerId = store.transaction(() => {
          const now = store.billing(workspaceId) ?? emptyBilling(workspaceId);
          if (now.customerId) return now.customerId; // a concurrent click linked one first
          now.customerId = customer.id;
          now.updatedAt = clock.now();
          store.saveBilling(now);
          return customer.id;
        });
      }
      const prices = await callStripe("list prices", () => client.prices.list({ lookup_keys: [LOOKUP_KEYS[plan]], active: true, limit: 1 }));
      const price = prices.data[0];
      if (!price) throw new AppError(503, `No Stripe price has the lookup_key ${LOOKUP_KEYS[plan]}: create it in Stripe first`);
      const session = await callStripe("start Checkout", () =>
        client.checkout.sessions.create({
          mode: "subscription",
          customer: customerId!,
          client_reference_id: workspaceId,
          line_items: [{ price: price.id, quantity: 1 }],
          success_url: `${returnTo}?checkout=done`,
          cancel_url: `${returnTo}?checkout=canceled`,
          subscription_data: { metadata: { [WORKSPACE_METADATA_KEY]: workspaceId } },
          metadata: { [WORKSPACE_METADATA_KEY]: workspaceId },
        }),
      );
      if (!session.url) throw new AppError(502, "Stripe returned a Checkout Session without a URL");
      return session.url;
    },

    /** A customer-portal session returning to the billing page; returns its URL. */
    async openPortal(workspaceId: string): Promise<string> {
      const client = requireStripe();
      const billing = store.billing(workspaceId);
      if (!billing?.customerId) throw new AppError(409, "This workspace has no Stripe customer yet: subscribe first");
      const session = await callStripe("open the customer portal", () =>
        client.billingPortal.sessions.create({ customer: billing.customerId!, return_url: `${deps.publicUrl}/dashboard/billing` }),
      );
      return session.url;
    },

    failedEvents: (limit = 50) => store.failedEvents(null, limit),

    /** Stripe's part of deep health; the API check is cached so polling the health route costs Stripe nothing. */
    async health(): Promise<{
      stripe: { configured: boolean; lastEventAt: string | null; failedEvents: number; api: string };
      webhookPipeline: { pending: number; failed: number; oldestPendingAt: string | null };
      ok: boolean;
    }> {
      const stats = store.stats();
      let api = "not configured";
      if (stripe) {
        const now = clock.now();
        if (!reachability || now - reachability.at >= reachabilityCacheMs) reachability = { at: now, result: checkReachability(stripe) };
        api = await reachability.result;
      }
      const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
      const failed = stats.failedEvents + stats.mailFailed;
      return {
        stripe: { configured: stripe !== null, lastEventAt: iso(stats.lastEventAt), failedEvents: stats.failedEvents, api },
        webhookPipeline: { pending: stats.mailPending, failed, oldestPendingAt: iso(stats.oldestPendingAt) },
        ok: stripe === null ? failed === 0 : api === "ok" && failed === 0,
      };
    },
  };
}

export type BillingService = ReturnType<typeof createBillingService>;
