import { describe, expect, test } from "bun:test";
import {
  dayOf,
  formatDay,
  formatIsoWeek,
  isoWeekOf,
  lastCompleteWeek,
  parseDay,
  parseIsoWeek,
  periodCount,
  periodsOf,
  periodStart,
  weekdayOf,
  splitIntoMonths,
} from "./periods.ts";

const d = (text: string) => parseDay(text)!;
const days = (starts: number[]) => starts.map(formatDay);

describe("days", () => {
  test("parse strictly and format back", () => {
    expect(formatDay(d("2026-11-16"))).toBe("2026-11-16");
    expect(d("1970-01-01")).toBe(0);
    expect(parseDay("2026-02-30")).toBeNull();
    expect(parseDay("2024-02-29")).toBe(d("2024-02-28") + 1);
    expect(parseDay("2025-02-29")).toBeNull();
    expect(parseDay("2026-1-5")).toBeNull();
    expect(parseDay("2026-13-01")).toBeNull();
    expect(parseDay("2026-11-16T00:00:00Z")).toBeNull();
    expect(parseDay("")).toBeNull();
  });

  test("an instant's UTC day, whatever the local offset", () => {
    expect(formatDay(dayOf(Date.parse("2026-03-29T00:59:59+01:00")))).toBe("2026-03-28");
    expect(formatDay(dayOf(Date.parse("2026-03-29T23:59:59.999Z")))).toBe("2026-03-29");
    expect(weekdayOf(d("2026-11-16"))).toBe(0); // a Monday
    expect(weekdayOf(d("2026-11-22"))).toBe(6); // a Sunday
  });
});

describe("ISO weeks", () => {
  // Checked against Python's date.isocalendar().
  test.each([
    ["2020-12-31", "2020-W53"],
    ["2021-01-03", "2020-W53"],
    ["2021-01-04", "2021-W01"],
    ["2024-12-30", "2025-W01"],
    ["2026-01-01", "2026-W01"],
    ["2027-01-01", "2026-W53"],
    ["2026-11-16", "2026-W47"],
    ["2026-11-22", "2026-W47"],
  ])("%s is in %s", (day, week) => expect(formatIsoWeek(d(day))).toBe(week));

  test("parse to the Monday, across year boundaries", () => {
    expect(formatDay(parseIsoWeek("2026-W47")!)).toBe("2026-11-16");
    expect(formatDay(parseIsoWeek("2026-W01")!)).toBe("2025-12-29");
    expect(formatDay(parseIsoWeek("2026-W53")!)).toBe("2026-12-28");
    expect(formatDay(parseIsoWeek("2020-W53")!)).toBe("2020-12-28");
    expect(formatDay(parseIsoWeek("2025-W01")!)).toBe("2024-12-30");
  });

  test("refuses weeks that do not exist and other spellings", () => {
    expect(parseIsoWeek("2025-W53")).toBeNull(); // 2025 has 52 weeks
    expect(parseIsoWeek("2026-W00")).toBeNull();
    expect(parseIsoWeek("2026-W54")).toBeNull();
    expect(parseIsoWeek("2026-W7")).toBeNull();
    expect(parseIsoWeek("2026W47")).toBeNull();
    expect(parseIsoWeek("2026-w47")).toBeNull();
  });

  test("round trip for every Monday of 2019..2031", () => {
    for (let monday = parseIsoWeek("2019-W01")!; monday < d("2032-01-01"); monday += 7) {
      expect(parseIsoWeek(formatIsoWeek(monday))).toBe(monday);
      expect(isoWeekOf(monday + 6)).toEqual(isoWeekOf(monday));
    }
  });

  test("the last complete week ends before the current one starts", () => {
    expect(formatDay(lastCompleteWeek(Date.parse("2026-11-23T00:00:00Z")))).toBe("2026-11-16");
    expect(formatDay(lastCompleteWeek(Date.parse("2026-11-22T23:59:59Z")))).toBe("2026-11-09");
  });
});

