import { describe, expect, test } from "bun:test";
import { openDatabase } from "./open.ts";
import { migrate } from "./migrate.ts";
import { migrations } from "./migrations/index.ts";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

describe("migrate", () => {
  test("applies every migration once and records it", () => {
    const db = openDatabase(":memory:");
    expect(migrate(db)).toEqual(migrations.map((m) => m.version));
    expect(migrate(db)).toEqual([]);
    const rows = db.query("select version, name from schema_migrations order by version").all();
    expect(rows).toEqual(migrations.map((m) => ({ version: m.version, name: m.name })));
  });

  test("a failing migration leaves the file as it was", () => {
    const db = openDatabase(":memory:");
    migrate(db);
    const tables = () => db.query("select name from sqlite_master where type = 'table' order by name").all();
    const before = tables();
    expect(() => migrate(db, [...migrations, { version: 999, name: "broken", sql: "create table half_done (x int); insert into no_such_table values (1);" }])).toThrow();
    expect(tables()).toEqual(before);
    expect(db.query("select count(*) as n from schema_migrations where version = 999").get()).toEqual({ n: 0 });
  });

  test("opens a file with WAL, foreign keys and a busy timeout", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "hf-db-")), "nested", "holdfast.db");
    const db = openDatabase(file);
    expect(db.query("pragma journal_mode").get()).toEqual({ journal_mode: "wal" });
    expect(db.query("pragma foreign_keys").get()).toEqual({ foreign_keys: 1 });
    expect(db.query("pragma busy_timeout").get()).toEqual({ timeout: 5000 });
    expect(db.query("pragma synchronous").get()).toEqual({ synchronous: 1 });
  });
});
