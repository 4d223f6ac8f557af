import { describe, expect, test } from "bun:test";
import { mrrBand, tenureBand } from "./bands.ts";
import { ratio3, saveRate } from "./rates.ts";

describe("MRR bands are half-open in dollars", () => {
  test.each([
    [0, "0-25"],
    [2_499, "0-25"],
    [2_500, "25-100"],
    [9_999, "25-100"],
    [10_000, "100-500"],
    [49_999, "100-500"],
    [50_000, "500+"],
    [10_000_000_000, "500+"],
  ] as const)("%p cents → %p", (cents, band) => expect(mrrBand(cents)).toBe(band));

  test("no MRR is unknown", () => {
    expect(mrrBand(undefined)).toBe("unknown");
    expect(mrrBand(null)).toBe("unknown");
  });
});

describe("tenure bands are closed ranges of whole days", () => {
  test.each([
    [0, "0-30"],
    [30, "0-30"],
    [30.9, "0-30"],
    [31, "31-90"],
    [90, "31-90"],
    [91, "91-365"],
    [365, "91-365"],
    [366, "366+"],
    [5000, "366+"],
  ] as const)("%p days → %p", (days, band) => expect(tenureBand(days)).toBe(band));

  test("no tenure is unknown", () => expect(tenureBand(undefined)).toBe("unknown"));
});

describe("rates round half up to 3 decimals, exactly", () => {
  test("ordinary values", () => {
    expect(saveRate(1, 2)).toBe(0.333);
    expect(saveRate(2, 1)).toBe(0.667);
    expect(saveRate(1, 1)).toBe(0.5);
    expect(saveRate(5, 0)).toBe(1);
    expect(saveRate(0, 7)).toBe(0);
  });

  test("nothing decided is 0", () => expect(saveRate(0, 0)).toBe(0));

  test("exact halves go up", () => {
    // 1/2000 = 0.0005 exactly → 0.001; 1/8 = 0.125 stays; 3/16 = 0.1875 → 0.188; 2001/4000 = 0.50025 → 0.5 (below the half).
    expect(ratio3(1, 2000)).toBe(0.001);
    expect(ratio3(1, 8)).toBe(0.125);
    expect(ratio3(3, 16)).toBe(0.188);
    expect(ratio3(2001, 4000)).toBe(0.5);
    expect(ratio3(2003, 4000)).toBe(0.501); // 0.50075 → 0.501
    // 1001/2000 = 0.5005 exactly, but (1001 / 2000) * 1000 is 500.49999999999994 in floating point:
    // Math.round would give 0.5.
    expect(Math.round((1001 / 2000) * 1000) / 1000).toBe(0.5);
    expect(ratio3(1001, 2000)).toBe(0.501);
  });

  test("large counts stay exact", () => {
    expect(ratio3(500_000_001, 1_000_000_000)).toBe(0.5);
    expect(ratio3(500_500_000, 1_000_000_000)).toBe(0.501);
  });
});
