// SQL for workspace billing: customer and subscription links, subscription snapshots, received Stripe events.
// Methods are synchronous: the webhook runs several of them (and the workspace service) in one transaction.
import type { Database } from "bun:sqlite";

export type EventStatus = "applied" | "stale" | "ignored" | "failed";
export type MailStatus = "pending" | "sent" | "failed";

export interface WorkspaceBilling {
  workspaceId: string;
  customerId: string | null;
  subscriptionId: string | null;
  subscriptionStatus: string | null;
  nextInvoiceAt: number | null;
  paymentFailedAt: number | null;
  lastPaidAt: number | null;
  updatedAt: number;
}

export interface SubscriptionSnapshot {
  id: string;
  workspaceId: string;
  customerId: string | null;
  status: string;
  lookupKey: string | null;
  nextInvoiceAt: number | null;
  snapshotAt: number;
  snapshotRank: number;
  updatedAt: number;
}

export interface StripeEventRow {
  id: string;
  type: string;
  created: number;
  status: EventStatus;
  workspaceId: string | null;
  payload: string | null;
  error: string | null;
  attempts: number;
  mailStatus: MailStatus | null;
  mailError: string | null;
  receivedAt: number;
  processedAt: number;
}

const toBilling = (r: Record<string, any>): WorkspaceBilling => ({
  workspaceId: r.workspace_id,
  customerId: r.customer_id,
  subscriptionId: r.subscription_id,
  subscriptionStatus: r.subscription_status,
  nextInvoiceAt: r.next_invoice_at,
  paymentFailedAt: r.payment_failed_at,
  lastPaidAt: r.last_paid_at,
  updatedAt: r.updated_at,
});

const toSnapshot = (r: Record<string, any>): SubscriptionSnapshot => ({
  id: r.id,
  workspaceId: r.workspace_id,
  customerId: r.customer_id,
  status: r.status,
  lookupKey: r.lookup_key,
  nextInvoiceAt: r.next_invoice_at,
  snapshotAt: r.snapshot_at,
  snapshotRank: r.snapshot_rank,
  updatedAt: r.updated_at,
});

const toEvent = (r: Record<string, any>): StripeEventRow => ({
  id: r.id,
  type: r.type,
  created: r.created,
  status: r.status,
  workspaceId: r.workspace_id,
  payload: r.payload,
  error: r.error,
  attempts: r.attempts,
  mailStatus: r.mail_status,
  mailError: r.mail_error,
  receivedAt: r.received_at,
  processedAt: r.processed_at,
});

