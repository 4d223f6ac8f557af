import { describe, expect, test } from "bun:test";
import { benjaminiHochberg, binomialUpperTail, hypergeometricUpperTail, logFactorial } from "./exact-tests.ts";
import { detectIssues, type WeekCounts } from "./issue-detector.ts";

// Exact rational oracles (BigInt): the "by hand" computation, term by term, with no floating point until the end.
function choose(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  let r = 1n;
  for (let i = 1; i <= k; i++) r = (r * BigInt(n - k + i)) / BigInt(i);
  return r;
}
function ratioToNumber(num: bigint, den: bigint): number {
  // Scale so the quotient keeps ~18 significant digits however small the probability is.
  let shift = 60n;
  while (num << shift < den << 60n) shift += 60n;
  return Number((num << shift) / den) / 2 ** Number(shift);
}
function exactHypergeometricTail(x: number, population: number, successes: number, draws: number): number {
  // Term by term, each from the last by an exact integer ratio: C(K,k+1)·C(M−K,n−k−1) = C(K,k)·C(M−K,n−k)·(K−k)(n−k) / ((k+1)(M−K−n+k+1)).
  let term = choose(successes, x) * choose(population - successes, draws - x);
  let num = 0n;
  for (let k = x; k <= Math.min(successes, draws); k++) {
    num += term;
    term = (term * BigInt(successes - k) * BigInt(draws - k)) / (BigInt(k + 1) * BigInt(population - successes - draws + k + 1));
  }
  return ratioToNumber(num, choose(population, draws));
}
function exactBinomialTailNinth(x: number, n: number): number {
  // Σ C(n,k)·8^(n−k) / 9^n, each term from the last: C(n,k+1)·8^(n−k−1) = C(n,k)·8^(n−k)·(n−k) / (8(k+1)).
  let term = choose(n, x) * 8n ** BigInt(n - x);
  let num = 0n;
  for (let k = x; k <= n; k++) {
    num += term;
    term = (term * BigInt(n - k)) / (8n * BigInt(k + 1));
  }
  return ratioToNumber(num, 9n ** BigInt(n));
}

/** Relative agreement: p-values can be tiny, where an absolute tolerance would accept anything. */
function expectSameP(actual: number, exact: number) {
  expect(exact).toBeGreaterThan(0);
  expect(Math.abs(actual - exact) / exact).toBeLessThan(1e-9);
}

describe("exact tail probabilities", () => {
  test("hypergeometric, small case by hand", () => {
    // 10 items, 4 marked, draw 3: P(X ≥ 2) = [C(4,2)·C(6,1) + C(4,3)·C(6,0)] / C(10,3) = (36 + 4) / 120 = 1/3.
    expect(hypergeometricUpperTail(2, 10, 4, 3)).toBeCloseTo(1 / 3, 14);
    // P(X ≥ 3) = C(4,3) / C(10,3) = 4/120 = 1/30; P(X ≥ 0) = 1; P(X ≥ 4) = 0 (only 3 drawn).
    expect(hypergeometricUpperTail(3, 10, 4, 3)).toBeCloseTo(1 / 30, 14);
    expect(hypergeometricUpperTail(0, 10, 4, 3)).toBe(1);
    expect(hypergeometricUpperTail(4, 10, 4, 3)).toBe(0);
  });

  test("binomial, small case by hand", () => {
    // n = 5, p = 1/9: P(X ≥ 3) = [C(5,3)·8² + C(5,4)·8 + C(5,5)] / 9⁵ = (640 + 40 + 1) / 59049 = 681/59049.
    expect(binomialUpperTail(3, 5, 1 / 9)).toBeCloseTo(681 / 59049, 14);
    // P(X ≥ 1) = 1 − (8/9)⁵ = (59049 − 32768) / 59049 = 26281/59049.
    expect(binomialUpperTail(1, 5, 1 / 9)).toBeCloseTo(26281 / 59049, 14);
  });

  test("log space agrees with exact rational sums on larger cases", () => {
    // Tails above the mode, below it (p near 1: the terms rise before they fall), and at a million-session scale.
    for (const [x, M, K, n] of [[30, 900, 120, 100], [12, 450, 45, 50], [200, 5000, 1500, 500], [100, 5000, 1500, 500], [130, 12000, 1000, 1370], [900, 12000, 8000, 1370]]) {
      const exact = exactHypergeometricTail(x, M, K, n);
      expect(Math.abs(hypergeometricUpperTail(x, M, K, n) - exact) / exact).toBeLessThan(1e-9);
    }
    for (const [x, n] of [[10, 50], [40, 200], [120, 900], [5, 200], [1500, 12000]]) {
      const exact = exactBinomialTailNinth(x, n);
      expect(Math.abs(binomialUpperTail(x, n, 1 / 9) - exact) / exact).toBeLessThan(1e-9);
    }
  });

  test("ln n! is continuous where Stirling's series takes over", () => {
    let sum = 0;
    for (let n = 1; n <= 200; n++) {
      sum += Math.log(n);
      expect(Math.abs(logFactorial(n) - sum)).toBeLessThan(1e-9);
    }
  });

  test("Benjamini–Hochberg by hand", () => {
    // sorted 0.01, 0.03, 0.04, 0.5 (m = 4): p·m/rank = 0.04, 0.06, 0.0533…, 0.5; monotone from the top:
    // 0.5, 0.0533…, min(0.06, 0.0533…) = 0.0533…, min(0.04, 0.0533…) = 0.04 — given back in input order.
    const adjusted = benjaminiHochberg([0.01, 0.04, 0.03, 0.5]);
    expect(adjusted[0]).toBeCloseTo(0.04, 14);
    expect(adjusted[1]).toBeCloseTo(0.16 / 3, 14);
    expect(adjusted[2]).toBeCloseTo(0.16 / 3, 14);
    expect(adjusted[3]).toBeCloseTo(0.5, 14);
    expect(benjaminiHochberg([])).toEqual([]);
  });
});

