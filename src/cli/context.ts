// What every CLI command gets: validated config, the migrated database, the services, and output helpers.
import { openApp, type Deps } from "../boot.ts";
import { loadConfig } from "../config.ts";

export class CliError extends Error {}

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
  const booted = await openApp({ config: loadConfig(io.env) });
  try {
    return await fn(booted.deps);
  } finally {
    await booted.close();
  }
}
