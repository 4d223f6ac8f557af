-- Analytics rollups: one narrow row per workspace × environment × grain × facet × period × flow × value × outcome.
-- A session adds 1 to six rows (facets all, reason, plan, mrr, tenure, offer) instead of one row of the full
-- cross product, so a day holds about a hundred rows however varied the sessions are, and each analytics
-- question reads one facet. Each row exists at two grains: the UTC day and the calendar month (`day` is
-- then the month's first day), so a two-year range reads 24 month rows plus the loose days at its ends.
-- Maintained in the transaction of every write that changes a session; rebuilt from the sessions by
-- `holdfast analytics rebuild`. '' stands for "none" (no reason, plan, flow or offer).
create table analytics_rollups (
  workspace_id text not null,
  environment text not null,
  grain text not null check (grain in ('day', 'month')),
  facet text not null check (facet in ('all', 'reason', 'plan', 'mrr', 'tenure', 'offer')),
  day integer not null, -- the period's first day, in days since 1970-01-01, UTC
  flow_id text not null,
  value text not null,
  outcome text not null check (outcome in ('pending', 'saved', 'canceled')),
  sessions integer not null default 0,
  recovered_mrr_cents integer not null default 0,
  lost_mrr_cents integer not null default 0,
  offers_accepted integer not null default 0,
  offer_recovered_mrr_cents integer not null default 0,
  primary key (workspace_id, environment, grain, facet, day, flow_id, value, outcome)
) without rowid;

-- Which offer a hosted session displayed (the accepted one is on the session). A table of its own, without a
-- foreign key, so a later rebuild of the sessions table can neither drop nor cascade it.
create table session_offers_shown (
  session_id text primary key,
  kind text not null,
  shown_at integer not null
) without rowid;