export function createBillingStore({ db }: { db: Database }) {
  const billingOf = db.query("select * from workspace_billing where workspace_id = ?");
  const billingByCustomer = db.query("select * from workspace_billing where customer_id = ?");
  const billingBySubscription = db.query("select * from workspace_billing where subscription_id = ?");
  const upsertBilling = db.query(
    `insert into workspace_billing (workspace_id, customer_id, subscription_id, subscription_status, next_invoice_at, payment_failed_at, last_paid_at, updated_at)
     values ($workspaceId, $customerId, $subscriptionId, $subscriptionStatus, $nextInvoiceAt, $paymentFailedAt, $lastPaidAt, $updatedAt)
     on conflict (workspace_id) do update set customer_id = excluded.customer_id, subscription_id = excluded.subscription_id,
       subscription_status = excluded.subscription_status, next_invoice_at = excluded.next_invoice_at,
       payment_failed_at = excluded.payment_failed_at, last_paid_at = excluded.last_paid_at, updated_at = excluded.updated_at`,
  );
  const snapshotOf = db.query("select * from stripe_subscriptions where id = ?");
  const upsertSnapshot = db.query(
    `insert into stripe_subscriptions (id, workspace_id, customer_id, status, lookup_key, next_invoice_at, snapshot_at, snapshot_rank, updated_at)
     values ($id, $workspaceId, $customerId, $status, $lookupKey, $nextInvoiceAt, $snapshotAt, $snapshotRank, $updatedAt)
     on conflict (id) do update set workspace_id = excluded.workspace_id, customer_id = excluded.customer_id, status = excluded.status,
       lookup_key = excluded.lookup_key, next_invoice_at = excluded.next_invoice_at, snapshot_at = excluded.snapshot_at,
       snapshot_rank = excluded.snapshot_rank, updated_at = excluded.updated_at`,
  );
  const eventById = db.query("select * from stripe_events where id = ?");
  const upsertEvent = db.query(
    `insert into stripe_events (id, type, created, status, workspace_id, payload, error, attempts, mail_status, mail_error, received_at, processed_at)
     values ($id, $type, $created, $status, $workspaceId, $payload, $error, $attempts, $mailStatus, $mailError, $receivedAt, $processedAt)
     on conflict (id) do update set status = excluded.status, workspace_id = excluded.workspace_id, payload = excluded.payload,
       error = excluded.error, attempts = excluded.attempts, mail_status = excluded.mail_status, mail_error = excluded.mail_error,
       processed_at = excluded.processed_at`,
  );
  const setMail = db.query("update stripe_events set mail_status = ?, mail_error = ? where id = ?");
  const failedOf = db.query("select * from stripe_events where workspace_id = ? and status = 'failed' order by received_at desc limit ?");
  const allFailed = db.query("select * from stripe_events where status = 'failed' order by received_at desc limit ?");
  const mailPending = db.query("select * from stripe_events where mail_status = 'pending' order by received_at limit ?");
  // Each of these reads one of the partial indexes: cheap however many events have been received.
  const lastReceived = db.query("select max(received_at) as at from stripe_events");
  const failedCount = db.query("select count(*) as n from stripe_events where status = 'failed'");
  const mailCounts = db.query(
    "select mail_status as status, count(*) as n, min(received_at) as oldest from stripe_events where mail_status in ('pending', 'failed') group by mail_status",
  );

  return {
    transaction<T>(fn: () => T): T {
      return db.transaction(fn)();
    },
    billing(workspaceId: string): WorkspaceBilling | null {
      const row = billingOf.get(workspaceId) as Record<string, any> | null;
      return row ? toBilling(row) : null;
    },
    billingByCustomer(customerId: string): WorkspaceBilling | null {
      const row = billingByCustomer.get(customerId) as Record<string, any> | null;
      return row ? toBilling(row) : null;
    },
    billingBySubscription(subscriptionId: string): WorkspaceBilling | null {
      const row = billingBySubscription.get(subscriptionId) as Record<string, any> | null;
      return row ? toBilling(row) : null;
    },
    saveBilling(b: WorkspaceBilling): void {
      upsertBilling.run({ ...b });
    },
    snapshot(subscriptionId: string): SubscriptionSnapshot | null {
      const row = snapshotOf.get(subscriptionId) as Record<string, any> | null;
      return row ? toSnapshot(row) : null;
    },
    saveSnapshot(s: SubscriptionSnapshot): void {
      upsertSnapshot.run({ ...s });
    },
    event(id: string): StripeEventRow | null {
      const row = eventById.get(id) as Record<string, any> | null;
      return row ? toEvent(row) : null;
    },
    saveEvent(e: StripeEventRow): void {
      upsertEvent.run({ ...e });
    },
    setMail(id: string, status: MailStatus, error: string | null): void {
      setMail.run(status, error, id);
    },
    failedEvents(workspaceId: string | null, limit = 50): StripeEventRow[] {
      const rows = (workspaceId === null ? allFailed.all(limit) : failedOf.all(workspaceId, limit)) as Record<string, any>[];
      return rows.map(toEvent);
    },
    pendingMail(limit = 100): StripeEventRow[] {
      return (mailPending.all(limit) as Record<string, any>[]).map(toEvent);
    },
    stats(): { lastEventAt: number | null; failedEvents: number; mailPending: number; mailFailed: number; oldestPendingAt: number | null } {
      const { at } = lastReceived.get() as { at: number | null };
      const { n } = failedCount.get() as { n: number };
      const mail = mailCounts.all() as { status: MailStatus; n: number; oldest: number }[];
      const pending = mail.find((m) => m.status === "pending");
      const failed = mail.find((m) => m.status === "failed");
      return { lastEventAt: at, failedEvents: n, mailPending: pending?.n ?? 0, mailFailed: failed?.n ?? 0, oldestPendingAt: pending?.oldest ?? null };
    },
  };
}

export type BillingStore = ReturnType<typeof createBillingStore>;
