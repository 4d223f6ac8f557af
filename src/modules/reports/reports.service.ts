// Weekly reports: settings, building a week's report, and sending it at most once per (workspace, week).
import type { Clock } from "../../lib/clock.ts";
import type { Logger } from "../../http/logger.ts";
import { AppError } from "../../lib/app-error.ts";
import { MailError, type Mailer } from "../mail/mailer.ts";
import type { WorkspaceService } from "../workspaces/workspaces.service.ts";
import type { ReportStore } from "./reports.store.ts";
import { reportSettingsSchema, type ReportDelivery, type ReportSettings, type ReportSettingsInput, type WeeklyFigures } from "./reports.schemas.ts";
import { dueAt, lastCompletePeriod, latestDuePeriod, parseWeek, previousPeriod, type ReportPeriod } from "./report-period.ts";
import { renderWeeklyReport, reportSettingsUrl, type RenderedReport } from "./reports.views.ts";

/** Where a week's figures come from (production sessions only). */
export interface FiguresSource {
  weekly(workspaceId: string, period: ReportPeriod, previous: ReportPeriod): Promise<WeeklyFigures>;
}

/** Minutes to wait after the 1st, 2nd, … failed attempt; after the last, the delivery is given up (status failed). */
export const RETRY_BACKOFF_MINUTES = [1, 5, 15, 60, 180, 360] as const;
/** How long a sender owns a claim before others may consider it abandoned (sends time out well before). */
export const SEND_LEASE_MS = 10 * 60_000;
/** Failures older than this stop counting in health (a failed report from last quarter is not today's problem). */
const FAILURE_WINDOW_MS = 28 * 86_400_000;

export interface ReportServiceDeps {
  reportStore: ReportStore;
  workspaceService: WorkspaceService;
  figures: FiguresSource;
  mailer: Mailer | null;
  clock: Clock;
  publicUrl: string;
  logger: Logger;
}

export type ClaimedSendResult =
  | { status: "sent"; week: string; recipients: string[] }
  | { status: "already_sent"; week: string; sentAt: number | null; inProgress: boolean };

export interface DueRunResult {
  week: string;
  sent: string[];
  failed: { workspaceId: string; week: string; error: string }[];
}

