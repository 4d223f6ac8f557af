// The command line: one entry for the server and the admin commands.
import { ConfigError } from "../config.ts";
import { AppError } from "../lib/app-error.ts";
import { VERSION } from "../lib/version.ts";
import { CliError, EXIT, processIo, unknown, type Io } from "./context.ts";
import { workspaceCommand } from "./workspace.ts";
import { keyCommand } from "./key.ts";
import { userCommand } from "./user.ts";
import { exportCommand } from "./export.ts";
import { backupCommand } from "./backup.ts";
import { healthCommand } from "./health.ts";
import { reportCommand } from "./report.ts";
import { analyticsCommand } from "./analytics.ts";
import { stripeCommand } from "./stripe.ts";
import { flowCommand } from "./flow.ts";
import { cancellationsCommand } from "./cancellations.ts";

export const HELP = `holdfast ${VERSION}: a self-hosted cancellation platform

Usage:
  holdfast [serve]                 start the server (PORT, HOST, HOLDFAST_DATA_DIR, …)
  holdfast workspace …             create, update, list workspaces; rotate a signing secret
  holdfast key …                   create, list, revoke API keys
  holdfast user create …           create a dashboard login (and link it to a workspace)
  holdfast export sessions …       write a workspace's sessions as CSV or JSON Lines
  holdfast report …                send or preview a weekly report email; report settings
  holdfast analytics rebuild       recount the analytics rollups from the sessions
  holdfast flow …                  export, import, publish, roll back flows (flows as code)
  holdfast backup FILE             copy the database consistently while the server runs
  holdfast cancellations import …  import cancellation events from a JSONL or CSV file
  holdfast health                  check the running server (for container health checks)
  holdfast stripe failed|replay …  Stripe webhook events that failed; apply one again
  holdfast --version

Every command takes --help. The data directory comes from HOLDFAST_DATA_DIR (./data by default).

Exit codes: 0 done; 1 not done (not found, refused, conflict, unhealthy); 2 usage (unknown command or
option, a missing or invalid argument, a bad environment variable).`;

const COMMANDS = ["serve", "workspace", "key", "user", "report", "analytics", "stripe", "backup", "health", "help", "version", "--help", "--version"];

const SERVE_HELP = `Usage:
  holdfast serve

Starts the server. Configuration comes from the environment:
  PORT (3000), HOST (0.0.0.0), HOLDFAST_DATA_DIR (./data), HOLDFAST_PUBLIC_URL (http://localhost:PORT),
  HOLDFAST_CANCEL_URL (the public URL), HOLDFAST_RATE_LIMIT (600 a minute per key), LOG_LEVEL (info),
  SMTP_URL (smtp://user:pass@host:port or smtps://…; unset: no mail) and HOLDFAST_MAIL_FROM (the sender),
  STRIPE_SECRET_KEY + STRIPE_WEBHOOK_SECRET (billing through Stripe; off when unset), STRIPE_API_URL.
With SMTP_URL set, the server also sends the weekly report emails (Monday 08:00 UTC).`;

/** Runs a command; returns its exit code, or null when the server was started and keeps running. */
export async function runCli(argv: string[], io: Io = processIo): Promise<number | null> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case "serve": {
        if (rest.includes("--help") || rest.includes("-h")) return io.out(SERVE_HELP), 0;
        // Configuration is the environment's, one way for the server, the CLI and containers alike.
        const flag = rest.find((a) => /^--(port|host|data-dir|public-url|cancel-url|rate-limit|log-level)(=|$)/.test(a));
        if (flag) {
          const name = flag.replace(/^--/, "").replace(/=.*$/, "");
          const variable = name === "port" || name === "host" ? name.toUpperCase() : name === "log-level" ? "LOG_LEVEL" : `HOLDFAST_${name.toUpperCase().replace(/-/g, "_")}`;
          throw new CliError(`serve takes no --${name}: set the environment variable ${variable} instead, e.g. ${variable}=… holdfast serve`);
        }
        if (rest.length) throw new CliError(`Unexpected argument: ${rest[0]}`);
        const { serve } = await import("../server.ts");
        const { loadConfig } = await import("../config.ts");
        await serve(loadConfig(io.env));
        return null;
      }
      case "--help":
      case "-h":
      case "help":
        io.out(HELP);
        return 0;
      case "--version":
      case "version":
        io.out(VERSION);
        return 0;
      case "workspace":
        return await workspaceCommand(rest, io);
      case "key":
        return await keyCommand(rest, io);
      case "user":
        return await userCommand(rest, io);
      case "export":
        return await exportCommand(rest, io);
      case "report":
        return await reportCommand(rest, io);
      case "analytics":
        return await analyticsCommand(rest, io);
      case "flow":
        return await flowCommand(rest, io);
      case "backup":
        return await backupCommand(rest, io);
      case "health":
        return await healthCommand(rest, io);
      case "stripe":
        return await stripeCommand(rest, io);
      case "cancellations":
        return await cancellationsCommand(rest, io);
      default:
        throw unknown("command", command, COMMANDS, "holdfast --help");
    }
  } catch (error) {
    io.err(`holdfast: ${(error as Error).message}`);
    return exitCodeFor(error);
  }
}

/** The one exit-code rule (see HELP): usage mistakes 2; everything understood but not done 1. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof ConfigError) return EXIT.usage;
  // An invalid value is a usage mistake; not found, conflict and refusal are not done.
  if (error instanceof AppError) return error.status === 400 ? EXIT.usage : EXIT.failed;
  return EXIT.failed;
}
