// Starts the HTTP server on the configured port and shuts it down gracefully on SIGTERM/SIGINT.
import { loadConfig, type Config } from "./config.ts";
import { openDatabase, closeDatabase } from "./db/open.ts";
import { migrate } from "./db/migrate.ts";
import { createDeps } from "./deps.ts";
import { createApp } from "./app.ts";
import { createLogger } from "./http/logger.ts";
import { systemClock } from "./lib/clock.ts";
import { VERSION } from "./lib/version.ts";

export async function serve(config: Readonly<Config> = loadConfig()): Promise<void> {
  const logger = createLogger(config.logLevel);
  const db = openDatabase(config.dbPath);
  const applied = migrate(db);
  const deps = createDeps({ config, db, clock: systemClock, logger });
  const app = await createApp(deps);
  const server = Bun.serve({
    port: config.port,
    hostname: config.host,
    // A little over the API limit so the app, not the socket, answers 413 with a JSON error.
    maxRequestBodySize: config.apiBodyLimit * 4,
    fetch: (request) => app.handle(request),
  });
  logger.info("holdfast started", { version: VERSION, url: `http://${config.host}:${server.port}`, publicUrl: config.publicUrl, db: config.dbPath, migrationsApplied: applied });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("shutting down", { signal });
    await server.stop(false); // stop accepting; let in-flight requests finish
    closeDatabase(db);
    logger.info("stopped");
    logger.flush();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}
