// What every CLI command gets: validated config, the migrated database, the services, and output helpers.
import { loadConfig } from "../config.ts";
import { openDatabase, closeDatabase } from "../db/open.ts";
import { migrate } from "../db/migrate.ts";
import { createDeps, type Deps } from "../deps.ts";
import { silentLogger } from "../http/logger.ts";
import { systemClock } from "../lib/clock.ts";

export class CliError extends Error {}

export interface Io {
  out(text: string): void;
  err(text: string): void;
  readStdin(): Promise<string>;
  env: Record<string, string | undefined>;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t.endsWith("\n") ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith("\n") ? t : `${t}\n`),
  readStdin: () => Bun.stdin.text(),
  env: process.env,
};

export async function withDeps<T>(io: Io, fn: (deps: Deps) => Promise<T>): Promise<T> {
  const config = loadConfig(io.env);
  const db = openDatabase(config.dbPath);
  try {
    migrate(db);
    return await fn(createDeps({ config, db, clock: systemClock, logger: silentLogger }));
  } finally {
    closeDatabase(db);
  }
}
