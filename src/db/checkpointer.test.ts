// The import's checkpointer thread on a real database file: it keeps the WAL short while one connection writes
// transaction after transaction with its own checkpoints off, and it hands them back when it stops.
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Database } from "bun:sqlite";
import { openDatabase } from "./open.ts";
import { startCheckpointer } from "./checkpointer.ts";

const dir = mkdtempSync(path.join(tmpdir(), "hf-checkpointer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TRANSACTIONS = 150;
const ROWS = 40;
const walSize = (file: string) => (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0);

/** Writes TRANSACTIONS commits of ROWS 1 KB rows (about 10 pages each), pausing as an import does between batches. */
async function write(db: Database, file: string, afterCommit: () => void): Promise<number> {
  db.run("create table if not exists t (id integer primary key, body blob)");
  const insert = db.query("insert into t (body) values (?)");
  const body = new Uint8Array(1000).fill(7);
  let largest = 0;
  for (let i = 0; i < TRANSACTIONS; i++) {
    db.transaction(() => {
      for (let j = 0; j < ROWS; j++) insert.run(body);
    }).immediate();
    afterCommit();
    largest = Math.max(largest, walSize(file));
    await Bun.sleep(2);
  }
  return largest;
}

test("without checkpoints the WAL holds every commit (the baseline the checkpointer is measured against)", async () => {
  const file = path.join(dir, "baseline.db");
  const db = openDatabase(file);
  db.run("pragma wal_autocheckpoint = 0");
  const largest = await write(db, file, () => {});
  db.close();
  expect(largest).toBeGreaterThan(TRANSACTIONS * ROWS * 1000);
});

test("the thread copies the WAL back and the writer restarts it: it stays short, and every row is there", async () => {
  const file = path.join(dir, "import.db");
  const db = openDatabase(file);
  const checkpointer = startCheckpointer(db, file, { restartFrames: 64, gatherMs: 5 });
  expect(db.query("pragma wal_autocheckpoint").get()).toEqual({ wal_autocheckpoint: 0 });
  const largest = await write(db, file, () => checkpointer.afterCommit());
  await checkpointer.close();
  // SQLite's own checkpoints are back for whatever this connection writes next.
  expect(db.query("pragma wal_autocheckpoint").get()).toEqual({ wal_autocheckpoint: 1000 });
  db.close();
  // A restart at 64 frames (256 KB), plus the commits written while the thread copied: far below the 6 MB written.
  expect(largest).toBeLessThan((TRANSACTIONS * ROWS * 1000) / 4);

  const reader = new Database(file, { readonly: true });
  expect(reader.query("select count(*) as n from t").get()).toEqual({ n: TRANSACTIONS * ROWS });
  expect(reader.query("pragma integrity_check").get()).toEqual({ integrity_check: "ok" });
  reader.close();
});
