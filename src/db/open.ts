// Opens the one SQLite file with the pragmas every connection needs, readable by its owner only.
import { Database } from "bun:sqlite";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import path from "node:path";

/** The database holds signing secrets in plaintext (they must sign): owner-only, whatever the umask. */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Creates `file` empty with mode 0600 if it does not exist, and brings an existing one down to 0600.
 * SQLite gives its -wal and -shm files the mode of the database file, so they follow.
 */
export function ensurePrivateFile(file: string): void {
  closeSync(openSync(file, "a", PRIVATE_FILE_MODE));
  chmodSync(file, PRIVATE_FILE_MODE);
}

export function openDatabase(file: string): Database {
  if (file !== ":memory:") {
    const dir = path.dirname(file);
    // A folder we create is owner-only; an existing one is the operator's to set (it may be a mounted volume).
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    ensurePrivateFile(file);
    for (const sidecar of [`${file}-wal`, `${file}-shm`]) if (existsSync(sidecar)) chmodSync(sidecar, PRIVATE_FILE_MODE);
  }
  const db = new Database(file, { create: true, strict: true });
  db.run("pragma journal_mode = wal");
  db.run("pragma synchronous = normal");
  db.run("pragma foreign_keys = on");
  db.run("pragma busy_timeout = 5000");
  return db;
}

/** Folds the WAL back into the main file and closes; used on shutdown. */
export function closeDatabase(db: Database): void {
  try {
    db.run("pragma wal_checkpoint(truncate)");
  } catch {
    // A checkpoint can fail while a reader holds the WAL; closing still leaves a consistent file.
  }
  db.close();
}
