// The flow step shape (RetainRabbit's public shape) and its wire schemas.
import { z } from "zod";

export const offerConfigSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("discount"), percentOff: z.number().int().min(1).max(100), durationMonths: z.number().int().min(1).max(36) }),
  z.object({ kind: z.literal("pause"), months: z.number().int().min(1).max(12) }),
  z.object({ kind: z.literal("downgrade"), toPlan: z.string().min(1).max(100), label: z.string().min(1).max(200) }),
  z.object({ kind: z.literal("extension"), days: z.number().int().min(1).max(365) }),
  z.object({ kind: z.literal("contact"), url: z.string().url().nullable() }),
]);
export type OfferConfig = z.infer<typeof offerConfigSchema>;

export const stepSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("survey"),
    label: z.string().min(1).max(200),
    config: z.object({ options: z.array(z.string().min(1).max(100)).min(1).max(20) }),
  }),
  z.object({
    type: z.literal("offer"),
    label: z.string().min(1).max(200),
    config: offerConfigSchema,
    /** The survey reasons (lower case) this offer is shown for. */
    reasons: z.array(z.string().min(1).max(100)).max(20),
  }),
  z.object({
    type: z.literal("confirmation"),
    label: z.string().min(1).max(200),
    config: z.object({ message: z.string().min(1).max(1000) }),
  }),
]);
export type Step = z.infer<typeof stepSchema>;
export type OfferStep = Extract<Step, { type: "offer" }>;
export type SurveyStep = Extract<Step, { type: "survey" }>;
export type ConfirmationStep = Extract<Step, { type: "confirmation" }>;

export const flowStatusSchema = z.enum(["draft", "active", "archived"]);

export const flowSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  status: flowStatusSchema,
  updatedAt: z.string().describe("ISO 8601"),
});

export const flowDetailSchema = flowSummarySchema.extend({
  steps: z.array(
    z.object({
      type: z.enum(["survey", "offer", "confirmation"]),
      label: z.string(),
      config: z.record(z.string(), z.unknown()),
      reasons: z.array(z.string()).optional(),
    }),
  ),
  hostedUrl: z.string().describe("<public URL>/flow/<workspaceId>/<flowId>; add signed customerId, ts and sig"),
});
