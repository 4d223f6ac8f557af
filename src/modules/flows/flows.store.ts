// SQL for flows; steps are stored as JSON data.
import type { Database } from "bun:sqlite";
import type { FlowStatus, Step } from "./flows.schemas.ts";

export interface Flow {
  id: string;
  workspaceId: string;
  name: string;
  slug: string;
  status: FlowStatus;
  isDefault: boolean;
  steps: Step[];
  createdAt: number;
  updatedAt: number;
}

interface FlowRow {
  id: string;
  workspace_id: string;
  name: string;
  slug: string;
  status: FlowStatus;
  is_default: number;
  steps: string;
  created_at: number;
  updated_at: number;
}
const toFlow = (r: FlowRow): Flow => ({
  id: r.id,
  workspaceId: r.workspace_id,
  name: r.name,
  slug: r.slug,
  status: r.status,
  isDefault: r.is_default === 1,
  steps: JSON.parse(r.steps),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function createFlowStore({ db }: { db: Database }) {
  const insert = db.query(
    "insert into flows (id, workspace_id, name, slug, status, is_default, steps, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const byId = db.query("select * from flows where id = ? and workspace_id = ?");
  const list = db.query("select * from flows where workspace_id = ? order by created_at, id");
  const refById = db.query("select id, status from flows where id = ? and workspace_id = ?");
  const defaultId = db.query("select id from flows where workspace_id = ? and is_default = 1 and status = 'active' limit 1");
  const byDefault = db.query("select * from flows where workspace_id = ? and is_default = 1 and status = 'active' limit 1");

  return {
    async insert(flow: Flow): Promise<void> {
      insert.run(
        flow.id,
        flow.workspaceId,
        flow.name,
        flow.slug,
        flow.status,
        flow.isDefault ? 1 : 0,
        JSON.stringify(flow.steps),
        flow.createdAt,
        flow.updatedAt,
      );
    },
    /** Scoped to the workspace: another workspace's id is simply not found. */
    async findById(workspaceId: string, id: string): Promise<Flow | null> {
      const row = byId.get(id, workspaceId) as FlowRow | null;
      return row ? toFlow(row) : null;
    },
    /** Just the id and status: starting a session needs no steps. */
    async findRef(workspaceId: string, id: string): Promise<{ id: string; status: FlowStatus } | null> {
      return (refById.get(id, workspaceId) as { id: string; status: FlowStatus } | null) ?? null;
    },
    async findDefaultId(workspaceId: string): Promise<string | null> {
      return (defaultId.get(workspaceId) as { id: string } | null)?.id ?? null;
    },
    async findDefault(workspaceId: string): Promise<Flow | null> {
      const row = byDefault.get(workspaceId) as FlowRow | null;
      return row ? toFlow(row) : null;
    },
    async list(workspaceId: string): Promise<Flow[]> {
      return (list.all(workspaceId) as FlowRow[]).map(toFlow);
    },
  };
}

export type FlowStore = ReturnType<typeof createFlowStore>;
