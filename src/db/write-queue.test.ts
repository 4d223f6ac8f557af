import { describe, expect, test } from "bun:test";
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
