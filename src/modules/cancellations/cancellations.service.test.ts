// The payload hash decides replay (200) against conflict (409), also for events stored before it was optimized: it
// must stay the sha256 of the canonical JSON of the body (aliases left out) with the instant and the environment.
import { describe, expect, test } from "bun:test";
import { canonicalJson } from "../../lib/canonical-json.ts";
import { sha256Hex } from "../../lib/crypto.ts";
import { applyEventAliases, cancellationBody, EVENT_ALIASES } from "./cancellations.schemas.ts";
import { payloadHash } from "./cancellations.service.ts";

function seeded(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("payloadHash", () => {
  test("equals sha256(canonicalJson(body without aliases + occurredAt + environment)) for any body the schema accepts", () => {
    const random = seeded(42);
    const maybe = <T>(value: T) => (random() < 0.5 ? value : undefined);
    let checked = 0;
    for (let i = 0; i < 500; i++) {
      const raw: Record<string, unknown> = {
        [random() < 0.5 ? "eventId" : "event_id"]: `evt_${i}`,
        [random() < 0.5 ? "userId" : "user_id"]: maybe(" padded ") ?? `u${i}`,
        subscription_id: maybe(`sub_${i}`),
        status: maybe(["saved", "canceled", "pending"][i % 3]),
        reason: maybe("Too expensive"),
        feedback: maybe("Ünïcode \"quoted\" \\ feedback"),
        offer: maybe({ kind: "discount", percentOff: 30, durationMonths: 3 }),
        [random() < 0.5 ? "occurredAt" : "occurred_at"]: maybe("2026-01-02T03:04:05+02:00"),
        environment: maybe(random() < 0.5 ? "prod" : "sandbox"),
        context: maybe({ zeta: "last", plan: "pro", mrr: 12.5, tenure: 40, Alpha: true, currency: "eur" }),
        metadata: maybe({ b: 2, a: "x", c: null, "key with space": false }),
        sessionId: maybe(crypto.randomUUID()),
        ignored: "unknown top-level fields are stripped",
      };
      applyEventAliases(raw);
      const parsed = cancellationBody.safeParse(raw);
      if (!parsed.success) throw new Error(`${i}: ${parsed.error.issues[0].message}`);
      const body = parsed.data;
      const occurredAt = body.occurredAt === undefined ? undefined : Date.parse(body.occurredAt);
      const environment = body.environment ?? "prod";
      const withoutAliases: Record<string, unknown> = { ...body };
      for (const [alias] of EVENT_ALIASES) delete withoutAliases[alias];
      expect(payloadHash(body, occurredAt, environment)).toBe(sha256Hex(canonicalJson({ ...withoutAliases, occurredAt, environment })));
      checked++;
    }
    expect(checked).toBe(500);
  });

  test("a fixed payload keeps its hash (events stored earlier still replay)", () => {
    const body = cancellationBody.parse({ eventId: "evt_1", userId: "u1", context: { plan: "pro", mrr: 49 }, occurredAt: "2026-01-01T00:00:00Z" });
    expect(payloadHash(body, Date.parse("2026-01-01T00:00:00Z"), "prod")).toBe(
      sha256Hex('{"context":{"mrr":49,"plan":"pro"},"environment":"prod","eventId":"evt_1","occurredAt":1767225600000,"status":"canceled","userId":"u1"}'),
    );
  });
});
