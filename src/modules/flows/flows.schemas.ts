// The flow step shape (RetainRabbit's public shape, with Holdfast's copy fields) and its validation.
// Validation errors name the step and field (`steps[1].config.percentOff must be between 1 and 100`) and
// never echo a submitted value.
import { z } from "zod";
import { AppError } from "../../lib/app-error.ts";
import { normalizeReason } from "./flow-steps.ts";

export const OFFER_KINDS = ["discount", "pause", "downgrade", "extension", "contact"] as const;
export type OfferKind = (typeof OFFER_KINDS)[number];
export const STEP_TYPES = ["survey", "offer", "confirmation"] as const;
export type StepType = (typeof STEP_TYPES)[number];
export const FLOW_STATUSES = ["draft", "active", "archived"] as const;
export type FlowStatus = (typeof FLOW_STATUSES)[number];
/** Languages the hosted pages ship built-in copy for; a flow may add its own text per locale. */
export const LOCALES = ["en", "de", "fr", "es"] as const;
export type Locale = (typeof LOCALES)[number];

const required = (kind: string) => (issue: { input?: unknown }) => (issue.input === undefined ? "is required" : `must be ${kind}`);

function int(min: number, max: number) {
  const range = `must be between ${min} and ${max}`;
  return z.number({ error: required("a number") }).int("must be a whole number").min(min, range).max(max, range);
}

function text(max: number) {
  return z
    .string({ error: required("a string") })
    .trim()
    .min(1, "must not be empty")
    .max(max, `must be at most ${max} characters`);
}

/**
 * The offer fields' limits, named once: the schemas below and the import's fast check
 * (cancellations/event-body-fast.ts) both read them. Ranges are inclusive [min, max]; texts are trimmed lengths.
 */
export const OFFER_LIMITS = {
  percentOff: [1, 100],
  durationMonths: [1, 36],
  months: [1, 12],
  days: [1, 365],
  toPlanMax: 100,
  labelMax: 200,
  priceMax: 1_000_000,
  urlMax: 2000,
} as const;

/** Whether a contact URL is one a page may link to (http(s) or mailto, no credentials). */
export function isWebUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === "https:" || u.protocol === "http:" || u.protocol === "mailto:") && !u.username && !u.password;
  } catch {
    return false;
  }
}

/** At most two decimals, allowing for binary floating point (0.29 * 100 is 28.999999999999996). */
export const hasAtMostTwoDecimals = (v: number) => Math.abs(Math.round(v * 100) - v * 100) < 1e-6;

const webUrl = z
  .string({ error: required("a string or null") })
  .max(OFFER_LIMITS.urlMax, `must be at most ${OFFER_LIMITS.urlMax} characters`)
  .refine(isWebUrl, "must be an https:, http: or mailto: URL");

/** A price in the currency's major unit (49.5 = $49.50), as `context.mrr` is: at most two decimals. */
const price = z
  .number({ error: required("a number") })
  .min(0, `must be between 0 and ${OFFER_LIMITS.priceMax}`)
  .max(OFFER_LIMITS.priceMax, `must be between 0 and ${OFFER_LIMITS.priceMax}`)
  .refine(hasAtMostTwoDecimals, "must have at most two decimals");

export const offerConfigSchemas = {
  discount: z.strictObject({ kind: z.literal("discount"), percentOff: int(...OFFER_LIMITS.percentOff), durationMonths: int(...OFFER_LIMITS.durationMonths) }),
  pause: z.strictObject({ kind: z.literal("pause"), months: int(...OFFER_LIMITS.months) }),
  downgrade: z.strictObject({
    kind: z.literal("downgrade"),
    toPlan: text(OFFER_LIMITS.toPlanMax),
    label: text(OFFER_LIMITS.labelMax),
    price: price.optional(),
  }),
  extension: z.strictObject({ kind: z.literal("extension"), days: int(...OFFER_LIMITS.days) }),
  contact: z.strictObject({ kind: z.literal("contact"), url: webUrl.nullable() }),
} satisfies Record<OfferKind, z.ZodType>;

/** For reading offers back (results, ingestion); writes go through validateFlowSteps. */
export const offerConfigSchema = z.discriminatedUnion("kind", [
  offerConfigSchemas.discount,
  offerConfigSchemas.pause,
  offerConfigSchemas.downgrade,
  offerConfigSchemas.extension,
  offerConfigSchemas.contact,
]);
export type OfferConfig = z.infer<typeof offerConfigSchema>;

const reasonText = text(100);

function localesOf<T extends z.ZodRawShape>(shape: T) {
  const one = z.strictObject(shape).partial();
  return z.strictObject(Object.fromEntries(LOCALES.map((l) => [l, one.optional()])) as Record<Locale, z.ZodOptional<typeof one>>).optional();
}

