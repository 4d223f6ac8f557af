// holdfast health: asks the running server for /api/health (used by the Docker HEALTHCHECK).
import { loadConfig } from "../config.ts";
import { parse } from "./args.ts";
import type { Io } from "./context.ts";

export const HEALTH_HELP = `Usage:
  holdfast health

Exits 0 when the server on PORT answers GET /api/health with status ok, 1 otherwise.`;

export async function healthCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, {});
  if (values.help) return io.out(HEALTH_HELP), 0;
  const config = loadConfig(io.env);
  try {
    const res = await fetch(`http://127.0.0.1:${config.port}/api/health`, { signal: AbortSignal.timeout(3000) });
    const body = (await res.json()) as { status?: string };
    if (res.ok && body.status === "ok") {
      io.out("ok");
      return 0;
    }
    io.err(`unhealthy: HTTP ${res.status}`);
  } catch (error) {
    io.err(`unhealthy: ${(error as Error).message}`);
  }
  return 1;
}
