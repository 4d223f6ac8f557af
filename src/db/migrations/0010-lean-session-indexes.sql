-- Fewer indexes on the hot insert (every cancel link, every ingested event): each one is a B-tree that every new
-- session writes to. (workspace, environment, created_at) and (workspace, created_at, id) become one index,
-- (workspace, environment, created_at, id), which answers every query the two did:
--   · the recent list of one environment (GET /api/v1/sessions) and the stats sliver of a day: a range of it;
--   · the dashboard's keyset pages with an environment filter: a range of it, in order;
--   · the dashboard's pages over both environments: one range per environment, merged by the store (two
--     environments: at most twice a page of rows read, never a scan of the workspace);
--   · the analytics rebuild of a workspace: its prefix.
-- The customer search keeps its own index; the ingestion indexes (partial: only events write them) stay too.
drop index if exists sessions_workspace_created;
drop index if exists sessions_workspace_recent;
create index sessions_workspace_env_recent on sessions(workspace_id, environment, created_at desc, id desc);
