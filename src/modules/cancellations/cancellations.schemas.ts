// Wire schemas for custom cancellation ingestion (RetentBase's "Custom API"): the event body, the patch, the answer.
import { z } from "zod";
import { offerConfigSchema } from "../flows/flows.schemas.ts";
import { ENVIRONMENTS, OUTCOMES, contextSchema, metadataSchema } from "../sessions/sessions.schemas.ts";


// The guide spells fields both ways; the snake_case forms are aliases.
export const EVENT_ALIASES = [
  ["event_id", "eventId"],
  ["user_id", "userId"],
  ["subscription_id", "subscriptionId"],
  ["session_id", "sessionId"],
  ["occurred_at", "occurredAt"],
] as const;

/**
 * Copies snake_case aliases onto their camelCase fields (never throws: it runs before the key check). Both sent is
 * left for the schema to judge: the same value is fine, different values are a 400 naming both spellings.
 */
export function applyEventAliases(body: unknown): void {
  if (!body || typeof body !== "object" || Array.isArray(body)) return;
  const b = body as Record<string, unknown>;
  for (const [from, to] of EVENT_ALIASES) if (b[to] === undefined && b[from] !== undefined) b[to] = b[from];
}

const required = (issue: { input: unknown }) => (issue.input === undefined ? "is required" : "must be a string");
// Control characters in ids would break logs and CSV exports.
export const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;
// The field limits, named once: the schema below and the import's fast check (event-body-fast.ts) both read them.
export const ID_MAX = 200;
export const REASON_MAX = 200;
export const FEEDBACK_MAX = 2000;

const occurredAt = z.iso
  .datetime({ offset: true, error: "must be an ISO 8601 date-time, e.g. 2026-11-20T14:03:00Z" })
  .describe("ISO 8601; default now; at most 5 minutes in the future");
const reason = z.string("must be a string").trim().max(REASON_MAX, `must be at most ${REASON_MAX} characters`);
const feedback = z.string("must be a string").trim().max(FEEDBACK_MAX, `must be at most ${FEEDBACK_MAX} characters`);
// An event's status is a session outcome (the list is defined once, with the sessions).
const status = z.enum(OUTCOMES, `must be one of ${OUTCOMES.join(", ")}`);

const eventId = z
  .string({ error: required })
  .min(1, "is required")
  .max(ID_MAX, `must be at most ${ID_MAX} characters`)
  .regex(NO_CONTROL, "must not contain control characters");
const userId = z.string({ error: required }).trim().min(1, "is required").max(ID_MAX, `must be at most ${ID_MAX} characters`);
const subscriptionId = z.string("must be a string").trim().max(ID_MAX, `must be at most ${ID_MAX} characters`);
const sessionId = z.uuid("must be a session id (uuid)");

