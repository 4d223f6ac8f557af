import { describe, expect, test } from "bun:test";
import { canonicalJson } from "./canonical-json.ts";

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
