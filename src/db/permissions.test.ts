// Secrets on disk: the data folder, the database, its WAL/SHM and every backup are readable by their owner only.
import { afterAll, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase, closeDatabase } from "./open.ts";
import { migrate } from "./migrate.ts";
import { runCli } from "../cli/index.ts";

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "hf-perm-"));
  temps.push(dir);
  return dir;
}
const mode = (file: string) => statSync(file).mode & 0o777;

test("a new data folder is 0700; the database and its -wal and -shm are 0600, even under a permissive umask", () => {
  const previous = process.umask(0o002);
  let dataDir = "";
  try {
    dataDir = path.join(tempDir(), "nested", "data");
    const file = path.join(dataDir, "holdfast.db");
    const db = openDatabase(file);
    migrate(db);
    db.run("create table probe (x)");
    db.run("insert into probe values (1)");
    expect(existsSync(`${file}-wal`)).toBe(true);
    expect(existsSync(`${file}-shm`)).toBe(true);
    expect({ dir: mode(dataDir), db: mode(file), wal: mode(`${file}-wal`), shm: mode(`${file}-shm`) }).toEqual({ dir: 0o700, db: 0o600, wal: 0o600, shm: 0o600 });
    closeDatabase(db);
  } finally {
    process.umask(previous);
  }
});

test("an existing database left world-readable is brought down to 0600 when opened", () => {
  const dir = tempDir();
  const file = path.join(dir, "holdfast.db");
  const first = openDatabase(file);
  first.run("create table probe (x)");
  first.run("insert into probe values (1)");
  chmodSync(file, 0o644);
  chmodSync(`${file}-wal`, 0o644);
  const second = openDatabase(file);
  expect({ db: mode(file), wal: mode(`${file}-wal`) }).toEqual({ db: 0o600, wal: 0o600 });
  second.close();
  first.close();
});

test("holdfast backup writes its copy 0600", async () => {
  const previous = process.umask(0o002);
  try {
    const dataDir = tempDir();
    const db = openDatabase(path.join(dataDir, "holdfast.db"));
    migrate(db);
    closeDatabase(db);
    const target = path.join(tempDir(), "backup.db");
    const io = { out: () => {}, err: (t: string) => void writeFileSync(path.join(dataDir, "err.txt"), t), readStdin: async () => "", env: { HOLDFAST_DATA_DIR: dataDir, LOG_LEVEL: "silent" } };
    expect(await runCli(["backup", target], io)).toBe(0);
    expect(mode(target)).toBe(0o600);
  } finally {
    process.umask(previous);
  }
});
