import { describe, expect, test } from "bun:test";
import { toCents } from "./money.ts";

describe("toCents", () => {
  test("whole and fractional amounts", () => {
    expect(toCents(0)).toBe(0);
    expect(toCents(129)).toBe(12900);
    expect(toCents(129.5)).toBe(12950);
    expect(toCents(0.07)).toBe(7);
    expect(toCents(100_000_000)).toBe(10_000_000_000);
  });

  test("rounds half up on the decimal digits, not on the binary value", () => {
    // 1.005 * 100 === 100.49999999999999 in floating point; the amount as written is exactly half a cent up.
    expect(1.005 * 100).toBeLessThan(100.5);
    expect(toCents(24.995)).toBe(2500);
    expect(toCents(24.994)).toBe(2499);
    expect(toCents(1.005)).toBe(101);
    expect(toCents(0.004)).toBe(0);
  });

  test("rejects negative and non-finite amounts", () => {
    expect(() => toCents(-1)).toThrow();
    expect(() => toCents(Number.NaN)).toThrow();
  });
});
