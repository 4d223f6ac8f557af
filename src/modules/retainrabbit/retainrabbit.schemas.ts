// Wire schemas for the RetainRabbit-compatible endpoints: request bodies, queries and { data } envelopes.
import { z } from "zod";
import { freeText, plainText } from "../../lib/text.ts";
import { flowDetailSchema, flowSummarySchema } from "../flows/flows.schemas.ts";
import {
  contextSchema,
  environmentSchema,
  metadataSchema,
  noConflictingAliases,
  outcomeSchema,
  sessionStateSchema,
  statsWindowSchema,
} from "../sessions/sessions.schemas.ts";

/** Every RetainRabbit success is wrapped in `{ data }`. */
const envelope = <T extends z.ZodType>(data: T) => z.object({ data });

export const idParams = z.object({ id: z.string() });

export const startSessionBody = z.object(
  {
    customerId: plainText(
      z
        .string({ error: (issue) => (issue.input === undefined ? "is required" : "must be a string") })
        .trim()
        .min(1, "is required")
        .max(200, "must be at most 200 characters"),
    ).describe("Your customer's id (alias: userId)"),
    userId: z.unknown().optional().describe("Alias of customerId"),
    subscriptionId: plainText(z.string().trim().max(200, "must be at most 200 characters")).optional(),
    reason: freeText(z.string().trim().max(200, "must be at most 200 characters")).optional().describe("A reason already known, e.g. from your own UI"),
    flowId: z.uuid("must be a uuid").optional().describe("A flow of this workspace; the default flow when omitted"),
    context: contextSchema.optional(),
    metadata: metadataSchema.optional().describe("Flat object of string/number/boolean/null values"),
  },
  // The route's alias transform cannot reject a non-object body (it runs before the key check), so the schema does.
  { error: "Request body must be a JSON object" },
).superRefine(noConflictingAliases([["userId", "customerId"]]));
export type StartSessionBody = z.infer<typeof startSessionBody>;

export const statsQuery = z.object({
  window: statsWindowSchema.default("all"),
});

export const sessionSchema = z.object({
  id: z.string(),
  customerId: z.string(),
  subscriptionId: z.string().nullable(),
  reason: z.string().nullable(),
  outcome: outcomeSchema,
  recoveredMrrCents: z.number(),
  createdAt: z.string().describe("ISO 8601"),
  environment: environmentSchema.describe("sandbox sessions are RetainRabbit's test sessions"),
  state: sessionStateSchema,
  flowId: z.string(),
  flowVersion: z.number().nullable().describe("The flow version the session ran"),
});

export const startedSessionSchema = z.object({
  id: z.string(),
  outcome: z.literal("pending"),
  url: z.string().describe("The hosted flow to send the customer to"),
  expiresAt: z.string().describe("ISO 8601; the url stops working after this"),
});

export const statsSchema = z.object({
  recoveredMrrCents: z.number(),
  saveRate: z.number().describe("saved / (saved + canceled), or 0 before anything is decided"),
  sessions: z.number(),
  saved: z.number(),
  canceled: z.number(),
  pending: z.number(),
  window: statsWindowSchema,
});

export const flowListResponse = envelope(z.array(flowSummarySchema));
export const flowDetailResponse = envelope(flowDetailSchema);
export const sessionResponse = envelope(sessionSchema);
export const sessionListResponse = envelope(z.array(sessionSchema));
export const startedSessionResponse = envelope(startedSessionSchema);
export const statsResponse = envelope(statsSchema);
