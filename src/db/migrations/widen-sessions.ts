// 0005's code step: SQLite cannot alter a CHECK or NOT NULL constraint, so the sessions table is rebuilt with
// 'ingestion' among its sources and a nullable flow_id (an ingested event ran no flow).
// It rebuilds from the table's current definition (SQLite's documented 12-step procedure), so columns, indexes
// and triggers that earlier migrations added are kept whatever they are.
import type { Database } from "bun:sqlite";

export function widenSessionsForIngestion(db: Database): void {
  const table = db.query("select sql from sqlite_schema where type = 'table' and name = 'sessions'").get() as { sql: string } | null;
  if (!table) throw new Error("sessions table is missing");
  let sql = table.sql;
  const widened = sql.replace(/source\s+text\s+not\s+null\s+check\s*\(\s*source\s+in\s*\(([^)]*)\)\s*\)/i, (whole, list: string) =>
    list.includes("'ingestion'") ? whole : whole.replace(list, `${list.trimEnd()}, 'ingestion'`),
  );
  if (widened === sql && !sql.includes("'ingestion'")) throw new Error("sessions.source check not found");
  sql = widened.replace(/flow_id\s+text\s+not\s+null/i, "flow_id text");
  const dependents = db
    .query("select sql from sqlite_schema where tbl_name = 'sessions' and type in ('index', 'trigger') and sql is not null")
    .all() as { sql: string }[];
  db.run(sql.replace(/^create\s+table\s+("?)sessions\1/i, "create table sessions_widened"));
  db.run("insert into sessions_widened select * from sessions");
  db.run("drop table sessions");
  db.run("alter table sessions_widened rename to sessions");
  for (const d of dependents) db.run(d.sql);
}