describe("periods of a range", () => {
  test("days across a year boundary and a DST change stay plain UTC days", () => {
    expect(days(periodsOf(d("2026-12-30"), d("2027-01-02"), "day"))).toEqual(["2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02"]);
    // Europe's clocks go forward on 2026-03-29: UTC days do not notice.
    expect(days(periodsOf(d("2026-03-28"), d("2026-03-30"), "day"))).toEqual(["2026-03-28", "2026-03-29", "2026-03-30"]);
  });

  test("weeks start on Monday even when the range begins mid-week", () => {
    expect(days(periodsOf(d("2026-12-31"), d("2027-01-12"), "week"))).toEqual(["2026-12-28", "2027-01-04", "2027-01-11"]);
    expect(periodCount(d("2026-12-31"), d("2027-01-12"), "week")).toBe(3);
  });

  test("months start on the 1st", () => {
    expect(days(periodsOf(d("2026-11-20"), d("2027-02-01"), "month"))).toEqual(["2026-11-01", "2026-12-01", "2027-01-01", "2027-02-01"]);
    expect(periodCount(d("2026-11-20"), d("2027-02-01"), "month")).toBe(4);
    expect(days(periodsOf(d("2024-01-31"), d("2024-03-01"), "month"))).toEqual(["2024-01-01", "2024-02-01", "2024-03-01"]);
  });

  test("a single day and period starts", () => {
    expect(days(periodsOf(d("2026-11-18"), d("2026-11-18"), "week"))).toEqual(["2026-11-16"]);
    expect(formatDay(periodStart(d("2026-11-18"), "month"))).toBe("2026-11-01");
    expect(periodCount(d("2026-01-01"), d("2026-12-31"), "day")).toBe(365);
  });
});

describe("splitting a range into whole months and loose days", () => {
  const split = (from: string, to: string) => {
    const s = splitIntoMonths(d(from), d(to));
    return { days: s.days.map(([a, b]) => [formatDay(a), formatDay(b)]), months: s.months && s.months.map(formatDay) };
  };
  test("whole months in the middle, days at the edges", () => {
    expect(split("2026-11-18", "2027-02-03")).toEqual({ days: [["2026-11-18", "2026-11-30"], ["2027-02-01", "2027-02-03"]], months: ["2026-12-01", "2027-01-01"] });
    expect(split("2026-12-01", "2027-01-31")).toEqual({ days: [], months: ["2026-12-01", "2027-01-01"] });
    expect(split("2024-02-01", "2024-02-29")).toEqual({ days: [], months: ["2024-02-01", "2024-02-01"] });
  });
  test("no whole month: only days", () => {
    expect(split("2026-11-02", "2026-11-30")).toEqual({ days: [["2026-11-02", "2026-11-30"]], months: null });
    expect(split("2026-11-16", "2026-12-15")).toEqual({ days: [["2026-11-16", "2026-12-15"]], months: null });
    expect(split("2026-11-16", "2026-11-16")).toEqual({ days: [["2026-11-16", "2026-11-16"]], months: null });
  });
  test("every day of a range is covered exactly once", () => {
    for (const [from, to] of [["2025-12-31", "2027-03-01"], ["2026-01-01", "2026-12-31"], ["2026-03-15", "2026-05-14"]]) {
      const s = splitIntoMonths(d(from), d(to));
      const covered: number[] = [];
      for (const [a, b] of s.days) for (let x = a; x <= b; x++) covered.push(x);
      if (s.months) for (let m = s.months[0]; m <= s.months[1]; m = periodStart(m + 31, "month")) for (let x = m; x < periodStart(m + 31, "month"); x++) covered.push(x);
      covered.sort((a, b) => a - b);
      expect(covered).toEqual(Array.from({ length: d(to) - d(from) + 1 }, (_, i) => d(from) + i));
    }
  });
});
