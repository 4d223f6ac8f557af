// The overview's pure parts: CSV export and server-drawn charts.
import { describe, expect, test } from "bun:test";
import { niceMax, stackedBarChart } from "./charts.ts";
import { overviewBody, overviewCsv, type OverviewModel, type RetentionReport } from "./analytics.views.ts";

const report: RetentionReport = {
  from: "2026-11-16",
  to: "2026-11-29",
  interval: "week",
  totals: { sessions: 5, saved: 2, canceled: 2, pending: 1, saveRate: 0.5, recoveredMrrCents: 12900, lostMrrCents: 4999 },
  series: [
    { start: "2026-11-16", sessions: 3, saved: 1, canceled: 1, pending: 1, saveRate: 0.5, recoveredMrrCents: 2900 },
    { start: "2026-11-23", sessions: 2, saved: 1, canceled: 1, pending: 0, saveRate: 0.5, recoveredMrrCents: 10000 },
  ],
  reasons: [
    { reason: "=cmd|' /c calc'!a0", sessions: 3, saved: 1, canceled: 1, saveRate: 0.5 },
    { reason: null, sessions: 2, saved: 1, canceled: 1, saveRate: 0.5 },
  ],
  offers: [{ kind: "discount", shown: 2, accepted: 1, acceptanceRate: 0.5, recoveredMrrCents: 2900 }],
  cohorts: {
    plan: [{ plan: "pro, annual", sessions: 5, saved: 2, canceled: 2, saveRate: 0.5, recoveredMrrCents: 12900 }],
    mrr: [{ band: "0-25", sessions: 5, saved: 2, canceled: 2, saveRate: 0.5, recoveredMrrCents: 12900 }],
    tenure: [{ band: "366+", sessions: 5, saved: 2, canceled: 2, saveRate: 0.5, recoveredMrrCents: 12900 }],
  },
};

describe("overview CSV", () => {
  test("one table with a section column; formulas defused, commas quoted", () => {
    const lines = overviewCsv(report).split("\r\n");
    expect(lines[0]).toBe("section,label,sessions,saved,canceled,pending,save_rate,shown,accepted,acceptance_rate,recovered_mrr_cents,lost_mrr_cents");
    expect(lines[1]).toBe("totals,2026-11-16..2026-11-29,5,2,2,1,0.5,,,,12900,4999");
    expect(lines[2]).toBe("week,2026-11-16,3,1,1,1,0.5,,,,2900,");
    expect(lines[4]).toBe(`reason,'=cmd|' /c calc'!a0,3,1,1,,0.5,,,,,`);
    expect(lines[5]).toBe("reason,(none),2,1,1,,0.5,,,,,");
    expect(lines[6]).toBe("offer,discount,,,,,,2,1,0.5,2900,");
    expect(lines[7]).toBe(`plan,"pro, annual",5,2,2,,0.5,,,,12900,`);
    expect(lines.at(-1)).toBe("");
  });

  test("no cohort rows on Core", () => {
    expect(overviewCsv({ ...report, cohorts: null })).not.toContain("mrr_band");
  });
});

describe("charts", () => {
  test("axis maxima are round", () => {
    expect([0, 1, 3, 7, 10, 11, 240, 999].map(niceMax)).toEqual([1, 1, 5, 10, 10, 20, 500, 1000]);
  });

  test("an SVG with a title and description, bars to scale, no inline style", () => {
    const svg = stackedBarChart({
      title: "Sessions <per> week",
      description: "Two weeks",
      bars: [
        { label: "11-16", segments: [{ name: "Saved", value: 10, color: "#15803d" }] },
        { label: "11-23", segments: [{ name: "Saved", value: 5, color: "#15803d" }] },
      ],
      legend: [{ name: "Saved", color: "#15803d" }],
    }).value;
    expect(svg).toMatch(/<svg [^>]*role="img" aria-labelledby="(chart-\d+)-t \1-d"/);
    expect(svg).toContain("<title id=");
    expect(svg).toContain("Sessions &lt;per&gt; week");
    expect(svg).not.toContain("style=");
    const heights = [...svg.matchAll(/<rect x="[^"]+" y="[^"]+" width="[^"]+" height="([^"]+)"/g)].map((m) => Number(m[1]));
    expect(heights[0]).toBeCloseTo(heights[1] * 2, 1);
  });
});

describe("overview body", () => {
  const model: OverviewModel = {
    plan: "advanced",
    filters: { from: "2026-11-16", to: "2026-11-29", flowId: null },
    flows: [{ id: "f1", name: "Default <flow>" }],
    report,
    previous: { from: "2026-11-02", to: "2026-11-15", totals: { ...report.totals, sessions: 4, saveRate: 0.25, recoveredMrrCents: 0 } },
    issues: { week: "2026-W48", status: "ok", issues: [{ kind: "reason_spike", subject: "x", observed: 0.3, expected: 0.1, pValue: 0.001, adjustedPValue: 0.004, message: '"X" was given by 30 % of cancellations last week, usually 10 %' }] },
    csvHref: "/dashboard/overview.csv?from=2026-11-16&to=2026-11-29",
    error: null,
  };

  test("tiles compare with the previous period; every chart has a table; issues in words", () => {
    const body = overviewBody(model).value;
    expect(body).toContain("+25 %"); // sessions 5 vs 4
    expect(body).toContain("+25 points"); // save rate 50 % vs 25 %
    expect(body).toContain("up from $0"); // recovered MRR from nothing
    expect(body).toContain("$129.00");
    expect(body).toContain("&quot;X&quot; was given by 30 % of cancellations last week, usually 10 %.");
    expect(body).toContain("Default &lt;flow&gt;");
    expect(body).toContain('href="/dashboard/overview.csv?from=2026-11-16&amp;to=2026-11-29"');
    expect((body.match(/<svg [^>]*role="img"/g) ?? []).length).toBe(4);
    expect((body.match(/<table>/g) ?? []).length).toBe(7);
    expect((body.match(/class="table-wrap" tabindex="0" role="region"/g) ?? []).length).toBe(7);
    expect(body).not.toMatch(/style=|<script/);
  });

  test("Core workspaces see a note instead of cohorts; not enough data is said plainly", () => {
    const body = overviewBody({ ...model, plan: "core", report: { ...report, cohorts: null }, issues: { week: "2026-W48", status: "not_enough_data", issues: [] } }).value;
    expect(body).toContain("part of the Advanced plan");
    expect(body).toContain("Not enough history yet");
  });
});
