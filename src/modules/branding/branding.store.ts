// SQL for uploaded workspace logos: the bytes live in the database, so a backup carries them.
import type { Database } from "bun:sqlite";
import { writeQueueFor } from "../../db/write-queue.ts";

export interface Logo {
  workspaceId: string;
  contentType: string;
  body: Uint8Array;
  digest: string;
  updatedAt: number;
}

export function createBrandingStore({ db }: { db: Database }) {
  const upsert = db.query(
    `insert into workspace_logos (workspace_id, content_type, body, digest, updated_at) values (?, ?, ?, ?, ?)
     on conflict (workspace_id) do update set content_type = excluded.content_type, body = excluded.body,
       digest = excluded.digest, updated_at = excluded.updated_at`,
  );
  const byWorkspace = db.query("select workspace_id, content_type, body, digest, updated_at from workspace_logos where workspace_id = ?");
  const remove = db.query("delete from workspace_logos where workspace_id = ?");
  const writes = writeQueueFor(db);
  return {
    async save(logo: Logo): Promise<void> {
      await writes.enqueue(() => upsert.run(logo.workspaceId, logo.contentType, logo.body, logo.digest, logo.updatedAt));
    },
    async find(workspaceId: string): Promise<Logo | null> {
      const r = byWorkspace.get(workspaceId) as { workspace_id: string; content_type: string; body: Uint8Array; digest: string; updated_at: number } | null;
      return r ? { workspaceId: r.workspace_id, contentType: r.content_type, body: r.body, digest: r.digest, updatedAt: r.updated_at } : null;
    },
    async remove(workspaceId: string): Promise<void> {
      await writes.enqueue(() => remove.run(workspaceId));
    },
  };
}

export type BrandingStore = ReturnType<typeof createBrandingStore>;
