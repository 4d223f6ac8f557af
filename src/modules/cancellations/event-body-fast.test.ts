import { describe, expect, test } from "bun:test";
import { importEvent } from "../../../scripts/bench/import-event.ts";
import { OFFER_LIMITS } from "../flows/flows.schemas.ts";
import { MAX_KEY_LENGTH, MAX_KEYS, METADATA_STRING_MAX, MRR_MAX, PLAN_MAX, TENURE_DAYS_MAX } from "../sessions/sessions.schemas.ts";
import { applyEventAliases, cancellationBody, FEEDBACK_MAX, ID_MAX, REASON_MAX } from "./cancellations.schemas.ts";
import { fastEventBody } from "./event-body-fast.ts";
import { DATETIMES, eventCorpus, NUMBERS, OFFERS, STRINGS, UUIDS } from "./event-corpus.ts";

type Obj = Record<string, unknown>;
type Verdict = "fast" | "zod" | "invalid";

/** Both checks on one row, as importBatch runs them (aliases first). `fast`: the fast path answered. */
function judge(row: unknown): { verdict: Verdict; problem?: string } {
  applyEventAliases(row);
  const fast = fastEventBody(row);
  const zod = cancellationBody.safeParse(row);
  if (fast === null) return { verdict: zod.success ? "zod" : "invalid" };
  if (!zod.success) return { verdict: "fast", problem: `fast path accepted what zod refuses: ${zod.error.issues[0]?.path.join(".")} ${zod.error.issues[0]?.message}` };
  // Same values (undefined keys and prototypes included), and the same key order: stored JSON must not depend on
  // which path checked the row.
  if (!Bun.deepEquals(fast, zod.data, true)) return { verdict: "fast", problem: "fast result differs from zod's" };
  if (JSON.stringify(fast) !== JSON.stringify(zod.data)) return { verdict: "fast", problem: "fast result's key order differs from zod's" };
  return { verdict: "fast" };
}

const base = (i = 0): Obj => JSON.parse(importEvent(i, "evt_"));
const x = (n: number) => "x".repeat(n);
const with_ = (patch: Obj, i = 0): Obj => ({ ...base(i), ...patch });
const without = (key: string): Obj => {
  const row = base(1);
  delete row[key];
  return row;
};
const ctx = (patch: Obj): Obj => with_({ context: { ...(base().context as Obj), ...patch } });
const manyKeys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));

