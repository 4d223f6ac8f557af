import { describe, expect, test } from "bun:test";
import { openDatabase } from "./open.ts";
import { migrate } from "./migrate.ts";
import { migrations } from "./migrations/index.ts";
import { equalityChecks, HOT_TABLES } from "./migrations/equality-checks.ts";
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

describe("0005 ingestion: sessions rebuilt from their current definition", () => {
  test("keeps rows, columns and indexes added before it, and accepts ingestion rows without a flow", () => {
    const db = openDatabase(":memory:");
    const [first, ...rest] = migrations;
    migrate(db, [first]);
    // A column and an index some other migration might have added before 0005.
    db.run("alter table sessions add column extra text");
    db.run("create index sessions_extra on sessions(extra)");
    db.run("insert into workspaces (id, name, plan, created_at, updated_at) values ('w', 'W', 'advanced', 1, 1)");
    db.run("insert into flows (id, workspace_id, name, slug, status, steps, created_at, updated_at) values ('f', 'w', 'F', 'f', 'active', '[]', 1, 1)");
    db.run(`insert into sessions (id, workspace_id, flow_id, source, customer_id, environment, csrf_token, created_at, expires_at, extra)
            values ('s1', 'w', 'f', 'cancel_link', 'u', 'prod', 'c', 1, 2, 'kept')`);
    migrate(db, rest);
    expect(db.query("select id, extra, flow_id from sessions").all()).toEqual([{ id: "s1", extra: "kept", flow_id: "f" }]);
    const indexes = (db.query("select name from sqlite_schema where type = 'index' and tbl_name = 'sessions' and sql is not null order by name").all() as { name: string }[]).map((r) => r.name);
    expect(indexes).toContain("sessions_extra");
    expect(indexes).toContain("sessions_workspace_customer");
    expect(indexes).toContain("sessions_workspace_env_recent");
    expect(indexes).toContain("sessions_event_id");
    db.run(`insert into sessions (id, workspace_id, flow_id, source, customer_id, environment, csrf_token, created_at, expires_at, event_id)
            values ('s2', 'w', null, 'ingestion', 'u', 'prod', 'c', 1, 2, 'evt_1')`);
    expect(() => db.run(`insert into sessions (id, workspace_id, flow_id, source, customer_id, environment, csrf_token, created_at, expires_at)
            values ('s3', 'w', 'f', 'nonsense', 'u', 'prod', 'c', 1, 2)`)).toThrow();
    expect(db.query("pragma integrity_check").get()).toEqual({ integrity_check: "ok" });
    expect(db.query("pragma foreign_keys").get()).toEqual({ foreign_keys: 1 });
  });
});

