// SQL for dashboard login sessions (found by the hash of the cookie value) and member invitations.
import type { Database } from "bun:sqlite";
import { writeQueueFor } from "../../db/write-queue.ts";

export interface LoginSession {
  idHash: string;
  userId: string;
  workspaceId: string | null;
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

export interface Invitation {
  tokenHash: string;
  userId: string;
  workspaceId: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

interface SessionRow {
  id_hash: string;
  user_id: string;
  workspace_id: string | null;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}
const toSession = (r: SessionRow): LoginSession => ({
  idHash: r.id_hash,
  userId: r.user_id,
  workspaceId: r.workspace_id,
  csrfToken: r.csrf_token,
  createdAt: r.created_at,
  lastSeenAt: r.last_seen_at,
  expiresAt: r.expires_at,
});

export function createAuthStore({ db }: { db: Database }) {
  // Serving-time writes go through the connection's queue: a CLI holding the lock never stalls the event loop.
  const writes = writeQueueFor(db);
  const insert = db.query(
    "insert into login_sessions (id_hash, user_id, workspace_id, csrf_token, created_at, last_seen_at, expires_at) values (?, ?, ?, ?, ?, ?, ?)",
  );
  const byHash = db.query("select id_hash, user_id, workspace_id, csrf_token, created_at, last_seen_at, expires_at from login_sessions where id_hash = ?");
  const touch = db.query("update login_sessions set last_seen_at = ? where id_hash = ?");
  const remove = db.query("delete from login_sessions where id_hash = ?");
  const removeOfUser = db.query("delete from login_sessions where user_id = ?");
  const removeExpired = db.query("delete from login_sessions where expires_at < ? or last_seen_at < ?");
  const setWorkspace = db.query("update login_sessions set workspace_id = ? where id_hash = ?");
  const setFlash = db.query("update login_sessions set flash = ? where id_hash = ?");
  const readFlash = db.query("select flash from login_sessions where id_hash = ? and flash is not null");
  const clearFlash = db.query("update login_sessions set flash = null where id_hash = ?");
  // RETURNING gives the new value (null), so read and clear in one transaction: a flash shows exactly once.
  const takeFlash = db.transaction((idHash: string) => {
    const r = readFlash.get(idHash) as { flash: string } | null;
    if (r) clearFlash.run(idHash);
    return r?.flash ?? null;
  });
  const insertInvite = db.query(
    "insert into invitations (token_hash, user_id, workspace_id, created_at, expires_at) values (?, ?, ?, ?, ?)",
  );
  const inviteByHash = db.query("select token_hash, user_id, workspace_id, created_at, expires_at, used_at from invitations where token_hash = ?");
  const useInvite = db.query("update invitations set used_at = ? where token_hash = ? and used_at is null");
  const dropInvitesOf = db.query("delete from invitations where user_id = ? and workspace_id = ?");

  return {
    async insert(s: LoginSession): Promise<void> {
      await writes.enqueue(() => insert.run(s.idHash, s.userId, s.workspaceId, s.csrfToken, s.createdAt, s.lastSeenAt, s.expiresAt));
    },
    async find(idHash: string): Promise<LoginSession | null> {
      const r = byHash.get(idHash) as SessionRow | null;
      return r ? toSession(r) : null;
    },
    async touch(idHash: string, at: number): Promise<void> {
      await writes.enqueue(() => touch.run(at, idHash));
    },
    async remove(idHash: string): Promise<void> {
      await writes.enqueue(() => remove.run(idHash));
    },
    async removeAllOfUser(userId: string): Promise<void> {
      await writes.enqueue(() => removeOfUser.run(userId));
    },
    async removeExpired(now: number, idleBefore: number): Promise<void> {
      await writes.enqueue(() => removeExpired.run(now, idleBefore));
    },
    async setWorkspace(idHash: string, workspaceId: string): Promise<void> {
      await writes.enqueue(() => setWorkspace.run(workspaceId, idHash));
    },
    async setFlash(idHash: string, flash: string): Promise<void> {
      await writes.enqueue(() => setFlash.run(flash, idHash));
    },
    async takeFlash(idHash: string): Promise<string | null> {
      return writes.enqueue(() => takeFlash(idHash));
    },
    async insertInvitation(i: Invitation): Promise<void> {
      await writes.enqueue(() => insertInvite.run(i.tokenHash, i.userId, i.workspaceId, i.createdAt, i.expiresAt));
    },
    async findInvitation(tokenHash: string): Promise<Invitation | null> {
      const r = inviteByHash.get(tokenHash) as { token_hash: string; user_id: string; workspace_id: string; created_at: number; expires_at: number; used_at: number | null } | null;
      return r ? { tokenHash: r.token_hash, userId: r.user_id, workspaceId: r.workspace_id, createdAt: r.created_at, expiresAt: r.expires_at, usedAt: r.used_at } : null;
    },
    /** Marks an invitation used; false when someone used it first. */
    async useInvitation(tokenHash: string, at: number): Promise<boolean> {
      return (await writes.enqueue(() => useInvite.run(at, tokenHash))).changes > 0;
    },
    async dropInvitations(userId: string, workspaceId: string): Promise<void> {
      await writes.enqueue(() => dropInvitesOf.run(userId, workspaceId));
    },
  };
}

export type AuthStore = ReturnType<typeof createAuthStore>;
