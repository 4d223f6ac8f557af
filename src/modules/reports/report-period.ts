// Which ISO week a report covers and when it falls due (Monday 08:00 UTC after the week). Pure: no clock.

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** Reports go out at 08:00 UTC on the Monday after the week they cover. */
export const SEND_HOUR_UTC = 8;

export interface ReportPeriod {
  /** "2026-W46" */
  week: string;
  /** Monday 00:00 UTC, inclusive (epoch ms). */
  start: number;
  /** The next Monday 00:00 UTC, exclusive (epoch ms). */
  end: number;
}

/** Monday 00:00 UTC of the week an instant falls in. */
function mondayStart(ms: number): number {
  const day = Math.floor(ms / DAY_MS);
  const weekday = (((day + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday; 0 = Monday
  return (day - weekday) * DAY_MS;
}

function weekName(start: number): string {
  // The ISO year is the year of the week's Thursday.
  const thursday = new Date(start + 3 * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / WEEK_MS) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

export function periodOf(ms: number): ReportPeriod {
  const start = mondayStart(ms);
  return { week: weekName(start), start, end: start + WEEK_MS };
}

/** "2026-W46" → the period, or null for a week that does not exist or another spelling. */
export function parseWeek(text: string): ReportPeriod | null {
  const m = /^(\d{4})-W(\d{2})$/.exec(text);
  if (!m) return null;
  const [year, week] = [Number(m[1]), Number(m[2])];
  if (year < 1970 || week < 1 || week > 53) return null;
  // 4 January is always in week 1.
  const start = mondayStart(Date.UTC(year, 0, 4)) + (week - 1) * WEEK_MS;
  const period = periodOf(start);
  return period.week === text ? period : null;
}

export const previousPeriod = (p: ReportPeriod): ReportPeriod => periodOf(p.start - WEEK_MS);

/** When a period's report is due: the Monday after it, 08:00 UTC. */
export const dueAt = (p: ReportPeriod): number => p.end + SEND_HOUR_UTC * 3_600_000;

/**
 * The newest period whose report is due at `now`. Older missed periods are never sent automatically:
 * after a long outage only the latest week goes out, so nobody gets a pile of stale reports at once.
 */
export function latestDuePeriod(now: number): ReportPeriod {
  const current = periodOf(now);
  const previous = previousPeriod(current);
  return dueAt(previous) <= now ? previous : previousPeriod(previous);
}

/** The last complete week at `now` (what a manual send without --week covers). */
export const lastCompletePeriod = (now: number): ReportPeriod => previousPeriod(periodOf(now));

/** "9–15 Nov 2026" (or "29 Dec 2025 – 4 Jan 2026" across a year). */
export function describePeriod(p: ReportPeriod): string {
  const first = new Date(p.start);
  const last = new Date(p.end - DAY_MS);
  const day = (d: Date) => d.getUTCDate();
  const month = (d: Date) => d.toLocaleString("en-GB", { month: "short", timeZone: "UTC" });
  if (first.getUTCFullYear() !== last.getUTCFullYear())
    return `${day(first)} ${month(first)} ${first.getUTCFullYear()} – ${day(last)} ${month(last)} ${last.getUTCFullYear()}`;
  if (first.getUTCMonth() !== last.getUTCMonth()) return `${day(first)} ${month(first)} – ${day(last)} ${month(last)} ${last.getUTCFullYear()}`;
  return `${day(first)}–${day(last)} ${month(last)} ${last.getUTCFullYear()}`;
}

export const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
