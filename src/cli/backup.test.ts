// holdfast backup under load: another process keeps committing while the copy is taken.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Subprocess } from "bun";
import { Database } from "bun:sqlite";
import { runCli } from "./index.ts";
import type { Io } from "./context.ts";

const repoRoot = path.resolve(import.meta.dir, "..", "..");
const bun = path.join(repoRoot, "node_modules", ".bin", "bun");
const ITEMS_PER_BATCH = 5;

const temps: string[] = [];
const children: Subprocess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

// Each transaction writes one batch row and ITEMS_PER_BATCH item rows whose checksum covers the payload, so a
// torn transaction (a batch without all its items) or a torn row (payload not matching its checksum) shows.
const WRITER = `
import { Database } from "bun:sqlite";
const db = new Database(process.argv[2], { strict: true });
db.run("pragma journal_mode = wal");
db.run("pragma synchronous = normal");
db.run("pragma busy_timeout = 5000");
const batch = db.query("insert into probe_batches (items, created_at) values (?, ?) returning seq");
const item = db.query("insert into probe_items (batch_seq, n, payload, checksum) values (?, ?, ?, ?)");
const write = db.transaction((seq0) => {
  const { seq } = batch.get(${ITEMS_PER_BATCH}, Date.now());
  for (let n = 0; n < ${ITEMS_PER_BATCH}; n++) {
    const payload = (seq + ":" + n + ":").padEnd(2048, String.fromCharCode(97 + ((seq + n) % 26)));
    item.run(seq, n, payload, new Bun.CryptoHasher("sha256").update(payload).digest("hex"));
  }
  return seq;
});
let stop = false;
process.on("SIGTERM", () => { stop = true; });
// Never outlive the test: a killed test run cannot send SIGTERM, so stop when the parent is gone or after 2 minutes.
const parent = process.ppid;
const giveUpAt = Date.now() + 120_000;
setInterval(() => { if (process.ppid !== parent || Date.now() > giveUpAt) stop = true; }, 500).unref();
let written = 0;
while (!stop) {
  write();
  written++;
  // Yield now and then so SIGTERM is seen; otherwise write flat out.
  if (written % 50 === 0) await new Promise((r) => setTimeout(r, 0));
}
db.close();
console.log(written);
`;

function capture(env: Record<string, string>): Io & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (t) => void lines.push(t), err: (t) => void errors.push(t), readStdin: async () => "", env };
}

const count = (db: Database, sql: string) => (db.query(sql).get() as { n: number }).n;

test(
  "a backup taken while another process writes passes integrity_check and holds every committed row",
  async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "hf-backup-"));
    temps.push(dir);
    const dataDir = path.join(dir, "data");
    const env = { HOLDFAST_DATA_DIR: dataDir };

    // A real Holdfast database (migrated by the CLI), plus the probe tables the writer fills.
    expect(await runCli(["workspace", "create", "--name", "Backup Co"], capture(env))).toBe(0);
    const dbPath = path.join(dataDir, "holdfast.db");
    const live = new Database(dbPath, { strict: true });
    live.run("pragma busy_timeout = 5000");
    live.run("create table probe_batches (seq integer primary key autoincrement, items integer not null, created_at integer not null)");
    live.run(
      "create table probe_items (batch_seq integer not null references probe_batches(seq), n integer not null, payload text not null, checksum text not null, primary key (batch_seq, n))",
    );

    const script = path.join(dir, "writer.ts");
    writeFileSync(script, WRITER);
    const writer = Bun.spawn([bun, script, dbPath], { stdout: "pipe", stderr: "pipe" });
    children.push(writer);

    const waitFor = async (batches: number) => {
      const deadline = Date.now() + 30_000;
      while (count(live, "select count(*) as n from probe_batches") < batches) {
        if (writer.exitCode !== null) throw new Error(`writer exited ${writer.exitCode}: ${await new Response(writer.stderr).text()}`);
        if (Date.now() > deadline) throw new Error(`writer did not reach ${batches} batches in 30 s`);
        await Bun.sleep(20);
      }
    };

    for (const round of [1, 2, 3]) {
      await waitFor(round * 400);
      // What was committed before the backup started: every one of these rows must be in the copy.
      const before = live.query("select count(*) as n, max(seq) as maxSeq from probe_batches").get() as { n: number; maxSeq: number };
      const target = path.join(dir, `copy-${round}.db`);
      const io = capture(env);
      expect(await runCli(["backup", target], io)).toBe(0);
      expect(io.errors).toEqual([]);
      expect(io.lines).toEqual([`Backed up ${dbPath} to ${target}`]);
      expect(writer.exitCode).toBeNull();

      const copy = new Database(target, { readonly: true, strict: true });
      try {
        expect(copy.query("pragma integrity_check").all()).toEqual([{ integrity_check: "ok" }]);
        expect(copy.query("pragma foreign_key_check").all()).toEqual([]);
        const batches = count(copy, "select count(*) as n from probe_batches");
        expect(batches).toBeGreaterThanOrEqual(before.n);
        // Every batch committed before the backup, by number.
        expect(count(copy, `select count(*) as n from probe_batches where seq <= ${before.maxSeq}`)).toBe(before.n);
        // Whole transactions only: every batch in the copy has all its items, and no item lacks its batch.
        expect(
          copy
            .query("select b.seq, count(i.n) as items from probe_batches b left join probe_items i on i.batch_seq = b.seq group by b.seq having count(i.n) != b.items")
            .all(),
        ).toEqual([]);
        expect(count(copy, "select count(*) as n from probe_items")).toBe(batches * ITEMS_PER_BATCH);
        // Whole rows only: each payload still matches the checksum written with it.
        let checked = 0;
        for (const row of copy.query("select batch_seq, n, payload, checksum from probe_items").iterate() as IterableIterator<{
          batch_seq: number;
          n: number;
          payload: string;
          checksum: string;
        }>) {
          const whole =
            row.payload.length === 2048 &&
            row.payload.startsWith(`${row.batch_seq}:${row.n}:`) &&
            new Bun.CryptoHasher("sha256").update(row.payload).digest("hex") === row.checksum;
          if (!whole) throw new Error(`torn row ${row.batch_seq}/${row.n} in the copy`);
          checked++;
        }
        expect(checked).toBe(batches * ITEMS_PER_BATCH);
        // The application's own data came along too.
        expect(copy.query("select name from workspaces").all()).toEqual([{ name: "Backup Co" }]);
      } finally {
        copy.close();
      }
      // The writer was never shut out: it kept committing past the copy's snapshot.
      await waitFor(before.n + 50);
    }

    const after = count(live, "select count(*) as n from probe_batches");
    writer.kill("SIGTERM");
    expect(await writer.exited).toBe(0);
    const written = Number((await new Response(writer.stdout).text()).trim());
    // Writes went on through all three backups.
    expect(written).toBeGreaterThanOrEqual(after);
    expect(after).toBeGreaterThanOrEqual(1200);
    live.close();
  },
  90_000,
);
