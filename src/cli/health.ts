// holdfast health: asks the running server for /api/health (used by the Docker HEALTHCHECK).
import { loadConfig } from "../config.ts";
import { parse } from "./args.ts";
import type { Io } from "./context.ts";

export const HEALTH_HELP = `Usage:
  holdfast health

Asks http://127.0.0.1:PORT/api/health (PORT from the environment, 3000 by default). Exits 0 when the
server answers with status ok, 1 otherwise, naming the URL it tried.`;

export async function healthCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, {});
  if (values.help) return io.out(HEALTH_HELP), 0;
  const config = loadConfig(io.env);
  const url = `http://127.0.0.1:${config.port}/api/health`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
    const body = (await res.json().catch(() => ({}))) as { status?: string };
    if (res.ok && body.status === "ok") {
      io.out("ok");
      return 0;
    }
    io.err(`unhealthy: ${url} answered HTTP ${res.status}`);
  } catch (error) {
    const reason = ["ECONNREFUSED", "ConnectionRefused"].includes((error as { code?: string }).code ?? "") ? "connection refused (is the server running on this PORT?)" : (error as Error).message;
    io.err(`unhealthy: ${url}: ${reason}`);
  }
  return 1;
}
