// SQLite cannot alter a table's constraints in place: a migration that must (widen a CHECK, drop a NOT NULL)
// rebuilds the table with SQLite's documented procedure, from the table's current definition, so the columns,
// indexes and triggers earlier migrations added are kept whatever they are. Runs inside the migration's
// transaction with foreign keys off (see migrate.ts), which checks them before the commit.
import type { Database } from "bun:sqlite";

/** Rebuilds `name` with the definition `change` makes of its current one; nothing when it changes nothing. */
export function rebuildTable(db: Database, name: string, change: (sql: string) => string): void {
  const table = db.query("select sql from sqlite_schema where type = 'table' and name = ?").get(name) as { sql: string } | null;
  if (!table) throw new Error(`${name} table is missing`);
  const sql = change(table.sql);
  if (sql === table.sql) return;
  const dependents = db
    .query("select sql from sqlite_schema where tbl_name = ? and type in ('index', 'trigger') and sql is not null")
    .all(name) as { sql: string }[];
  const copy = `${name}_rebuilt`;
  const create = new RegExp(`^create\\s+table\\s+("?)${name}\\1`, "i");
  if (!create.test(sql)) throw new Error(`${name}: unexpected definition`);
  db.run(sql.replace(create, `create table ${copy}`));
  db.run(`insert into ${copy} select * from ${name}`);
  db.run(`drop table ${name}`);
  db.run(`alter table ${copy} rename to ${name}`);
  for (const d of dependents) db.run(d.sql);
}
