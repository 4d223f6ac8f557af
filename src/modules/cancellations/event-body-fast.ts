// A fast check for the import's common event body: zod's cancellationBody costs ~7.5 µs a row, a third of the
// import's budget at 50,000 events/s. This answers only when it is sure zod would accept the body, with the value
// zod would return (same keys in the same order, defaults, trimming, upper-casing); anything unusual gets null and
// the caller asks zod, which also writes the error messages. Limits come from the schema files' named constants.
import { textProblem } from "../../lib/text.ts";
import { hasAtMostTwoDecimals, isWebUrl, OFFER_LIMITS, type OfferConfig } from "../flows/flows.schemas.ts";
import {
  CURRENCY_PATTERN,
  ENVIRONMENTS,
  MAX_KEY_LENGTH,
  MAX_KEYS,
  METADATA_STRING_MAX,
  MRR_MAX,
  OUTCOMES,
  PLAN_MAX,
  TENURE_DAYS_MAX,
} from "../sessions/sessions.schemas.ts";
import {
  cancellationBody,
  type CancellationBody,
  EVENT_ALIASES,
  FEEDBACK_MAX,
  ID_MAX,
  NO_CONTROL,
  REASON_MAX,
} from "./cancellations.schemas.ts";

type Obj = Record<string, unknown>;

// zod's own patterns, read off the schema itself rather than copied, so the two can never drift apart.
function patternOf(schema: unknown): RegExp {
  const pattern = (schema as { unwrap(): { _zod: { def: { pattern?: RegExp } } } }).unwrap()._zod.def.pattern;
  if (!(pattern instanceof RegExp)) throw new Error("cancellationBody changed: no pattern to read");
  return pattern;
}
const DATETIME = patternOf(cancellationBody.shape.occurredAt);
const UUID = patternOf(cancellationBody.shape.sessionId);

const KNOWN = new Set(Object.keys(cancellationBody.shape));
const ALIAS_OF: Record<string, string> = Object.fromEntries(EVENT_ALIASES);
const OUTCOME_SET = new Set<string>(OUTCOMES);
const ENVIRONMENT_SET = new Set<string>(ENVIRONMENTS);

/** A plain object (what JSON.parse makes); class instances, arrays and null-prototype objects are left to zod. */
const isPlain = (v: unknown): v is Obj => typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype;
const intIn = (v: unknown, [min, max]: readonly [number, number]) => typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;

// Each field's check returns its parsed value, or FAIL when the fast path declines. Lengths here are UTF-16 units;
// zod measures a string that is over its limit in units again in code points (an emoji is 2 units, 1 code point),
// so a string over a limit in units is declined, not refused: zod decides.
const FAIL = Symbol("fail");
type Out<T> = T | typeof FAIL;

function trimmed(v: unknown, min: number, max: number): Out<string> {
  if (typeof v !== "string") return FAIL;
  const t = v.trim();
  return t.length >= min && t.length <= max ? t : FAIL;
}

function eventIdOf(v: unknown): Out<string> {
  return typeof v === "string" && v.length >= 1 && v.length <= ID_MAX && NO_CONTROL.test(v) ? v : FAIL;
}

function offerOf(v: unknown): Out<OfferConfig> {
  if (!isPlain(v)) return FAIL;
  let keys = 0;
  for (const key in v) keys++;
  switch (v.kind) {
    case "discount":
      return keys === 3 && intIn(v.percentOff, OFFER_LIMITS.percentOff) && intIn(v.durationMonths, OFFER_LIMITS.durationMonths)
        ? { kind: "discount", percentOff: v.percentOff as number, durationMonths: v.durationMonths as number }
        : FAIL;
    case "pause":
      return keys === 2 && intIn(v.months, OFFER_LIMITS.months) ? { kind: "pause", months: v.months as number } : FAIL;
    case "extension":
      return keys === 2 && intIn(v.days, OFFER_LIMITS.days) ? { kind: "extension", days: v.days as number } : FAIL;
    case "contact": {
      const url = v.url;
      if (keys !== 2 || !(url === null || (typeof url === "string" && url.length <= OFFER_LIMITS.urlMax && isWebUrl(url)))) return FAIL;
      return { kind: "contact", url };
    }
    case "downgrade": {
      const toPlan = trimmed(v.toPlan, 1, OFFER_LIMITS.toPlanMax);
      const label = trimmed(v.label, 1, OFFER_LIMITS.labelMax);
      if (toPlan === FAIL || label === FAIL) return FAIL;
      const price = v.price;
      if (price === undefined) return keys === 3 ? { kind: "downgrade", toPlan, label } : FAIL;
      if (keys !== 4 || typeof price !== "number" || !(price >= 0 && price <= OFFER_LIMITS.priceMax) || !hasAtMostTwoDecimals(price))
        return FAIL;
      return { kind: "downgrade", toPlan, label, price };
    }
    default:
      return FAIL;
  }
}

/** A metadata value as metadataSchema's union reads it (strings are free text: line breaks and tabs allowed). */
function flatValue(v: unknown): boolean {
  switch (typeof v) {
    case "string":
      return v.length <= METADATA_STRING_MAX && textProblem(v, { multiline: true }) === null;
    case "number":
      return Number.isFinite(v);
    case "boolean":
      return true;
    default:
      return v === null;
  }
}

/** checkKeys' rules for one key; `__proto__` is left to zod (assigning it would set a prototype, not a key). */
const goodKey = (key: string) => key.length >= 1 && key.length <= MAX_KEY_LENGTH && key !== "__proto__" && textProblem(key) === null;

