// Wire schemas for the analytics API: queries (validated, naming the field) and { data } answers (documented).
import { z } from "zod";
import { INTERVALS, parseDay, parseIsoWeek } from "./periods.ts";

const envelope = <T extends z.ZodType>(data: T) => z.object({ data });

const day = (what: string) =>
  z
    .string()
    .refine((v) => parseDay(v) !== null, "must be a date written YYYY-MM-DD")
    .optional()
    .describe(what);

export const retentionQuery = z.object({
  from: day("First day counted, inclusive (UTC). Default: the Monday 12 full weeks ago"),
  to: day("Last day counted, inclusive (UTC). Default: the Sunday that ended the last full week"),
  interval: z.enum(INTERVALS, "must be one of day, week, month").default("week").describe("Series bucket: day, ISO week (Monday) or month"),
  flowId: z.uuid("must be a uuid").optional().describe("Only sessions of this flow"),
});
export type RetentionQueryInput = z.infer<typeof retentionQuery>;

export const issuesQuery = z.object({
  week: z
    .string()
    .refine((v) => parseIsoWeek(v) !== null, "must be an ISO week written like 2026-W46")
    .optional()
    .describe("ISO week, e.g. 2026-W46. Default: the last complete week"),
});

const counts = {
  sessions: z.number().int(),
  saved: z.number().int(),
  canceled: z.number().int(),
};
const rate = z.number().describe("saved / (saved + canceled), half up to 3 decimals; 0 when nothing is decided");
const cohort = { ...counts, saveRate: rate, recoveredMrrCents: z.number().int() };

export const retentionSchema = z.object({
  from: z.string(),
  to: z.string(),
  interval: z.enum(INTERVALS),
  totals: z.object({ ...counts, pending: z.number().int(), saveRate: rate, recoveredMrrCents: z.number().int(), lostMrrCents: z.number().int() }),
  series: z.array(
    z.object({
      start: z.string().describe("The period's calendar start (Monday for weeks, the 1st for months)"),
      ...counts,
      pending: z.number().int(),
      saveRate: rate,
      recoveredMrrCents: z.number().int(),
    }),
  ),
  reasons: z.array(z.object({ reason: z.string().nullable().describe("null: no reason given"), ...counts, saveRate: rate })),
  offers: z.array(
    z.object({
      kind: z.string(),
      shown: z.number().int(),
      accepted: z.number().int(),
      acceptanceRate: z.number(),
      recoveredMrrCents: z.number().int(),
    }),
  ),
  cohorts: z
    .object({
      plan: z.array(z.object({ plan: z.string(), ...cohort })),
      mrr: z.array(z.object({ band: z.enum(["0-25", "25-100", "100-500", "500+", "unknown"]), ...cohort })),
      tenure: z.array(z.object({ band: z.enum(["0-30", "31-90", "91-365", "366+", "unknown"]), ...cohort })),
    })
    .nullable()
    .describe("Advanced plan only; null on Core"),
});

export const issuesSchema = z.object({
  week: z.string(),
  status: z.enum(["ok", "not_enough_data"]),
  issues: z.array(
    z.object({
      kind: z.enum(["reason_spike", "save_rate_drop", "volume_spike"]),
      subject: z.string(),
      observed: z.number(),
      expected: z.number(),
      pValue: z.number(),
      adjustedPValue: z.number(),
      message: z.string(),
    }),
  ),
});

export const retentionResponse = envelope(retentionSchema);
export const issuesResponse = envelope(issuesSchema);
