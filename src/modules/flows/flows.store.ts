// SQL for flows and their versions; steps are stored as JSON data.
// flows.steps holds the published steps (the draft until the first publish), flows.draft the editable copy,
// flow_versions every published version, never changed once written.
import type { Database } from "bun:sqlite";
import type { FlowStatus, Step } from "./flows.schemas.ts";

export interface Flow {
  id: string;
  workspaceId: string;
  name: string;
  slug: string;
  status: FlowStatus;
  isDefault: boolean;
  /** The published steps (new sessions run these); before the first publish, the draft. */
  steps: Step[];
  /** The published version number; null before the first publish. */
  version: number | null;
  draft: Step[];
  draftUpdatedAt: number;
  createdAt: number;
  updatedAt: number;
}

export interface FlowVersionInfo {
  version: number;
  publishedAt: number;
  restoredFrom: number | null;
  /** Who published it (a dashboard user's e-mail, "API key hf_live_…", "command line"); null when not recorded. */
  publishedBy: string | null;
}

export interface FlowRef {
  id: string;
  status: FlowStatus;
  version: number | null;
}

interface FlowRow {
  id: string;
  workspace_id: string;
  name: string;
  slug: string;
  status: FlowStatus;
  is_default: number;
  steps: string;
  draft: string | null;
  version: number | null;
  draft_updated_at: number | null;
  created_at: number;
  updated_at: number;
}

const toFlow = (r: FlowRow): Flow => {
  const steps = JSON.parse(r.steps) as Step[];
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    name: r.name,
    slug: r.slug,
    status: r.status,
    isDefault: r.is_default === 1,
    steps,
    version: r.version,
    draft: r.draft === null ? steps : (JSON.parse(r.draft) as Step[]),
    draftUpdatedAt: r.draft_updated_at ?? r.updated_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
};