// Every field each way: [what, row, expected verdict]. "zod" = the fast path declines a row zod accepts (fine, just
// slower); "invalid" = both refuse. A row the fast path accepts must also pass zod with the same result.
const CASES: [string, Obj, Verdict][] = [
  ["a typical row", base(1), "fast"],
  ["a saved row with an offer and feedback", base(0), "fast"],
  ["the minimum row", { eventId: "e", userId: "u" }, "fast"],
  ["not an object", [] as unknown as Obj, "invalid"],
  ["an unknown key is stripped", with_({ extra: { nested: [1] } }), "fast"],
  ["an own __proto__ key is stripped", JSON.parse('{"eventId":"e","userId":"u","__proto__":{"x":1}}'), "fast"],
  ["an undefined known key", with_({ reason: undefined }), "zod"],
  // eventId: not trimmed, 1..ID_MAX, no C0 controls or DEL.
  ["eventId at the limit", with_({ eventId: x(ID_MAX) }), "fast"],
  ["eventId over the limit", with_({ eventId: x(ID_MAX + 1) }), "invalid"],
  ["eventId with spaces kept", with_({ eventId: " e " }), "fast"],
  ["eventId empty", with_({ eventId: "" }), "invalid"],
  ["eventId missing", with_({ eventId: undefined }), "invalid"],
  ["eventId a number", with_({ eventId: 1 }), "invalid"],
  ["eventId with a control", with_({ eventId: "e\u0001" }), "invalid"],
  ["eventId with a C1 control (its rule allows it)", with_({ eventId: "e\u0085" }), "fast"],
  // userId: trimmed, 1..ID_MAX.
  ["userId trimmed", with_({ userId: "  u\n" }), "fast"],
  ["userId at the limit after trimming", with_({ userId: ` ${x(ID_MAX)} ` }), "fast"],
  ["userId over the limit", with_({ userId: x(ID_MAX + 1) }), "invalid"],
  ["userId blank", with_({ userId: "   " }), "invalid"],
  ["userId over the limit in UTF-16 units, not in code points (left to zod)", with_({ userId: x(ID_MAX - 1) + "😀" }), "zod"],
  ["userId over the limit in code points too", with_({ userId: x(ID_MAX) + "😀" }), "invalid"],
  ["userId null", with_({ userId: null }), "invalid"],
  ["subscriptionId blank is kept empty", with_({ subscriptionId: "  " }), "fast"],
  ["subscriptionId over the limit", with_({ subscriptionId: x(ID_MAX + 1) }), "invalid"],
  ["subscriptionId a number", with_({ subscriptionId: 5 }), "invalid"],
  // status: an outcome, default canceled.
  ["status pending", with_({ status: "pending" }), "fast"],
  ["status omitted takes the default", without("status"), "fast"],
  ["status null", with_({ status: null }), "invalid"],
  ["status misspelled", with_({ status: "cancelled" }), "invalid"],
  ["reason at the limit", with_({ reason: ` ${x(REASON_MAX)}\t` }), "fast"],
  ["reason over the limit", with_({ reason: x(REASON_MAX + 1) }), "invalid"],
  ["reason with a line break", with_({ reason: "a\nb" }), "fast"],
  ["feedback at the limit", with_({ feedback: x(FEEDBACK_MAX) }), "fast"],
  ["feedback over the limit", with_({ feedback: x(FEEDBACK_MAX + 1) }), "invalid"],
  ["feedback an array", with_({ feedback: ["a"] }), "invalid"],
  // offer: every kind, each way.
  ...OFFERS.map((offer): [string, Obj, Verdict] => [`offer ${JSON.stringify(offer)}`, with_({ offer }), "fast"]),
  ["offer keys in another order", with_({ offer: { durationMonths: 3, percentOff: 30, kind: "discount" } }), "fast"],
  ["offer percentOff over", with_({ offer: { kind: "discount", percentOff: OFFER_LIMITS.percentOff[1] + 1, durationMonths: 3 } }), "invalid"],
  ["offer durationMonths at the limit", with_({ offer: { kind: "discount", percentOff: 1, durationMonths: OFFER_LIMITS.durationMonths[1] } }), "fast"],
  ["offer durationMonths over", with_({ offer: { kind: "discount", percentOff: 1, durationMonths: OFFER_LIMITS.durationMonths[1] + 1 } }), "invalid"],
  ["offer months 0", with_({ offer: { kind: "pause", months: 0 } }), "invalid"],
  ["offer months at the limit", with_({ offer: { kind: "pause", months: OFFER_LIMITS.months[1] } }), "fast"],
  ["offer months fractional", with_({ offer: { kind: "pause", months: 1.5 } }), "invalid"],
  ["offer days over", with_({ offer: { kind: "extension", days: OFFER_LIMITS.days[1] + 1 } }), "invalid"],
  ["offer with an extra key", with_({ offer: { kind: "pause", months: 1, note: "x" } }), "invalid"],
  ["offer unknown kind", with_({ offer: { kind: "gift" } }), "invalid"],
  ["offer downgrade blank label", with_({ offer: { kind: "downgrade", toPlan: "s", label: " " } }), "invalid"],
  ["offer downgrade label at the limit", with_({ offer: { kind: "downgrade", toPlan: "s", label: x(OFFER_LIMITS.labelMax) } }), "fast"],
  ["offer downgrade toPlan over", with_({ offer: { kind: "downgrade", toPlan: x(OFFER_LIMITS.toPlanMax + 1), label: "l" } }), "invalid"],
  ["offer downgrade price three decimals", with_({ offer: { kind: "downgrade", toPlan: "s", label: "l", price: 1.005 } }), "invalid"],
  ["offer downgrade price 0.29", with_({ offer: { kind: "downgrade", toPlan: "s", label: "l", price: 0.29 } }), "fast"],
  ["offer downgrade price over", with_({ offer: { kind: "downgrade", toPlan: "s", label: "l", price: OFFER_LIMITS.priceMax + 1 } }), "invalid"],
  ["offer contact javascript: url", with_({ offer: { kind: "contact", url: "javascript:alert(1)" } }), "invalid"],
  ["offer contact url with credentials", with_({ offer: { kind: "contact", url: "https://a:b@example.com" } }), "invalid"],
  ["offer contact url missing", with_({ offer: { kind: "contact" } }), "invalid"],
  ["offer null", with_({ offer: null }), "invalid"],
  // occurredAt: zod's own ISO pattern.
  ...DATETIMES.map((occurredAt): [string, Obj, Verdict] => {
    const ok = cancellationBody.safeParse({ eventId: "e", userId: "u", occurredAt }).success;
    return [`occurredAt ${occurredAt}`, with_({ occurredAt }), ok ? "fast" : "invalid"];
  }),
  ["environment sandbox", with_({ environment: "sandbox" }), "fast"],
  ["environment Prod", with_({ environment: "Prod" }), "invalid"],
  // context.
  ["context empty", with_({ context: {} }), "fast"],
  ["context plan at the limit", ctx({ plan: x(PLAN_MAX) }), "fast"],
  ["context plan over the limit", ctx({ plan: x(PLAN_MAX + 1) }), "invalid"],
  ["context plan with a control", ctx({ plan: "a\u0085" }), "invalid"],
  ["context plan with a lone surrogate", ctx({ plan: "a\ud800" }), "invalid"],
  ["context plan with an emoji", ctx({ plan: "pro 😀" }), "fast"],
  ["context mrr fractional", ctx({ mrr: 19.99 }), "fast"],
  ["context mrr at the limit", ctx({ mrr: MRR_MAX }), "fast"],
  ["context mrr over the limit", ctx({ mrr: MRR_MAX + 1 }), "invalid"],
  ["context mrr negative", ctx({ mrr: -1 }), "invalid"],
  ["context mrr a string", ctx({ mrr: "19" }), "invalid"],
  ["context tenureDays at the limit", ctx({ tenureDays: TENURE_DAYS_MAX }), "fast"],
  ["context tenureDays over the limit", ctx({ tenureDays: TENURE_DAYS_MAX + 1 }), "invalid"],
  ["context tenureDays fractional", ctx({ tenureDays: 1.5 }), "invalid"],
  ["context tenure becomes tenureDays", with_({ context: { tenure: 5, plan: "p" } }), "fast"],
  ["context tenure equal to tenureDays", ctx({ tenure: 7, tenureDays: 7 }), "fast"],
  ["context tenure conflicting", ctx({ tenure: 7, tenureDays: 8 }), "invalid"],
  ["context currency upper-cased", ctx({ currency: "eur" }), "fast"],
  ["context currency too long", ctx({ currency: "EURO" }), "invalid"],
  ["context locale (left to zod)", ctx({ locale: "de-de" }), "zod"],
  ["context extra keys in their order", with_({ context: { seats: 3, plan: "p", trial: true, note: null } }), "fast"],
  ["context extra string at the limit", ctx({ note: x(METADATA_STRING_MAX) }), "fast"],
  ["context extra string over the limit", ctx({ note: x(METADATA_STRING_MAX + 1) }), "invalid"],
  ["context extra nested", ctx({ note: { a: 1 } }), "invalid"],
  ["context extra array", ctx({ note: [1] }), "invalid"],
  ["context key at the limit", ctx({ [x(MAX_KEY_LENGTH)]: 1 }), "fast"],
  ["context key over the limit", ctx({ [x(MAX_KEY_LENGTH + 1)]: 1 }), "invalid"],
  ["context at the key limit", with_({ context: manyKeys(MAX_KEYS) }), "fast"],
  ["context over the key limit", with_({ context: manyKeys(MAX_KEYS + 1) }), "invalid"],
  ["context an array", with_({ context: [] }), "invalid"],
  // metadata.
  ["metadata free text with line breaks", with_({ metadata: { note: "a\r\n\tb" } }), "fast"],
  ["metadata with a control", with_({ metadata: { note: "a\u0007" } }), "invalid"],
  ["metadata integer-like keys", with_({ metadata: { b: 1, 10: 2, 2: 3 } }), "fast"],
  ["metadata at the key limit", with_({ metadata: manyKeys(MAX_KEYS) }), "fast"],
  ["metadata over the key limit", with_({ metadata: manyKeys(MAX_KEYS + 1) }), "invalid"],
  ["metadata empty key", with_({ metadata: { "": 1 } }), "invalid"],
  ["metadata Infinity", with_({ metadata: { n: Infinity } }), "invalid"],
  ["metadata an own __proto__ key (left to zod)", with_({ metadata: JSON.parse('{"__proto__":1}') }), "zod"],
  ["metadata a Date", with_({ metadata: new Date(0) }), "invalid"],
  ["metadata null-prototype (left to zod)", with_({ metadata: Object.assign(Object.create(null), { a: 1 }) }), "zod"],
  // sessionId: zod's own uuid pattern.
  ...UUIDS.map((sessionId): [string, Obj, Verdict] => {
    const ok = cancellationBody.safeParse({ eventId: "e", userId: "u", sessionId }).success;
    return [`sessionId ${sessionId}`, with_({ sessionId }), ok ? "fast" : "invalid"];
  }),
  // aliases (applyEventAliases copies an alias sent alone onto its field).
  ["user_id alone", { eventId: "e", user_id: " u " }, "fast"],
  ["every alias alone", { event_id: "e", user_id: "u", subscription_id: "s", occurred_at: "2026-11-20T14:03:00Z", session_id: UUIDS[0] }, "fast"],
  ["alias and field the same", with_({ user_id: "user_0" }), "fast"],
  ["alias and field differ", with_({ user_id: "user_9" }), "invalid"],
  ["alias and field the same after trimming", with_({ user_id: " user_0 " }), "zod"],
  ["occurred_at the same instant spelled otherwise", with_({ occurredAt: "2024-01-01T00:00:00Z", occurred_at: "2024-01-01T01:00:00+01:00" }), "zod"],
  ["invalid alias alone", { eventId: "e", user_id: 5 }, "invalid"],
];

