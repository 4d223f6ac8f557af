import { describe, expect, test } from "bun:test";
import { importEvent } from "../../../scripts/bench/import-event.ts";
import { applyEventAliases, cancellationBody, type CancellationBody } from "./cancellations.schemas.ts";
import { payloadHash } from "./cancellations.service.ts";
import { eventCorpus, random } from "./event-corpus.ts";
import { payloadHashV1 } from "./payload-hash-v1.ts";

// Stored event hashes are compared with replays: the hash must stay the first version's, bit for bit.
describe("payloadHash", () => {
  test("known digests, computed by the first version before the fast one existed", () => {
    const body = (i: number) => cancellationBody.parse(JSON.parse(importEvent(i, "evt_")));
    const at = (b: CancellationBody) => Date.parse(b.occurredAt!);
    const [b0, b1, b10] = [body(0), body(1), body(10)];
    expect(payloadHash(b0, at(b0), "prod")).toBe("cb9127e4cc95bf259281247b2baeab7ae275659334cb78e8ee0f532e51b49c54");
    expect(payloadHash(b1, at(b1), "sandbox")).toBe("c52a4f48b75a2249b936500224f28a8b31c9a0aa3d3f9bbd04d3a2b7ed7092f0");
    expect(payloadHash(b10, at(b10), "prod")).toBe("4471999ad15fd0993b5d68b93da1dbf1d63280738017cd49a9cb821877fa67fc");
  });

  test("equals the first version on every body zod accepts from the 20,000-row corpus", () => {
    const rand = random(7);
    let compared = 0;
    const mismatches: string[] = [];
    for (const row of eventCorpus(20_000)) {
      applyEventAliases(row);
      const parsed = cancellationBody.safeParse(row);
      if (!parsed.success) continue;
      const body = parsed.data;
      const occurredAt = body.occurredAt === undefined || rand() < 0.1 ? undefined : Date.parse(body.occurredAt);
      const environment = rand() < 0.5 ? "prod" : "sandbox";
      compared++;
      if (payloadHash(body, occurredAt, environment) !== payloadHashV1(body, occurredAt, environment) && mismatches.length < 5)
        mismatches.push(JSON.stringify(body).slice(0, 300));
    }
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThan(8_000);
  });

  test("equals the first version on bodies the quick writer must hand to the careful one", () => {
    const proto = JSON.parse('{"__proto__":1,"a":2}');
    const bodies = [
      // integer-like keys, which objects list first whatever their insertion order
      { eventId: "e", userId: "u", status: "canceled", metadata: { b: 1, 10: 2, 2: 3, a: 4 } },
      { eventId: "e", userId: "u", status: "canceled", context: { "1a": 1, zz: 2, " x": 3, A: 4 } },
      { eventId: "e", userId: "u", status: "canceled", metadata: proto },
      // keys and values JSON must escape, lone surrogates, emoji, non-finite numbers, -0
      { eventId: 'e"\\\u0001', userId: "u\ud800", status: "saved", reason: "😀\u2028", metadata: { 'k"': "\udc00", "k\n": -0, n: NaN } },
      // what the schema would never let through, hashed all the same
      { eventId: "e", userId: "u", status: "canceled", metadata: { nested: { b: [1, { d: 2, c: undefined }], a: null } } },
      { eventId: "e", userId: "u", status: "canceled", offer: [{ kind: "pause" }], context: { when: new Date(0) } },
      { eventId: "e", userId: "u", status: "canceled", context: { z: undefined, y: true, x: false } },
      { eventId: "e", userId: "u", status: "canceled", context: Object.assign(Object.create(null), { b: 1, a: 2 }) },
    ] as unknown as CancellationBody[];
    for (const body of bodies) {
      for (const occurredAt of [undefined, 0, 1_704_067_200_000, -1]) {
        expect(payloadHash(body, occurredAt, "prod")).toBe(payloadHashV1(body, occurredAt, "prod"));
      }
    }
  });

  test("different payloads hash differently; key order does not matter", () => {
    const a = cancellationBody.parse({ eventId: "e", userId: "u", context: { plan: "p", mrr: 1 }, metadata: { b: 1, a: 2 } });
    const b = cancellationBody.parse({ userId: "u", metadata: { a: 2, b: 1 }, context: { mrr: 1, plan: "p" }, eventId: "e" });
    expect(payloadHash(a, 1, "prod")).toBe(payloadHash(b, 1, "prod"));
    expect(payloadHash(a, 1, "prod")).not.toBe(payloadHash(a, 2, "prod"));
    expect(payloadHash(a, 1, "prod")).not.toBe(payloadHash(a, 1, "sandbox"));
    expect(payloadHash(a, 1, "prod")).not.toBe(payloadHash({ ...a, metadata: { a: 2, b: "1" } }, 1, "prod"));
    expect(payloadHash(a, 1, "prod")).toMatch(/^[0-9a-f]{64}$/);
  });
});
