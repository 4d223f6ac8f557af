// SQL for dashboard logins, their memberships in workspaces, and their sign-in failure counters.
import type { Database } from "bun:sqlite";
import { writeQueueFor } from "../../db/write-queue.ts";

export const ROLES = ["owner", "admin", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  id: string;
  email: string;
  createdAt: number;
}

export interface UserWithSecrets extends User {
  passwordHash: string;
  failedLogins: number;
  lockedUntil: number | null;
}

export interface Membership {
  userId: string;
  workspaceId: string;
  role: Role;
  createdAt: number;
}

export interface Member extends Membership {
  email: string;
  /** False while an invited member has not chosen a password yet. */
  active: boolean;
}

interface UserRow {
  id: string;
  email: string;
  password_hash: string;
  created_at: number;
  failed_logins: number;
  locked_until: number | null;
}
const toUser = (r: UserRow): UserWithSecrets => ({
  id: r.id,
  email: r.email,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
  failedLogins: r.failed_logins,
  lockedUntil: r.locked_until,
});

export function createUserStore({ db }: { db: Database }) {
  // Serving-time writes (sign-in counters, memberships) go through the connection's queue, like every store's.
  const writes = writeQueueFor(db);
  const insert = db.query("insert into users (id, email, password_hash, created_at) values (?, ?, ?, ?)");
  const byEmail = db.query("select id, email, password_hash, created_at, failed_logins, locked_until from users where email = ?");
  const byId = db.query("select id, email, password_hash, created_at, failed_logins, locked_until from users where id = ?");
  const anyUser = db.query("select 1 as found from users limit 1");
  const setPassword = db.query("update users set password_hash = ?, failed_logins = 0, locked_until = null where id = ?");
  const fail = db.query("update users set failed_logins = failed_logins + 1, last_failed_at = ?, locked_until = ? where id = ?");
  const resetFailures = db.query("update users set failed_logins = 0, locked_until = null where id = ? and (failed_logins > 0 or locked_until is not null)");
  const upsertMembership = db.query(
    `insert into memberships (user_id, workspace_id, role, created_at) values (?, ?, ?, ?)
     on conflict (user_id, workspace_id) do update set role = excluded.role`,
  );
  const membership = db.query("select user_id, workspace_id, role, created_at from memberships where user_id = ? and workspace_id = ?");
  const membershipsOf = db.query(
    `select m.workspace_id, m.role, w.name from memberships m join workspaces w on w.id = m.workspace_id
     where m.user_id = ? order by w.name collate nocase, w.id`,
  );
  const membersOf = db.query(
    `select m.user_id, m.workspace_id, m.role, m.created_at, u.email, u.password_hash != '' as active
     from memberships m join users u on u.id = m.user_id where m.workspace_id = ? order by u.email`,
  );
  const removeMembership = db.query("delete from memberships where user_id = ? and workspace_id = ?");
  const owners = db.query("select count(*) as n from memberships where workspace_id = ? and role = 'owner'");

  return {
    async insert(user: User, passwordHash: string): Promise<void> {
      await writes.enqueue(() => insert.run(user.id, user.email, passwordHash, user.createdAt));
    },
    async findByEmail(email: string): Promise<UserWithSecrets | null> {
      const r = byEmail.get(email) as UserRow | null;
      return r ? toUser(r) : null;
    },
    async findById(id: string): Promise<UserWithSecrets | null> {
      const r = byId.get(id) as UserRow | null;
      return r ? toUser(r) : null;
    },
    async any(): Promise<boolean> {
      return anyUser.get() !== null;
    },
    async setPassword(id: string, hash: string): Promise<void> {
      await writes.enqueue(() => setPassword.run(hash, id));
    },
    async recordFailure(id: string, at: number, lockedUntil: number | null): Promise<void> {
      await writes.enqueue(() => fail.run(at, lockedUntil, id));
    },
    async resetFailures(id: string): Promise<void> {
      await writes.enqueue(() => resetFailures.run(id));
    },
    async upsertMembership(m: Membership): Promise<void> {
      await writes.enqueue(() => upsertMembership.run(m.userId, m.workspaceId, m.role, m.createdAt));
    },
    async findMembership(userId: string, workspaceId: string): Promise<Membership | null> {
      const r = membership.get(userId, workspaceId) as { user_id: string; workspace_id: string; role: Role; created_at: number } | null;
      return r ? { userId: r.user_id, workspaceId: r.workspace_id, role: r.role, createdAt: r.created_at } : null;
    },
    async workspacesOf(userId: string): Promise<{ workspaceId: string; name: string; role: Role }[]> {
      return (membershipsOf.all(userId) as { workspace_id: string; role: Role; name: string }[]).map((r) => ({ workspaceId: r.workspace_id, name: r.name, role: r.role }));
    },
    async membersOf(workspaceId: string): Promise<Member[]> {
      return (membersOf.all(workspaceId) as { user_id: string; workspace_id: string; role: Role; created_at: number; email: string; active: number }[]).map((r) => ({
        userId: r.user_id,
        workspaceId: r.workspace_id,
        role: r.role,
        createdAt: r.created_at,
        email: r.email,
        active: r.active === 1,
      }));
    },
    async removeMembership(userId: string, workspaceId: string): Promise<boolean> {
      return (await writes.enqueue(() => removeMembership.run(userId, workspaceId))).changes > 0;
    },
    async ownerCount(workspaceId: string): Promise<number> {
      return (owners.get(workspaceId) as { n: number }).n;
    },
  };
}

export type UserStore = ReturnType<typeof createUserStore>;
