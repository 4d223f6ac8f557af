// SQL for Idempotency-Key records: one row per (workspace, key) holding the first answer, kept 24 hours.
import type { Database } from "bun:sqlite";
import { writeQueueFor } from "../db/write-queue.ts";

export type Claim =
  | { kind: "claimed" }
  | { kind: "replay"; status: number; body: string }
  | { kind: "mismatch" }
  | { kind: "in_flight" };

interface KeyRow {
  request_hash: string;
  status: number | null;
  body: string | null;
  created_at: number;
  expires_at: number;
}

export function createIdempotencyStore({ db }: { db: Database }) {
  // Serving-time writes share the connection's write queue; each claim still checks and inserts in one step.
  const writes = writeQueueFor(db);
  const insert = db.query(
    `insert into idempotency_keys (workspace_id, key, request_hash, created_at, expires_at) values (?, ?, ?, ?, ?)
     on conflict (workspace_id, key) do nothing`,
  );
  const select = db.query("select request_hash, status, body, created_at, expires_at from idempotency_keys where workspace_id = ? and key = ?");
  const takeOver = db.query(
    `update idempotency_keys set request_hash = ?, status = null, body = null, created_at = ?, expires_at = ?
     where workspace_id = ? and key = ? and created_at = ?`,
  );
  const complete = db.query("update idempotency_keys set status = ?, body = ? where workspace_id = ? and key = ? and status is null");
  const release = db.query("delete from idempotency_keys where workspace_id = ? and key = ? and status is null");
  const prune = db.query(
    `delete from idempotency_keys where (workspace_id, key) in
       (select workspace_id, key from idempotency_keys where expires_at <= ? limit ?)`,
  );

  return {
    /**
     * Claims the key for a request, or says why not. `staleBefore`: an in-flight claim older than this belongs to a
     * request that died with its process, and is taken over.
     */
    claim(workspaceId: string, key: string, requestHash: string, now: number, expiresAt: number, staleBefore: number): Promise<Claim> {
      return writes.enqueue(() => claimNow(workspaceId, key, requestHash, now, expiresAt, staleBefore));
    },
    complete(workspaceId: string, key: string, status: number, body: string): Promise<void> {
      return writes.enqueue(() => void complete.run(status, body, workspaceId, key));
    },
    release(workspaceId: string, key: string): Promise<void> {
      return writes.enqueue(() => void release.run(workspaceId, key));
    },
    /** Deletes up to `limit` expired records; returns how many. */
    prune(now: number, limit = 1000): Promise<number> {
      return writes.enqueue(() => prune.run(now, limit).changes);
    },
  };

  function claimNow(workspaceId: string, key: string, requestHash: string, now: number, expiresAt: number, staleBefore: number): Claim {
      if (insert.run(workspaceId, key, requestHash, now, expiresAt).changes > 0) return { kind: "claimed" };
      const row = select.get(workspaceId, key) as KeyRow | null;
      if (!row) return insert.run(workspaceId, key, requestHash, now, expiresAt).changes > 0 ? { kind: "claimed" } : { kind: "in_flight" };
      const expired = row.expires_at <= now;
      const abandoned = row.status === null && row.created_at < staleBefore;
      if (expired || abandoned) {
        return takeOver.run(requestHash, now, expiresAt, workspaceId, key, row.created_at).changes > 0 ? { kind: "claimed" } : { kind: "in_flight" };
      }
      if (row.request_hash !== requestHash) return { kind: "mismatch" };
      if (row.status === null || row.body === null) return { kind: "in_flight" };
      return { kind: "replay", status: row.status, body: row.body };
  }
}

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;
