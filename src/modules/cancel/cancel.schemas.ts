// Wire schemas for the RetentBase-compatible endpoints.
import { z } from "zod";

const metadataValue = z.union([z.string().max(500, "strings must be at most 500 characters"), z.number(), z.boolean(), z.null()]);

export const metadataSchema = z
  .record(z.string().min(1).max(40, "keys must be at most 40 characters"), metadataValue)
  .refine((o) => Object.keys(o).length <= 50, "at most 50 keys");

export const contextSchema = z.object({
  plan: z.string().max(100).optional(),
  mrr: z.number().min(0).max(100_000_000).optional().describe("Advanced: monthly recurring revenue in currency units"),
  tenureDays: z.number().int().min(0).max(100_000).optional().describe("Advanced: customer tenure in days"),
});

export const cancelLinkBody = z.object({
  userId: z.string().trim().min(1, "is required").max(200).describe("Your stable user identifier (alias: user_id)"),
  returnUrl: z.string().max(2000).optional().describe("Override callback URL; must be allowlisted (alias: return_url)"),
  environment: z.enum(["prod", "sandbox"]).optional(),
  context: contextSchema.optional(),
  metadata: metadataSchema.optional().describe("Flat object of string/number/boolean/null values"),
  flowId: z.uuid().optional().describe("A flow of this workspace; the default flow when omitted"),
});
export type CancelLinkBody = z.infer<typeof cancelLinkBody>;

export const cancelLinkResponse = z.object({
  url: z.string(),
  expiresAt: z.string(),
  expires_at: z.string(),
  environment: z.enum(["prod", "sandbox"]),
  sessionId: z.string(),
  session_id: z.string(),
});

export const resultBody = z.object({ token: z.string().min(1, "is required").max(8192) });

export const resultPayloadSchema = z.object({
  valid: z.literal(true),
  iss: z.string(),
  aud: z.string(),
  sub: z.string(),
  sid: z.string(),
  sessionId: z.string(),
  session_id: z.string(),
  userId: z.string(),
  outcome: z.enum(["pending", "saved", "canceled"]),
  reason: z.string().nullable(),
  feedback: z.string().nullable(),
  offer: z.record(z.string(), z.unknown()).nullable(),
  environment: z.enum(["prod", "sandbox"]),
  iat: z.number(),
  exp: z.number(),
});

export const diagnosticsSchema = z.object({
  sessionId: z.string(),
  session_id: z.string(),
  state: z.enum(["created", "opened", "completed", "expired"]),
  status: z.enum(["created", "opened", "completed", "expired"]),
  completed: z.boolean(),
  outcome: z.enum(["pending", "saved", "canceled"]),
  reason: z.string().nullable(),
  feedback: z.string().nullable(),
  offer: z.record(z.string(), z.unknown()).nullable(),
  recoveredMrrCents: z.number(),
  environment: z.enum(["prod", "sandbox"]),
  userId: z.string(),
  subscriptionId: z.string().nullable(),
  flowId: z.string(),
  source: z.string(),
  context: z.record(z.string(), z.unknown()),
  metadata: z.record(z.string(), z.unknown()),
  linkedEvent: z.null().describe("The ingested cancellation event linked to this session, when there is one"),
  createdAt: z.string(),
  openedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  expiresAt: z.string(),
});
