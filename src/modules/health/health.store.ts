// SQL for health checks: a cheap liveness query and the deep checks.
import type { Database } from "bun:sqlite";

export type HealthStore = ReturnType<typeof createHealthStore>;

export function createHealthStore({ db }: { db: Database }) {
  const ping = db.query("select 1 as ok");
  const quickCheck = db.query("pragma quick_check");
  const applied = db.query("select count(*) as n from schema_migrations");
  return {
    async ping(): Promise<void> {
      ping.get();
    },
    /** "ok" when SQLite's quick_check passes; the number of applied migrations. */
    async deepCheck(): Promise<{ database: "ok" | "failing"; appliedMigrations: number }> {
      try {
        const row = quickCheck.get() as { quick_check: string };
        const { n } = applied.get() as { n: number };
        return { database: row.quick_check === "ok" ? "ok" : "failing", appliedMigrations: n };
      } catch {
        return { database: "failing", appliedMigrations: 0 };
      }
    },
  };
}
