// The session's value lists (each defined once; zod enums, types and CLI choices derive from them) and the
// shapes integrators send with a session: context and metadata.
import { z } from "zod";
import { freeText, plainText, textProblem } from "../../lib/text.ts";
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

// The limits, named once: these schemas and the import's fast check (cancellations/event-body-fast.ts) read them.
export const MAX_KEYS = 50;
export const MAX_KEY_LENGTH = 40;
export const METADATA_STRING_MAX = 500;
export const PLAN_MAX = 100;
export const MRR_MAX = 100_000_000;
export const TENURE_DAYS_MAX = 100_000;
export const CURRENCY_PATTERN = /^[A-Za-z]{3}$/;
const metadataValue = z.union([freeText(z.string().max(METADATA_STRING_MAX, `strings must be at most ${METADATA_STRING_MAX} characters`)), z.number(), z.boolean(), z.null()]);
/** Key rules for a flat object; issues sit on the object itself, so a bad key is never echoed in a path. */
function checkKeys(object: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const keys = Object.keys(object);
  if (keys.length > MAX_KEYS) ctx.addIssue({ code: "custom", message: `at most ${MAX_KEYS} keys` });
  for (const key of keys) {
    const problem =
      key.length === 0 ? "keys must not be empty" : key.length > MAX_KEY_LENGTH ? `keys must be at most ${MAX_KEY_LENGTH} characters` : textProblem(key);
    if (problem) {
      ctx.addIssue({ code: "custom", message: problem.replace(/^must/, "keys must") });
      return;
    }
  }
}

export const metadataSchema = z.record(z.string(), metadataValue).superRefine(checkKeys);
export type Metadata = z.infer<typeof metadataSchema>;

const tenureDays = z.number().int().min(0).max(TENURE_DAYS_MAX);

/** A BCP 47 language tag in its canonical form (de-de → de-DE), or null when it is not one. */
function canonicalLocale(tag: string): string | null {
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? null;
  } catch {
    return null;
  }
}

/**
 * What an integrator tells us about the subscriber. The known fields are checked; any other key is kept (stored and
 * shown in diagnostics) under the same limits as metadata, so an integrator's data is never dropped silently.
 */
export const contextSchema = z
  .object({
    plan: plainText(z.string().max(PLAN_MAX)).optional(),
    mrr: z.number().min(0).max(MRR_MAX).optional().describe("Advanced: monthly recurring revenue in the currency's major unit"),
    tenureDays: tenureDays.optional().describe("Advanced: customer tenure in days (alias: tenure)"),
    tenure: tenureDays.optional().describe("Alias of tenureDays"),
    currency: z
      .string()
      .regex(CURRENCY_PATTERN, "must be a three-letter ISO 4217 code like USD")
      .transform((c) => c.toUpperCase())
      .optional()
      .describe("ISO 4217 (USD when omitted)"),
    locale: z
      .string()
      .max(35, "must be a BCP 47 language tag like de-DE")
      .refine((tag) => canonicalLocale(tag) !== null, "must be a BCP 47 language tag like de-DE")
      .transform((tag) => canonicalLocale(tag)!)
      .optional()
      .describe("BCP 47, e.g. de-DE"),
  })
  .catchall(metadataValue)
  .superRefine((context, ctx) => {
    checkKeys(context, ctx);
    if (context.tenure !== undefined && context.tenureDays !== undefined && context.tenure !== context.tenureDays)
      ctx.addIssue({ code: "custom", path: ["tenure"], message: "conflicts with context.tenureDays: send one of them" });
  })
  .transform(({ tenure, ...rest }) => (tenure !== undefined && rest.tenureDays === undefined ? { ...rest, tenureDays: tenure } : rest));
export type SessionContext = z.output<typeof contextSchema>;

/**
 * A check for aliases the guides spell two ways (userId / user_id): both sent with different values is a 400
 * naming both, rather than a silent pick. The route copies an alias over only when the main name is absent.
 */
export function noConflictingAliases(pairs: readonly (readonly [alias: string, name: string])[]) {
  return (body: Record<string, unknown>, ctx: z.RefinementCtx) => {
    for (const [alias, name] of pairs) {
      if (body[alias] !== undefined && body[name] !== undefined && JSON.stringify(body[alias]) !== JSON.stringify(body[name]))
        ctx.addIssue({ code: "custom", path: [alias], message: `conflicts with ${name}: send one of them, or the same value in both` });
    }
  };
}
