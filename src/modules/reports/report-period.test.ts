import { describe, expect, test } from "bun:test";
import { describePeriod, dueAt, isoDay, lastCompletePeriod, latestDuePeriod, parseWeek, periodOf } from "./report-period.ts";

describe("report periods", () => {
  test.each([
    ["2020-12-31", "2020-W53"],
    ["2021-01-03", "2020-W53"],
    ["2021-01-04", "2021-W01"],
    ["2024-12-30", "2025-W01"],
    ["2026-11-16", "2026-W47"],
    ["2026-11-22", "2026-W47"],
    ["2027-01-01", "2026-W53"],
  ])("%s is in %s", (day, week) => {
    expect(periodOf(Date.parse(`${day}T12:00:00Z`)).week).toBe(week);
  });

  test("parse a week to its Monday..next Monday, refusing weeks that do not exist", () => {
    const p = parseWeek("2026-W46")!;
    expect(isoDay(p.start)).toBe("2026-11-09");
    expect(isoDay(p.end)).toBe("2026-11-16");
    expect(isoDay(parseWeek("2026-W01")!.start)).toBe("2025-12-29");
    expect(parseWeek("2025-W53")).toBeNull();
    expect(parseWeek("2026-W00")).toBeNull();
    expect(parseWeek("2026-W7")).toBeNull();
    expect(parseWeek("2026w46")).toBeNull();
  });

  test("a week's report is due the next Monday at 08:00 UTC, not a millisecond before", () => {
    const due = dueAt(parseWeek("2026-W46")!);
    expect(new Date(due).toISOString()).toBe("2026-11-16T08:00:00.000Z");
    expect(latestDuePeriod(due - 1).week).toBe("2026-W45");
    expect(latestDuePeriod(due).week).toBe("2026-W46");
    expect(latestDuePeriod(due + 6 * 86_400_000).week).toBe("2026-W46");
    // Monday before 08:00: the week just ended is complete but not yet due.
    expect(lastCompletePeriod(due - 1).week).toBe("2026-W46");
  });

  test("periods in words", () => {
    expect(describePeriod(parseWeek("2026-W46")!)).toBe("9–15 Nov 2026");
    expect(describePeriod(parseWeek("2026-W44")!)).toBe("26 Oct – 1 Nov 2026");
    expect(describePeriod(parseWeek("2026-W01")!)).toBe("29 Dec 2025 – 4 Jan 2026");
  });
});
