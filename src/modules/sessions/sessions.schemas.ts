// The session's value lists (each defined once; zod enums, types and CLI choices derive from them) and the
// shapes integrators send with a session: context and metadata.
import { z } from "zod";

/** Where a session lives: sandbox sessions come from test keys (RetainRabbit's "test sessions"). */
export const ENVIRONMENTS = ["prod", "sandbox"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
export const environmentSchema = z.enum(ENVIRONMENTS);

/** created → opened → completed | expired. */
export const SESSION_STATES = ["created", "opened", "completed", "expired"] as const;
export type SessionState = (typeof SESSION_STATES)[number];
export const sessionStateSchema = z.enum(SESSION_STATES);

/** The page a session is on within its flow. */
export const SESSION_STEPS = ["survey", "offer", "confirm", "done"] as const;
export type SessionStep = (typeof SESSION_STEPS)[number];

export const OUTCOMES = ["pending", "saved", "canceled"] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const outcomeSchema = z.enum(OUTCOMES);
/** The outcomes a finished session can have. */
export type FinalOutcome = Exclude<Outcome, "pending">;

/** Which door a session came in by ("ingestion": an event recorded through POST /api/v1/cancellations or the import). */
export const SESSION_SOURCES = ["cancel_link", "api", "hosted_url", "ingestion"] as const;
export type SessionSource = (typeof SESSION_SOURCES)[number];
export const sessionSourceSchema = z.enum(SESSION_SOURCES);

/** Stats windows; the number of days each covers (all: no lower bound). */
export const STATS_WINDOWS = ["all", "7d", "30d", "90d"] as const;
export type StatsWindow = (typeof STATS_WINDOWS)[number];
export const statsWindowSchema = z.enum(STATS_WINDOWS, `must be one of ${STATS_WINDOWS.join(", ")}`);
export const STATS_WINDOW_DAYS: Record<StatsWindow, number> = { all: Infinity, "7d": 7, "30d": 30, "90d": 90 };

const metadataValue = z.union([z.string().max(500, "strings must be at most 500 characters"), z.number(), z.boolean(), z.null()]);

export const metadataSchema = z
  .record(z.string().min(1).max(40, "keys must be at most 40 characters"), metadataValue)
  .refine((o) => Object.keys(o).length <= 50, "at most 50 keys");
export type Metadata = z.infer<typeof metadataSchema>;

export const contextSchema = z.object({
  plan: z.string().max(100).optional(),
  mrr: z.number().min(0).max(100_000_000).optional().describe("Advanced: monthly recurring revenue in currency units"),
  tenureDays: z.number().int().min(0).max(100_000).optional().describe("Advanced: customer tenure in days"),
});
export type SessionContext = z.infer<typeof contextSchema>;
