-- The operator dashboard: memberships with roles, login sessions, invitations, lockout counters,
-- uploaded logos, and the indexes the sessions page needs at 1 M rows.

-- Invited members have no password until they open their one-time link: an empty hash never verifies.
alter table users add column failed_logins integer not null default 0;
alter table users add column locked_until integer;
alter table users add column last_failed_at integer;

create table memberships (
  user_id text not null references users(id) on delete cascade,
  workspace_id text not null references workspaces(id) on delete cascade,
  role text not null check (role in ('owner', 'admin', 'viewer')),
  created_at integer not null,
  primary key (user_id, workspace_id)
);
create index memberships_workspace on memberships(workspace_id);

-- A login session is found by the sha256 of its cookie value: a copy of the table logs nobody in.
create table login_sessions (
  id_hash text primary key,
  user_id text not null references users(id) on delete cascade,
  workspace_id text references workspaces(id) on delete set null,
  csrf_token text not null,
  flash text,
  created_at integer not null,
  last_seen_at integer not null,
  expires_at integer not null
);
create index login_sessions_user on login_sessions(user_id);

create table invitations (
  token_hash text primary key,
  user_id text not null references users(id) on delete cascade,
  workspace_id text not null references workspaces(id) on delete cascade,
  created_at integer not null,
  expires_at integer not null,
  used_at integer
);
create index invitations_user on invitations(user_id);

create table workspace_logos (
  workspace_id text primary key references workspaces(id) on delete cascade,
  content_type text not null,
  body blob not null,
  digest text not null,
  updated_at integer not null
);

-- The sessions page lists newest first across environments (keyset on created_at, id) and finds a
-- customer's sessions without a scan.
create index sessions_workspace_recent on sessions(workspace_id, created_at desc, id desc);
create index sessions_workspace_customer on sessions(workspace_id, customer_id, created_at desc, id desc);