export function createReportService(deps: ReportServiceDeps) {
  const { reportStore, workspaceService, figures, clock, logger } = deps;

  async function workspaceOf(workspaceId: string) {
    const workspace = await workspaceService.get(workspaceId);
    if (!workspace) throw new AppError(404, `No workspace with id ${workspaceId}`);
    return workspace;
  }

  function requireMailer(): Mailer {
    if (!deps.mailer) throw new MailError("SMTP is not configured: set SMTP_URL and HOLDFAST_MAIL_FROM", "ENOTCONFIGURED");
    return deps.mailer;
  }

  function periodFor(week: string | undefined): ReportPeriod {
    if (week === undefined) return lastCompletePeriod(clock.now());
    const period = parseWeek(week);
    if (!period) throw new AppError(400, "week must be an ISO week like 2026-W46");
    if (period.end > clock.now()) throw new AppError(400, "week must be a complete week (it has not ended yet)");
    return period;
  }

  async function build(workspaceId: string, period: ReportPeriod): Promise<RenderedReport> {
    const workspace = await workspaceOf(workspaceId);
    const weekly = await figures.weekly(workspaceId, period, previousPeriod(period));
    return renderWeeklyReport(weekly, { workspaceName: workspace.displayName ?? workspace.name, publicUrl: deps.publicUrl });
  }

  const mailOf = (report: RenderedReport, to: string[]) => ({ to, ...report, unsubscribeUrl: reportSettingsUrl(deps.publicUrl) });

  const describeError = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 500);

  /** Sends a claimed delivery once; records sent, or a failure with the next attempt (or gives up). */
  async function attempt(workspaceId: string, week: string, recipients: string[], attemptsBefore: number): Promise<string | null> {
    const period = parseWeek(week)!;
    try {
      const report = await build(workspaceId, period);
      await requireMailer().send(mailOf(report, recipients));
    } catch (error) {
      const message = describeError(error);
      const delay = RETRY_BACKOFF_MINUTES[attemptsBefore];
      const next = delay === undefined ? null : clock.now() + delay * 60_000;
      await reportStore.markFailed(workspaceId, week, message, next);
      logger.warn("report send failed", { workspaceId, week, attempt: attemptsBefore + 1, retryAt: next && new Date(next).toISOString(), error: message });
      return message;
    }
    await reportStore.markSent(workspaceId, week, clock.now());
    logger.info("report sent", { workspaceId, week, recipients: recipients.length });
    return null;
  }

  return {
    async getSettings(workspaceId: string): Promise<ReportSettings> {
      await workspaceOf(workspaceId);
      return (await reportStore.getSettings(workspaceId)) ?? { workspaceId, schedule: "weekly", recipients: [], activeSince: null, updatedAt: null };
    },

    async updateSettings(workspaceId: string, input: ReportSettingsInput): Promise<ReportSettings> {
      await workspaceOf(workspaceId);
      const parsed = reportSettingsSchema.safeParse(input);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new AppError(400, `${String(issue.path[0] ?? "settings")} ${issue.message}`);
      }
      await reportStore.saveSettings(workspaceId, parsed.data.schedule, parsed.data.recipients, clock.now());
      return (await reportStore.getSettings(workspaceId))!;
    },

    /** The report of a complete week (the last one by default), rendered but not sent. */
    async preview(workspaceId: string, week?: string): Promise<RenderedReport & { week: string }> {
      const period = periodFor(week);
      return { week: period.week, ...(await build(workspaceId, period)) };
    },

    /** A manual send to explicit addresses (a test report, `--to`): always sent, never claims the week. */
    async sendTo(workspaceId: string, to: string[], week?: string): Promise<{ week: string }> {
      const period = periodFor(week);
      const report = await build(workspaceId, period);
      await requireMailer().send(mailOf(report, to));
      logger.info("manual report sent", { workspaceId, week: period.week, recipients: to.length });
      return { week: period.week };
    },

    /**
     * Sends a week to the workspace's recipients, claiming it as the scheduler would. A week already
     * sent (or being sent) is not sent again; a failed send claims nothing (throws the MailError).
     */
    async sendClaimed(workspaceId: string, week?: string): Promise<ClaimedSendResult> {
      const period = periodFor(week);
      const settings = await this.getSettings(workspaceId);
      if (settings.recipients.length === 0) throw new AppError(409, "This workspace has no report recipients: add some in the dashboard settings, or use --to");
      const mailer = requireMailer();
      const now = clock.now();
      const previous = await reportStore.get(workspaceId, period.week);
      const owned = previous
        ? await reportStore.takeUnsent(workspaceId, period.week, "cli", settings.recipients, now + SEND_LEASE_MS)
        : await reportStore.claim({ workspaceId, week: period.week, trigger: "cli", recipients: settings.recipients, now, leaseUntil: now + SEND_LEASE_MS });
      if (!owned) {
        const current = await reportStore.get(workspaceId, period.week);
        return { status: "already_sent", week: period.week, sentAt: current?.sentAt ?? null, inProgress: current?.status === "sending" };
      }
      try {
        const report = await build(workspaceId, period);
        await mailer.send(mailOf(report, settings.recipients));
      } catch (error) {
        if (previous) await reportStore.restore({ ...previous, lastError: describeError(error) });
        else await reportStore.release(workspaceId, period.week);
        throw error;
      }
      await reportStore.markSent(workspaceId, period.week, clock.now());
      return { status: "sent", week: period.week, recipients: settings.recipients };
    },

    /**
     * One scheduler pass: claims and sends the latest due week for every weekly workspace that has not
     * had it, retries failed sends whose time has come, and gives up on sends abandoned mid-way.
     */
    async runDue(): Promise<DueRunResult> {
      const now = clock.now();
      const due = latestDuePeriod(now);
      const result: DueRunResult = { week: due.week, sent: [], failed: [] };

      // A sender that died mid-send may or may not have handed the mail over: never resend it blindly.
      const abandoned = await reportStore.abandonStale(now, "interrupted while sending (the server stopped); not resent automatically so nobody gets it twice — resend with `holdfast report send`");
      for (const d of abandoned) logger.warn("report send abandoned", { workspaceId: d.workspaceId, week: d.week });

      for (const { workspaceId, recipients } of await reportStore.unclaimedWeekly(due.week, dueAt(due))) {
        const claimed = await reportStore.claim({ workspaceId, week: due.week, trigger: "schedule", recipients, now, leaseUntil: now + SEND_LEASE_MS });
        if (!claimed) continue; // another server on this file got it first
        const error = await attempt(workspaceId, due.week, recipients, 0);
        if (error === null) result.sent.push(workspaceId);
        else result.failed.push({ workspaceId, week: due.week, error });
      }

      for (const d of await reportStore.dueRetries(now)) {
        if (!(await reportStore.takeRetry(d.workspaceId, d.week, now, clock.now() + SEND_LEASE_MS))) continue;
        const error = await attempt(d.workspaceId, d.week, d.recipients, d.attempts);
        if (error === null) result.sent.push(d.workspaceId);
        else result.failed.push({ workspaceId: d.workspaceId, week: d.week, error });
      }
      return result;
    },

    async deliveries(workspaceId: string, limit = 10): Promise<ReportDelivery[]> {
      return reportStore.recent(workspaceId, limit);
    },

    /** For deep health (all workspaces) and the dashboard (one): when a report last went out, how many are failing. */
    async status(workspaceId: string | null = null): Promise<{ lastReportAt: string | null; failedReports: number }> {
      const { lastSentAt, failed } = await reportStore.summary(workspaceId, clock.now() - FAILURE_WINDOW_MS);
      return { lastReportAt: lastSentAt === null ? null : new Date(lastSentAt).toISOString(), failedReports: failed };
    },
  };
}

export type ReportService = ReturnType<typeof createReportService>;