export function createFlowStore({ db }: { db: Database }) {
  const insert = db.query(
    `insert into flows (id, workspace_id, name, slug, status, is_default, steps, draft, version, draft_updated_at, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertVersion = db.query(
    "insert into flow_versions (flow_id, version, workspace_id, steps, published_at, restored_from, published_by) values (?, ?, ?, ?, ?, ?, ?)",
  );
  const byId = db.query("select * from flows where id = ? and workspace_id = ?");
  const workspaceOf = db.query("select workspace_id from flows where id = ?");
  const bySlug = db.query("select id from flows where workspace_id = ? and slug = ?");
  const list = db.query("select * from flows where workspace_id = ? order by created_at, id");
  const refById = db.query("select id, status, version from flows where id = ? and workspace_id = ?");
  const defaultRef = db.query(
    "select id, status, version from flows where workspace_id = ? and is_default = 1 and status = 'active' limit 1",
  );
  const byDefault = db.query("select * from flows where workspace_id = ? and is_default = 1 and status = 'active' limit 1");
  const updateDraft = db.query(
    "update flows set name = ?, slug = ?, draft = ?, draft_updated_at = ?, updated_at = ?, steps = case when version is null then ? else steps end where id = ? and workspace_id = ?",
  );
  const maxVersion = db.query("select coalesce(max(version), 0) as v from flow_versions where flow_id = ?");
  const setPublished = db.query(
    `update flows set steps = ?, version = ?, updated_at = ?, status = case when status = 'draft' then 'active' else status end
     where id = ? and workspace_id = ?`,
  );
  const versions = db.query(
    "select version, published_at, restored_from, published_by from flow_versions where flow_id = ? and workspace_id = ? order by version desc",
  );
  const versionSteps = db.query("select steps from flow_versions where flow_id = ? and workspace_id = ? and version = ?");
  const rename = db.query("update flows set name = ?, updated_at = ? where id = ? and workspace_id = ?");
  const setStatus = db.query("update flows set status = ?, updated_at = ? where id = ? and workspace_id = ?");
  const clearDefault = db.query("update flows set is_default = 0 where workspace_id = ? and is_default = 1");
  const setDefault = db.query("update flows set is_default = 1, updated_at = ? where id = ? and workspace_id = ?");

  const publishTx = db.transaction(
    (workspaceId: string, flowId: string, steps: string, at: number, restoredFrom: number | null, publishedBy: string | null): number => {
      const version = (maxVersion.get(flowId) as { v: number }).v + 1;
      insertVersion.run(flowId, version, workspaceId, steps, at, restoredFrom, publishedBy);
      setPublished.run(steps, version, at, flowId, workspaceId);
      return version;
    },
  );

  return {
    /** A new flow; with `publish`, its steps also become version 1, in the same transaction. */
    async insert(flow: Flow, opts: { publish: boolean; publishedBy?: string | null } = { publish: flow.version !== null }): Promise<void> {
      const steps = JSON.stringify(flow.steps);
      db.transaction(() => {
        insert.run(
          flow.id,
          flow.workspaceId,
          flow.name,
          flow.slug,
          flow.status,
          flow.isDefault ? 1 : 0,
          steps,
          JSON.stringify(flow.draft),
          opts.publish ? 1 : null,
          flow.draftUpdatedAt,
          flow.createdAt,
          flow.updatedAt,
        );
        if (opts.publish) insertVersion.run(flow.id, 1, flow.workspaceId, steps, flow.createdAt, null, opts.publishedBy ?? null);
      })();
    },
    /** Scoped to the workspace: another workspace's id is simply not found. */
    async findById(workspaceId: string, id: string): Promise<Flow | null> {
      const row = byId.get(id, workspaceId) as FlowRow | null;
      return row ? toFlow(row) : null;
    },
    /** For the admin CLI, which names a flow by id alone. */
    async findWorkspaceId(id: string): Promise<string | null> {
      return (workspaceOf.get(id) as { workspace_id: string } | null)?.workspace_id ?? null;
    },
    async slugTaken(workspaceId: string, slug: string, exceptId?: string): Promise<boolean> {
      const row = bySlug.get(workspaceId, slug) as { id: string } | null;
      return row !== null && row.id !== exceptId;
    },
    async findIdBySlug(workspaceId: string, slug: string): Promise<string | null> {
      return (bySlug.get(workspaceId, slug) as { id: string } | null)?.id ?? null;
    },
    /** Just the id, status and published version: starting a session needs no steps. */
    async findRef(workspaceId: string, id: string): Promise<FlowRef | null> {
      return (refById.get(id, workspaceId) as FlowRef | null) ?? null;
    },
    async findDefaultRef(workspaceId: string): Promise<FlowRef | null> {
      return (defaultRef.get(workspaceId) as FlowRef | null) ?? null;
    },
    async findDefault(workspaceId: string): Promise<Flow | null> {
      const row = byDefault.get(workspaceId) as FlowRow | null;
      return row ? toFlow(row) : null;
    },
    async list(workspaceId: string): Promise<Flow[]> {
      return (list.all(workspaceId) as FlowRow[]).map(toFlow);
    },
    /** Saves the draft (and name, slug); before the first publish the draft is also what `steps` shows. */
    async saveDraft(workspaceId: string, id: string, d: { name: string; slug: string; draft: Step[]; at: number }): Promise<void> {
      const draft = JSON.stringify(d.draft);
      updateDraft.run(d.name, d.slug, draft, d.at, d.at, draft, id, workspaceId);
    },
    /** Saves the draft and publishes it as the next version in one transaction: never half of it. */
    /** A roll back names the version it restores. */
    async saveAndPublish(
      workspaceId: string,
      id: string,
      d: { name: string; slug: string; draft: Step[]; at: number; restoredFrom?: number; publishedBy?: string | null },
    ): Promise<number> {
      const draft = JSON.stringify(d.draft);
      return db.transaction(() => {
        updateDraft.run(d.name, d.slug, draft, d.at, d.at, draft, id, workspaceId);
        return publishTx(workspaceId, id, draft, d.at, d.restoredFrom ?? null, d.publishedBy ?? null);
      })();
    },
    async listVersions(workspaceId: string, id: string): Promise<FlowVersionInfo[]> {
      return (versions.all(id, workspaceId) as { version: number; published_at: number; restored_from: number | null; published_by: string | null }[]).map((r) => ({
        version: r.version,
        publishedAt: r.published_at,
        restoredFrom: r.restored_from,
        publishedBy: r.published_by,
      }));
    },
    async versionSteps(workspaceId: string, id: string, version: number): Promise<Step[] | null> {
      const row = versionSteps.get(id, workspaceId, version) as { steps: string } | null;
      return row ? (JSON.parse(row.steps) as Step[]) : null;
    },
    async rename(workspaceId: string, id: string, name: string, at: number): Promise<void> {
      rename.run(name, at, id, workspaceId);
    },
    async setStatus(workspaceId: string, id: string, status: FlowStatus, at: number): Promise<void> {
      setStatus.run(status, at, id, workspaceId);
    },
    /** One default per workspace: clearing the old one and setting the new one happen together. */
    async setDefault(workspaceId: string, id: string, at: number): Promise<void> {
      db.transaction(() => {
        clearDefault.run(workspaceId);
        setDefault.run(at, id, workspaceId);
      })();
    },
  };
}

export type FlowStore = ReturnType<typeof createFlowStore>;
