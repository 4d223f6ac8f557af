// The shapes of reports: the figures a weekly report is rendered from, settings, and delivery records.
import { z } from "zod";
import { isEmailAddress } from "../../lib/smtp-url.ts";

export const REPORT_SCHEDULES = ["weekly", "off"] as const;
export type ReportSchedule = (typeof REPORT_SCHEDULES)[number];

/** A week's (or the previous week's) totals over production sessions only. */
export interface PeriodTotals {
  sessions: number;
  saved: number;
  canceled: number;
  pending: number;
  /** saved / (saved + canceled), 3 decimals, 0 when nothing was decided. */
  saveRate: number;
  recoveredMrrCents: number;
  lostMrrCents: number;
}

export interface ReasonFigure {
  reason: string;
  sessions: number;
  saved: number;
  canceled: number;
  saveRate: number;
}

export interface OfferFigure {
  kind: string;
  /** null when the source cannot tell how often the offer was shown (only acceptances are known). */
  shown: number | null;
  accepted: number;
  acceptanceRate: number | null;
  recoveredMrrCents: number;
}

export interface IssueFigure {
  kind: "reason_spike" | "save_rate_drop" | "volume_spike";
  subject: string;
  observed: number;
  expected: number;
  message: string;
}

export interface WeeklyFigures {
  week: string;
  /** Monday and Sunday of the week, YYYY-MM-DD (UTC). */
  from: string;
  to: string;
  current: PeriodTotals;
  previous: PeriodTotals;
  /** Most frequent first; the renderer shows the first few. */
  reasons: ReasonFigure[];
  offers: OfferFigure[];
  /** null when issue detection is not available; status not_enough_data when the history is too short. */
  issues: { status: "ok" | "not_enough_data"; items: IssueFigure[] } | null;
}

export const MAX_RECIPIENTS = 20;

/** Recipients as typed in a form or a CLI flag: comma, semicolon, space or newline separated. */
export const recipientsSchema = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (Array.isArray(value) ? value : value.split(/[\s,;]+/)).map((v) => v.trim().toLowerCase()).filter(Boolean))
  .pipe(
    z
      .array(z.string().refine(isEmailAddress, "must be email addresses"))
      .max(MAX_RECIPIENTS, `at most ${MAX_RECIPIENTS} addresses`)
      .transform((list) => [...new Set(list)]),
  );

export const reportSettingsSchema = z.object({
  schedule: z.enum(REPORT_SCHEDULES, { message: "must be weekly or off" }),
  recipients: recipientsSchema,
});
export type ReportSettingsInput = z.input<typeof reportSettingsSchema>;

export interface ReportSettings {
  workspaceId: string;
  schedule: ReportSchedule;
  recipients: string[];
  /** Since when reports are on (weekly with recipients); null while off. */
  activeSince: number | null;
  updatedAt: number | null;
}

export const DELIVERY_STATUSES = ["sending", "retrying", "sent", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One (workspace, week) claim: the row whose unique key guarantees a report goes out at most once. */
export interface ReportDelivery {
  workspaceId: string;
  week: string;
  status: DeliveryStatus;
  trigger: "schedule" | "cli";
  recipients: string[];
  attempts: number;
  nextAttemptAt: number | null;
  lastError: string | null;
  claimedAt: number;
  sentAt: number | null;
}