/** The same value, as the schema reads it: an instant however it is spelled, anything else as JSON. */
function sameValue(name: string, a: unknown, b: unknown): boolean {
  if (name === "occurredAt" && typeof a === "string" && typeof b === "string") return Date.parse(a) === Date.parse(b);
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Both spellings of a field with different values: a 400 naming both, never a silent pick. Each alias is checked by
 * its field's own schema first, so " u1 " and "u1" are the same user, as they would be stored.
 */
function noConflictingEventAliases(pairs: readonly (readonly [alias: string, name: string])[]) {
  return (body: Record<string, unknown>, ctx: z.RefinementCtx) => {
    for (const [alias, name] of pairs) {
      if (body[alias] !== undefined && body[name] !== undefined && !sameValue(name, body[alias], body[name]))
        ctx.addIssue({ code: "custom", path: [alias], message: `conflicts with ${name}: send one of them, or the same value in both` });
    }
  };
}

/** Every alias field set to undefined: spread over a parsed body, it leaves what an event stores and hashes. */
export const NO_ALIASES = Object.freeze(Object.fromEntries(EVENT_ALIASES.map(([alias]) => [alias, undefined]))) as {
  readonly [K in (typeof EVENT_ALIASES)[number][0]]: undefined;
};

export const cancellationBody = z.object(
  {
    eventId: eventId.describe("Your stable id for this event, unique per workspace (alias: event_id)"),
    event_id: eventId.optional().describe("Alias of eventId"),
    userId: userId.describe("Your stable user identifier (alias: user_id)"),
    user_id: userId.optional().describe("Alias of userId"),
    subscriptionId: subscriptionId.optional().describe("Your subscription id (alias: subscription_id)"),
    subscription_id: subscriptionId.optional().describe("Alias of subscriptionId"),
    status: status.default("canceled").describe("default canceled"),
    reason: reason.optional().describe("Why the customer left, e.g. too expensive (stored lower case)"),
    feedback: feedback.optional(),
    offer: offerConfigSchema.optional().describe("The offer shown or accepted, in the flow offer shape"),
    occurredAt: occurredAt.optional(),
    occurred_at: occurredAt.optional().describe("Alias of occurredAt"),
    environment: z.enum(ENVIRONMENTS, "must be prod or sandbox").optional().describe("A test key always records sandbox"),
    context: contextSchema.optional(),
    metadata: metadataSchema.optional().describe("Flat object of string/number/boolean/null values"),
    sessionId: sessionId.optional().describe("A hosted session of this workspace that this event is the final word for (alias: session_id)"),
    session_id: sessionId.optional().describe("Alias of sessionId"),
  },
  { error: "Request body must be a JSON object" },
).superRefine(noConflictingEventAliases(EVENT_ALIASES));
export type CancellationBody = z.infer<typeof cancellationBody>;

export const cancellationPatch = z.object(
  {
    status: status.optional(),
    reason: reason.nullable().optional(),
    feedback: feedback.nullable().optional(),
    offer: offerConfigSchema.nullable().optional(),
    occurredAt: occurredAt.optional(),
    occurred_at: occurredAt.optional().describe("Alias of occurredAt"),
    context: contextSchema.optional().describe("Replaces the stored context"),
    metadata: metadataSchema.optional().describe("Replaces the stored metadata"),
  },
  { error: "Request body must be a JSON object" },
).superRefine(noConflictingEventAliases([["occurred_at", "occurredAt"]]));
export type CancellationPatch = z.infer<typeof cancellationPatch>;

export const eventIdParams = z.object({ eventId: z.string() });

export const listQuery = z.object({
  limit: z.string().optional().describe("1 to 100, default 20"),
  starting_after: z.string().optional().describe("The eventId of the last event of the previous page"),
});

export const cancellationSchema = z.object({
  id: z.string().describe("This event's session id, as GET /api/v1/sessions/:id shows it"),
  eventId: z.string(),
  event_id: z.string(),
  sessionId: z.string().nullable().describe("The linked hosted session, if any"),
  session_id: z.string().nullable(),
  userId: z.string(),
  subscriptionId: z.string().nullable(),
  status: status,
  reason: z.string().nullable(),
  feedback: z.string().nullable(),
  offer: z.record(z.string(), z.unknown()).nullable(),
  occurredAt: z.string(),
  environment: z.enum(ENVIRONMENTS),
  context: z.record(z.string(), z.unknown()),
  metadata: z.record(z.string(), z.unknown()),
  recoveredMrrCents: z.number().int().describe("round(context.mrr × 100) when saved, else 0"),
  createdAt: z.string().describe("When Holdfast recorded the event"),
  updatedAt: z.string(),
});
export type CancellationView = z.infer<typeof cancellationSchema>;

export const cancellationListSchema = z.object({ data: z.array(cancellationSchema), hasMore: z.boolean() });

export const cancellationExample = {
  eventId: "evt_2026_11_20_0001",
  userId: "user_123",
  subscriptionId: "sub_456",
  status: "canceled",
  reason: "too expensive",
  feedback: "Budget cuts this quarter",
  offer: { kind: "discount", percentOff: 30, durationMonths: 3 },
  occurredAt: "2026-11-20T14:03:00Z",
  environment: "prod",
  context: { plan: "pro_monthly", mrr: 129, tenureDays: 42 },
  metadata: { source: "billing_settings_page" },
} as const;
