-- Custom cancellation ingestion (issue 10). Runs after widen-sessions-for-ingestion (0005's code step), which lets
-- sessions.source be 'ingestion' and sessions.flow_id be null (an ingested event ran no flow).
--
-- An ingested event is a sessions row with source = 'ingestion' and these extra columns. Its created_at is the
-- event's occurredAt, so every query that places a session in time (stats windows, analytics buckets, lists)
-- places the event where it happened, not where it was imported.
alter table sessions add column event_id text;
-- sha256 of the event's canonical payload as first recorded: a replay with the same payload answers 200,
-- another payload 409.
alter table sessions add column event_hash text;
-- When Holdfast recorded the event and last changed it (the API's createdAt / updatedAt).
alter table sessions add column recorded_at integer;
alter table sessions add column updated_at integer;
-- On an event: the hosted session it is the final word for.
alter table sessions add column linked_session_id text;
-- On a hosted session: the id of the event row that superseded it. The pair counts once, with the event's
-- status, so every count of sessions adds `superseded_by is null`.
alter table sessions add column superseded_by text;

-- Idempotent by eventId: the unique index decides between concurrent writers (insert … on conflict do nothing).
create unique index sessions_event_id on sessions(workspace_id, event_id) where event_id is not null;
-- GET /api/v1/cancellations: newest occurredAt first, ties by eventId, per environment.
create index sessions_event_list on sessions(workspace_id, environment, created_at desc, event_id desc) where event_id is not null;
-- A hosted session has at most one final word.
create unique index sessions_linked_session on sessions(linked_session_id) where linked_session_id is not null;

-- Idempotency-Key (Stripe's rules) for every POST of the API, per workspace, kept 24 hours.
create table idempotency_keys (
  workspace_id text not null references workspaces(id) on delete cascade,
  key text not null,
  -- sha256 of method, path and canonical body: the same key with another request answers 422.
  request_hash text not null,
  -- Null while the first request is in flight (a second one answers 409).
  status integer,
  body text,
  created_at integer not null,
  expires_at integer not null,
  primary key (workspace_id, key)
) without rowid;
create index idempotency_keys_expiry on idempotency_keys(expires_at);
