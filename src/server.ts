// Starts the HTTP server on the configured port and shuts it down gracefully on SIGTERM/SIGINT.
import { openApp, type Booted } from "./boot.ts";
import { loadConfig, type Config } from "./config.ts";
import { createLogger } from "./http/logger.ts";
import { VERSION } from "./lib/version.ts";
import { announceSetup } from "./modules/auth/auth.routes.ts";

/** The HTTP server for a booted app, with the socket options production uses (tests start it on port 0). */
export function listen(booted: Pick<Booted, "fetch">, port: number, hostname: string) {
  return Bun.serve({
    port,
    hostname,
    // Out of reach on purpose: the app enforces each route group's limit while streaming the body (it never
    // buffers more), and answers 413 as JSON with a request id. Bun's own 413 has neither.
    maxRequestBodySize: Number.MAX_SAFE_INTEGER,
    fetch: (request, socket) => booted.fetch(request, socket),
  });
}

export async function serve(config: Readonly<Config> = loadConfig()): Promise<void> {
  const logger = createLogger(config.logLevel);
  const booted = await openApp({ config, logger });
  const server = listen(booted, config.port, config.host);
  logger.info("holdfast started", {
    version: VERSION,
    url: `http://${config.host}:${server.port}`,
    publicUrl: config.publicUrl,
    db: config.dbPath,
    migrationsApplied: booted.migrationsApplied,
    production: config.production,
  });
  // Only the server sends scheduled reports (CLI commands and tests never start the scheduler), and only with a mailer.
  if (booted.deps.mailer) booted.deps.reportScheduler.start();
  // Owner mail a previous run queued but did not get to send (it stopped in between).
  void booted.deps.billingService.sendPendingMail().catch((error) => logger.warn("pending billing mail not sent", { error: String(error) }));
  // First run: while nobody can sign in, each start logs a fresh one-time setup link.
  await announceSetup(booted.deps);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("shutting down", { signal });
    await server.stop(false); // stop accepting; let in-flight requests finish
    await booted.close();
    logger.info("stopped");
    logger.flush();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}