function metadataOf(v: unknown): Out<Obj> {
  if (!isPlain(v)) return FAIL;
  const out: Obj = {};
  let keys = 0;
  for (const key in v) {
    const value = v[key];
    if (++keys > MAX_KEYS || !goodKey(key) || !flatValue(value)) return FAIL;
    out[key] = value;
  }
  return out;
}

const CONTEXT_KNOWN = new Set(["plan", "mrr", "tenureDays", "tenure", "currency", "locale"]);

/** contextSchema's output: the known fields in its shape's order, then the others as sent, then tenure as tenureDays. */
function contextOf(v: unknown): Out<Obj> {
  if (!isPlain(v)) return FAIL;
  const { plan, mrr, tenureDays, tenure, currency } = v;
  // A locale is canonicalised through Intl: rare enough to leave to zod.
  if (v.locale !== undefined) return FAIL;
  const out: Obj = {};
  if (plan !== undefined) {
    if (typeof plan !== "string" || plan.length > PLAN_MAX || textProblem(plan) !== null) return FAIL;
    out.plan = plan;
  }
  if (mrr !== undefined) {
    if (typeof mrr !== "number" || !(mrr >= 0 && mrr <= MRR_MAX)) return FAIL;
    out.mrr = mrr;
  }
  const tenureRange = [0, TENURE_DAYS_MAX] as const;
  if (tenureDays !== undefined) {
    if (!intIn(tenureDays, tenureRange)) return FAIL;
    out.tenureDays = tenureDays;
  }
  if (tenure !== undefined && (!intIn(tenure, tenureRange) || (tenureDays !== undefined && tenure !== tenureDays))) return FAIL;
  if (currency !== undefined) {
    if (typeof currency !== "string" || !CURRENCY_PATTERN.test(currency)) return FAIL;
    out.currency = currency.toUpperCase();
  }
  let keys = 0;
  for (const key in v) {
    if (++keys > MAX_KEYS || !goodKey(key)) return FAIL;
    if (CONTEXT_KNOWN.has(key)) {
      // A known field sent as undefined would be kept by zod as a key: not JSON, so not worth mirroring.
      if (v[key] === undefined) return FAIL;
      continue;
    }
    const value = v[key];
    if (!flatValue(value)) return FAIL;
    out[key] = value;
  }
  if (tenure !== undefined && tenureDays === undefined) out.tenureDays = tenure;
  return out;
}

/**
 * The body cancellationBody.parse would return for `value` (after applyEventAliases ran on it), or null when this
 * check is not sure: then ask zod.
 */
export function fastEventBody(value: unknown): CancellationBody | null {
  if (!isPlain(value)) return null;
  const v = value;
  // An alias is checked like its field and must not conflict with it: identical values pass both at once (which is
  // what applyEventAliases leaves when only the alias was sent). Anything else goes to zod. A known key sent as
  // undefined is kept by zod as a key: not JSON, so declined too.
  for (const key in v) {
    if (!KNOWN.has(key)) continue; // zod strips unknown keys
    const field = ALIAS_OF[key];
    if (v[key] === undefined || (field !== undefined && v[key] !== v[field])) return null;
  }
  const out: Obj = {};
  const eventId = eventIdOf(v.eventId);
  if (eventId === FAIL) return null;
  out.eventId = eventId;
  if (v.event_id !== undefined) out.event_id = eventId;
  const userId = trimmed(v.userId, 1, ID_MAX);
  if (userId === FAIL) return null;
  out.userId = userId;
  if (v.user_id !== undefined) out.user_id = userId;
  if (v.subscriptionId !== undefined) {
    const subscriptionId = trimmed(v.subscriptionId, 0, ID_MAX);
    if (subscriptionId === FAIL) return null;
    out.subscriptionId = subscriptionId;
    if (v.subscription_id !== undefined) out.subscription_id = subscriptionId;
  }
  const status = v.status === undefined ? "canceled" : v.status;
  if (typeof status !== "string" || !OUTCOME_SET.has(status)) return null;
  out.status = status;
  if (v.reason !== undefined) {
    const reason = trimmed(v.reason, 0, REASON_MAX);
    if (reason === FAIL) return null;
    out.reason = reason;
  }
  if (v.feedback !== undefined) {
    const feedback = trimmed(v.feedback, 0, FEEDBACK_MAX);
    if (feedback === FAIL) return null;
    out.feedback = feedback;
  }
  if (v.offer !== undefined) {
    const offer = offerOf(v.offer);
    if (offer === FAIL) return null;
    out.offer = offer;
  }
  if (v.occurredAt !== undefined) {
    if (typeof v.occurredAt !== "string" || !DATETIME.test(v.occurredAt)) return null;
    out.occurredAt = v.occurredAt;
    if (v.occurred_at !== undefined) out.occurred_at = v.occurredAt;
  }
  if (v.environment !== undefined) {
    if (typeof v.environment !== "string" || !ENVIRONMENT_SET.has(v.environment)) return null;
    out.environment = v.environment;
  }
  if (v.context !== undefined) {
    const context = contextOf(v.context);
    if (context === FAIL) return null;
    out.context = context;
  }
  if (v.metadata !== undefined) {
    const metadata = metadataOf(v.metadata);
    if (metadata === FAIL) return null;
    out.metadata = metadata;
  }
  if (v.sessionId !== undefined) {
    if (typeof v.sessionId !== "string" || !UUID.test(v.sessionId)) return null;
    out.sessionId = v.sessionId;
    if (v.session_id !== undefined) out.session_id = v.sessionId;
  }
  return out as CancellationBody;
}
