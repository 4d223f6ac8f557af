// The analytics API over real HTTP: exact figures on a constructed dataset walked through the hosted pages.
import { beforeAll, describe, expect, test } from "bun:test";
import { BASE, makeTestApp, runScenario, seedWorkspace, type SeededWorkspace, type TestApp } from "../../../tests/helpers.ts";

const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";

interface Walk {
  at: string;
  context?: Record<string, unknown>;
  environment?: "prod" | "sandbox";
  /** Form posts in order; "view" is a GET of the page (which displays an offer when one is due). */
  steps: (Record<string, string> | "view")[];
  /** Move the clock this far and view the page before stopping (for expiry). */
  expireAfterMs?: number;
}

async function walk(t: TestApp, ws: SeededWorkspace, w: Walk): Promise<string> {
  t.clock.set(Date.parse(w.at));
  const res = await t.request("POST", "/api/v1/cancel-link", { key: ws.liveKey, body: { userId: "u", context: w.context, environment: w.environment } });
  expect(res.status).toBe(200);
  const { url, sessionId } = await res.json();
  const path = new URL(url).pathname;
  const first = await t.request("GET", path);
  const csrf = csrfOf(await first.text());
  for (const step of w.steps) {
    if (step === "view") {
      expect((await t.request("GET", path)).status).toBe(200);
      continue;
    }
    const r = await t.app.handle(
      new Request(`${BASE}${path}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ _csrf: csrf, ...step }) }),
    );
    expect(r.status).toBe(303);
  }
  if (w.expireAfterMs) {
    t.clock.advance(w.expireAfterMs);
    expect((await t.request("GET", path)).status).toBe(410);
  }
  return sessionId;
}

const survey = (reason: string) => ({ action: "survey", reason });

let t: TestApp;
let ws: SeededWorkspace;
let core: SeededWorkspace;

beforeAll(async () => {
  t = await makeTestApp();
  t.clock.set(Date.parse("2026-11-01T00:00:00Z"));
  ws = await seedWorkspace(t, { name: "Advanced" });
  core = await seedWorkspace(t, { name: "Core", plan: "core" });
  const walks: Walk[] = [
    // 1. Monday 00:00: discount shown and accepted. $24.99 (0-25), 30 days (0-30).
    { at: "2026-11-16T00:00:00Z", context: { plan: "pro", mrr: 24.99, tenureDays: 30 }, steps: [survey("Too expensive"), "view", { action: "accept" }] },
    // 2. Monday 23:59:59.999: discount shown, declined, canceled. $25 (25-100), 31 days (31-90).
    { at: "2026-11-16T23:59:59.999Z", context: { plan: "pro", mrr: 25, tenureDays: 31 }, steps: [survey("Too expensive"), "view", { action: "decline" }, { action: "confirm" }] },
    // 3. contact offer shown and accepted. $99.99 (25-100), 90 days (31-90).
    { at: "2026-11-17T12:00:00Z", context: { plan: "starter", mrr: 99.99, tenureDays: 90 }, steps: [survey("Technical problems"), "view", { action: "accept" }] },
    // 4. pause shown, declined, then kept the subscription without an offer. $100 (100-500), 91 days (91-365).
    { at: "2026-11-18T08:00:00Z", context: { plan: "starter", mrr: 100, tenureDays: 91 }, steps: [survey("Not using it enough"), "view", { action: "decline" }, { action: "keep" }] },
    // 5. no reason, canceled. $499.99 (100-500), 365 days (91-365).
    { at: "2026-11-19T08:00:00Z", context: { plan: "business", mrr: 499.99, tenureDays: 365 }, steps: [{ action: "skip" }, { action: "confirm" }] },
    // 6. answered the survey, never saw the offer page: pending. $500 (500+), 366 days (366+).
    { at: "2026-11-20T08:00:00Z", context: { plan: "business", mrr: 500, tenureDays: 366 }, steps: [survey("Too expensive")] },
    // 7. no context, then the link expired: still pending.
    { at: "2026-11-21T10:00:00Z", steps: [survey("Technical problems")], expireAfterMs: 3 * 3_600_000 },
    // 8. sandbox: never counted with a live key.
    { at: "2026-11-18T09:00:00Z", environment: "sandbox", context: { plan: "pro", mrr: 1000 }, steps: [survey("Too expensive"), "view", { action: "accept" }] },
    // 9. the next Monday, 00:00: outside the week.
    { at: "2026-11-23T00:00:00Z", context: { plan: "pro", mrr: 10, tenureDays: 5 }, steps: [survey("Too expensive"), "view", { action: "decline" }, { action: "confirm" }] },
    // 10. the Sunday before, 23:59:59: outside the week.
    { at: "2026-11-15T23:59:59Z", context: { plan: "pro", mrr: 50 }, steps: [{ action: "skip" }, { action: "confirm" }] },
  ];
  for (const w of walks) await walk(t, ws, w);
  // The Core workspace has one session in the week.
  await walk(t, core, { at: "2026-11-17T10:00:00Z", context: { plan: "pro", mrr: 40 }, steps: [{ action: "skip" }, { action: "confirm" }] });
  t.clock.set(Date.parse("2026-12-02T15:00:00Z"));
});

async function retention(query: string, key = ws.readKey) {
  const res = await t.request("GET", `/api/v1/analytics/retention?${query}`, { key });
  expect(res.status).toBe(200);
  return (await res.json()).data;
}

describe("GET /api/v1/analytics/retention", () => {
  test("exact totals, reasons, offers and cohorts for one ISO week, band boundaries included", async () => {
    const data = await retention("from=2026-11-16&to=2026-11-22&interval=week");
    expect(data).toEqual({
      from: "2026-11-16",
      to: "2026-11-22",
      interval: "week",
      // 1, 3, 4 saved; 2, 5 canceled; 6, 7 pending (7 expired). Recovered 2499 + 9999 + 10000; lost 2500 + 49999.
      totals: { sessions: 7, saved: 3, canceled: 2, pending: 2, saveRate: 0.6, recoveredMrrCents: 22498, lostMrrCents: 52499 },
      series: [{ start: "2026-11-16", sessions: 7, saved: 3, canceled: 2, pending: 2, saveRate: 0.6, recoveredMrrCents: 22498 }],
      reasons: [
        { reason: "too expensive", sessions: 3, saved: 1, canceled: 1, saveRate: 0.5 },
        { reason: "technical problems", sessions: 2, saved: 1, canceled: 0, saveRate: 1 },
        { reason: "not using it enough", sessions: 1, saved: 1, canceled: 0, saveRate: 1 },
        { reason: null, sessions: 1, saved: 0, canceled: 1, saveRate: 0 },
      ],
      offers: [
        { kind: "discount", shown: 2, accepted: 1, acceptanceRate: 0.5, recoveredMrrCents: 2499 },
        { kind: "contact", shown: 1, accepted: 1, acceptanceRate: 1, recoveredMrrCents: 9999 },
        { kind: "pause", shown: 1, accepted: 0, acceptanceRate: 0, recoveredMrrCents: 0 },
      ],
      cohorts: {
        plan: [
          { plan: "business", sessions: 2, saved: 0, canceled: 1, saveRate: 0, recoveredMrrCents: 0 },
          { plan: "pro", sessions: 2, saved: 1, canceled: 1, saveRate: 0.5, recoveredMrrCents: 2499 },
          { plan: "starter", sessions: 2, saved: 2, canceled: 0, saveRate: 1, recoveredMrrCents: 19999 },
          { plan: "unknown", sessions: 1, saved: 0, canceled: 0, saveRate: 0, recoveredMrrCents: 0 },
        ],
        mrr: [
          { band: "0-25", sessions: 1, saved: 1, canceled: 0, saveRate: 1, recoveredMrrCents: 2499 },
          { band: "25-100", sessions: 2, saved: 1, canceled: 1, saveRate: 0.5, recoveredMrrCents: 9999 },
          { band: "100-500", sessions: 2, saved: 1, canceled: 1, saveRate: 0.5, recoveredMrrCents: 10000 },
          { band: "500+", sessions: 1, saved: 0, canceled: 0, saveRate: 0, recoveredMrrCents: 0 },
          { band: "unknown", sessions: 1, saved: 0, canceled: 0, saveRate: 0, recoveredMrrCents: 0 },
        ],
        tenure: [
          { band: "0-30", sessions: 1, saved: 1, canceled: 0, saveRate: 1, recoveredMrrCents: 2499 },
          { band: "31-90", sessions: 2, saved: 1, canceled: 1, saveRate: 0.5, recoveredMrrCents: 9999 },
          { band: "91-365", sessions: 2, saved: 1, canceled: 1, saveRate: 0.5, recoveredMrrCents: 10000 },
          { band: "366+", sessions: 1, saved: 0, canceled: 0, saveRate: 0, recoveredMrrCents: 0 },
          { band: "unknown", sessions: 1, saved: 0, canceled: 0, saveRate: 0, recoveredMrrCents: 0 },
        ],
      },
    });
  });

  test("a day series has every day of the range, empty ones included, and only days inside from..to count", async () => {
    const data = await retention("from=2026-11-16&to=2026-11-23&interval=day");
    expect(data.series.map((s: { start: string; sessions: number; recoveredMrrCents: number }) => [s.start, s.sessions, s.recoveredMrrCents])).toEqual([
      ["2026-11-16", 2, 2499],
      ["2026-11-17", 1, 9999],
      ["2026-11-18", 1, 10000],
      ["2026-11-19", 1, 0],
      ["2026-11-20", 1, 0],
      ["2026-11-21", 1, 0],
      ["2026-11-22", 0, 0],
      ["2026-11-23", 1, 0],
    ]);
    expect(data.totals.lostMrrCents).toBe(52499 + 1000);
  });

  test("a period starts at its calendar start even when the range begins inside it", async () => {
    const data = await retention("from=2026-11-18&to=2026-12-05&interval=month");
    // Only 18–30 November count: sessions 4, 5, 6, 7 and 9.
    expect(data.series).toEqual([
      { start: "2026-11-01", sessions: 5, saved: 1, canceled: 2, pending: 2, saveRate: 0.333, recoveredMrrCents: 10000 },
      { start: "2026-12-01", sessions: 0, saved: 0, canceled: 0, pending: 0, saveRate: 0, recoveredMrrCents: 0 },
    ]);
    const weeks = await retention("from=2026-11-18&to=2026-11-24&interval=week");
    expect(weeks.series.map((s: { start: string; sessions: number }) => [s.start, s.sessions])).toEqual([["2026-11-16", 4], ["2026-11-23", 1]]);
  });

  test("a whole month (answered from month rows) counts every session of it", async () => {
    const data = await retention("from=2026-11-01&to=2026-11-30&interval=month");
    // Sessions 1–7, 9 and 10. 9 canceled at $10, 10 canceled at $50.
    expect(data.totals).toEqual({ sessions: 9, saved: 3, canceled: 4, pending: 2, saveRate: 0.429, recoveredMrrCents: 22498, lostMrrCents: 52499 + 1000 + 5000 });
    expect(data.reasons).toEqual([
      { reason: "too expensive", sessions: 4, saved: 1, canceled: 2, saveRate: 0.333 },
      { reason: "technical problems", sessions: 2, saved: 1, canceled: 0, saveRate: 1 },
      { reason: "not using it enough", sessions: 1, saved: 1, canceled: 0, saveRate: 1 },
      { reason: null, sessions: 2, saved: 0, canceled: 2, saveRate: 0 },
    ]);
    expect(data.offers).toEqual([
      { kind: "discount", shown: 3, accepted: 1, acceptanceRate: 0.333, recoveredMrrCents: 2499 },
      { kind: "contact", shown: 1, accepted: 1, acceptanceRate: 1, recoveredMrrCents: 9999 },
      { kind: "pause", shown: 1, accepted: 0, acceptanceRate: 0, recoveredMrrCents: 0 },
    ]);
    expect(data.cohorts.plan[0]).toEqual({ plan: "pro", sessions: 4, saved: 1, canceled: 3, saveRate: 0.25, recoveredMrrCents: 2499 });
  });

  test("a test key sees the sandbox only; a live key never sees it", async () => {
    const sandbox = await retention("from=2026-11-16&to=2026-11-22", ws.testKey);
    expect(sandbox.totals).toEqual({ sessions: 1, saved: 1, canceled: 0, pending: 0, saveRate: 1, recoveredMrrCents: 100000, lostMrrCents: 0 });
    expect(sandbox.offers).toEqual([{ kind: "discount", shown: 1, accepted: 1, acceptanceRate: 1, recoveredMrrCents: 100000 }]);
  });

  test("cohorts are null on the Core plan; other figures are the workspace's own", async () => {
    const data = await retention("from=2026-11-16&to=2026-11-22", core.readKey);
    expect(data.cohorts).toBeNull();
    // MRR is an Advanced-plan field: a Core workspace's sessions carry none, so nothing is counted as lost.
    expect(data.totals).toEqual({ sessions: 1, saved: 0, canceled: 1, pending: 0, saveRate: 0, recoveredMrrCents: 0, lostMrrCents: 0 });
  });

  test("the flow filter narrows to one flow's sessions", async () => {
    expect((await retention(`from=2026-11-16&to=2026-11-22&flowId=${ws.defaultFlowId}`)).totals.sessions).toBe(7);
    expect((await retention(`from=2026-11-16&to=2026-11-22&flowId=${core.defaultFlowId}`)).totals.sessions).toBe(0);
  });

  test("defaults: the last 12 full ISO weeks, weekly", async () => {
    // now is Wednesday 2026-12-02: the last full week ended Sunday 2026-11-29.
    const data = await retention("");
    expect([data.from, data.to, data.interval, data.series.length]).toEqual(["2026-09-07", "2026-11-29", "week", 12]);
    expect(data.totals.sessions).toBe(9);
  });

  test.each([
    ["from=2026-13-01", "from"],
    ["from=2026-02-30", "from"],
    ["to=yesterday", "to"],
    ["from=2026-11-20&to=2026-11-19", "to"],
    ["interval=year", "interval"],
    ["from=2020-01-01&to=2026-01-01&interval=day", "interval"],
    ["flowId=nope", "flowId"],
  ])("%s → 400 naming %s, without echoing the value", async (query, field) => {
    const res = await runScenario(t, { name: query, method: "GET", url: `/api/v1/analytics/retention?${query}`, key: ws.readKey, expectStatus: 400, expectError: field });
    const body = await res.text();
    for (const value of query.split("&").map((p) => p.split("=")[1])) if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || field !== "to") expect(body).not.toContain(value);
  });

  test("needs a key", async () => {
    await runScenario(t, { name: "no key", method: "GET", url: "/api/v1/analytics/retention", expectStatus: 401, expectError: "API key" });
  });
});

describe("series across a year boundary and a DST change", () => {
  test("UTC buckets for day, week and month", async () => {
    const u = await makeTestApp();
    u.clock.set(Date.parse("2026-01-01T00:00:00Z"));
    const w = await seedWorkspace(u);
    const at = [
      "2026-03-29T00:30:00Z", // Europe moves its clocks at 01:00 UTC this day: still one UTC day
      "2026-03-29T23:30:00Z",
      "2026-10-25T00:30:00Z", // and back on 25 October
      "2026-10-25T23:30:00Z",
      "2026-12-31T23:30:00Z", // Thursday of 2026-W53
      "2027-01-01T00:30:00Z", // Friday of 2026-W53, but January
      "2027-01-04T00:00:00Z", // Monday of 2027-W01
    ];
    for (const when of at) await walk(u, w, { at: when, steps: [] });
    u.clock.set(Date.parse("2027-02-01T00:00:00Z"));
    const get = async (query: string) => {
      const res = await u.request("GET", `/api/v1/analytics/retention?${query}`, { key: w.readKey });
      return ((await res.json()).data.series as { start: string; sessions: number }[]).filter((s) => s.sessions).map((s) => [s.start, s.sessions]);
    };
    expect(await get("from=2026-03-28&to=2026-03-30&interval=day")).toEqual([["2026-03-29", 2]]);
    expect(await get("from=2026-10-24&to=2026-10-26&interval=day")).toEqual([["2026-10-25", 2]]);
    expect(await get("from=2026-12-30&to=2027-01-05&interval=day")).toEqual([["2026-12-31", 1], ["2027-01-01", 1], ["2027-01-04", 1]]);
    expect(await get("from=2026-12-20&to=2027-01-10&interval=week")).toEqual([["2026-12-28", 2], ["2027-01-04", 1]]);
    expect(await get("from=2026-03-01&to=2027-01-31&interval=month")).toEqual([["2026-03-01", 2], ["2026-10-01", 2], ["2026-12-01", 1], ["2027-01-01", 2]]);
    const res = await u.request("GET", "/api/v1/analytics/retention?from=2026-12-20&to=2027-01-10&interval=week", { key: w.readKey });
    // Sunday 2026-12-20 lies in the week of Monday 2026-12-14: that week is listed, empty.
    expect(((await res.json()).data.series as { start: string }[]).map((s) => s.start)).toEqual(["2026-12-14", "2026-12-21", "2026-12-28", "2027-01-04"]);
  });
});

describe("GET /api/v1/analytics/issues", () => {
  test("not enough data for a young workspace; the default week is the last complete one", async () => {
    await runScenario(t, {
      name: "issues",
      method: "GET",
      url: "/api/v1/analytics/issues",
      key: ws.readKey,
      expectStatus: 200,
      expectBody: { data: { week: "2026-W48", status: "not_enough_data", issues: [] } },
    });
  });

  test("a reason spike after 8 steady weeks, for a Core workspace too", async () => {
    const u = await makeTestApp();
    u.clock.set(Date.parse("2026-09-01T00:00:00Z"));
    const w = await seedWorkspace(u, { plan: "core" });
    const workspace = (await u.deps.workspaceService.get(w.id))!;
    // 8 weeks from Monday 2026-09-07: 6 sessions a week, one of them "technical problems"; then 5 of 6.
    // Tested: 5 reasons with ≥ 5 sessions in all and the volume (m = 6). The spike's p-value is
    // P(X ≥ 5), X ~ Hypergeometric(54 sessions, 13 "technical problems", 6 drawn)
    //   = [C(13,5)·C(41,1) + C(13,6)] / C(54,6) = (52767 + 1716) / 25827165 = 54483/25827165 ≈ 0.00211,
    // and its Benjamini–Hochberg value is 6 × that (it is the smallest of six) ≈ 0.0127 ≤ 0.05.
    const start = Date.parse("2026-09-07T12:00:00Z");
    for (let week = 0; week < 9; week++) {
      const reasons = week < 8 ? ["too expensive", "too expensive", "missing a feature", "not using it enough", "technical problems", "other"] : [...Array(5).fill("technical problems"), "other"];
      for (const [i, reason] of reasons.entries()) {
        u.clock.set(start + week * 7 * 86_400_000 + i * 60_000);
        await u.deps.sessionService.start(workspace, { source: "api", customerId: `c${week}-${i}`, environment: "prod", reason });
      }
    }
    u.clock.set(Date.parse("2026-11-10T09:00:00Z")); // Tuesday of 2026-W46: the week of 2 November is the last complete one
    const res = await u.request("GET", "/api/v1/analytics/issues", { key: w.readKey });
    const { data } = await res.json();
    expect(data.week).toBe("2026-W45");
    expect(data.status).toBe("ok");
    expect(data.issues.map((i: { kind: string; subject: string }) => [i.kind, i.subject])).toEqual([["reason_spike", "technical problems"]]);
    expect(data.issues[0]).toMatchObject({ observed: 0.833, expected: 0.167 });
    expect(data.issues[0].pValue).toBeCloseTo(54483 / 25827165, 15);
    expect(data.issues[0].adjustedPValue).toBeCloseTo((6 * 54483) / 25827165, 15);
    expect(data.issues[0].message).toBe('"Technical problems" was given by 83 % of cancellations last week, usually 17 %');
    // Asking for that week by name says which week it was.
    const named = await (await u.request("GET", "/api/v1/analytics/issues?week=2026-W45", { key: w.readKey })).json();
    expect(named.data.issues[0].message).toContain("last week");
    const earlier = await (await u.request("GET", "/api/v1/analytics/issues?week=2026-W44", { key: w.readKey })).json();
    expect(earlier.data).toEqual({ week: "2026-W44", status: "not_enough_data", issues: [] });
  });

  test.each([
    ["week=2026-W54", "week"],
    ["week=2026-47", "week"],
    ["week=2026-W50", "week"], // not complete yet
  ])("%s → 400 naming %s", async (query, field) => {
    await runScenario(t, { name: query, method: "GET", url: `/api/v1/analytics/issues?${query}`, key: ws.readKey, expectStatus: 400, expectError: field });
  });
});

describe("ingested events and linked events", () => {
  // Its own workspace and week, so the figures above stay as they are. Hand-computed expectations below.
  let linked: SeededWorkspace;
  const event = (body: Record<string, unknown>, key = linked.liveKey) => t.request("POST", "/api/v1/cancellations", { key, body });

  beforeAll(async () => {
    linked = await seedWorkspace(t, { name: "Linked" });
    // A. Hosted, discount accepted ($60), then billing's final word: canceled anyway ($60 lost).
    const a = await walk(t, linked, { at: "2026-11-17T09:00:00Z", context: { plan: "pro", mrr: 60, tenureDays: 10 }, steps: [survey("Too expensive"), "view", { action: "accept" }] });
    // B. Hosted, left at the survey (pending), then billing says saved ($80 recovered).
    const b = await walk(t, linked, { at: "2026-11-17T10:00:00Z", context: { plan: "pro", mrr: 80, tenureDays: 10 }, steps: [survey("Technical problems")] });
    // C. Hosted and canceled, never linked: counts as it is ($20 lost).
    await walk(t, linked, { at: "2026-11-18T10:00:00Z", context: { plan: "starter", mrr: 20, tenureDays: 400 }, steps: [{ action: "skip" }, { action: "confirm" }] });
    t.clock.set(Date.parse("2026-11-23T12:00:00Z")); // events may not lie in the future
    expect((await event({ eventId: "evt_a", userId: "u", sessionId: a, status: "canceled", reason: "too expensive", occurredAt: "2026-11-19T08:00:00Z", context: { plan: "pro", mrr: 60, tenureDays: 10 } })).status).toBe(201);
    expect((await event({ eventId: "evt_b", userId: "u", sessionId: b, status: "saved", reason: "technical problems", occurredAt: "2026-11-19T09:00:00Z", context: { plan: "pro", mrr: 80, tenureDays: 10 } })).status).toBe(201);
    // D. A standalone event (the team's own cancel UI): canceled, $30 lost, no reason.
    expect((await event({ eventId: "evt_d", userId: "u2", status: "canceled", occurredAt: "2026-11-20T09:00:00Z", context: { plan: "starter", mrr: 30 } })).status).toBe(201);
    // E. Sandbox (a test key): never counted with a live key.
    expect((await event({ eventId: "evt_e", userId: "u3", status: "saved", occurredAt: "2026-11-20T10:00:00Z", context: { mrr: 999 } }, linked.testKey)).status).toBe(201);
    // F. The next week: outside.
    expect((await event({ eventId: "evt_f", userId: "u4", status: "canceled", occurredAt: "2026-11-23T00:00:00Z", context: { mrr: 5 } })).status).toBe(201);
    // G. Recorded as saved, then corrected to canceled ($40 lost): the PATCH moves it.
    expect((await event({ eventId: "evt_g", userId: "u5", status: "saved", occurredAt: "2026-11-21T09:00:00Z", context: { plan: "pro", mrr: 40, tenureDays: 100 } })).status).toBe(201);
    expect((await t.request("PATCH", "/api/v1/cancellations/evt_g", { key: linked.liveKey, body: { status: "canceled" } })).status).toBe(200);
    t.clock.set(Date.parse("2026-12-02T15:00:00Z"));
  });

  const week = async () => {
    const res = await t.request("GET", "/api/v1/analytics/retention?from=2026-11-16&to=2026-11-22&interval=week", { key: linked.readKey });
    expect(res.status).toBe(200);
    return (await res.json()).data;
  };

  test("a linked pair counts once, with the event's status, at the event's time; events count like sessions", async () => {
    const data = await week();
    // A+evt_a canceled 6000; B+evt_b saved 8000; C canceled 2000; D canceled 3000; G canceled 4000.
    expect(data.totals).toEqual({ sessions: 5, saved: 1, canceled: 4, pending: 0, saveRate: 0.2, recoveredMrrCents: 8000, lostMrrCents: 15000 });
    // The pair counts with the event's fields: evt_a names no offer, so A's accepted discount (which billing
    // overruled) is not counted as shown or accepted.
    expect(data.offers).toEqual([]);
    // The pairs carry their events' reasons; "no reason" is listed last, whatever its count.
    expect(data.reasons).toEqual([
      { reason: "technical problems", sessions: 1, saved: 1, canceled: 0, saveRate: 1 },
      { reason: "too expensive", sessions: 1, saved: 0, canceled: 1, saveRate: 0 },
      { reason: null, sessions: 3, saved: 0, canceled: 3, saveRate: 0 },
    ]);
    expect(data.cohorts.plan).toEqual([
      { plan: "pro", sessions: 3, saved: 1, canceled: 2, saveRate: 0.333, recoveredMrrCents: 8000 },
      { plan: "starter", sessions: 2, saved: 0, canceled: 2, saveRate: 0, recoveredMrrCents: 0 },
    ]);
    // By day: the pairs sit on the 19th (their events), C on the 18th, D on the 20th, G on the 21st.
    const days = await t.request("GET", "/api/v1/analytics/retention?from=2026-11-17&to=2026-11-21&interval=day", { key: linked.readKey });
    expect((await days.json()).data.series.map((d: { start: string; sessions: number }) => [d.start, d.sessions])).toEqual([
      ["2026-11-17", 0],
      ["2026-11-18", 1],
      ["2026-11-19", 2],
      ["2026-11-20", 1],
      ["2026-11-21", 1],
    ]);
  });

  test("the same figures after a rebuild from the rows, and in /api/v1/stats", async () => {
    const before = await week();
    await t.deps.analyticsService.rebuild(linked.id);
    expect(await week()).toEqual(before);
    const stats = await (await t.request("GET", "/api/v1/stats?window=all", { key: linked.readKey })).json();
    // All time adds evt_f (canceled, $5).
    expect(stats.data).toMatchObject({ sessions: 6, saved: 1, canceled: 5, pending: 0, recoveredMrrCents: 8000 });
  });

  test("a test key sees the sandbox event only", async () => {
    const res = await t.request("GET", "/api/v1/analytics/retention?from=2026-11-16&to=2026-11-22&interval=week", { key: linked.testKey });
    expect((await res.json()).data.totals).toMatchObject({ sessions: 1, saved: 1, recoveredMrrCents: 99900 });
  });
});
