// Weekly issue detection (SPEC "Analytics"): each series of a week against its trailing 8 complete weeks,
// one-sided exact conditional tests, Benjamini–Hochberg over every tested series, then material effects only.
// Pure: counts in, issues out. The caller gathers the counts (production sessions only).
import { benjaminiHochberg, binomialUpperTail, hypergeometricUpperTail } from "./exact-tests.ts";
import { ratio3 } from "./rates.ts";

export const BASELINE_WEEKS = 8;
export const MIN_BASELINE_SESSIONS = 40;
export const MIN_CONDITIONING_TOTAL = 5;
export const FALSE_DISCOVERY_RATE = 0.05;

export interface WeekCounts {
  /** Production sessions counted in the week. */
  sessions: number;
  /** Sessions by reason as stored (lower case); sessions without a reason are left out. */
  reasons: Record<string, number>;
  /** Decided sessions by plan label; sessions without a plan are left out. */
  plans: Record<string, { saved: number; canceled: number }>;
}

export type IssueKind = "reason_spike" | "save_rate_drop" | "volume_spike";

export interface Issue {
  kind: IssueKind;
  subject: string;
  observed: number;
  expected: number;
  pValue: number;
  adjustedPValue: number;
  message: string;
}

export interface Detection {
  status: "ok" | "not_enough_data";
  issues: Issue[];
}

export interface DetectorInput {
  week: WeekCounts;
  /** The complete weeks right before `week`; only the last 8 are used. */
  baseline: WeekCounts[];
  /** How many complete weeks of history precede the week (fewer than 8: not enough data). */
  precedingCompleteWeeks: number;
  /** How the message names the week: "last week" (default) or e.g. "in 2026-W46". */
  when?: string;
}

interface Candidate {
  kind: IssueKind;
  subject: string;
  observed: number;
  expected: number;
  pValue: number;
  material: boolean;
  message: (when: string) => string;
}

