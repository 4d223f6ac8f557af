// What every CLI command gets: validated config, the migrated database, the services, and output helpers.
import type { Deps } from "../boot.ts";
import { loadConfig } from "../config.ts";

/**
 * The exit-code rule, one for every command: 0 done; 1 understood but not done (not found, refused, conflict,
 * unhealthy); 2 usage (unknown command or option, a missing or invalid argument or value, a bad environment variable).
 */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** A command-line mistake (exit 2), or with `EXIT.failed` a refusal (exit 1). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
  }
}

/** The closest of `known` to `typed` (edit distance at most 2), for a "did you mean". */
export function closest(typed: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const candidate of known) {
    const d = editDistance(typed.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length];
}

/** "Unknown <what>: <typed> (did you mean <x>?) (see <help>)". */
export function unknown(what: string, typed: string, known: readonly string[], help: string): CliError {
  const guess = closest(typed, known);
  return new CliError(`Unknown ${what}: ${typed}${guess ? ` (did you mean ${guess}?)` : ""} (see ${help})`);
}

export interface Io {
  out(text: string): void;
  err(text: string): void;
  readStdin(): Promise<string>;
  env: Record<string, string | undefined>;
  /** A progress line that rewrites itself; only on a terminal (never in a pipe or a test). Empty text clears it. */
  progress?(text: string): void;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t.endsWith("\n") ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith("\n") ? t : `${t}\n`),
  readStdin: () => Bun.stdin.text(),
  env: process.env,
  progress: (t) => {
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${t}`);
  },
};

export async function withDeps<T>(io: Io, fn: (deps: Deps) => Promise<T>): Promise<T> {
  const config = loadConfig(io.env);
  // Loaded on demand: --help, version and health never pay for the services (or the HTTP app behind them).
  const { openApp } = await import("../boot.ts");
  const booted = await openApp({ config });
  try {
    return await fn(booted.deps);
  } finally {
    await booted.close();
  }
}
