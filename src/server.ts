// Starts the HTTP server on the configured port and shuts it down gracefully on SIGTERM/SIGINT.
import { openApp } from "./boot.ts";
import { loadConfig, type Config } from "./config.ts";
import { createLogger } from "./http/logger.ts";
import { VERSION } from "./lib/version.ts";

export async function serve(config: Readonly<Config> = loadConfig()): Promise<void> {
  const logger = createLogger(config.logLevel);
  const booted = await openApp({ config, logger });
  const server = Bun.serve({
    port: config.port,
    hostname: config.host,
    // A little over the API limit so the app, not the socket, answers 413 with a JSON error.
    maxRequestBodySize: config.apiBodyLimit * 4,
    fetch: (request, socket) => booted.fetch(request, socket),
  });
  logger.info("holdfast started", {
    version: VERSION,
    url: `http://${config.host}:${server.port}`,
    publicUrl: config.publicUrl,
    db: config.dbPath,
    migrationsApplied: booted.migrationsApplied,
  });
  // Only the server sends scheduled reports (CLI commands and tests never start the scheduler), and only with a mailer.
  if (booted.deps.mailer) booted.deps.reportScheduler.start();

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