export const surveyStepSchema = z.strictObject({
  type: z.literal("survey"),
  label: text(200).describe("The question"),
  config: z.strictObject({
    options: z.array(reasonText, { error: required("an array") }).min(1, "must have at least 1 reason").max(20, "must have at most 20 reasons"),
    intro: text(500).optional().describe("A line under the question"),
    otherRequiresText: z.boolean({ error: required("true or false") }).optional().describe("Whether choosing “Other” asks for text (default true)"),
  }),
  locales: localesOf({ label: text(200), intro: text(500), options: z.array(reasonText) }).describe("The step's own text per locale (en, de, fr, es)"),
});

export const offerStepSchema = z.strictObject({
  type: z.literal("offer"),
  label: text(200).describe("The offer's title"),
  body: text(1000).optional().describe("The offer's text; a built-in text when absent"),
  buttonText: text(100).optional().describe("The accept button; a built-in text when absent"),
  config: z.unknown().optional(), // checked by kind below, so the message can name the kind's own fields
  reasons: z.array(reasonText, { error: required("an array") }).max(20, "must have at most 20 reasons").describe("The survey reasons this offer answers"),
  locales: localesOf({ label: text(200), body: text(1000), buttonText: text(100) }),
});

export const confirmationStepSchema = z.strictObject({
  type: z.literal("confirmation"),
  label: text(200).describe("The title after canceling"),
  config: z.strictObject({
    message: text(1000).describe("Shown on the final page after canceling"),
    returnAtOnce: z.boolean({ error: required("true or false") }).optional().describe("Skip the final page: redirect to the return URL at once"),
  }),
  locales: localesOf({ label: text(200), message: text(1000) }),
});

export type SurveyStep = z.infer<typeof surveyStepSchema>;
export type OfferStep = Omit<z.infer<typeof offerStepSchema>, "config"> & { config: OfferConfig };
export type ConfirmationStep = z.infer<typeof confirmationStepSchema>;
export type Step = SurveyStep | OfferStep | ConfirmationStep;

/** true only when A and B are the same union: a compile error when a value list and a schema drift apart. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const offerKindsMatch: Same<OfferKind, OfferConfig["kind"]> = true;
const stepTypesMatch: Same<StepType, Step["type"]> = true;
void offerKindsMatch, stepTypesMatch;

function pathText(base: string, path: readonly PropertyKey[]): string {
  let out = base;
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

function issueMessage(base: string, issue: z.core.$ZodIssue): string {
  const where = pathText(base, issue.path);
  if (issue.code === "unrecognized_keys") return `${where || "the body"} has an unknown field: ${issue.keys.join(", ")}`;
  let message = issue.message;
  if (issue.code === "invalid_type" && message.startsWith("Invalid input"))
    message = message.endsWith("received undefined") ? "is required" : `must be ${issue.expected === "object" ? "an object" : issue.expected}`;
  return `${where} ${message}`;
}

function check<T>(schema: z.ZodType<T>, value: unknown, base: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new AppError(400, issueMessage(base, result.error.issues[0]!), "invalid_flow");
  return result.data;
}

const fail = (message: string) => new AppError(400, message, "invalid_flow");

/**
 * Checks a whole list of steps and returns them as stored. Beyond each step's own fields: at most one
 * survey and it comes first, exactly one confirmation and it comes last, every offer answers reasons the
 * survey lists, and no reason is answered by two offers (the second would never be shown).
 */
export function validateFlowSteps(input: unknown, base = "steps"): Step[] {
  if (!Array.isArray(input)) throw fail(input === undefined ? `${base} is required` : `${base} must be an array`);
  if (input.length < 1 || input.length > 20) throw fail(`${base} must have between 1 and 20 steps`);
  const steps: Step[] = input.map((raw, i) => {
    const at = `${base}[${i}]`;
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw fail(`${at} must be an object`);
    const type = (raw as { type?: unknown }).type;
    if (type === "survey") return check(surveyStepSchema, raw, at);
    if (type === "confirmation") return check(confirmationStepSchema, raw, at);
    if (type === "offer") {
      const step = check(offerStepSchema, raw, at);
      const config = step.config;
      if (!config || typeof config !== "object" || Array.isArray(config)) throw fail(`${at}.config ${config === undefined ? "is required" : "must be an object"}`);
      const kind = (config as { kind?: unknown }).kind;
      if (typeof kind !== "string" || !(OFFER_KINDS as readonly string[]).includes(kind))
        throw fail(`${at}.config.kind ${kind === undefined ? "is required" : `must be one of ${OFFER_KINDS.join(", ")}`}`);
      return { ...step, config: check(offerConfigSchemas[kind as OfferKind] as z.ZodType<OfferConfig>, config, `${at}.config`) };
    }
    throw fail(`${at}.type ${type === undefined ? "is required" : `must be one of ${STEP_TYPES.join(", ")}`}`);
  });

  const surveys = steps.flatMap((s, i) => (s.type === "survey" ? [i] : []));
  if (surveys.length > 1) throw fail(`${base}[${surveys[1]}] is a second survey; a flow has at most one`);
  if (surveys.length === 1 && surveys[0] !== 0) throw fail(`${base}[${surveys[0]}] must be the first step: the survey comes before the offers`);
  const confirmations = steps.flatMap((s, i) => (s.type === "confirmation" ? [i] : []));
  if (confirmations.length === 0) throw fail(`${base} must end with a confirmation step`);
  if (confirmations.length > 1) throw fail(`${base}[${confirmations[1]}] is a second confirmation; a flow has exactly one`);
  if (confirmations[0] !== steps.length - 1) throw fail(`${base}[${confirmations[0]}] must be the last step`);

  const survey = steps[0]?.type === "survey" ? (steps[0] as SurveyStep) : null;
  const options = new Map<string, number>();
  survey?.config.options.forEach((o, j) => {
    const key = normalizeReason(o);
    if (options.has(key)) throw fail(`${base}[0].config.options[${j}] repeats options[${options.get(key)}]`);
    options.set(key, j);
  });
  if (survey?.locales) {
    for (const [locale, t] of Object.entries(survey.locales)) {
      if (t?.options && t.options.length !== survey.config.options.length)
        throw fail(`${base}[0].locales.${locale}.options must have as many entries as config.options (${survey.config.options.length})`);
    }
  }
  const answeredBy = new Map<string, number>();
  steps.forEach((s, i) => {
    if (s.type !== "offer") return;
    s.reasons.forEach((r, j) => {
      const key = normalizeReason(r);
      if (!options.has(key)) throw fail(`${base}[${i}].reasons[${j}] must be one of the survey's options`);
      const earlier = answeredBy.get(key);
      if (earlier !== undefined) throw fail(`${base}[${i}].reasons[${j}] is already answered by ${base}[${earlier}]; a reason leads to one offer`);
      answeredBy.set(key, i);
    });
  });
  return steps;
}

