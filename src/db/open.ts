// Opens the one SQLite file with the pragmas every connection needs.
import { Database } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import path from "node:path";

export function openDatabase(file: string): Database {
  if (file !== ":memory:") mkdirSync(path.dirname(file), { recursive: true });
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
