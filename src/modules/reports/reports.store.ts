// SQL for report settings and report deliveries (the per-(workspace, week) claims).
import type { Database } from "bun:sqlite";
import { writeQueueFor } from "../../db/write-queue.ts";
import type { DeliveryStatus, ReportDelivery, ReportSchedule, ReportSettings } from "./reports.schemas.ts";

interface SettingsRow {
  workspace_id: string;
  schedule: ReportSchedule;
  recipients: string;
  active_since: number | null;
  updated_at: number;
}

interface DeliveryRow {
  workspace_id: string;
  week: string;
  status: DeliveryStatus;
  trigger: "schedule" | "cli";
  recipients: string;
  attempts: number;
  next_attempt_at: number | null;
  last_error: string | null;
  claimed_at: number;
  sent_at: number | null;
}

const toDelivery = (r: DeliveryRow): ReportDelivery => ({
  workspaceId: r.workspace_id,
  week: r.week,
  status: r.status,
  trigger: r.trigger,
  recipients: JSON.parse(r.recipients),
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  claimedAt: r.claimed_at,
  sentAt: r.sent_at,
});

const DELIVERY_COLUMNS = "workspace_id, week, status, trigger, recipients, attempts, next_attempt_at, last_error, claimed_at, sent_at";

export function createReportStore({ db }: { db: Database }) {
  // Writes wait for another process's lock on a timer (the write queue), never in SQLite's busy handler.
  const writes = writeQueueFor(db);
  const settingsOf = db.query("select workspace_id, schedule, recipients, active_since, updated_at from report_settings where workspace_id = ?");
  const upsertSettings = db.query(
    `insert into report_settings (workspace_id, schedule, recipients, active_since, updated_at) values (?1, ?2, ?3, ?4, ?5)
     on conflict (workspace_id) do update set schedule = ?2, recipients = ?3, updated_at = ?5,
       active_since = case when ?4 is null then null else coalesce(report_settings.active_since, ?4) end`,
  );
  // Workspaces whose report for `week` (due at ?2) is due and not yet claimed by anyone.
  const unclaimed = db.query(
    `select s.workspace_id, s.recipients from report_settings s
     where s.active_since is not null and s.active_since <= ?2
       and not exists (select 1 from report_deliveries d where d.workspace_id = s.workspace_id and d.week = ?1)`,
  );
  const claim = db.query(
    `insert into report_deliveries (workspace_id, week, status, trigger, recipients, claimed_at, lease_until)
     values (?, ?, 'sending', ?, ?, ?, ?) on conflict (workspace_id, week) do nothing`,
  );
  const takeRetry = db.query(
    `update report_deliveries set status = 'sending', lease_until = ?
     where workspace_id = ? and week = ? and status = 'retrying' and next_attempt_at <= ?`,
  );
  const takeUnsent = db.query(
    `update report_deliveries set status = 'sending', trigger = ?, recipients = ?, lease_until = ?
     where workspace_id = ? and week = ? and status in ('retrying', 'failed')`,
  );
  const markSent = db.query(
    `update report_deliveries set status = 'sent', sent_at = ?, attempts = attempts + 1, next_attempt_at = null,
       last_error = null, lease_until = null
     where workspace_id = ? and week = ? and status = 'sending'`,
  );
  const markFailed = db.query(
    `update report_deliveries set status = ?, attempts = attempts + 1, next_attempt_at = ?, last_error = ?, lease_until = null
     where workspace_id = ? and week = ? and status = 'sending'`,
  );
  const release = db.query("delete from report_deliveries where workspace_id = ? and week = ? and status = 'sending'");
  const restore = db.query(
    `update report_deliveries set status = ?, trigger = ?, recipients = ?, next_attempt_at = ?, last_error = ?, lease_until = null
     where workspace_id = ? and week = ? and status = 'sending'`,
  );
  const dueRetries = db.query(
    `select ${DELIVERY_COLUMNS} from report_deliveries where status = 'retrying' and next_attempt_at <= ? order by next_attempt_at limit 100`,
  );
  const abandon = db.query(
    `update report_deliveries set status = 'failed', lease_until = null, last_error = ?
     where status = 'sending' and lease_until < ? returning ${DELIVERY_COLUMNS}`,
  );
  const one = db.query(`select ${DELIVERY_COLUMNS} from report_deliveries where workspace_id = ? and week = ?`);
  const recent = db.query(`select ${DELIVERY_COLUMNS} from report_deliveries where workspace_id = ? order by week desc limit ?`);
  const lastSentAll = db.query("select max(sent_at) as at from report_deliveries where sent_at is not null");
  const lastSentOne = db.query("select max(sent_at) as at from report_deliveries where workspace_id = ? and sent_at is not null");
  const failedAll = db.query("select count(*) as n from report_deliveries where status in ('retrying', 'failed') and claimed_at >= ?");
  const failedOne = db.query(
    "select count(*) as n from report_deliveries where workspace_id = ? and status in ('retrying', 'failed') and claimed_at >= ?",
  );

  return {
    async getSettings(workspaceId: string): Promise<ReportSettings | null> {
      const row = settingsOf.get(workspaceId) as SettingsRow | null;
      return row
        ? { workspaceId, schedule: row.schedule, recipients: JSON.parse(row.recipients), activeSince: row.active_since, updatedAt: row.updated_at }
        : null;
    },
    /** Active (weekly with recipients) keeps the first activation time; anything else clears it. */
    async saveSettings(workspaceId: string, schedule: ReportSchedule, recipients: string[], now: number): Promise<void> {
      const active = schedule === "weekly" && recipients.length > 0;
      await writes.enqueue(() => upsertSettings.run(workspaceId, schedule, JSON.stringify(recipients), active ? now : null, now));
    },
    /** Active workspaces that had reports on by `dueAt` and have no claim for `week` yet. */
    async unclaimedWeekly(week: string, dueAt: number): Promise<{ workspaceId: string; recipients: string[] }[]> {
      return (unclaimed.all(week, dueAt) as { workspace_id: string; recipients: string }[]).map((r) => ({
        workspaceId: r.workspace_id,
        recipients: JSON.parse(r.recipients),
      }));
    },
    /** true when this caller now owns the (workspace, week): nobody else ever will. */
    async claim(c: { workspaceId: string; week: string; trigger: "schedule" | "cli"; recipients: string[]; now: number; leaseUntil: number }): Promise<boolean> {
      return writes.enqueue(() => claim.run(c.workspaceId, c.week, c.trigger, JSON.stringify(c.recipients), c.now, c.leaseUntil).changes === 1);
    },
    /** Takes a due retry; false when another sender took it first. */
    async takeRetry(workspaceId: string, week: string, now: number, leaseUntil: number): Promise<boolean> {
      return writes.enqueue(() => takeRetry.run(leaseUntil, workspaceId, week, now).changes === 1);
    },
    /** An operator's explicit resend of a week that failed or is waiting for a retry. */
    async takeUnsent(workspaceId: string, week: string, trigger: "schedule" | "cli", recipients: string[], leaseUntil: number): Promise<boolean> {
      return writes.enqueue(() => takeUnsent.run(trigger, JSON.stringify(recipients), leaseUntil, workspaceId, week).changes === 1);
    },
    async markSent(workspaceId: string, week: string, now: number): Promise<void> {
      await writes.enqueue(() => markSent.run(now, workspaceId, week));
    },
    /** One more failed attempt: retried at nextAttemptAt, or given up (status failed) when null. */
    async markFailed(workspaceId: string, week: string, error: string, nextAttemptAt: number | null): Promise<void> {
      await writes.enqueue(() => markFailed.run(nextAttemptAt === null ? "failed" : "retrying", nextAttemptAt, error, workspaceId, week));
    },
    /** Undoes a claim this caller inserted (a failed CLI send claims nothing). */
    async release(workspaceId: string, week: string): Promise<void> {
      await writes.enqueue(() => release.run(workspaceId, week));
    },
    /** Puts back a delivery this caller took over, as it was. */
    async restore(d: ReportDelivery): Promise<void> {
      await writes.enqueue(() => restore.run(d.status, d.trigger, JSON.stringify(d.recipients), d.nextAttemptAt, d.lastError, d.workspaceId, d.week));
    },
    async dueRetries(now: number): Promise<ReportDelivery[]> {
      return (dueRetries.all(now) as DeliveryRow[]).map(toDelivery);
    },
    /** Claims left 'sending' past their lease (a sender died mid-send) become failed; returns them. */
    async abandonStale(now: number, reason: string): Promise<ReportDelivery[]> {
      return (await writes.enqueue(() => abandon.all(reason, now) as DeliveryRow[])).map(toDelivery);
    },
    async get(workspaceId: string, week: string): Promise<ReportDelivery | null> {
      const row = one.get(workspaceId, week) as DeliveryRow | null;
      return row ? toDelivery(row) : null;
    },
    async recent(workspaceId: string, limit: number): Promise<ReportDelivery[]> {
      return (recent.all(workspaceId, limit) as DeliveryRow[]).map(toDelivery);
    },
    async summary(workspaceId: string | null, failedSince: number): Promise<{ lastSentAt: number | null; failed: number }> {
      const last = (workspaceId ? lastSentOne.get(workspaceId) : lastSentAll.get()) as { at: number | null };
      const failed = (workspaceId ? failedOne.get(workspaceId, failedSince) : failedAll.get(failedSince)) as { n: number };
      return { lastSentAt: last.at, failed: failed.n };
    },
  };
}

export type ReportStore = ReturnType<typeof createReportStore>;