const nameText = text(200);
const slugText = z
  .string({ error: required("a string") })
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be lower-case letters, digits and single hyphens")
  .max(100, "must be at most 100 characters");

/** A flow as code: what the API takes, what `holdfast flow export` prints and `import` reads. */
export interface FlowDocument {
  name: string;
  slug?: string;
  steps: Step[];
}

export interface FlowWrite {
  name?: string;
  slug?: string;
  steps: Step[];
  publish: boolean;
}

/** Validates a POST/PUT body (or an imported file): name (required when creating), slug, steps, publish. */
export function validateFlowWrite(input: unknown, opts: { creating: boolean; allowPublish?: boolean }): FlowWrite {
  if (!input || typeof input !== "object" || Array.isArray(input)) throw fail("Request body must be a JSON object");
  const body = input as Record<string, unknown>;
  const known = new Set(["name", "slug", "steps", "publish"]);
  const unknown = Object.keys(body).filter((k) => !known.has(k));
  if (unknown.length) throw fail(`the body has an unknown field: ${unknown.join(", ")}`);
  if (body.name === undefined && opts.creating) throw fail("name is required");
  const name = body.name === undefined ? undefined : check(nameText, body.name, "name");
  const slug = body.slug === undefined ? undefined : check(slugText, body.slug, "slug");
  if (body.publish !== undefined && typeof body.publish !== "boolean") throw fail("publish must be true or false");
  const steps = validateFlowSteps(body.steps);
  return { name, slug, steps, publish: body.publish === true };
}

export const flowStatusSchema = z.enum(FLOW_STATUSES);

export const flowSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  status: flowStatusSchema,
  updatedAt: z.string().describe("ISO 8601"),
});

const publicStepSchema = z.object({
  type: z.enum(STEP_TYPES),
  label: z.string(),
  body: z.string().optional(),
  buttonText: z.string().optional(),
  config: z.record(z.string(), z.unknown()),
  reasons: z.array(z.string()).optional(),
  locales: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
});

export const flowDetailSchema = flowSummarySchema.extend({
  isDefault: z.boolean().describe("Whether new sessions use this flow when no flowId is given"),
  version: z.number().nullable().describe("The published version shown here; null before the first publish (steps are then the draft)"),
  hasUnpublishedChanges: z.boolean().describe("Whether the draft differs from the published version"),
  steps: z.array(publicStepSchema),
  hostedUrl: z.string().describe("<public URL>/flow/<workspaceId>/<flowId>; add signed customerId, ts and sig"),
});

/** The request body of POST and PUT /api/v1/flows, for the OpenAPI document (the service validates). */
export const flowWriteDocSchema = z.object({
  name: z.string().min(1).max(200).describe("Required when creating"),
  slug: z.string().max(100).optional().describe("lower-case-with-hyphens, unique in the workspace; from the name when absent"),
  publish: z.boolean().optional().describe("Publish the steps as a new numbered version (default false: only the draft changes)"),
  steps: z
    .array(publicStepSchema)
    .describe(
      "survey first (config.options, intro, otherRequiresText), then offers (config.kind: discount {percentOff 1–100, durationMonths 1–36} | pause {months 1–12} | downgrade {toPlan, label, price?} | extension {days 1–365} | contact {url|null}; reasons; body, buttonText), then one confirmation (config.message, returnAtOnce). Any step may carry locales { de: { label, … } }.",
    ),
});
