// SQL for API keys: only hashes and display prefixes are stored.
import type { Database } from "bun:sqlite";
import type { KeyMode, Scope } from "./keys.schemas.ts";
import { writeQueueFor } from "../../db/write-queue.ts";

export interface ApiKey {
  id: string;
  workspaceId: string;
  prefix: string;
  scope: Scope;
  mode: KeyMode;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

interface KeyRow {
  id: string;
  workspace_id: string;
  prefix: string;
  scope: Scope;
  mode: KeyMode;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}
const toKey = (r: KeyRow): ApiKey => ({
  id: r.id,
  workspaceId: r.workspace_id,
  prefix: r.prefix,
  scope: r.scope,
  mode: r.mode,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

export function createKeyStore({ db }: { db: Database }) {
  const insert = db.query(
    "insert into api_keys (id, workspace_id, hash, prefix, scope, mode, created_at) values (?, ?, ?, ?, ?, ?, ?)",
  );
  const byHash = db.query(
    "select id, workspace_id, prefix, scope, mode, created_at, last_used_at, revoked_at from api_keys where hash = ?",
  );
  const byWorkspace = db.query(
    "select id, workspace_id, prefix, scope, mode, created_at, last_used_at, revoked_at from api_keys where workspace_id = ? order by created_at, id",
  );
  const byId = db.query(
    "select id, workspace_id, prefix, scope, mode, created_at, last_used_at, revoked_at from api_keys where id = ?",
  );
  const touch = db.query("update api_keys set last_used_at = ? where id = ?");
  const revoke = db.query("update api_keys set revoked_at = ? where id = ? and revoked_at is null");

  return {
    async insert(key: ApiKey, hash: string): Promise<void> {
      insert.run(key.id, key.workspaceId, hash, key.prefix, key.scope, key.mode, key.createdAt);
    },
    async findByHash(hash: string): Promise<ApiKey | null> {
      const row = byHash.get(hash) as KeyRow | null;
      return row ? toKey(row) : null;
    },
    async findById(id: string): Promise<ApiKey | null> {
      const row = byId.get(id) as KeyRow | null;
      return row ? toKey(row) : null;
    },
    async listByWorkspace(workspaceId: string): Promise<ApiKey[]> {
      return (byWorkspace.all(workspaceId) as KeyRow[]).map(toKey);
    },
    /** Queued like every serving-time write: a held write lock delays it, never the event loop. */
    async touch(id: string, at: number): Promise<void> {
      await writeQueueFor(db).enqueue(() => touch.run(at, id));
    },
    async revoke(id: string, at: number): Promise<boolean> {
      return revoke.run(at, id).changes > 0;
    },
  };
}

export type KeyStore = ReturnType<typeof createKeyStore>;
