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

// Money for people: integer minor units for every sum, Intl for how it reads.
const formatters = new Map<string, Intl.NumberFormat>();

function formatter(currency: string, locale: string): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: "currency", currency });
    formatters.set(key, f);
  }
  return f;
}

/** ISO 4217 as Intl knows it: three letters it can format. */
export function isCurrency(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  try {
    new Intl.NumberFormat("en", { style: "currency", currency: code });
    return true;
  } catch {
    return false;
  }
}

/** How many minor units a major unit has (USD 2, JPY 0, BHD 3), as Intl formats the currency. */
export function minorDigits(currency: string): number {
  return formatter(currency, "en").resolvedOptions().maximumFractionDigits ?? 2;
}

/** A major-unit amount (`context.mrr`: 129 = $129.00) in integer minor units (cents for two-digit currencies). */
export function toMinor(major: number, currency: string): number {
  const digits = minorDigits(currency);
  return digits === 2 ? toCents(major) : Math.round(major * 10 ** digits);
}

/** Integer minor units → "$129.00", "129,00 €", "¥1,000", by the locale's conventions. */
export function formatMinor(minor: number, currency: string, locale: string): string {
  if (!Number.isInteger(minor)) throw new Error("money must be integer minor units");
  return formatter(currency, locale).format(minor / 10 ** minorDigits(currency));
}

/** `minor` less `percent` %, rounded to the nearest minor unit, in integer arithmetic. */
export function percentOff(minor: number, percent: number): number {
  return minor - Math.round((minor * percent) / 100);
}
