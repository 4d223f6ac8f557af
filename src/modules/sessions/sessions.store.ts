// SQL for cancellation sessions: one table, whichever API or page started them.
import type { Database } from "bun:sqlite";
import { writeQueueFor } from "../../db/write-queue.ts";
import type { OfferConfig } from "../flows/flows.schemas.ts";
import type { Environment, FinalOutcome, Metadata, Outcome, SessionContext, SessionSource, SessionState, SessionStep } from "./sessions.schemas.ts";
import { sessionFacts, type AnalyticsStore } from "../analytics/analytics.store.ts";
import { currentStateSql } from "./session-state.ts";

export interface Session {
  id: string;
  workspaceId: string;
  /** Null for an ingested event: it ran no flow. */
  flowId: string | null;
  /** The flow version the session runs (its copy never changes after a later publish). */
  flowVersion: number | null;
  source: SessionSource;
  customerId: string;
  subscriptionId: string | null;
  environment: Environment;
  context: SessionContext;
  metadata: Metadata;
  returnUrl: string | null;
  csrfToken: string;
  state: SessionState;
  step: SessionStep;
  outcome: Outcome;
  reason: string | null;
  feedback: string | null;
  offer: OfferConfig | null;
  recoveredMrrCents: number;
  createdAt: number;
  openedAt: number | null;
  completedAt: number | null;
  expiresAt: number;
  /** The result token the completed session first redirected with; every later redirect reuses it. */
  resultToken: string | null;
}

export interface SessionRow {
  id: string;
  workspace_id: string;
  flow_id: string | null;
  flow_version: number | null;
  source: SessionSource;
  customer_id: string;
  subscription_id: string | null;
  environment: Environment;
  context: string;
  metadata: string;
  return_url: string | null;
  csrf_token: string;
  state: SessionState;
  step: SessionStep;
  outcome: Outcome;
  reason: string | null;
  feedback: string | null;
  offer: string | null;
  recovered_mrr_cents: number;
  created_at: number;
  opened_at: number | null;
  completed_at: number | null;
  expires_at: number;
  result_token: string | null;
}

export const toSession = (r: SessionRow): Session => ({
  id: r.id,
  workspaceId: r.workspace_id,
  flowId: r.flow_id,
  flowVersion: r.flow_version,
  source: r.source,
  customerId: r.customer_id,
  subscriptionId: r.subscription_id,
  environment: r.environment,
  context: JSON.parse(r.context),
  metadata: JSON.parse(r.metadata),
  returnUrl: r.return_url,
  csrfToken: r.csrf_token,
  state: r.state,
  step: r.step,
  outcome: r.outcome,
  reason: r.reason,
  feedback: r.feedback,
  offer: r.offer ? JSON.parse(r.offer) : null,
  recoveredMrrCents: r.recovered_mrr_cents,
  createdAt: r.created_at,
  openedAt: r.opened_at,
  completedAt: r.completed_at,
  expiresAt: r.expires_at,
  resultToken: r.result_token,
});

export interface Completion {
  outcome: FinalOutcome;
  offer: OfferConfig | null;
  recoveredMrrCents: number;
  completedAt: number;
}

// The raw columns, for a reader that applies the state rule in TypeScript (withEffectiveState: dashboard search).
export const COLUMNS = `id, workspace_id, flow_id, flow_version, source, customer_id, subscription_id, environment, context, metadata,
  return_url, csrf_token, state, step, outcome, reason, feedback, offer, recovered_mrr_cents, created_at, opened_at,
  completed_at, expires_at, result_token`;
// This store never reads the state column raw: the first parameter of every select is `now`, for the one state rule.
const READ_COLUMNS = `id, workspace_id, flow_id, flow_version, source, customer_id, subscription_id, environment, context, metadata,
  return_url, csrf_token, ${currentStateSql()} as state, step, outcome, reason, feedback, offer, recovered_mrr_cents,
  created_at, opened_at, completed_at, expires_at, result_token`;

/** What the store needs of the analytics rollups: every write that changes what a session counts goes through it. */
export type RollupHook = Pick<AnalyticsStore, "apply" | "track">;