function percent(fraction: number): string {
  const value = fraction * 100;
  // A share under 1 % keeps one decimal so it never reads as "0 %".
  const shown = value > 0 && value < 1 ? Math.round(value * 10) / 10 : Math.round(value);
  return `${shown} %`;
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function sumWeeks(weeks: WeekCounts[]): WeekCounts {
  const total: WeekCounts = { sessions: 0, reasons: {}, plans: {} };
  for (const w of weeks) {
    total.sessions += w.sessions;
    for (const [reason, n] of Object.entries(w.reasons)) total.reasons[reason] = (total.reasons[reason] ?? 0) + n;
    for (const [plan, p] of Object.entries(w.plans)) {
      const t = (total.plans[plan] ??= { saved: 0, canceled: 0 });
      t.saved += p.saved;
      t.canceled += p.canceled;
    }
  }
  return total;
}

/** Each reason's share of the week's sessions: x of n this week against X of N in the baseline. */
function reasonCandidates(week: WeekCounts, base: WeekCounts): Candidate[] {
  const n = week.sessions;
  const N = base.sessions;
  const out: Candidate[] = [];
  for (const reason of new Set([...Object.keys(week.reasons), ...Object.keys(base.reasons)])) {
    const x = week.reasons[reason] ?? 0;
    const X = base.reasons[reason] ?? 0;
    if (n === 0 || x + X < MIN_CONDITIONING_TOTAL) continue;
    // Given x + X sessions with this reason among n + N, how many land in the week's n is hypergeometric.
    const pValue = hypergeometricUpperTail(x, n + N, x + X, n);
    // share ratio (x/n)/(X/N) ≥ 1.5 and x − n·X/N ≥ 3, cross-multiplied to stay in integers.
    const material = 2 * x * N >= 3 * X * n && x * N - n * X >= 3 * N;
    const observed = ratio3(x, n);
    const expected = ratio3(X, N);
    out.push({
      kind: "reason_spike",
      subject: reason,
      observed,
      expected,
      pValue,
      material,
      message: (when) => `"${capitalised(reason)}" was given by ${percent(x / n)} of cancellations ${when}, usually ${percent(X / N)}`,
    });
  }
  return out;
}

/** Each plan's save rate among decided sessions: tested as an excess of cancellations (a drop in saves). */
function saveRateCandidates(week: WeekCounts, base: WeekCounts): Candidate[] {
  const out: Candidate[] = [];
  for (const plan of new Set([...Object.keys(week.plans), ...Object.keys(base.plans)])) {
    const { saved: s = 0, canceled: c = 0 } = week.plans[plan] ?? {};
    const { saved: S = 0, canceled: C = 0 } = base.plans[plan] ?? {};
    const d = s + c;
    const D = S + C;
    // Conditioning total: cancellations of this plan in both periods, as the reason total is for shares.
    if (d === 0 || D === 0 || c + C < MIN_CONDITIONING_TOTAL) continue;
    const pValue = hypergeometricUpperTail(c, d + D, c + C, d);
    // S/D − s/d ≥ 0.10, cross-multiplied.
    const material = 10 * (S * d - s * D) >= d * D;
    out.push({
      kind: "save_rate_drop",
      subject: plan,
      observed: ratio3(s, d),
      expected: ratio3(S, D),
      pValue,
      material,
      message: (when) => `The save rate on the "${plan}" plan fell to ${percent(s / d)} ${when}, usually ${percent(S / D)}`,
    });
  }
  return out;
}

/** The week's total against the baseline's: x ~ Binomial(x + X, 1/9) when the rate did not change. */
function volumeCandidate(week: WeekCounts, base: WeekCounts, weeks: number): Candidate[] {
  const x = week.sessions;
  const X = base.sessions;
  if (x + X < MIN_CONDITIONING_TOTAL) return [];
  const pValue = binomialUpperTail(x, x + X, 1 / (weeks + 1));
  // x ≥ 1.5·X/8 and x − X/8 ≥ 5, cross-multiplied.
  const material = 2 * weeks * x >= 3 * X && weeks * x - X >= 5 * weeks;
  const usual = X / weeks;
  return [
    {
      kind: "volume_spike",
      subject: "all",
      observed: x,
      expected: ratio3(X, weeks),
      pValue,
      material,
      message: (when) => `${x} cancellation sessions ${when}, usually about ${Math.round(usual)} a week`,
    },
  ];
}

export function detectIssues(input: DetectorInput): Detection {
  const baselineWeeks = input.baseline.slice(-BASELINE_WEEKS);
  const base = sumWeeks(baselineWeeks);
  if (input.precedingCompleteWeeks < BASELINE_WEEKS || baselineWeeks.length < BASELINE_WEEKS || base.sessions < MIN_BASELINE_SESSIONS)
    return { status: "not_enough_data", issues: [] };
  const candidates = [
    ...reasonCandidates(input.week, base),
    ...saveRateCandidates(input.week, base),
    ...volumeCandidate(input.week, base, BASELINE_WEEKS),
  ];
  // The false-discovery correction counts every tested series, material or not.
  const adjusted = benjaminiHochberg(candidates.map((c) => c.pValue));
  const when = input.when ?? "last week";
  const issues = candidates
    .map((c, i) => ({ c, adjustedPValue: adjusted[i] }))
    .filter(({ c, adjustedPValue }) => adjustedPValue <= FALSE_DISCOVERY_RATE && c.material)
    .sort((a, b) => a.adjustedPValue - b.adjustedPValue || a.c.kind.localeCompare(b.c.kind) || a.c.subject.localeCompare(b.c.subject))
    .map(({ c, adjustedPValue }) => ({
      kind: c.kind,
      subject: c.subject,
      observed: c.observed,
      expected: c.expected,
      pValue: c.pValue,
      adjustedPValue,
      message: c.message(when),
    }));
  return { status: "ok", issues };
}
