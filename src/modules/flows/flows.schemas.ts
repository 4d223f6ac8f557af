// The flow step shape (RetainRabbit's public shape) and its wire schemas.
import { z } from "zod";

/** The kinds of step a flow is made of. */
export const STEP_TYPES = ["survey", "offer", "confirmation"] as const;
export type StepType = (typeof STEP_TYPES)[number];

/** What an offer step offers. */
export const OFFER_KINDS = ["discount", "pause", "downgrade", "extension", "contact"] as const;
export type OfferKind = (typeof OFFER_KINDS)[number];

export const FLOW_STATUSES = ["draft", "active", "archived"] as const;
export type FlowStatus = (typeof FLOW_STATUSES)[number];

// Each member names its kind from OFFER_KINDS; the type checks below keep the lists and the unions in step.
export const offerConfigSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("discount"), percentOff: z.number().int().min(1).max(100), durationMonths: z.number().int().min(1).max(36) }),
  z.object({ kind: z.literal("pause"), months: z.number().int().min(1).max(12) }),
  z.object({ kind: z.literal("downgrade"), toPlan: z.string().min(1).max(100), label: z.string().min(1).max(200) }),
  z.object({ kind: z.literal("extension"), days: z.number().int().min(1).max(365) }),
  z.object({ kind: z.literal("contact"), url: z.string().url().nullable() }),
]);
export type OfferConfig = z.infer<typeof offerConfigSchema>;

/** true only when A and B are the same union: a compile error when a value list and a schema drift apart. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const offerKindsMatch: Same<OfferKind, OfferConfig["kind"]> = true;

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
const stepTypesMatch: Same<StepType, Step["type"]> = true;
void offerKindsMatch, stepTypesMatch;

export const flowStatusSchema = z.enum(FLOW_STATUSES);

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
      type: z.enum(STEP_TYPES),
      label: z.string(),
      config: z.record(z.string(), z.unknown()),
      reasons: z.array(z.string()).optional(),
    }),
  ),
  hostedUrl: z.string().describe("<public URL>/flow/<workspaceId>/<flowId>; add signed customerId, ts and sig"),
});
