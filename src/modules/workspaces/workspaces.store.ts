// SQL for workspaces and their signing secrets.
import type { Database } from "bun:sqlite";
import type { Access, Plan } from "./workspaces.schemas.ts";

export interface Workspace {
  id: string;
  name: string;
  plan: Plan;
  access: Access;
  defaultReturnUrl: string | null;
  allowedReturnUrls: string[];
  frameAncestors: string[];
  displayName: string | null;
  accentColor: string | null;
  logoUrl: string | null;
  linkTtlMinutes: number;
  createdAt: number;
  updatedAt: number;
}

export interface SigningSecret {
  id: string;
  workspaceId: string;
  secret: string;
  createdAt: number;
  retiredAt: number | null;
}

interface WorkspaceRow {
  id: string;
  name: string;
  plan: Plan;
  access: Access;
  default_return_url: string | null;
  allowed_return_urls: string;
  frame_ancestors: string;
  display_name: string | null;
  accent_color: string | null;
  logo_url: string | null;
  link_ttl_minutes: number;
  created_at: number;
  updated_at: number;
}

const toWorkspace = (r: WorkspaceRow): Workspace => ({
  id: r.id,
  name: r.name,
  plan: r.plan,
  access: r.access,
  defaultReturnUrl: r.default_return_url,
  allowedReturnUrls: JSON.parse(r.allowed_return_urls),
  frameAncestors: JSON.parse(r.frame_ancestors),
  displayName: r.display_name,
  accentColor: r.accent_color,
  logoUrl: r.logo_url,
  linkTtlMinutes: r.link_ttl_minutes,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

interface SecretRow {
  id: string;
  workspace_id: string;
  secret: string;
  created_at: number;
  retired_at: number | null;
}
const toSecret = (r: SecretRow): SigningSecret => ({
  id: r.id,
  workspaceId: r.workspace_id,
  secret: r.secret,
  createdAt: r.created_at,
  retiredAt: r.retired_at,
});

/** The changeable columns, in the order both the insert and the update list them. */
function settings(ws: Workspace) {
  return [
    ws.name,
    ws.plan,
    ws.access,
    ws.defaultReturnUrl,
    JSON.stringify(ws.allowedReturnUrls),
    JSON.stringify(ws.frameAncestors),
    ws.displayName,
    ws.accentColor,
    ws.logoUrl,
    ws.linkTtlMinutes,
  ] as const;
}

export function createWorkspaceStore({ db }: { db: Database }) {
  const byId = db.query("select * from workspaces where id = ?");
  const all = db.query("select * from workspaces order by created_at, id");
  const insert = db.query(
    `insert into workspaces (id, name, plan, access, default_return_url, allowed_return_urls, frame_ancestors,
       display_name, accent_color, logo_url, link_ttl_minutes, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const update = db.query(
    `update workspaces set name = ?, plan = ?, access = ?, default_return_url = ?, allowed_return_urls = ?,
       frame_ancestors = ?, display_name = ?, accent_color = ?, logo_url = ?, link_ttl_minutes = ?, updated_at = ?
     where id = ?`,
  );
  const setBilling = db.query(
    "update workspaces set plan = coalesce(?, plan), access = coalesce(?, access), updated_at = ? where id = ? returning *",
  );
  const insertSecret = db.query(
    "insert into signing_secrets (id, workspace_id, secret, created_at, retired_at) values (?, ?, ?, ?, null)",
  );
  const retireSecrets = db.query(
    "update signing_secrets set retired_at = ? where workspace_id = ? and retired_at is null",
  );
  const secretById = db.query("select * from signing_secrets where id = ?");
  const secretsOf = db.query("select * from signing_secrets where workspace_id = ? order by created_at desc");
  const currentSecret = db.query(
    "select * from signing_secrets where workspace_id = ? and retired_at is null order by created_at desc limit 1",
  );

  return {
    async insert(ws: Workspace, secret: SigningSecret): Promise<void> {
      db.transaction(() => {
        insert.run(ws.id, ...settings(ws), ws.createdAt, ws.updatedAt);
        insertSecret.run(secret.id, secret.workspaceId, secret.secret, secret.createdAt);
      })();
    },
    async update(ws: Workspace): Promise<void> {
      update.run(...settings(ws), ws.updatedAt, ws.id);
    },
    /** Synchronous, so it can join a caller's transaction (see WorkspaceService.applyBilling). */
    setBilling(id: string, plan: Plan | null, access: Access | null, now: number): Workspace | null {
      const row = setBilling.get(plan, access, now, id) as WorkspaceRow | null;
      return row ? toWorkspace(row) : null;
    },
    async findById(id: string): Promise<Workspace | null> {
      const row = byId.get(id) as WorkspaceRow | null;
      return row ? toWorkspace(row) : null;
    },
    async list(): Promise<Workspace[]> {
      return (all.all() as WorkspaceRow[]).map(toWorkspace);
    },
    async findSecret(id: string): Promise<SigningSecret | null> {
      const row = secretById.get(id) as SecretRow | null;
      return row ? toSecret(row) : null;
    },
    async currentSecret(workspaceId: string): Promise<SigningSecret | null> {
      const row = currentSecret.get(workspaceId) as SecretRow | null;
      return row ? toSecret(row) : null;
    },
    async listSecrets(workspaceId: string): Promise<SigningSecret[]> {
      return (secretsOf.all(workspaceId) as SecretRow[]).map(toSecret);
    },
    /** Retires every live secret and adds the new one, atomically. */
    async rotateSecret(secret: SigningSecret, now: number): Promise<void> {
      db.transaction(() => {
        retireSecrets.run(now, secret.workspaceId);
        insertSecret.run(secret.id, secret.workspaceId, secret.secret, secret.createdAt);
      })();
    },
  };
}

export type WorkspaceStore = ReturnType<typeof createWorkspaceStore>;
