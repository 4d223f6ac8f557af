// Applies numbered migrations, each in its own transaction, and records them in schema_migrations.
import type { Database } from "bun:sqlite";
import { migrations as registry, type Migration } from "./migrations/index.ts";

export function migrate(db: Database, migrations: Migration[] = registry, now = Date.now()): number[] {
  db.run(
    "create table if not exists schema_migrations (version integer primary key, name text not null, applied_at integer not null)",
  );
  const applied = new Set(
    (db.query("select version from schema_migrations").all() as { version: number }[]).map((r) => r.version),
  );
  const done: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    // A failing migration rolls back whole: the file stays as it was before it.
    // A table rebuild needs foreign keys off (dropping the old table must not cascade), which only takes effect
    // outside a transaction; integrity is checked before the commit instead.
    const foreignKeys = m.before ? (db.query("pragma foreign_keys").get() as { foreign_keys: number }).foreign_keys : 0;
    if (foreignKeys) db.run("pragma foreign_keys = off");
    try {
      db.transaction(() => {
        m.before?.(db);
        db.run(m.sql);
        if (m.before && db.query("pragma foreign_key_check").all().length > 0)
          throw new Error(`migration ${m.version} (${m.name}) would break a foreign key`);
        db.run("insert into schema_migrations (version, name, applied_at) values (?, ?, ?)", [m.version, m.name, now]);
      })();
    } finally {
      if (foreignKeys) db.run("pragma foreign_keys = on");
    }
    done.push(m.version);
  }
  return done;
}
