// The registry of migrations, in order. Each file is embedded in the binary as text.
import type { Database } from "bun:sqlite";
import init from "./0001-init.sql" with { type: "text" };
import makeRoom from "./0002-make-room.sql" with { type: "text" };
import dashboard from "./0004-dashboard.sql" with { type: "text" };
import ingestion from "./0005-ingestion.sql" with { type: "text" };
import { widenSessionsForIngestion } from "./widen-sessions.ts";
import analytics from "./0006-analytics.sql" with { type: "text" };
import reports from "./0007-reports.sql" with { type: "text" };
import stripe from "./0008-stripe.sql" with { type: "text" };
import flowVersions from "./0009-flow-versions.sql" with { type: "text" };
import leanSessionIndexes from "./0010-lean-session-indexes.sql" with { type: "text" };
import flowPublisher from "./0011-flow-publisher.sql" with { type: "text" };
import equalityChecksSql from "./0012-equality-checks.sql" with { type: "text" };
import { rewriteHotChecks } from "./equality-checks.ts";
import ascendingSessionIndexes from "./0013-ascending-session-indexes.sql" with { type: "text" };

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /**
   * A step SQL alone cannot express (rebuilding a table from its current definition). It runs before `sql`, in
   * the same transaction, with foreign keys off (checked before commit), as SQLite's table-rebuild procedure asks.
   */
  before?: (db: Database) => void;
}

export const migrations: Migration[] = [
  { version: 1, name: "init", sql: init },
  { version: 2, name: "make-room", sql: makeRoom },
  { version: 4, name: "dashboard", sql: dashboard },
  { version: 5, name: "ingestion", sql: ingestion, before: widenSessionsForIngestion },
  { version: 6, name: "analytics", sql: analytics },
  { version: 7, name: "reports", sql: reports },
  { version: 8, name: "stripe", sql: stripe },
  { version: 9, name: "flow-versions", sql: flowVersions },
  { version: 10, name: "lean-session-indexes", sql: leanSessionIndexes },
  { version: 11, name: "flow-publisher", sql: flowPublisher },
  { version: 12, name: "equality-checks", sql: equalityChecksSql, before: rewriteHotChecks },
  { version: 13, name: "ascending-session-indexes", sql: ascendingSessionIndexes },
];
