// A deterministic corpus of import rows for the fast check's and the payload hash's tests: importEvent rows, each
// mutated a few times at random (fields deleted, retyped, set to boundary lengths, odd whitespace and Unicode,
// numbers at the limits, extra and nested keys, every offer kind, aliases). Only tests import this.
import { importEvent } from "../../../scripts/bench/import-event.ts";
import { OFFER_LIMITS } from "../flows/flows.schemas.ts";
import { MAX_KEY_LENGTH, MAX_KEYS, METADATA_STRING_MAX, MRR_MAX, PLAN_MAX, TENURE_DAYS_MAX } from "../sessions/sessions.schemas.ts";
import { FEEDBACK_MAX, ID_MAX, REASON_MAX } from "./cancellations.schemas.ts";

type Obj = Record<string, unknown>;

/** mulberry32: a small seeded generator, so a failure names a row that reproduces. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const x = (n: number) => "x".repeat(n);
/** Strings that sit on every edge the schemas care about: lengths, trimming, controls, surrogates, Unicode. */
export const STRINGS: string[] = [
  "",
  " ",
  "a",
  " a ",
  "\ta\n",
  "\u00a0a\u00a0",
  "\ufeffa",
  "a\u2028b",
  "a\u0000b",
  "a\u001fb",
  "a\u007fb",
  "a\u0085b",
  "a\u009fb",
  "a\u00a0b",
  "a\nb",
  "a\r\nb",
  "a\tb",
  "\ud800",
  "a\udc00b",
  "😀",
  "é",
  'q"uote\\',
  "__proto__",
  x(ID_MAX),
  x(ID_MAX + 1),
  ` ${x(ID_MAX)} `,
  x(REASON_MAX - 1) + "😀",
  x(PLAN_MAX),
  x(PLAN_MAX + 1),
  x(METADATA_STRING_MAX),
  x(METADATA_STRING_MAX + 1),
  x(FEEDBACK_MAX),
  x(FEEDBACK_MAX + 1),
  `  ${x(FEEDBACK_MAX)}\n`,
  x(MAX_KEY_LENGTH),
  x(MAX_KEY_LENGTH + 1),
  x(OFFER_LIMITS.labelMax + 1),
  "USD",
  "usd",
  "eur ",
  "US",
  "de-de",
  "prod",
  "sandbox",
  "Prod",
  "saved",
  "canceled",
  "pending",
  "cancelled",
  "discount",
  "2026-11-20T14:03:00Z",
];

export const NUMBERS: number[] = [
  0, -0, 1, -1, 0.5, 2.5, 0.29, 1.005, 12, 13, 30, 36, 37, 100, 101, 365, 366, 999.99, 1e-7,
  MRR_MAX, MRR_MAX + 0.01, TENURE_DAYS_MAX, TENURE_DAYS_MAX + 1, OFFER_LIMITS.priceMax, OFFER_LIMITS.priceMax + 0.01,
  2 ** 53, NaN, Infinity, -Infinity,
];

export const DATETIMES: string[] = [
  "2026-11-20T14:03:00Z",
  "2026-11-20T14:03:00.123Z",
  "2026-11-20T14:03:00.123456789Z",
  "2026-11-20T14:03:00+01:00",
  "2026-11-20T14:03:00-23:59",
  "2026-11-20T14:03:00+24:00",
  "2026-11-20T14:03:00+0100",
  "2026-11-20T14:03:00+01",
  "2026-11-20T14:03Z",
  "2026-11-20T14:03:00",
  "2026-11-20 14:03:00Z",
  "2026-11-20t14:03:00z",
  "2026-11-20T24:00:00Z",
  "2026-11-20T23:59:60Z",
  "2024-02-29T00:00:00Z",
  "2023-02-29T00:00:00Z",
  "2000-02-29T00:00:00Z",
  "1900-02-29T00:00:00Z",
  "2026-04-31T00:00:00Z",
  "2026-13-01T00:00:00Z",
  "+012026-11-20T14:03:00Z",
  "2026-11-20T14:03:00.Z",
  " 2026-11-20T14:03:00Z",
  "2026-11-20",
];

export const UUIDS: string[] = [
  "0190f3a4-5b6c-7d8e-9f01-23456789abcd",
  "0190F3A4-5B6C-7D8E-9F01-23456789ABCD",
  "f47ac10b-58cc-4372-a567-0e02b2c3d479",
  "00000000-0000-0000-0000-000000000000",
  "ffffffff-ffff-ffff-ffff-ffffffffffff",
  "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF",
  "f47ac10b-58cc-0372-a567-0e02b2c3d479",
  "f47ac10b-58cc-9372-a567-0e02b2c3d479",
  "f47ac10b-58cc-4372-c567-0e02b2c3d479",
  "f47ac10b58cc4372a5670e02b2c3d479",
  "{f47ac10b-58cc-4372-a567-0e02b2c3d479}",
];

export const OFFERS: Obj[] = [
  { kind: "discount", percentOff: 30, durationMonths: 3 },
  { kind: "pause", months: 2 },
  { kind: "downgrade", toPlan: "starter", label: "Starter at $9" },
  { kind: "downgrade", toPlan: " starter ", label: "Starter", price: 9.99 },
  { kind: "extension", days: 14 },
  { kind: "contact", url: "https://example.com/talk" },
  { kind: "contact", url: "mailto:help@example.com" },
  { kind: "contact", url: null },
];

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)];

