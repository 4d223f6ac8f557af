-- Stripe billing of workspaces: the customer and subscription each workspace is linked to, the last
-- snapshot applied per subscription (Stripe does not order deliveries), and every event id received.

create table workspace_billing (
  workspace_id text primary key references workspaces(id) on delete cascade,
  customer_id text unique,
  -- The subscription that decides plan and access; an older one ending later must not lock the workspace.
  subscription_id text,
  subscription_status text,
  -- Epoch ms of the next invoice (null when the subscription ends at period end or is over).
  next_invoice_at integer,
  -- Set by invoice.payment_failed, cleared by a later invoice.paid: the dashboard banner.
  payment_failed_at integer,
  -- The newest invoice.paid (epoch ms): a late, older payment failure must not raise the banner again.
  last_paid_at integer,
  updated_at integer not null
);
create index workspace_billing_subscription on workspace_billing(subscription_id) where subscription_id is not null;

create table stripe_subscriptions (
  id text primary key,
  workspace_id text not null references workspaces(id) on delete cascade,
  customer_id text,
  status text not null,
  lookup_key text,
  next_invoice_at integer,
  -- The Stripe event.created (seconds) of the snapshot last applied, and the event kind's rank for ties.
  snapshot_at integer not null,
  snapshot_rank integer not null,
  updated_at integer not null
);

create table stripe_events (
  id text primary key,
  type text not null,
  -- Stripe's event.created, seconds.
  created integer not null,
  status text not null check (status in ('applied', 'stale', 'ignored', 'failed')),
  workspace_id text,
  payload text,
  error text,
  attempts integer not null default 1,
  -- Follow-up mail to the owners (invoice.payment_failed): queued in the same transaction, sent after it.
  mail_status text check (mail_status in ('pending', 'sent', 'failed')),
  mail_error text,
  received_at integer not null,
  processed_at integer not null
);
create index stripe_events_received on stripe_events(received_at);
create index stripe_events_failed on stripe_events(workspace_id, received_at) where status = 'failed';
create index stripe_events_mail on stripe_events(mail_status, received_at) where mail_status in ('pending', 'failed');
