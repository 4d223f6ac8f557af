-- The sessions indexes that follow time were declared descending (created_at desc), the order the lists read them
-- in. But sessions arrive in time order, so every new entry went to the front of its range: the one place where
-- SQLite's B-tree cannot append, so each full page split in two half-empty ones. At 1 M imported events
-- sessions_workspace_env_recent held 47,715 pages 47 % full and sessions_event_list 34,560. Ascending, a new entry
-- is an append (pages fill), and SQLite reads the same index backwards for `order by created_at desc, id desc`:
-- the plans are the same ranges, with no sort (session-search.test.ts and cancellations.test.ts check them).
drop index if exists sessions_workspace_env_recent;
create index sessions_workspace_env_recent on sessions(workspace_id, environment, created_at, id);
drop index if exists sessions_event_list;
create index sessions_event_list on sessions(workspace_id, environment, created_at, event_id) where event_id is not null;