describe("fastEventBody", () => {
  test.each(CASES)("%s", (_what, row, expected) => {
    const { verdict, problem } = judge(row);
    expect(problem).toBeUndefined();
    expect(verdict).toBe(expected);
  });

  test("the typical import row comes back exactly as zod returns it", () => {
    for (let i = 0; i < 8; i++) {
      const row = base(i);
      applyEventAliases(row);
      expect(fastEventBody(row)).toStrictEqual(cancellationBody.parse(row));
    }
  });

  test("does not change its input", () => {
    const row = with_({ userId: " u ", context: { tenure: 3, currency: "eur" } });
    const before = structuredClone(row);
    expect(fastEventBody(row)).not.toBeNull();
    expect(row).toStrictEqual(before);
  });

  test("20,000 mutated import rows: whenever it answers, zod accepts the row and returns the same value", () => {
    const rows = eventCorpus(20_000);
    const counts: Record<Verdict, number> = { fast: 0, zod: 0, invalid: 0 };
    const problems: string[] = [];
    rows.forEach((row, i) => {
      const { verdict, problem } = judge(row);
      counts[verdict]++;
      if (problem && problems.length < 5) problems.push(`row ${i}: ${problem}: ${JSON.stringify(row)?.slice(0, 300)}`);
      // The unmutated rows (every fifth) are the typical shape: the fast path must take them all.
      if (i % 5 === 0 && verdict !== "fast" && problems.length < 5) problems.push(`row ${i}: a typical row was declined`);
    });
    expect(problems).toEqual([]);
    // The corpus reaches all three outcomes, so the property above is not vacuous.
    expect(counts.fast).toBeGreaterThan(8_000);
    expect(counts.invalid).toBeGreaterThan(2_000);
    expect(counts.zod).toBeGreaterThan(100);
  });

  test("the corpus's edge values reach both sides of every limit", () => {
    // A guard on the generator: if the boundary values went missing, the corpus test would prove little.
    for (const n of [ID_MAX, PLAN_MAX, METADATA_STRING_MAX, FEEDBACK_MAX, MAX_KEY_LENGTH]) {
      expect(STRINGS).toContain(x(n));
      expect(STRINGS).toContain(x(n + 1));
    }
    expect(NUMBERS).toContain(MRR_MAX);
    expect(NUMBERS).toContain(TENURE_DAYS_MAX + 1);
  });
});
