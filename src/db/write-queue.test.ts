import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase } from "./open.ts";
import { createWriteQueue } from "./write-queue.ts";

describe("createWriteQueue", () => {
  test("writes queued in one tick share one commit and are all visible once awaited", async () => {
    const db = openDatabase(":memory:");
    db.run("create table t (x integer primary key)");
    let transactions = 0;
    const original = db.transaction.bind(db);
    db.transaction = ((fn: () => void) => (transactions++, original(fn))) as typeof db.transaction;
    const queue = createWriteQueue(db);
    const insert = db.query("insert into t values (?)");
    await Promise.all(Array.from({ length: 50 }, (_, i) => queue.enqueue(() => void insert.run(i))));
    expect(db.query("select count(*) as n from t").get()).toEqual({ n: 50 });
    expect(transactions).toBe(1);
  });

  test("one failing write rejects only its own caller", async () => {
    const db = openDatabase(":memory:");
    db.run("create table t (x integer primary key)");
    const queue = createWriteQueue(db);
    const insert = db.query("insert into t values (?)");
    const results = await Promise.allSettled([1, 2, 2, 3].map((x) => queue.enqueue(() => void insert.run(x))));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect(db.query("select x from t order by x").all()).toEqual([{ x: 1 }, { x: 2 }, { x: 3 }]);
  });
});

describe("createWriteQueue batch wrappers", () => {
  test("a wrapper sees each transaction's writes and writes in the same transaction; a failed batch keeps nothing of it", async () => {
    const db = openDatabase(":memory:");
    db.run("create table t (x integer primary key)");
    db.run("create table tally (n integer not null)");
    const queue = createWriteQueue(db);
    const insert = db.query("insert into t values (?)");
    // Counts the writes of each transaction in memory, then records the count once, before the commit.
    let counting: number[] | null = null;
    queue.wrapBatches((writes) => {
      counting = [];
      try {
        const result = writes();
        db.run("insert into tally values (?)", [counting.length]);
        return result;
      } finally {
        counting = null;
      }
    });
    const write = (x: number) => queue.enqueue(() => (insert.run(x), counting!.push(x)));
    await Promise.all([1, 2, 3].map(write));
    expect(db.query("select n from tally").all()).toEqual([{ n: 3 }]);
    // 5 twice: the batch rolls back whole (its tally too), then each write runs alone in its own wrapped transaction.
    const results = await Promise.allSettled([4, 5, 5].map(write));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected"]);
    expect(db.query("select n from tally").all()).toEqual([{ n: 3 }, { n: 1 }, { n: 1 }]);
  });
});

describe("createWriteQueue under another connection's write lock", () => {
  const files: string[] = [];
  afterAll(() => {
    for (const dir of files) rmSync(dir, { recursive: true, force: true });
  });
  function twoConnections() {
    const dir = mkdtempSync(path.join(tmpdir(), "hf-queue-"));
    files.push(dir);
    const file = path.join(dir, "q.db");
    const ours = openDatabase(file);
    ours.run("create table t (x integer primary key)");
    const theirs = openDatabase(file);
    return { ours, theirs };
  }

  test("waits on a timer, not in SQLite's busy handler: the event loop keeps turning, and the write lands after", async () => {
    const { ours, theirs } = twoConnections();
    const queue = createWriteQueue(ours);
    theirs.run("begin immediate");
    theirs.run("insert into t values (1)");
    let landed = false;
    const write = queue.enqueue(() => ours.query("insert into t values (2)").run().changes).then((changes) => {
      landed = true;
      return changes;
    });
    // Ticks of 10 ms for 300 ms: SQLite's busy handler would freeze them all (busy_timeout is 5 s).
    const ticks: number[] = [];
    const start = performance.now();
    while (performance.now() - start < 300) {
      await Bun.sleep(10);
      ticks.push(performance.now());
    }
    // Generous (a loaded box deschedules us now and then); SQLite's busy handler would freeze it for 5 s.
    const longestGap = Math.max(...ticks.map((t, i) => t - (i ? ticks[i - 1] : start)));
    expect(longestGap).toBeLessThan(1000);
    expect(landed).toBe(false);
    theirs.run("commit");
    expect(await write).toBe(1);
    expect(ours.query("select x from t order by x").all()).toEqual([{ x: 1 }, { x: 2 }]);
    // The connection's own timeout is back for anyone writing outside the queue.
    expect(ours.query("pragma busy_timeout").get()).toEqual({ timeout: 5000 });
    theirs.close();
    ours.close();
  });

  test("gives up with 503 after maxWaitMs, and the next write goes through once the lock is gone", async () => {
    const { ours, theirs } = twoConnections();
    const queue = createWriteQueue(ours, { maxWaitMs: 100 });
    theirs.run("begin immediate");
    const refused = await queue.enqueue(() => ours.query("insert into t values (2)").run()).catch((e) => e);
    expect(refused).toMatchObject({ status: 503 });
    theirs.run("rollback");
    await queue.enqueue(() => ours.query("insert into t values (3)").run());
    expect(ours.query("select x from t").all()).toEqual([{ x: 3 }]);
    theirs.close();
    ours.close();
  });
});
