// SQL for browsing a workspace's sessions: filters plus keyset pagination on (created_at, id), newest first.
// Every query starts from an index on workspace_id (0010): a page reads its rows, never the whole workspace.
import type { Database } from "bun:sqlite";
import { COLUMNS, toSession, type Session, type SessionRow } from "./sessions.store.ts";
import { ENVIRONMENTS, type Environment, type Outcome, type SessionSource } from "./sessions.schemas.ts";

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

/** Newest first, ties by id (descending): the order of every page and of the indexes that serve it. */
const newestFirst = (a: SessionRow, b: SessionRow) => b.created_at - a.created_at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

export function createSessionSearchStore({ db }: { db: Database }) {
  /** One index range, read in index order: a customer's sessions, or one environment's. */
  function range(workspaceId: string, filters: SessionFilters, environment: Environment | undefined, after: Cursor | null, limit: number): SessionRow[] {
    const where = ["workspace_id = ?"];
    const args: (string | number)[] = [workspaceId];
    if (filters.customerId !== undefined) (where.push("customer_id = ?"), args.push(filters.customerId));
    if (environment) (where.push("environment = ?"), args.push(environment));
    if (filters.outcome) (where.push("outcome = ?"), args.push(filters.outcome));
    if (filters.source) (where.push("source = ?"), args.push(filters.source));
    if (filters.flowId) (where.push("flow_id = ?"), args.push(filters.flowId));
    if (filters.from !== undefined) (where.push("created_at >= ?"), args.push(filters.from));
    // The cursor and `before` are both upper bounds: only the tighter one is given to SQLite, which seeks the index
    // to it (with both, it seeks to `before` and filters its way down to the cursor, a cost that grows page by page).
    if (after && (filters.before === undefined || after.createdAt < filters.before)) {
      // A row-value comparison: SQLite seeks the index to the cursor.
      where.push("(created_at, id) < (?, ?)");
      args.push(after.createdAt, after.id);
    } else if (filters.before !== undefined) (where.push("created_at < ?"), args.push(filters.before));
    // The index is chosen explicitly, so an equality filter on a low-cardinality column (outcome, source) never
    // makes SQLite pick a scan plus a sort.
    const index = filters.customerId !== undefined ? "sessions_workspace_customer" : "sessions_workspace_env_recent";
    // db.query caches each distinct statement text, so the few filter shapes are compiled once.
    const sql = `select ${COLUMNS} from sessions indexed by ${index} where ${where.join(" and ")} order by created_at desc, id desc limit ?`;
    return db.query(sql).all(...args, limit) as SessionRow[];
  }

  return {
    async page(workspaceId: string, filters: SessionFilters, after: Cursor | null, limit: number): Promise<Session[]> {
      if (filters.customerId !== undefined || filters.environment) return range(workspaceId, filters, filters.environment, after, limit).map(toSession);
      // Both environments: the index leads with the environment, so each is read in order on its own (at most
      // `limit` rows each) and the two runs are merged, as the single index over both used to return them.
      const rows = ENVIRONMENTS.flatMap((environment) => range(workspaceId, filters, environment, after, limit));
      return rows.sort(newestFirst).slice(0, limit).map(toSession);
    },
  };
}

export type SessionSearchStore = ReturnType<typeof createSessionSearchStore>;