describe("0012 equality checks: the hot tables' CHECK lists become chains of equalities", () => {
  const LIST_OF_THREE = /check\s*\(\s*\w+\s+in\s*\(\s*'[^']*'\s*,\s*'[^']*'\s*,/i;
  const definition = (db: ReturnType<typeof openDatabase>, name: string) =>
    (db.query("select sql from sqlite_schema where type = 'table' and name = ?").get(name) as { sql: string }).sql;

  test("rewrites lists of three values or more, and nothing else", () => {
    expect(equalityChecks("a text check (a in ('x', 'y', 'z')), b text check (b in ('p', 'q')), c int default 1")).toBe(
      "a text check (a = 'x' or a = 'y' or a = 'z'), b text check (b in ('p', 'q')), c int default 1",
    );
    expect(equalityChecks("create table t (a text)")).toBe("create table t (a text)");
  });

  test("keeps rows and indexes, and the checks still refuse what they refused", () => {
    const db = openDatabase(":memory:");
    migrate(db, migrations.filter((m) => m.version < 12));
    expect(definition(db, "sessions")).toMatch(LIST_OF_THREE);
    db.run("insert into workspaces (id, name, plan, created_at, updated_at) values ('w', 'W', 'advanced', 1, 1)");
    db.run(`insert into sessions (id, workspace_id, flow_id, source, customer_id, environment, csrf_token, created_at, expires_at, event_id)
            values ('s1', 'w', null, 'ingestion', 'u', 'prod', '', 1, 2, 'evt_1')`);
    db.run(`insert into analytics_rollups (workspace_id, environment, grain, facet, day, flow_id, value, outcome, sessions)
            values ('w', 'prod', 'day', 'reason', 1, '', 'other', 'saved', 3)`);
    const indexesBefore = db.query("select name, sql from sqlite_schema where type = 'index' and tbl_name in ('sessions', 'analytics_rollups') order by name").all();

    migrate(db, migrations.filter((m) => m.version <= 12));
    for (const table of HOT_TABLES) expect(definition(db, table)).not.toMatch(LIST_OF_THREE);
    expect(db.query("select id, source, event_id from sessions").all()).toEqual([{ id: "s1", source: "ingestion", event_id: "evt_1" }]);
    expect(db.query("select sessions from analytics_rollups").all()).toEqual([{ sessions: 3 }]);
    expect(db.query("select name, sql from sqlite_schema where type = 'index' and tbl_name in ('sessions', 'analytics_rollups') order by name").all()).toEqual(indexesBefore);

    const session = (column: string, value: string) => () =>
      db.run(`insert into sessions (id, workspace_id, flow_id, source, customer_id, environment, csrf_token, created_at, expires_at, ${column})
              values ('s-${column}-${value}', 'w', null, 'ingestion', 'u', 'prod', '', 1, 2, '${value}')`);
    for (const [column, good] of [["state", "opened"], ["step", "offer"], ["outcome", "saved"]]) {
      expect(session(column, "nonsense")).toThrow(/CHECK constraint failed/);
      expect(session(column, good)).not.toThrow();
    }
    expect(() => db.run(`update sessions set source = 'nonsense' where id = 's1'`)).toThrow(/CHECK constraint failed/);
    const rollup = (facet: string, outcome: string) => () =>
      db.run(`insert into analytics_rollups (workspace_id, environment, grain, facet, day, flow_id, value, outcome)
              values ('w', 'prod', 'month', '${facet}', 2, '', '${facet}-${outcome}', '${outcome}')`);
    expect(rollup("nonsense", "saved")).toThrow(/CHECK constraint failed/);
    expect(rollup("plan", "nonsense")).toThrow(/CHECK constraint failed/);
    expect(rollup("plan", "canceled")).not.toThrow();
    expect(db.query("pragma integrity_check").get()).toEqual({ integrity_check: "ok" });
    expect(db.query("pragma foreign_keys").get()).toEqual({ foreign_keys: 1 });
  });
});

describe("0013 ascending session indexes", () => {
  test("the indexes that follow time are ascending (a new session appends), and keep their rows", () => {
    const db = openDatabase(":memory:");
    migrate(db, migrations.filter((m) => m.version < 13));
    db.run("insert into workspaces (id, name, plan, created_at, updated_at) values ('w', 'W', 'advanced', 1, 1)");
    for (let i = 0; i < 3; i++)
      db.run(`insert into sessions (id, workspace_id, flow_id, source, customer_id, environment, csrf_token, created_at, expires_at, event_id)
              values ('s${i}', 'w', null, 'ingestion', 'u', 'prod', '', ${i}, 9, 'evt_${i}')`);
    migrate(db);
    const sql = (name: string) => (db.query("select sql from sqlite_schema where name = ?").get(name) as { sql: string }).sql;
    expect(sql("sessions_workspace_env_recent")).toEndWith("(workspace_id, environment, created_at, id)");
    expect(sql("sessions_event_list")).toEndWith("(workspace_id, environment, created_at, event_id) where event_id is not null");
    const newest = "select id from sessions where workspace_id = 'w' and environment = 'prod' order by created_at desc, id desc";
    expect(db.query(newest).all()).toEqual([{ id: "s2" }, { id: "s1" }, { id: "s0" }]);
    expect((db.query(`explain query plan ${newest}`).all() as { detail: string }[]).map((r) => r.detail).join(" ")).not.toContain("TEMP B-TREE");
    expect(db.query("pragma integrity_check").get()).toEqual({ integrity_check: "ok" });
  });
});
