create table workspaces (
  id text primary key,
  name text not null,
  plan text not null check (plan in ('core', 'advanced')),
  access text not null default 'active' check (access in ('active', 'read_only')),
  default_return_url text,
  allowed_return_urls text not null default '[]',
  frame_ancestors text not null default '[]',
  display_name text,
  accent_color text,
  logo_url text,
  link_ttl_minutes integer not null default 60,
  created_at integer not null,
  updated_at integer not null
);

create table signing_secrets (
  id text primary key,
  workspace_id text not null references workspaces(id) on delete cascade,
  secret text not null,
  created_at integer not null,
  retired_at integer
);
create index signing_secrets_workspace on signing_secrets(workspace_id);

create table api_keys (
  id text primary key,
  workspace_id text not null references workspaces(id) on delete cascade,
  hash text not null unique,
  prefix text not null,
  scope text not null check (scope in ('read', 'read_write')),
  mode text not null check (mode in ('live', 'test')),
  created_at integer not null,
  last_used_at integer,
  revoked_at integer
);
create index api_keys_workspace on api_keys(workspace_id);

create table flows (
  id text primary key,
  workspace_id text not null references workspaces(id) on delete cascade,
  name text not null,
  slug text not null,
  status text not null check (status in ('draft', 'active', 'archived')),
  is_default integer not null default 0,
  steps text not null,
  created_at integer not null,
  updated_at integer not null,
  unique (workspace_id, slug)
);

create table sessions (
  id text primary key,
  workspace_id text not null references workspaces(id) on delete cascade,
  flow_id text not null references flows(id),
  source text not null check (source in ('cancel_link', 'api', 'hosted_url')),
  customer_id text not null,
  subscription_id text,
  environment text not null check (environment in ('prod', 'sandbox')),
  context text not null default '{}',
  metadata text not null default '{}',
  return_url text,
  link_token_hash text,
  origin_key text,
  csrf_token text not null,
  state text not null default 'created' check (state in ('created', 'opened', 'completed', 'expired')),
  step text not null default 'survey' check (step in ('survey', 'offer', 'confirm', 'done')),
  outcome text not null default 'pending' check (outcome in ('pending', 'saved', 'canceled')),
  reason text,
  feedback text,
  offer text,
  recovered_mrr_cents integer not null default 0,
  created_at integer not null,
  opened_at integer,
  completed_at integer,
  expires_at integer not null
);
create index sessions_workspace_created on sessions(workspace_id, environment, created_at desc);
-- Only signed hosted-URL sessions have an origin key: a partial index keeps the hot insert path free of it.
create unique index sessions_origin_key on sessions(origin_key) where origin_key is not null;

create table users (
  id text primary key,
  email text not null unique collate nocase,
  password_hash text not null,
  created_at integer not null
);
