// SQL for browsing a workspace's sessions: filters plus keyset pagination on (created_at, id), newest first.
// Every query starts from an index on workspace_id (0004): a page reads its rows, never the whole workspace.
import type { Database } from "bun:sqlite";
import { COLUMNS, toSession, type Session, type SessionRow } from "./sessions.store.ts";
import type { Environment, Outcome, SessionSource } from "./sessions.schemas.ts";

export interface SessionFilters {
  environment?: Environment;
  outcome?: Outcome;
  source?: SessionSource;
  flowId?: string;
  /** Created at or after (epoch ms). */
  from?: number;
  /** Created before (epoch ms). */
  before?: number;
  customerId?: string;
}

/** The last row of the previous page. */
export interface Cursor {
  createdAt: number;
  id: string;
}

export function createSessionSearchStore({ db }: { db: Database }) {
  return {
    async page(workspaceId: string, filters: SessionFilters, after: Cursor | null, limit: number): Promise<Session[]> {
      const where = ["workspace_id = ?"];
      const args: (string | number)[] = [workspaceId];
      if (filters.customerId !== undefined) (where.push("customer_id = ?"), args.push(filters.customerId));
      if (filters.environment) (where.push("environment = ?"), args.push(filters.environment));
      if (filters.outcome) (where.push("outcome = ?"), args.push(filters.outcome));
      if (filters.source) (where.push("source = ?"), args.push(filters.source));
      if (filters.flowId) (where.push("flow_id = ?"), args.push(filters.flowId));
      if (filters.from !== undefined) (where.push("created_at >= ?"), args.push(filters.from));
      if (filters.before !== undefined) (where.push("created_at < ?"), args.push(filters.before));
      // A row-value comparison: SQLite seeks the (workspace_id, created_at, id) index to the cursor.
      if (after) (where.push("(created_at, id) < (?, ?)"), args.push(after.createdAt, after.id));
      // The index is chosen explicitly: with a customer, the customer index; otherwise the recent index, so an
      // equality filter on a low-cardinality column (environment) never makes SQLite pick a scan plus sort.
      const index = filters.customerId !== undefined ? "sessions_workspace_customer" : "sessions_workspace_recent";
      // db.query caches each distinct statement text, so the few filter shapes are compiled once.
      const sql = `select ${COLUMNS} from sessions indexed by ${index} where ${where.join(" and ")} order by created_at desc, id desc limit ?`;
      return (db.query(sql).all(...args, limit) as SessionRow[]).map(toSession);
    },
  };
}

export type SessionSearchStore = ReturnType<typeof createSessionSearchStore>;
