import { describe, expect, test } from "bun:test";
import { canonicalJsonV1 } from "./canonical-json-v1.ts";
import { canonicalJson, sortedFlatCopy } from "./canonical-json.ts";

describe("canonicalJson", () => {
  test("sorts keys at every depth and drops undefined, so key order never changes the text", () => {
    const a = { b: 1, a: [1, { d: undefined, c: "x", b: [true, null] }], e: null, f: undefined };
    const b = { e: null, a: [1, { b: [true, null], c: "x" }], b: 1 };
    expect(canonicalJson(a)).toBe('{"a":[1,{"b":[true,null],"c":"x"}],"b":1,"e":null}');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
  });

  test("values differ → texts differ; strings are escaped as JSON", () => {
    expect(canonicalJson({ a: "1" })).not.toBe(canonicalJson({ a: 1 }));
    expect(canonicalJson({ 'k"': 'v\n"' })).toBe('{"k\\"":"v\\n\\""}');
    expect(canonicalJson([])).toBe("[]");
    expect(canonicalJson({})).toBe("{}");
  });
});

describe("canonicalJson against its first version", () => {
  // Stored payload hashes are sha256 of this text: the faster writer must produce the first version's, always.
  let seed = 3;
  // mulberry32: deterministic, so a failure reproduces.
  const rand = () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const KEYS = ["a", "b", "B", "_", "10", "2", "", "é", "😀", 'q"', "k\n", "\ud800", "__proto__", "aa", "a b"];
  function value(depth: number): unknown {
    const r = rand();
    if (r < 0.15) return pick(["", "x", 'q"\\', "\u0000\u001f", "\ud800", "\udc00x", "😀", "\u2028", "é", "a\tb"]);
    if (r < 0.3) return pick([0, -0, 1.5, -1e21, 1e21, 5e-324, NaN, Infinity, 2 ** 53 + 2]);
    if (r < 0.35) return pick([true, false, null, undefined]);
    if (r < 0.38) return pick([new Date(0), () => 1, Symbol("s")]);
    if (depth > 3) return null;
    if (r < 0.6) return Array.from({ length: Math.floor(rand() * 4) }, () => value(depth + 1));
    const object: Record<string, unknown> = rand() < 0.1 ? Object.create(null) : {};
    const count = Math.floor(rand() * 6);
    for (let i = 0; i < count; i++) Object.defineProperty(object, pick(KEYS), { value: value(depth + 1), enumerable: true, configurable: true, writable: true });
    return object;
  }
  const pick = <T>(list: T[]): T => list[Math.floor(rand() * list.length)];

  test("5,000 random values: the same text; sortedFlatCopy's JSON is the same text whenever it answers", () => {
    let flat = 0;
    for (let i = 0; i < 5_000; i++) {
      const v = value(0);
      expect(canonicalJson(v)).toBe(canonicalJsonV1(v));
      if (v && typeof v === "object") {
        const copy = sortedFlatCopy(v);
        if (copy !== null) {
          flat++;
          expect(JSON.stringify(copy)).toBe(canonicalJsonV1(v));
        }
      }
    }
    expect(flat).toBeGreaterThan(200);
  });

  test("sortedFlatCopy declines nested values, integer-like keys and __proto__", () => {
    expect(sortedFlatCopy({ a: { b: 1 } })).toBeNull();
    expect(sortedFlatCopy({ a: [1] })).toBeNull();
    expect(sortedFlatCopy({ b: 1, 10: 1 })).toBeNull();
    expect(sortedFlatCopy(JSON.parse('{"__proto__":1}'))).toBeNull();
    expect(sortedFlatCopy([1])).toBeNull();
    expect(Object.keys(sortedFlatCopy({ b: 1, a: 2, c: undefined })!)).toEqual(["a", "b"]);
  });
});
