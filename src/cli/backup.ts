// holdfast backup FILE: a consistent copy of the live database (VACUUM INTO), safe while the server runs.
import { existsSync } from "node:fs";
import path from "node:path";
import { Database } from "bun:sqlite";
import { loadConfig } from "../config.ts";
import { ensurePrivateFile, openDatabase } from "../db/open.ts";
import { parse } from "./args.ts";
import { CliError, EXIT, type Io } from "./context.ts";

export const BACKUP_HELP = `Usage:
  holdfast backup FILE

Writes a consistent copy of the database in HOLDFAST_DATA_DIR to FILE while the server keeps running.
FILE must not exist yet.`;

export async function backupCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {});
  if (values.help) return io.out(BACKUP_HELP), 0;
  const target = positionals[0];
  if (!target) throw new CliError("backup needs a FILE to write (see holdfast backup --help)");
  const config = loadConfig(io.env);
  if (!existsSync(config.dbPath)) throw new CliError(`No database at ${config.dbPath} (check HOLDFAST_DATA_DIR)`, EXIT.failed);
  const destination = path.resolve(target);
  if (existsSync(destination)) throw new CliError(`${destination} already exists; choose a new file`, EXIT.failed);
  if (!existsSync(path.dirname(destination))) throw new CliError(`Folder ${path.dirname(destination)} does not exist`, EXIT.failed);
  const db = openDatabase(config.dbPath);
  try {
    // The copy holds the signing secrets too: create it empty and owner-only first (VACUUM INTO accepts an
    // empty file), so it is never readable by others, not even while it is being written.
    ensurePrivateFile(destination);
    // VACUUM INTO reads one snapshot of the database, so writers may go on while it copies.
    db.run("vacuum into ?", [destination]);
  } finally {
    db.close();
  }
  const copy = new Database(destination, { readonly: true });
  const check = (copy.query("pragma integrity_check").get() as { integrity_check: string }).integrity_check;
  copy.close();
  if (check !== "ok") throw new CliError(`The copy failed its integrity check: ${check}`);
  io.out(`Backed up ${config.dbPath} to ${destination}`);
  return 0;
}
