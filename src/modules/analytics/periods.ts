// UTC calendar arithmetic for analytics: days as integers since 1970-01-01, ISO weeks, months, and the
// periods of a range. Pure: no clock, no Date.now().

export const DAY_MS = 86_400_000;
export const INTERVALS = ["day", "week", "month"] as const;
export type Interval = (typeof INTERVALS)[number];

/** The UTC day (days since 1970-01-01) an instant falls on. */
export const dayOf = (ms: number): number => Math.floor(ms / DAY_MS);

/** 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday). */
export const weekdayOf = (day: number): number => (((day + 3) % 7) + 7) % 7;

export const mondayOf = (day: number): number => day - weekdayOf(day);

export function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A strict YYYY-MM-DD calendar date → its day number, or null (2026-02-30 is not a date). */
export function parseDay(text: string): number | null {
  const m = DATE_RE.exec(text);
  if (!m) return null;
  const [year, month, date] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1970 || month < 1 || month > 12 || date < 1) return null;
  const ms = Date.UTC(year, month - 1, date);
  if (new Date(ms).getUTCDate() !== date) return null;
  return ms / DAY_MS;
}

const yearOf = (day: number) => new Date(day * DAY_MS).getUTCFullYear();
const jan1 = (year: number) => Date.UTC(year, 0, 1) / DAY_MS;

/** The ISO week of a day: the week belongs to the year its Thursday falls in. */
export function isoWeekOf(day: number): { year: number; week: number } {
  const thursday = mondayOf(day) + 3;
  const year = yearOf(thursday);
  return { year, week: Math.floor((thursday - jan1(year)) / 7) + 1 };
}

export function formatIsoWeek(day: number): string {
  const { year, week } = isoWeekOf(day);
  return `${year}-W${String(week).padStart(2, "0")}`;
}

const WEEK_RE = /^(\d{4})-W(\d{2})$/;

/** "2026-W47" → the day number of that week's Monday, or null (week 53 only in years that have one). */
export function parseIsoWeek(text: string): number | null {
  const m = WEEK_RE.exec(text);
  if (!m) return null;
  const [year, week] = [Number(m[1]), Number(m[2])];
  if (year < 1970 || week < 1 || week > 53) return null;
  // 4 January is always in week 1.
  const monday = mondayOf(jan1(year) + 3) + (week - 1) * 7;
  return isoWeekOf(monday).year === year ? monday : null;
}

/** The calendar start of the period a day falls in: itself, its Monday, or the 1st of its month. */
export function periodStart(day: number, interval: Interval): number {
  if (interval === "day") return day;
  if (interval === "week") return mondayOf(day);
  const d = new Date(day * DAY_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / DAY_MS;
}

/** The first day of the period after the one starting at `start`. */
export function nextPeriodStart(start: number, interval: Interval): number {
  if (interval === "day") return start + 1;
  if (interval === "week") return start + 7;
  const d = new Date(start * DAY_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / DAY_MS;
}

/** Every period touching from..to (inclusive days), in order, each named by its calendar start. */
export function periodsOf(from: number, to: number, interval: Interval): number[] {
  const starts: number[] = [];
  for (let start = periodStart(from, interval); start <= to; start = nextPeriodStart(start, interval)) starts.push(start);
  return starts;
}

/** How many periods from..to spans, without listing them (to refuse a huge range before doing the work). */
export function periodCount(from: number, to: number, interval: Interval): number {
  if (to < from) return 0;
  if (interval === "day") return to - from + 1;
  if (interval === "week") return (mondayOf(to) - mondayOf(from)) / 7 + 1;
  const a = new Date(from * DAY_MS);
  const b = new Date(to * DAY_MS);
  return (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + (b.getUTCMonth() - a.getUTCMonth()) + 1;
}

/** The Monday of the last ISO week that has fully ended at `nowMs`. */
export function lastCompleteWeek(nowMs: number): number {
  return mondayOf(dayOf(nowMs)) - 7;
}

/**
 * Splits from..to into the whole calendar months inside it and the loose days at either end, so a long
 * range reads one row per month instead of one per day. `months` holds the first days of the whole months.
 */
export function splitIntoMonths(from: number, to: number): { days: [number, number][]; months: [number, number] | null } {
  if (to < from) return { days: [], months: null };
  const firstWhole = periodStart(from, "month") === from ? from : nextPeriodStart(from, "month");
  const endMonth = periodStart(to + 1, "month") === to + 1 ? to + 1 : periodStart(to, "month"); // first day after the last whole month
  if (firstWhole >= endMonth) return { days: [[from, to]], months: null };
  const days: [number, number][] = [];
  if (from < firstWhole) days.push([from, firstWhole - 1]);
  if (endMonth <= to) days.push([endMonth, to]);
  return { days, months: [firstWhole, periodStart(endMonth - 1, "month")] };
}