const emptyWeek = (): WeekCounts => ({ sessions: 0, reasons: {}, plans: {} });

/** A week of `sessions`, with `reasons` counts and `plans` saved/canceled counts. */
function week(sessions: number, reasons: Record<string, number> = {}, plans: WeekCounts["plans"] = {}): WeekCounts {
  return { sessions, reasons, plans };
}

const steadyBaseline = () =>
  Array.from({ length: 8 }, () =>
    week(50, { "too expensive": 20, "technical problems": 4, "missing features": 10 }, { pro: { saved: 18, canceled: 22 } }),
  );

describe("the weekly detector", () => {
  test("a clear reason spike is found and told in words", () => {
    const spike = week(50, { "too expensive": 14, "technical problems": 16, "missing features": 8 }, { pro: { saved: 17, canceled: 23 } });
    const result = detectIssues({ week: spike, baseline: steadyBaseline(), precedingCompleteWeeks: 20 });
    expect(result.status).toBe("ok");
    expect(result.issues.map((i) => [i.kind, i.subject])).toEqual([["reason_spike", "technical problems"]]);
    const [issue] = result.issues;
    expect(issue.observed).toBe(0.32);
    expect(issue.expected).toBe(0.08);
    // The p-value is the hypergeometric tail: 16 or more of the 48 "technical problems" among 450 sessions land in the week's 50.
    expectSameP(issue.pValue, exactHypergeometricTail(16, 450, 48, 50));
    expect(issue.adjustedPValue).toBeGreaterThanOrEqual(issue.pValue);
    expect(issue.adjustedPValue).toBeLessThanOrEqual(0.05);
    expect(issue.message).toBe('"Technical problems" was given by 32 % of cancellations last week, usually 8 %');
  });

  test("a volume spike and a save-rate drop", () => {
    const busy = week(120, { "too expensive": 48, "technical problems": 10, "missing features": 24 }, { pro: { saved: 20, canceled: 80 } });
    const result = detectIssues({ week: busy, baseline: steadyBaseline(), precedingCompleteWeeks: 8, when: "in 2026-W46" });
    const byKind = Object.fromEntries(result.issues.map((i) => [i.kind, i]));
    expect(byKind.volume_spike).toMatchObject({ subject: "all", observed: 120, expected: 50 });
    expectSameP(byKind.volume_spike.pValue, exactBinomialTailNinth(120, 520));
    expect(byKind.volume_spike.message).toBe("120 cancellation sessions in 2026-W46, usually about 50 a week");
    expect(byKind.save_rate_drop).toMatchObject({ subject: "pro", observed: 0.2, expected: 0.45 });
    // 80 or more of the 256 pro cancellations among 420 decided sessions fall in the week's 100.
    expectSameP(byKind.save_rate_drop.pValue, exactHypergeometricTail(80, 420, 256, 100));
    expect(byKind.save_rate_drop.message).toBe('The save rate on the "pro" plan fell to 20 % in 2026-W46, usually 45 %');
  });

  test("the p-value of a small volume case matches the exact binomial sum", () => {
    // Baseline: 8 weeks of 5 sessions (X = 40); the week: 10. P(Bin(50, 1/9) ≥ 10), summed exactly.
    const result = detectIssues({ week: week(14), baseline: Array.from({ length: 8 }, () => week(5)), precedingCompleteWeeks: 9 });
    expect(result.issues).toHaveLength(1);
    expectSameP(result.issues[0].pValue, exactBinomialTailNinth(14, 54));
    // One tested series: BH leaves its p-value as it is.
    expect(result.issues[0].adjustedPValue).toBe(result.issues[0].pValue);
  });

  test("significant but immaterial effects are not reported", () => {
    // 7 extra sessions out of ~50 is under 1.5×: never material, however many weeks agree.
    const result = detectIssues({ week: week(57), baseline: steadyBaseline(), precedingCompleteWeeks: 30 });
    expect(result).toEqual({ status: "ok", issues: [] });
  });

  test("not enough data: fewer than 8 complete weeks before, or a baseline under 40 sessions", () => {
    const spike = week(500, { "technical problems": 400 });
    expect(detectIssues({ week: spike, baseline: steadyBaseline(), precedingCompleteWeeks: 7 })).toEqual({ status: "not_enough_data", issues: [] });
    expect(detectIssues({ week: spike, baseline: steadyBaseline().slice(1), precedingCompleteWeeks: 20 }).status).toBe("not_enough_data");
    const thin = Array.from({ length: 8 }, (_, i) => week(i === 0 ? 5 : 4)); // 33 sessions
    expect(detectIssues({ week: spike, baseline: thin, precedingCompleteWeeks: 20 }).status).toBe("not_enough_data");
    const justEnough = Array.from({ length: 8 }, () => week(5)); // 40 sessions
    expect(detectIssues({ week: spike, baseline: justEnough, precedingCompleteWeeks: 8 }).status).toBe("ok");
  });

  test("an empty week against a busy baseline raises nothing", () => {
    expect(detectIssues({ week: emptyWeek(), baseline: steadyBaseline(), precedingCompleteWeeks: 8 })).toEqual({ status: "ok", issues: [] });
  });

  test("a year of stable random weeks raises at most one alarm", () => {
    // mulberry32: a small seeded PRNG, so the test sees the same year every run.
    let seed = 0x5eed1234;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const poisson = (mean: number) => {
      let k = 0;
      for (let p = Math.exp(-mean), s = p, u = random(); u > s; k++) p *= mean / (k + 1), s += p;
      return k;
    };
    const reasons: [string, number][] = [["too expensive", 0.35], ["missing features", 0.2], ["technical problems", 0.1], ["switching", 0.15], ["not using it", 0.1]];
    const plans: [string, number, number][] = [["starter", 0.5, 0.25], ["pro", 0.35, 0.4], ["business", 0.15, 0.55]]; // [plan, share, save rate]
    const pick = <T extends [string, number, ...unknown[]]>(items: T[]): T | null => {
      let u = random();
      for (const item of items) if ((u -= item[1]) < 0) return item;
      return null; // the remainder: no reason given
    };
    const weeks: WeekCounts[] = [];
    for (let w = 0; w < 60; w++) {
      const counts = week(poisson(80));
      for (let i = 0; i < counts.sessions; i++) {
        const reason = pick(reasons);
        if (reason) counts.reasons[reason[0]] = (counts.reasons[reason[0]] ?? 0) + 1;
        const plan = pick(plans)!;
        if (random() < 0.8) {
          const p = (counts.plans[plan[0]] ??= { saved: 0, canceled: 0 });
          if (random() < plan[2]) p.saved++;
          else p.canceled++;
        }
      }
      weeks.push(counts);
    }
    let alarms = 0;
    let tested = 0;
    for (let w = 8; w < 60; w++) {
      const result = detectIssues({ week: weeks[w], baseline: weeks.slice(w - 8, w), precedingCompleteWeeks: w });
      expect(result.status).toBe("ok");
      tested++;
      alarms += result.issues.length;
    }
    expect(tested).toBe(52);
    expect(alarms).toBeLessThanOrEqual(1);
  });
});
