// Rates as the API shows them: exact ratios of integers rounded half up to 3 decimals.

/**
 * numerator / denominator rounded half up to 3 decimals, computed on integers: no floating sum or product
 * can nudge an exact half (1/2000 = 0.0005) below the line. 0 when the denominator is 0.
 */
export function ratio3(numerator: number, denominator: number): number {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || numerator < 0 || denominator < 0)
    throw new RangeError("ratio3 takes non-negative safe integers");
  if (denominator === 0) return 0;
  // floor((1000·n)/d + 1/2) = floor((2000·n + d) / (2·d)); BigInt keeps it exact for any count of sessions.
  const thousandths = (2000n * BigInt(numerator) + BigInt(denominator)) / (2n * BigInt(denominator));
  return Number(thousandths) / 1000;
}

/** saved / (saved + canceled), half up to 3 decimals; 0 when nothing is decided (SPEC "Analytics"). */
export function saveRate(saved: number, canceled: number): number {
  return ratio3(saved, saved + canceled);
}
