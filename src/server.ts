// Starts the HTTP server on the configured port and shuts it down gracefully on SIGTERM/SIGINT.
import path from "node:path";
import { openApp, type Booted } from "./boot.ts";
import { ConfigError, loadConfig, type Config } from "./config.ts";
import { createLogger, type Logger } from "./http/logger.ts";
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
  await booted.warm();
  let server: ReturnType<typeof listen>;
  try {
    server = listen(booted, config.port, config.host);
  } catch (error) {
    await booted.close();
    throw listenError(error, config);
  }
  if (process.stdout.isTTY) await printHint(booted, config, `http://${config.host === "0.0.0.0" ? "localhost" : config.host}:${server.port}`, logger);
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

/** Why the server could not listen, naming the variable to change (not a bare EINVAL). */
export function listenError(error: unknown, config: Readonly<Config>): Error {
  const code = (error as { code?: string }).code;
  if (code === "EADDRINUSE") return new ConfigError(`Invalid PORT: ${config.port} is already in use; set PORT to a free port`);
  if (code === "EACCES") return new ConfigError(`Invalid PORT: ${config.port} needs privileges this user lacks; use a port above 1023`);
  if (code === "EINVAL" || code === "EADDRNOTAVAIL" || code === "ENOTFOUND")
    return new ConfigError(`Invalid HOST: ${config.host} is not an address of this machine (${code}); use 0.0.0.0 (all), 127.0.0.1 (this machine only) or one of its addresses`);
  return error as Error;
}

/** A few human lines for someone who just ran `npm start` in a terminal (the JSON log line stays as it is). */
async function printHint(booted: Booted, config: Readonly<Config>, url: string, logger: Logger): Promise<void> {
  const hint = startupHint({ url, dataDir: config.dataDir, hasWorkspace: (await booted.deps.workspaceService.list()).length > 0 });
  logger.flush();
  process.stdout.write(hint);
}

export function startupHint(opts: { url: string; dataDir: string; hasWorkspace: boolean }): string {
  const { url, dataDir } = opts;
  const lines = [
    "",
    `  Holdfast ${VERSION} is listening on ${url}`,
    `  API reference:  ${url}/swagger`,
    `  Health:         ${url}/api/health`,
  ];
  if (!opts.hasWorkspace)
    lines.push(
      "",
      "  No workspace yet. Create the first one (it prints its API keys and signing secret once):",
      `    ${dataDir === path.resolve("data") ? "" : `HOLDFAST_DATA_DIR=${dataDir} `}npx holdfast workspace create --name "My app" \\`,
      "      --default-return-url https://app.example.com/billing/cancelled",
    );
  lines.push("");
  return `${lines.join("\n")}\n`;
}
