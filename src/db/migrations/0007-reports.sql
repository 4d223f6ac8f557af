-- Weekly report emails: per-workspace settings, and one row per (workspace, week) claimed before sending.

create table report_settings (
  workspace_id text primary key references workspaces(id) on delete cascade,
  schedule text not null default 'weekly' check (schedule in ('weekly', 'off')),
  recipients text not null default '[]',
  -- When reports last became active (weekly with recipients); null while off. Only weeks falling due
  -- after this are sent, so turning reports on never mails a week from before.
  active_since integer,
  updated_at integer not null
);

-- The primary key is the claim: inserting it (on conflict do nothing) is what lets exactly one sender
-- — the scheduler of one of two servers on this file, or the CLI — send a given week.
create table report_deliveries (
  workspace_id text not null references workspaces(id) on delete cascade,
  week text not null,
  status text not null check (status in ('sending', 'retrying', 'sent', 'failed')),
  trigger text not null check (trigger in ('schedule', 'cli')),
  recipients text not null,
  attempts integer not null default 0,
  next_attempt_at integer,
  last_error text,
  lease_until integer,
  claimed_at integer not null,
  sent_at integer,
  primary key (workspace_id, week)
) without rowid;
create index report_deliveries_pending on report_deliveries(status, next_attempt_at) where status in ('sending', 'retrying');
create index report_deliveries_sent on report_deliveries(sent_at) where sent_at is not null;
