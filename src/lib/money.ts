// Money as integer cents: the one conversion from a major-unit amount (129.5 = $129.50) to cents.

/**
 * Cents of a non-negative major-unit amount, rounded half up on its decimal digits. The decimal string (the
 * shortest one that round-trips, as the client sent it) is read instead of multiplying by 100, because
 * 1.005 * 100 is 100.4999… in binary floating point and would lose the half cent.
 */
export function toCents(amount: number): number {
  if (!Number.isFinite(amount) || amount < 0) throw new RangeError("amount must be a finite number ≥ 0");
  const text = String(amount);
  // Exponent notation only appears for amounts below 1e-6 or above 1e21, where float arithmetic is exact enough.
  if (text.includes("e")) return Math.round(amount * 100);
  const [whole, fraction = ""] = text.split(".");
  const digits = (fraction + "000").slice(0, 3);
  const cents = Number(whole) * 100 + Number(digits.slice(0, 2));
  return digits[2] >= "5" ? cents + 1 : cents;
}
