// Wire schemas for the RetentBase-compatible endpoints.
import { z } from "zod";
import { plainText } from "../../lib/text.ts";
import {
  contextSchema,
  environmentSchema,
  metadataSchema,
  noConflictingAliases,
  outcomeSchema,
  sessionStateSchema,
} from "../sessions/sessions.schemas.ts";

/** The guide spells these fields both ways: [snake_case alias, camelCase name]. */
export const CANCEL_LINK_ALIASES = [
  ["user_id", "userId"],
  ["return_url", "returnUrl"],
  ["flow_id", "flowId"],
] as const;

export const cancelLinkBody = z
  .object({
    userId: plainText(z.string().trim().min(1, "is required").max(200)).describe("Your stable user identifier (alias: user_id)"),
    user_id: z.unknown().optional().describe("Alias of userId"),
    returnUrl: plainText(z.string().max(2000)).optional().describe("Override callback URL; must be allowlisted (alias: return_url)"),
    return_url: z.unknown().optional().describe("Alias of returnUrl"),
    environment: environmentSchema.optional(),
    context: contextSchema.optional(),
    metadata: metadataSchema.optional().describe("Flat object of string/number/boolean/null values"),
    flowId: z.uuid().optional().describe("A flow of this workspace; the default flow when omitted (alias: flow_id)"),
    flow_id: z.unknown().optional().describe("Alias of flowId"),
  })
  .superRefine(noConflictingAliases(CANCEL_LINK_ALIASES));
export type CancelLinkBody = z.infer<typeof cancelLinkBody>;

export const cancelLinkResponse = z.object({
  url: z.string(),
  expiresAt: z.string(),
  expires_at: z.string(),
  environment: environmentSchema,
  sessionId: z.string(),
  session_id: z.string(),
});

export const sessionIdParams = z.object({ session_id: z.string() });

export const resultBody = z.object({
  token: z.string().min(1, "is required").max(8192),
  workspaceId: z.string().min(1).max(100).optional().describe("Accept only a token of this workspace (an API key scopes the same way)"),
});
export type ResultBody = z.infer<typeof resultBody>;

export const resultPayloadSchema = z.object({
  valid: z.literal(true),
  iss: z.string(),
  aud: z.string(),
  sub: z.string(),
  sid: z.string(),
  sessionId: z.string(),
  session_id: z.string(),
  userId: z.string(),
  outcome: outcomeSchema,
  reason: z.string().nullable(),
  feedback: z.string().nullable(),
  offer: z.record(z.string(), z.unknown()).nullable(),
  environment: environmentSchema,
  jti: z.string().optional().describe("Unique per token: store it to refuse a replay"),
  iat: z.number(),
  exp: z.number(),
});

export const diagnosticsSchema = z.object({
  sessionId: z.string(),
  session_id: z.string(),
  state: sessionStateSchema,
  status: sessionStateSchema,
  completed: z.boolean(),
  outcome: outcomeSchema,
  reason: z.string().nullable(),
  feedback: z.string().nullable(),
  offer: z.record(z.string(), z.unknown()).nullable(),
  recoveredMrrCents: z.number(),
  environment: environmentSchema,
  userId: z.string(),
  subscriptionId: z.string().nullable(),
  flowId: z.string().nullable().describe("Null for an ingested event"),
  flowVersion: z.number().nullable().describe("The flow version the session ran: the copy the subscriber saw"),
  source: z.string(),
  context: z.record(z.string(), z.unknown()),
  metadata: z.record(z.string(), z.unknown()),
  linkedEvent: z
    .object({ eventId: z.string(), status: z.enum(["pending", "saved", "canceled"]), occurredAt: z.string() })
    .nullable()
    .describe("The ingested cancellation event that is this session's final word (POST /api/v1/cancellations with sessionId)"),
  createdAt: z.string(),
  openedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  expiresAt: z.string(),
});