export function createSessionStore({ db, rollups }: { db: Database; rollups: RollupHook }) {
  // Every write goes through the connection's write queue: group commit for the hot insert (every cancel
  // link), and none of them ever sleeps the event loop while a backup or the CLI holds the write lock.
  const writes = writeQueueFor(db);
  const insert = db.query(
    `insert into sessions (id, workspace_id, flow_id, flow_version, source, customer_id, subscription_id, environment, context,
       metadata, return_url, link_token_hash, origin_key, csrf_token, reason, created_at, expires_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const byId = db.query(`select ${READ_COLUMNS} from sessions where id = ? and workspace_id = ?`);
  const byIdWithLink = db.query(`select ${READ_COLUMNS}, link_token_hash from sessions where id = ?`);
  const byOriginKey = db.query(`select ${READ_COLUMNS} from sessions where origin_key = ?`);
  const setLinkHash = db.query("update sessions set link_token_hash = ?, expires_at = ? where id = ?");
  const markOpened = db.query("update sessions set state = 'opened', opened_at = ? where id = ? and state = 'created'");
  // Writes down what the state rule already says, so the raw row agrees too; readers never depend on it.
  const markExpired = db.query(`update sessions set state = 'expired' where id = ? and ${currentStateSql()} = 'expired' and state <> 'expired'`);
  const offerShown = db.query(
    `insert into session_offers_shown (session_id, kind, shown_at) values (?, ?, ?)
     on conflict do update set kind = excluded.kind, shown_at = excluded.shown_at where kind != excluded.kind`,
  );
  const progress = db.query(
    "update sessions set step = ?, reason = ?, feedback = ? where id = ? and state in ('created', 'opened')",
  );
  const complete = db.query(
    `update sessions set state = 'completed', step = 'done', outcome = ?, offer = ?, recovered_mrr_cents = ?,
       completed_at = ?, opened_at = coalesce(opened_at, ?)
     where id = ? and state in ('created', 'opened')`,
  );
  const recent = db.query(
    `select ${READ_COLUMNS} from sessions where workspace_id = ? and environment = ? order by created_at desc, id desc limit ?`,
  );
  // Only the first token sticks: two racing redirects of one completion both end up with the winner's.
  const setResultToken = db.query("update sessions set result_token = ? where id = ? and state = 'completed' and result_token is null");
  const resultTokenOf = db.query("select result_token from sessions where id = ?");

  return {
    async insert(session: Session, keys: { linkTokenHash: string | null; originKey: string | null }): Promise<void> {
      const context = JSON.stringify(session.context);
      const metadata = JSON.stringify(session.metadata);
      // The rollup row moves in the same group-commit transaction as the insert.
      const facts = sessionFacts({
        workspaceId: session.workspaceId,
        environment: session.environment,
        countedAt: session.createdAt,
        flowId: session.flowId,
        outcome: session.outcome,
        reason: session.reason,
        context: session.context,
        offer: session.offer,
        offerShownKind: null,
        recoveredMrrCents: session.recoveredMrrCents,
      });
      await writes.enqueue(() => {
        insert.run(
          session.id,
          session.workspaceId,
          session.flowId,
          session.flowVersion,
          session.source,
          session.customerId,
          session.subscriptionId,
          session.environment,
          context,
          metadata,
          session.returnUrl,
          keys.linkTokenHash,
          keys.originKey,
          session.csrfToken,
          session.reason,
          session.createdAt,
          session.expiresAt,
        );
        rollups.apply(null, facts);
      });
    },
    /** Scoped to the workspace: another workspace's id is simply not found. */
    async findById(workspaceId: string, id: string, now: number): Promise<Session | null> {
      const row = byId.get(now, id, workspaceId) as SessionRow | null;
      return row ? toSession(row) : null;
    },
    /** The session and the hash of its current link secret (compared by the caller in constant time). */
    async findWithLinkHash(id: string, now: number): Promise<{ session: Session; linkTokenHash: string | null } | null> {
      const row = byIdWithLink.get(now, id) as (SessionRow & { link_token_hash: string | null }) | null;
      return row ? { session: toSession(row), linkTokenHash: row.link_token_hash } : null;
    },
    async findByOriginKey(key: string, now: number): Promise<Session | null> {
      const row = byOriginKey.get(now, key) as SessionRow | null;
      return row ? toSession(row) : null;
    },
    async setLinkHash(id: string, hash: string, expiresAt: number): Promise<void> {
      await writes.enqueue(() => setLinkHash.run(hash, expiresAt, id));
    },
    // Opening, expiring and re-linking change no counted fact (an expired session stays pending until decided),
    // so they bypass the rollups; every other write goes through rollups.track.
    async markOpened(id: string, at: number): Promise<void> {
      await writes.enqueue(() => markOpened.run(at, id));
    },
    async markExpired(id: string, now: number): Promise<void> {
      await writes.enqueue(() => markExpired.run(id, now));
    },
    async saveProgress(id: string, step: SessionStep, reason: string | null, feedback: string | null): Promise<boolean> {
      return writes.enqueue(() => rollups.track(id, () => progress.run(step, reason, feedback, id).changes > 0));
    },
    /** Records the outcome once: false when the session was already decided (double submit, reload). */
    async complete(id: string, c: Completion): Promise<boolean> {
      const offer = c.offer ? JSON.stringify(c.offer) : null;
      return writes.enqueue(() => rollups.track(id, () => complete.run(c.outcome, offer, c.recoveredMrrCents, c.completedAt, c.completedAt, id).changes > 0));
    },
    /** Records that the offer page was displayed (analytics count it as shown). */
    async markOfferShown(id: string, kind: string, at: number): Promise<void> {
      await writes.enqueue(() => rollups.track(id, () => offerShown.run(id, kind, at)));
    },
    async listRecent(workspaceId: string, environment: Environment, limit: number, now: number): Promise<Session[]> {
      return (recent.all(now, workspaceId, environment, limit) as SessionRow[]).map(toSession);
    },
    /** Keeps the first result token of a completed session; returns the one that is stored. */
    async keepResultToken(id: string, token: string): Promise<string | null> {
      await writes.enqueue(() => setResultToken.run(token, id));
      return (resultTokenOf.get(id) as { result_token: string | null } | null)?.result_token ?? null;
    },
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;
