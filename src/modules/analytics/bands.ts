// Cohort bands (SPEC "Analytics"): MRR half-open in dollars, tenure closed in whole days, "unknown" when absent.

export const MRR_BANDS = ["0-25", "25-100", "100-500", "500+"] as const;
export const TENURE_BANDS = ["0-30", "31-90", "91-365", "366+"] as const;
export type MrrBand = (typeof MRR_BANDS)[number] | "unknown";
export type TenureBand = (typeof TENURE_BANDS)[number] | "unknown";

/** [0, 25), [25, 100), [100, 500), [500, ∞) dollars, compared in cents so $24.99 and $25.00 never blur. */
export function mrrBand(mrrCents: number | null | undefined): MrrBand {
  if (mrrCents === null || mrrCents === undefined || !Number.isFinite(mrrCents) || mrrCents < 0) return "unknown";
  if (mrrCents < 2_500) return "0-25";
  if (mrrCents < 10_000) return "25-100";
  if (mrrCents < 50_000) return "100-500";
  return "500+";
}

/** 0–30, 31–90, 91–365, 366+ whole days. A fractional tenure is floored: 30.5 days is 30 whole days. */
export function tenureBand(tenureDays: number | null | undefined): TenureBand {
  if (tenureDays === null || tenureDays === undefined || !Number.isFinite(tenureDays) || tenureDays < 0) return "unknown";
  const days = Math.floor(tenureDays);
  if (days <= 30) return "0-30";
  if (days <= 90) return "31-90";
  if (days <= 365) return "91-365";
  return "366+";
}
