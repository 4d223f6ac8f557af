// Exact one-sided tail probabilities (hypergeometric, binomial) in log space, and Benjamini–Hochberg.
// Sums run over log-terms with a shared maximum, so nothing under- or overflows even at a million sessions.

const LN_SMALL: number[] = [0];
for (let n = 1; n <= 64; n++) LN_SMALL[n] = LN_SMALL[n - 1] + Math.log(n);

/** ln(n!) — exact summation up to 64, Stirling's series (error far below 1e-15 relative) beyond. */
export function logFactorial(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError("logFactorial takes a non-negative integer");
  if (n <= 64) return LN_SMALL[n];
  const inv = 1 / n;
  const inv2 = inv * inv;
  return (
    n * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI * n) +
    inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 / 1680)))
  );
}

export function logChoose(n: number, k: number): number {
  if (k < 0 || k > n) return Number.NEGATIVE_INFINITY;
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

/**
 * Σ exp(log t_k) for k = from … to, where the next term's log comes from `step(k)` = log(t_{k+1} / t_k).
 * The terms of both distributions rise to one mode and then fall, so once past the largest term the sum
 * stops when a term no longer changes it: a tail over a million sessions costs a few dozen terms, not a
 * million. The ratio recurrence costs one log per term; `first` is the exact log of the first term.
 */
function tailSum(first: number, from: number, to: number, step: (k: number) => number): number {
  let logTerm = first;
  let max = first;
  let scaled = 0; // Σ exp(logTerm - max), rescaled whenever a larger term appears
  for (let k = from; k <= to; k++) {
    if (logTerm > max) {
      scaled *= Math.exp(max - logTerm);
      max = logTerm;
    }
    const term = Math.exp(logTerm - max);
    scaled += term;
    if (logTerm < max && term < scaled * 1e-17) break;
    if (k < to) logTerm += step(k);
  }
  return Math.exp(max) * scaled;
}

/**
 * P(X ≥ x) for X ~ Hypergeometric: `draws` taken without replacement from `population` items of which
 * `successes` are marked. Clamped to [0, 1].
 */
export function hypergeometricUpperTail(x: number, population: number, successes: number, draws: number): number {
  const lo = Math.max(0, draws - (population - successes));
  const hi = Math.min(successes, draws);
  if (x <= lo) return 1;
  if (x > hi) return 0;
  const first = logChoose(successes, x) + logChoose(population - successes, draws - x) - logChoose(population, draws);
  // t(k+1) / t(k) = (K − k)(n − k) / ((k + 1)(N − K − n + k + 1))
  const failures = population - successes;
  const step = (k: number) => Math.log(((successes - k) * (draws - k)) / ((k + 1) * (failures - draws + k + 1)));
  return Math.min(1, tailSum(first, x, hi, step));
}

/** P(X ≥ x) for X ~ Binomial(n, p). */
export function binomialUpperTail(x: number, n: number, p: number): number {
  if (x <= 0) return 1;
  if (x > n) return 0;
  const lp = Math.log(p);
  const lq = Math.log1p(-p);
  const first = logChoose(n, x) + x * lp + (n - x) * lq;
  // t(k+1) / t(k) = (n − k) / (k + 1) · p / (1 − p)
  const odds = lp - lq;
  const step = (k: number) => Math.log((n - k) / (k + 1)) + odds;
  return Math.min(1, tailSum(first, x, n, step));
}

/**
 * Benjamini–Hochberg adjusted p-values, in the input order: p(i)·m / rank(i), made monotone from the
 * largest rank down and capped at 1. A test passes at level q when its adjusted value is ≤ q.
 */
export function benjaminiHochberg(pValues: number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p || a.i - b.i);
  const adjusted = new Array<number>(m);
  let running = 1;
  for (let rank = m; rank >= 1; rank--) {
    const { p, i } = order[rank - 1];
    running = Math.min(running, (p * m) / rank);
    adjusted[i] = running;
  }
  return adjusted;
}
