// 0005's code step: SQLite cannot alter a CHECK or NOT NULL constraint, so the sessions table is rebuilt with
// 'ingestion' among its sources and a nullable flow_id (an ingested event ran no flow).
import type { Database } from "bun:sqlite";
import { rebuildTable } from "./rebuild-table.ts";

export function widenSessionsForIngestion(db: Database): void {
  rebuildTable(db, "sessions", (sql) => {
    const widened = sql.replace(/source\s+text\s+not\s+null\s+check\s*\(\s*source\s+in\s*\(([^)]*)\)\s*\)/i, (whole, list: string) =>
      list.includes("'ingestion'") ? whole : whole.replace(list, `${list.trimEnd()}, 'ingestion'`),
    );
    if (widened === sql && !sql.includes("'ingestion'")) throw new Error("sessions.source check not found");
    return widened.replace(/flow_id\s+text\s+not\s+null/i, "flow_id text");
  });
}
