-- Flow versions: the draft an operator edits, immutable numbered versions, and the version each session ran.
-- flows.steps stays the published steps (what new sessions run); flows.draft is the editable copy.
alter table flows add column draft text;
alter table flows add column version integer;
alter table flows add column draft_updated_at integer;

create table flow_versions (
  flow_id text not null references flows(id) on delete cascade,
  version integer not null check (version >= 1),
  workspace_id text not null references workspaces(id) on delete cascade,
  steps text not null,
  published_at integer not null,
  -- Set when this version re-published an older one (a roll back).
  restored_from integer,
  primary key (flow_id, version)
) without rowid;

-- Every existing flow was live as written: that is its version 1, and its draft starts equal to it.
insert into flow_versions (flow_id, version, workspace_id, steps, published_at)
  select id, 1, workspace_id, steps, updated_at from flows;
update flows set version = 1, draft = steps, draft_updated_at = updated_at;

alter table sessions add column flow_version integer;
-- Sessions before versions ran version 1 (the only one there was).
update sessions set flow_version = 1;