/** Any value, weighted towards the interesting ones. */
function anyValue(rand: () => number): unknown {
  const r = rand();
  if (r < 0.35) return pick(rand, STRINGS);
  if (r < 0.65) return pick(rand, NUMBERS);
  if (r < 0.7) return rand() < 0.5;
  if (r < 0.75) return null;
  if (r < 0.8) return pick(rand, [[], [1], ["a"], [{ a: 1 }]]);
  if (r < 0.85) return pick(rand, [{}, { a: 1 }, { a: { b: 1 } }, { a: [1] }]);
  if (r < 0.88) return pick(rand, OFFERS);
  if (r < 0.9) return undefined;
  if (r < 0.95) return pick(rand, DATETIMES);
  return pick(rand, UUIDS);
}

/** A key for a flat object: mostly ordinary, sometimes on an edge. */
function anyKey(rand: () => number): string {
  return pick(rand, ["source", "cohort", "Zeta", "a", "b_c", "10", "2", "", x(MAX_KEY_LENGTH), x(MAX_KEY_LENGTH + 1), "k\u0000", "k\u0085", "\ud800", "é", "__proto__", "constructor", "plan", "tenure", "locale", "currency", "mrr", "tenureDays"]);
}

const TOP_KEYS = [
  "eventId", "event_id", "userId", "user_id", "subscriptionId", "subscription_id", "status", "reason", "feedback", "offer",
  "occurredAt", "occurred_at", "environment", "context", "metadata", "sessionId", "session_id", "extra", "__proto__",
];
const CONTEXT_KEYS = ["plan", "mrr", "tenureDays", "tenure", "currency", "locale", "seats", "trial"];
const OFFER_FIELDS = ["kind", "percentOff", "durationMonths", "months", "toPlan", "label", "price", "days", "url", "extra"];

function deepCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(deepCopy);
  if (value && typeof value === "object") {
    const out: Obj = {};
    for (const key of Object.keys(value)) Object.defineProperty(out, key, { value: deepCopy((value as Obj)[key]), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

/** Sets a key as JSON.parse would (an own `__proto__` key included). */
function set(object: Obj, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

function mutate(row: Obj, rand: () => number): void {
  const r = rand();
  const objectAt = (key: string): Obj => {
    const v = row[key];
    if (v && typeof v === "object" && !Array.isArray(v)) return v as Obj;
    const fresh: Obj = {};
    row[key] = fresh;
    return fresh;
  };
  if (r < 0.2) {
    const key = pick(rand, TOP_KEYS);
    if (rand() < 0.3) delete row[key];
    else set(row, key, anyValue(rand));
  } else if (r < 0.3) {
    // An alias: the same value as its field, another one, or alone.
    const [alias, field] = pick(rand, [["event_id", "eventId"], ["user_id", "userId"], ["subscription_id", "subscriptionId"], ["occurred_at", "occurredAt"], ["session_id", "sessionId"]] as const);
    const q = rand();
    if (q < 0.4) row[alias] = row[field];
    else if (q < 0.7) {
      row[alias] = row[field];
      delete row[field];
    } else row[alias] = anyValue(rand);
  } else if (r < 0.45) {
    const context = objectAt("context");
    const key = rand() < 0.6 ? pick(rand, CONTEXT_KEYS) : anyKey(rand);
    if (rand() < 0.2) delete context[key];
    else set(context, key, rand() < 0.5 ? pick(rand, NUMBERS) : anyValue(rand));
  } else if (r < 0.58) {
    const metadata = objectAt("metadata");
    const key = anyKey(rand);
    if (rand() < 0.2) delete metadata[key];
    else set(metadata, key, anyValue(rand));
  } else if (r < 0.72) {
    const offer = deepCopy(pick(rand, OFFERS)) as Obj;
    if (rand() < 0.6) {
      const key = pick(rand, OFFER_FIELDS);
      if (rand() < 0.2) delete offer[key];
      else offer[key] = rand() < 0.6 ? pick(rand, NUMBERS) : anyValue(rand);
    }
    row.offer = offer;
  } else if (r < 0.8) {
    row.occurredAt = pick(rand, DATETIMES);
  } else if (r < 0.85) {
    row.sessionId = pick(rand, UUIDS);
  } else if (r < 0.9) {
    // Many keys: at the limit or one over.
    const target = rand() < 0.5 ? "metadata" : "context";
    const object: Obj = {};
    const count = MAX_KEYS - 3 + Math.floor(rand() * 6);
    for (let i = 0; i < count; i++) object[`k${i}`] = i;
    row[target] = object;
  } else if (r < 0.95) {
    const key = pick(rand, ["eventId", "userId", "subscriptionId", "reason", "feedback", "status", "environment"]);
    row[key] = pick(rand, STRINGS);
  } else {
    const key = pick(rand, ["userId", "reason", "feedback", "metadata", "context"]);
    row[key] = pick(rand, [123, true, null, [], ["a"], new Date(0), Object.create(null)]);
  }
}

/** `count` rows: every fifth row as importEvent writes it, the others mutated 1 to 3 times. */
export function eventCorpus(count: number, seed = 1): Obj[] {
  const rand = random(seed);
  const rows: Obj[] = [];
  for (let i = 0; i < count; i++) {
    const row = JSON.parse(importEvent(i, "evt_")) as Obj;
    if (i % 5 !== 0) {
      const times = 1 + Math.floor(rand() * 3);
      for (let m = 0; m < times; m++) mutate(row, rand);
    }
    rows.push(row);
  }
  return rows;
}
