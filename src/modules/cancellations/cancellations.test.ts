import { beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { makeTestApp, runScenario, seedWorkspace, type SeededWorkspace, type TestApp } from "../../../tests/helpers.ts";

const PATH = "/api/v1/cancellations";
const event = (overrides: Record<string, unknown> = {}) => ({
  eventId: "evt_1",
  userId: "user_1",
  subscriptionId: "sub_1",
  status: "canceled",
  reason: "Too Expensive",
  feedback: "Budget cuts",
  offer: { kind: "discount", percentOff: 30, durationMonths: 3 },
  occurredAt: "2026-01-15T11:00:00Z",
  context: { plan: "pro", mrr: 129, tenureDays: 42 },
  metadata: { source: "billing_page" },
  ...overrides,
});

const ANSWER_KEYS = [
  "context", "createdAt", "environment", "eventId", "event_id", "feedback", "id", "metadata", "occurredAt", "offer",
  "reason", "recoveredMrrCents", "sessionId", "session_id", "status", "subscriptionId", "updatedAt", "userId",
];

describe("POST /api/v1/cancellations", () => {
  let t: TestApp;
  let ws: SeededWorkspace;
  const eventRows = () =>
    t.deps.db.query("select id, event_id, source, outcome, environment, flow_id from sessions where source = 'ingestion' and workspace_id = ?").all(ws.id);
  const post = (body: unknown, key = ws.liveKey) => t.request("POST", PATH, { key, body });

  // One app per block (starting one costs far more than a test); each test gets its own workspace.
  beforeAll(async () => {
    t = await makeTestApp();
  });
  beforeEach(async () => {
    ws = await seedWorkspace(t);
  });

  test("201 the first time, with the RetentBase answer shape and snake_case aliases", async () => {
    const res = await post(event());
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(Object.keys(body).sort()).toEqual(ANSWER_KEYS);
    expect(body).toMatchObject({
      eventId: "evt_1",
      event_id: "evt_1",
      sessionId: null,
      session_id: null,
      userId: "user_1",
      subscriptionId: "sub_1",
      status: "canceled",
      reason: "too expensive",
      occurredAt: "2026-01-15T11:00:00.000Z",
      environment: "prod",
      recoveredMrrCents: 0,
      createdAt: new Date(t.clock.now()).toISOString(),
      updatedAt: new Date(t.clock.now()).toISOString(),
    });
    expect(eventRows()).toEqual([{ id: body.id, event_id: "evt_1", source: "ingestion", outcome: "canceled", environment: "prod", flow_id: null }]);
  });

  test("an identical replay answers 200 with the same body; another payload answers 409; one row either way", async () => {
    const first = await (await post(event())).json();
    t.clock.advance(60_000);
    // Same fields in another order, the same instant spelled differently, the default status spelled out.
    const { eventId, ...rest } = event();
    const replay = await post({ ...rest, occurredAt: "2026-01-15T12:00:00.000+01:00", eventId });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual(first);
    const conflict = await post(event({ status: "saved" }));
    expect(conflict.status).toBe(409);
    expect((await conflict.json()).error).toContain("PATCH");
    expect(eventRows()).toHaveLength(1);
  });

  test("snake_case aliases are accepted; defaults: status canceled, occurredAt now, environment prod", async () => {
    const res = await post({ event_id: "evt_snake", user_id: "u_9" });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({
      eventId: "evt_snake",
      userId: "u_9",
      status: "canceled",
      occurredAt: new Date(t.clock.now()).toISOString(),
      environment: "prod",
      reason: null,
      offer: null,
      context: {},
      metadata: {},
    });
  });

  test("a field sent in both spellings with different values is a 400 naming both; the same value is accepted", async () => {
    const session = crypto.randomUUID();
    const conflicts: [string, Record<string, unknown>][] = [
      ["event_id: conflicts with eventId", { eventId: "evt_a", event_id: "evt_b", userId: "u" }],
      ["user_id: conflicts with userId", { eventId: "evt_c", userId: "u1", user_id: "u2" }],
      ["subscription_id: conflicts with subscriptionId", { eventId: "evt_d", userId: "u", subscriptionId: "s1", subscription_id: "s2" }],
      ["occurred_at: conflicts with occurredAt", { eventId: "evt_e", userId: "u", occurredAt: "2026-01-01T00:00:00Z", occurred_at: "2026-01-02T00:00:00Z" }],
      ["session_id: conflicts with sessionId", { eventId: "evt_f", userId: "u", sessionId: session, session_id: crypto.randomUUID() }],
    ];
    for (const [message, body] of conflicts) {
      const res = await runScenario(t, { name: message, method: "POST", url: PATH, key: ws.liveKey, body, expectStatus: 400, expectError: message });
      // Never the submitted values.
      expect(await res.text()).not.toContain("u2");
    }
    expect(eventRows()).toEqual([]);

    // The same value both ways (an instant however it is spelled, a user id however it is padded) is one field.
    const same = await post({ eventId: "evt_same", event_id: "evt_same", userId: "u1", user_id: " u1 ", occurredAt: "2026-01-01T00:00:00Z", occurred_at: "2026-01-01T00:00:00.000Z" });
    expect(same.status).toBe(201);
    const stored = await same.json();
    expect(stored).toMatchObject({ eventId: "evt_same", userId: "u1", occurredAt: "2026-01-01T00:00:00.000Z" });
    expect(Object.keys(stored).sort()).toEqual(ANSWER_KEYS);
    // Either spelling of the same payload is a replay, not a conflict.
    const replay = await post({ event_id: "evt_same", user_id: "u1", occurred_at: "2026-01-01T00:00:00Z" });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual(stored);

    // A PATCH may spell occurredAt either way, but not two ways at once.
    await runScenario(t, {
      name: "patch",
      method: "PATCH",
      url: `${PATH}/evt_same`,
      key: ws.liveKey,
      body: { occurredAt: "2026-01-03T00:00:00Z", occurred_at: "2026-01-04T00:00:00Z" },
      expectStatus: 400,
      expectError: "occurred_at: conflicts with occurredAt",
    });
    const patched = await t.request("PATCH", `${PATH}/evt_same`, { key: ws.liveKey, body: { occurred_at: "2026-01-03T00:00:00Z" } });
    expect((await patched.json()).occurredAt).toBe("2026-01-03T00:00:00.000Z");

    // The import applies the same rule, naming the line.
    const workspace = (await t.deps.workspaceService.get(ws.id))!;
    expect(
      t.deps.cancellationService.importBatch(workspace, "prod", [
        { line: 7, value: { eventId: "imp_1", event_id: "imp_2", userId: "u" } },
        { line: 8, value: { eventId: "imp_3", event_id: "imp_3", userId: "u" } },
      ]),
    ).toEqual([
      { kind: "invalid", line: 7, message: "event_id: conflicts with eventId: send one of them, or the same value in both" },
      { kind: "created" },
    ]);
  });

  test("a saved event recovers its full MRR in cents", async () => {
    const res = await post(event({ status: "saved", context: { mrr: 19.99 } }));
    expect((await res.json()).recoveredMrrCents).toBe(1999);
  });

  test("20 simultaneous POSTs of the same eventId make one row and all answer with the same body", async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => post(event())));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array(18).fill(200), 201].sort());
    const bodies = await Promise.all(answers.map((r) => r.text()));
    expect(new Set(bodies).size).toBe(1);
    expect(eventRows()).toHaveLength(1);
  });

  test("a test key only ever makes sandbox events", async () => {
    const res = await post(event({ environment: "prod" }), ws.testKey);
    expect(res.status).toBe(201);
    expect((await res.json()).environment).toBe("sandbox");
    // A live key may record sandbox events when it says so.
    expect((await (await post(event({ eventId: "evt_2", environment: "sandbox" }))).json()).environment).toBe("sandbox");
  });

  test("occurredAt: any time in the past, at most 5 minutes in the future", async () => {
    const at = (ms: number) => new Date(t.clock.now() + ms).toISOString();
    expect((await post(event({ eventId: "old", occurredAt: "2019-03-01T00:00:00Z" }))).status).toBe(201);
    expect((await post(event({ eventId: "edge", occurredAt: at(5 * 60_000) }))).status).toBe(201);
    const late = await post(event({ eventId: "late", occurredAt: at(5 * 60_000 + 1000) }));
    expect(late.status).toBe(400);
    expect((await late.json()).error).toContain("occurredAt");
  });

  test("Idempotency-Key works here too", async () => {
    const headers = { "idempotency-key": "idem-1" };
    const a = await t.request("POST", PATH, { key: ws.liveKey, body: event(), headers });
    const b = await t.request("POST", PATH, { key: ws.liveKey, body: event(), headers });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.headers.get("idempotent-replayed")).toBe("true");
    expect(await b.json()).toEqual(await a.json());
    expect((await t.request("POST", PATH, { key: ws.liveKey, body: event({ eventId: "other" }), headers })).status).toBe(422);
  });
});

describe("every status of the cancellations API", () => {
  let t: TestApp;
  let ws: SeededWorkspace;
  let core: SeededWorkspace;
  let other: SeededWorkspace;

  beforeAll(async () => {
    t = await makeTestApp({ rateLimitPerMinute: 1000 });
    core = await seedWorkspace(t, { name: "Core", plan: "core" });
  });
  beforeEach(async () => {
    ws = await seedWorkspace(t);
    other = await seedWorkspace(t, { name: "Other" });
    await t.request("POST", PATH, { key: ws.liveKey, body: event() });
  });

  const json = { "content-type": "application/json" };
  const invalid: [string, Record<string, unknown>, string][] = [
    ["missing eventId", { userId: "u" }, "eventId"],
    ["empty eventId", { eventId: "", userId: "u" }, "eventId"],
    ["eventId over 200 characters", { eventId: "x".repeat(201), userId: "u" }, "eventId"],
    ["missing userId", { eventId: "e" }, "userId"],
    ["unknown status", { eventId: "e", userId: "u", status: "gone" }, "status"],
    ["bad occurredAt", { eventId: "e", userId: "u", occurredAt: "yesterday" }, "occurredAt"],
    ["bad offer", { eventId: "e", userId: "u", offer: { kind: "discount", percentOff: 300, durationMonths: 1 } }, "offer"],
    ["negative mrr", { eventId: "e", userId: "u", context: { mrr: -1 } }, "context.mrr"],
    ["nested metadata", { eventId: "e", userId: "u", metadata: { a: { b: 1 } } }, "metadata"],
    ["sessionId not a uuid", { eventId: "e", userId: "u", sessionId: "nope" }, "sessionId"],
    ["unknown environment", { eventId: "e", userId: "u", environment: "staging" }, "environment"],
  ];
  for (const [name, body, field] of invalid) {
    test(`400 ${name} names ${field}`, async () => {
      const res = await runScenario(t, { name, method: "POST", url: PATH, key: ws.liveKey, body, expectStatus: 400, expectError: field });
      // Never echoes what was sent.
      expect(await res.text()).not.toContain("x".repeat(50));
    });
  }

  test("400 for a body that is not an object, or not JSON", async () => {
    await runScenario(t, { name: "array", method: "POST", url: PATH, key: ws.liveKey, body: [1], expectStatus: 400 });
    await runScenario(t, { name: "bad json", method: "POST", url: PATH, key: ws.liveKey, raw: "{", headers: json, expectStatus: 400 });
  });

  test("401 without a key or with a bad one, before looking at the body", async () => {
    await runScenario(t, { name: "no key", method: "POST", url: PATH, body: {}, expectStatus: 401 });
    await runScenario(t, { name: "bad key", method: "GET", url: PATH, key: "hf_live_nope", expectStatus: 401 });
    await runScenario(t, { name: "no key patch", method: "PATCH", url: `${PATH}/evt_1`, body: {}, expectStatus: 401 });
  });

  test("402 on writes of a read-only workspace; reads still work", async () => {
    await t.deps.workspaceService.update(ws.id, { access: "read_only" });
    await runScenario(t, { name: "post", method: "POST", url: PATH, key: ws.liveKey, body: event({ eventId: "e2" }), expectStatus: 402 });
    await runScenario(t, { name: "patch", method: "PATCH", url: `${PATH}/evt_1`, key: ws.liveKey, body: { status: "saved" }, expectStatus: 402 });
    await runScenario(t, { name: "get", method: "GET", url: `${PATH}/evt_1`, key: ws.liveKey, expectStatus: 200 });
    await runScenario(t, { name: "list", method: "GET", url: PATH, key: ws.liveKey, expectStatus: 200 });
  });

  test("403 on the Core plan (every route) and for a read key on writes", async () => {
    for (const [method, url] of [["POST", PATH], ["PATCH", `${PATH}/evt_1`], ["GET", `${PATH}/evt_1`], ["GET", PATH]] as const)
      await runScenario(t, { name: `core ${method} ${url}`, method, url, key: core.liveKey, body: method === "GET" ? undefined : event(), expectStatus: 403, expectError: "Advanced" });
    await runScenario(t, { name: "read key post", method: "POST", url: PATH, key: ws.readKey, body: event(), expectStatus: 403, expectError: "read-only" });
    await runScenario(t, { name: "read key patch", method: "PATCH", url: `${PATH}/evt_1`, key: ws.readKey, body: { status: "saved" }, expectStatus: 403 });
    await runScenario(t, { name: "read key get", method: "GET", url: `${PATH}/evt_1`, key: ws.readKey, expectStatus: 200 });
  });

  test("404 for an unknown eventId and for another workspace's, with the same message", async () => {
    const unknown = await runScenario(t, { name: "unknown", method: "GET", url: `${PATH}/evt_nope`, key: ws.liveKey, expectStatus: 404 });
    const theirs = await runScenario(t, { name: "theirs", method: "GET", url: `${PATH}/evt_1`, key: other.liveKey, expectStatus: 404 });
    expect(await theirs.json()).toEqual(await unknown.json());
    await runScenario(t, { name: "patch theirs", method: "PATCH", url: `${PATH}/evt_1`, key: other.liveKey, body: { status: "saved" }, expectStatus: 404 });
    // The other workspace may use the same eventId for its own event.
    await runScenario(t, { name: "same id elsewhere", method: "POST", url: PATH, key: other.liveKey, body: event(), expectStatus: 201 });
  });

  test("409 for the same eventId with a different payload", async () => {
    await runScenario(t, { name: "conflict", method: "POST", url: PATH, key: ws.liveKey, body: event({ userId: "someone_else" }), expectStatus: 409, expectError: "eventId" });
  });

  test("413 for a body over the limit, 415 for another content type", async () => {
    const big = event({ feedback: "x".repeat(70 * 1024) });
    await runScenario(t, { name: "big", method: "POST", url: PATH, key: ws.liveKey, body: big, expectStatus: 413 });
    await runScenario(t, { name: "form", method: "POST", url: PATH, key: ws.liveKey, raw: "eventId=e", headers: { "content-type": "application/x-www-form-urlencoded" }, expectStatus: 415 });
    await runScenario(t, { name: "patch text", method: "PATCH", url: `${PATH}/evt_1`, key: ws.liveKey, raw: "x", headers: { "content-type": "text/plain" }, expectStatus: 415 });
  });

  test("429 past the rate limit, with Retry-After", async () => {
    const limited = await makeTestApp({ rateLimitPerMinute: 2 });
    const w = await seedWorkspace(limited);
    await limited.request("GET", PATH, { key: w.liveKey });
    await limited.request("GET", PATH, { key: w.liveKey });
    const res = await runScenario(limited, { name: "limited", method: "POST", url: PATH, key: w.liveKey, body: event(), expectStatus: 429 });
    expect(res.headers.get("retry-after")).toBeTruthy();
  });
});

describe("PATCH and GET /api/v1/cancellations/:eventId", () => {
  let t: TestApp;
  let ws: SeededWorkspace;

  beforeAll(async () => {
    t = await makeTestApp();
  });
  beforeEach(async () => {
    ws = await seedWorkspace(t);
    await t.request("POST", PATH, { key: ws.liveKey, body: event() });
  });

  test("PATCH changes the given fields only, recomputes recovered MRR and bumps updatedAt", async () => {
    t.clock.advance(90_000);
    const res = await t.request("PATCH", `${PATH}/evt_1`, {
      key: ws.liveKey,
      body: { status: "saved", reason: "  Switching   Tools ", offer: { kind: "pause", months: 2 }, occurred_at: "2026-01-14T09:30:00Z" },
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      eventId: "evt_1",
      status: "saved",
      reason: "switching tools",
      feedback: "Budget cuts",
      offer: { kind: "pause", months: 2 },
      occurredAt: "2026-01-14T09:30:00.000Z",
      recoveredMrrCents: 12900,
      context: { plan: "pro", mrr: 129, tenureDays: 42 },
    });
    expect(Date.parse(body.updatedAt) - Date.parse(body.createdAt)).toBe(90_000);
    expect(await (await t.request("GET", `${PATH}/evt_1`, { key: ws.readKey })).json()).toEqual(body);
    // Null clears; a replay of the original POST still counts as the same payload.
    const cleared = await (await t.request("PATCH", `${PATH}/evt_1`, { key: ws.liveKey, body: { feedback: null, offer: null } })).json();
    expect(cleared).toMatchObject({ feedback: null, offer: null, status: "saved" });
    const replay = await t.request("POST", PATH, { key: ws.liveKey, body: event() });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual(cleared);
  });

  test("PATCH: 404 unknown, 400 empty, 400 bad field, 400 occurredAt in the future", async () => {
    await runScenario(t, { name: "unknown", method: "PATCH", url: `${PATH}/nope`, key: ws.liveKey, body: { status: "saved" }, expectStatus: 404 });
    await runScenario(t, { name: "empty", method: "PATCH", url: `${PATH}/evt_1`, key: ws.liveKey, body: {}, expectStatus: 400, expectError: "at least one" });
    await runScenario(t, { name: "bad status", method: "PATCH", url: `${PATH}/evt_1`, key: ws.liveKey, body: { status: "maybe" }, expectStatus: 400, expectError: "status" });
    const future = new Date(t.clock.now() + 3_600_000).toISOString();
    await runScenario(t, { name: "future", method: "PATCH", url: `${PATH}/evt_1`, key: ws.liveKey, body: { occurredAt: future }, expectStatus: 400, expectError: "occurredAt" });
  });

  test("a test key sees and changes sandbox events only", async () => {
    await runScenario(t, { name: "test key get prod", method: "GET", url: `${PATH}/evt_1`, key: ws.testKey, expectStatus: 404 });
    await runScenario(t, { name: "test key patch prod", method: "PATCH", url: `${PATH}/evt_1`, key: ws.testKey, body: { status: "saved" }, expectStatus: 404 });
    await t.request("POST", PATH, { key: ws.testKey, body: event({ eventId: "evt_sb" }) });
    await runScenario(t, { name: "test key get sandbox", method: "GET", url: `${PATH}/evt_sb`, key: ws.testKey, expectStatus: 200 });
  });

  test("eventIds with URL-special characters round-trip", async () => {
    const eventId = "order/42 #1?x=é";
    expect((await t.request("POST", PATH, { key: ws.liveKey, body: event({ eventId }) })).status).toBe(201);
    const res = await t.request("GET", `${PATH}/${encodeURIComponent(eventId)}`, { key: ws.liveKey });
    expect(res.status).toBe(200);
    expect((await res.json()).eventId).toBe(eventId);
  });
});

describe("GET /api/v1/cancellations (list)", () => {
  let t: TestApp;
  let ws: SeededWorkspace;
  const base = Date.UTC(2026, 0, 10);

  beforeAll(async () => {
    t = await makeTestApp();
    ws = await seedWorkspace(t);
    // 25 events: pairs share an occurredAt, so ties are ordered by eventId.
    for (let i = 0; i < 25; i++) {
      const occurredAt = new Date(base + Math.floor(i / 2) * 3_600_000).toISOString();
      const res = await t.request("POST", PATH, { key: ws.liveKey, body: { eventId: `evt_${String(i).padStart(2, "0")}`, userId: "u", occurredAt } });
      expect(res.status).toBe(201);
    }
    await t.request("POST", PATH, { key: ws.testKey, body: { eventId: "evt_sandbox", userId: "u" } });
  });

  const expected = () =>
    Array.from({ length: 25 }, (_, i) => ({ id: `evt_${String(i).padStart(2, "0")}`, at: base + Math.floor(i / 2) * 3_600_000 }))
      .sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1))
      .map((e) => e.id);

  test("newest occurredAt first, ties by eventId, 20 by default, then the rest with starting_after", async () => {
    const first = await (await t.request("GET", PATH, { key: ws.readKey })).json();
    expect(Object.keys(first).sort()).toEqual(["data", "hasMore"]);
    expect(first.hasMore).toBe(true);
    expect(first.data.map((e: { eventId: string }) => e.eventId)).toEqual(expected().slice(0, 20));
    const last = first.data[19].eventId;
    const second = await (await t.request("GET", `${PATH}?limit=20&starting_after=${last}`, { key: ws.readKey })).json();
    expect(second.hasMore).toBe(false);
    expect(second.data.map((e: { eventId: string }) => e.eventId)).toEqual(expected().slice(20));
  });

  test("walking with limit=1 visits every event once, in order", async () => {
    const seen: string[] = [];
    let after = "";
    for (;;) {
      const page = await (await t.request("GET", `${PATH}?limit=1${after ? `&starting_after=${after}` : ""}`, { key: ws.readKey })).json();
      seen.push(...page.data.map((e: { eventId: string }) => e.eventId));
      if (!page.hasMore) break;
      after = page.data[0].eventId;
    }
    expect(seen).toEqual(expected());
  });

  for (const limit of ["0", "101", "abc", "1.5", "-1", ""]) {
    test(`limit=${JSON.stringify(limit)} answers 400 naming limit`, async () => {
      await runScenario(t, { name: limit, method: "GET", url: `${PATH}?limit=${limit}`, key: ws.readKey, expectStatus: 400, expectError: "limit" });
    });
  }

  test("limit=100 is allowed; an unknown starting_after answers 400; a test key lists sandbox events", async () => {
    const all = await (await t.request("GET", `${PATH}?limit=100`, { key: ws.readKey })).json();
    expect(all.data).toHaveLength(25);
    expect(all.hasMore).toBe(false);
    await runScenario(t, { name: "cursor", method: "GET", url: `${PATH}?starting_after=evt_nope`, key: ws.readKey, expectStatus: 400, expectError: "starting_after" });
    const sandbox = await (await t.request("GET", PATH, { key: ws.testKey })).json();
    expect(sandbox.data.map((e: { eventId: string }) => e.eventId)).toEqual(["evt_sandbox"]);
  });

  test("the list query uses the index, never a scan of the workspace's sessions", () => {
    const plan = t.deps.db
      .query(`explain query plan select id from sessions where workspace_id = ? and environment = ? and event_id is not null
              and (created_at, event_id) < (?, ?) order by created_at desc, event_id desc limit 21`)
      .all("w", "prod", 1, "x") as { detail: string }[];
    const details = plan.map((p) => p.detail).join("\n");
    expect(details).toContain("sessions_event_list");
    expect(details).not.toContain("TEMP B-TREE");
  });
});

describe("linked events: an event is a hosted session's final word", () => {
  let t: TestApp;
  let ws: SeededWorkspace;
  let hostedId: string;

  beforeAll(async () => {
    t = await makeTestApp();
  });
  beforeEach(async () => {
    ws = await seedWorkspace(t);
    const link = await (await t.request("POST", "/api/v1/cancel-link", { key: ws.liveKey, body: { userId: "user_1", context: { mrr: 50 } } })).json();
    hostedId = link.sessionId;
  });

  const stats = async () => (await (await t.request("GET", "/api/v1/stats", { key: ws.readKey })).json()).data;

  test("diagnostics show linkedEvent and the pair counts once, with the event's status", async () => {
    expect(await stats()).toMatchObject({ sessions: 1, pending: 1, saved: 0, canceled: 0 });
    const res = await t.request("POST", PATH, {
      key: ws.liveKey,
      body: { eventId: "evt_link", userId: "user_1", sessionId: hostedId.toUpperCase(), status: "saved", context: { mrr: 50 }, occurredAt: "2026-01-15T11:59:00Z" },
    });
    expect(res.status).toBe(201);
    const created = await res.json();
    expect(created).toMatchObject({ sessionId: hostedId, session_id: hostedId, recoveredMrrCents: 5000 });

    const diagnostics = await (await t.request("GET", `/api/v1/cancel-sessions/${hostedId}`, { key: ws.readKey })).json();
    expect(diagnostics.linkedEvent).toEqual({ eventId: "evt_link", status: "saved", occurredAt: "2026-01-15T11:59:00.000Z" });
    expect(await stats()).toMatchObject({ sessions: 1, pending: 0, saved: 1, canceled: 0, recoveredMrrCents: 5000, saveRate: 1 });

    // A PATCH of the event moves the pair with it.
    await t.request("PATCH", `${PATH}/evt_link`, { key: ws.liveKey, body: { status: "canceled" } });
    expect(await stats()).toMatchObject({ sessions: 1, saved: 0, canceled: 1, recoveredMrrCents: 0 });
    expect((await (await t.request("GET", `/api/v1/cancel-sessions/${hostedId}`, { key: ws.readKey })).json()).linkedEvent.status).toBe("canceled");

    // The event is a session everywhere a session shows: RetainRabbit's /sessions and /sessions/:id, diagnostics.
    const asSession = await (await t.request("GET", `/api/v1/sessions/${created.id}`, { key: ws.readKey })).json();
    expect(asSession.data).toMatchObject({ id: created.id, customerId: "user_1", outcome: "canceled" });
    const list = await (await t.request("GET", "/api/v1/sessions", { key: ws.readKey })).json();
    expect(list.data.map((s: { id: string }) => s.id).sort()).toEqual([created.id, hostedId].sort());
    const own = await (await t.request("GET", `/api/v1/cancel-sessions/${created.id}`, { key: ws.readKey })).json();
    expect(own).toMatchObject({ source: "ingestion", flowId: null, outcome: "canceled", linkedEvent: null });
  });

  test("an unlinked event counts as a session of its own", async () => {
    await t.request("POST", PATH, { key: ws.liveKey, body: { eventId: "solo", userId: "u2", status: "canceled" } });
    expect(await stats()).toMatchObject({ sessions: 2, pending: 1, canceled: 1 });
  });

  test("a session takes one final word; unknown, other-workspace and other-environment sessions are refused", async () => {
    const body = (eventId: string, sessionId: string) => ({ eventId, userId: "user_1", sessionId });
    expect((await t.request("POST", PATH, { key: ws.liveKey, body: body("e1", hostedId) })).status).toBe(201);
    // The replay of the linking event is still 200, not "taken".
    expect((await t.request("POST", PATH, { key: ws.liveKey, body: body("e1", hostedId) })).status).toBe(200);
    await runScenario(t, { name: "taken", method: "POST", url: PATH, key: ws.liveKey, body: body("e2", hostedId), expectStatus: 409, expectError: "sessionId" });
    await runScenario(t, { name: "unknown", method: "POST", url: PATH, key: ws.liveKey, body: body("e3", crypto.randomUUID()), expectStatus: 404, expectError: "sessionId" });
    const other = await seedWorkspace(t, { name: "Other" });
    await runScenario(t, { name: "other workspace", method: "POST", url: PATH, key: other.liveKey, body: body("e4", hostedId), expectStatus: 404, expectError: "sessionId" });
    const sandbox = await (await t.request("POST", "/api/v1/cancel-link", { key: ws.testKey, body: { userId: "user_1" } })).json();
    await runScenario(t, { name: "other environment", method: "POST", url: PATH, key: ws.liveKey, body: body("e5", sandbox.sessionId), expectStatus: 400, expectError: "sessionId" });
    const created = await (await t.request("GET", `${PATH}/e1`, { key: ws.liveKey })).json();
    await runScenario(t, { name: "event as target", method: "POST", url: PATH, key: ws.liveKey, body: body("e6", created.id), expectStatus: 400, expectError: "sessionId" });
    expect(t.deps.db.query("select count(*) as n from sessions where source = 'ingestion' and workspace_id = ?").get(ws.id)).toEqual({ n: 1 });
  });
});

describe("cancellations in the OpenAPI document", () => {
  test("every route with its schemas, statuses and examples", async () => {
    const t = await makeTestApp();
    const doc = await (await t.request("GET", "/swagger/json")).json();
    const post = doc.paths["/api/v1/cancellations"].post;
    expect(post.tags).toEqual(["RetentBase"]);
    const body = post.requestBody.content["application/json"].schema;
    expect(body.required).toEqual(["eventId", "userId"]);
    expect(body.examples[0]).toMatchObject({ eventId: "evt_2026_11_20_0001", userId: "user_123" });
    expect(Object.keys(post.responses).sort()).toEqual(["200", "201", "400", "401", "402", "403", "404", "409", "413", "415", "422", "429"]);
    expect(post.responses["201"].content["application/json"].example).toMatchObject({ eventId: "evt_2026_11_20_0001", event_id: "evt_2026_11_20_0001" });
    expect(post.responses["201"].content["application/json"].schema.required).toContain("recoveredMrrCents");

    const patch = doc.paths["/api/v1/cancellations/{eventId}"].patch;
    expect(Object.keys(patch.requestBody.content["application/json"].schema.properties).sort()).toEqual(
      ["context", "feedback", "metadata", "occurredAt", "occurred_at", "offer", "reason", "status"],
    );
    expect(patch.responses["404"]).toBeDefined();
    expect(doc.paths["/api/v1/cancellations/{eventId}"].get.responses["200"].content["application/json"].example.eventId).toBeDefined();
    const list = doc.paths["/api/v1/cancellations"].get;
    expect(list.parameters.map((p: { name: string }) => p.name).sort()).toEqual(["limit", "starting_after"]);
    expect(list.responses["200"].content["application/json"].schema.required).toEqual(["data", "hasMore"]);
    // The diagnostics document the linked event now.
    const diagnostics = doc.paths["/api/v1/cancel-sessions/{session_id}"].get.responses["200"].content["application/json"].schema;
    expect(JSON.stringify(diagnostics.properties.linkedEvent)).toContain("eventId");
  });
});

describe("analytics: events kept in the rollups in the transaction of every write", () => {
  const rollupRows = (t: TestApp) =>
    t.deps.db
      .query(
        `select workspace_id, environment, grain, facet, day, flow_id, value, outcome, sessions, recovered_mrr_cents, lost_mrr_cents,
           offers_accepted, offer_recovered_mrr_cents from analytics_rollups
         where sessions != 0 or recovered_mrr_cents != 0 or lost_mrr_cents != 0 or offers_accepted != 0 or offer_recovered_mrr_cents != 0
         order by workspace_id, environment, grain, facet, day, flow_id, value, outcome`,
      )
      .all();

  test("POSTs, links, PATCHes and imports leave the rollups equal to a full recount", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const workspace = (await t.deps.workspaceService.get(ws.id))!;
    const hosted: string[] = [];
    for (let i = 0; i < 6; i++) {
      const link = await (await t.request("POST", "/api/v1/cancel-link", { key: ws.liveKey, body: { userId: `h${i}`, context: { plan: "pro", mrr: 20 + i, tenureDays: 40 * i } } })).json();
      hosted.push(link.sessionId);
    }
    const reasons = ["Too expensive", "missing features", "other"];
    for (let i = 0; i < 12; i++) {
      const body = {
        eventId: `a_${i}`,
        userId: `u${i}`,
        status: (["canceled", "saved", "pending"] as const)[i % 3],
        reason: reasons[i % 3],
        offer: i % 2 ? { kind: "discount", percentOff: 20, durationMonths: 2 } : undefined,
        occurredAt: new Date(Date.UTC(2025, i % 12, 1 + i, 10)).toISOString(),
        context: { plan: i % 2 ? "pro" : "basic", mrr: 10 * i + 0.5, tenureDays: 30 * i },
        // Test-key events are sandbox ones: they cannot link to these production sessions.
        sessionId: i < hosted.length && i % 4 !== 3 ? hosted[i] : undefined,
      };
      expect((await t.request("POST", "/api/v1/cancellations", { key: i % 4 === 3 ? ws.testKey : ws.liveKey, body })).status).toBe(201);
    }
    await t.request("PATCH", "/api/v1/cancellations/a_1", { key: ws.liveKey, body: { status: "canceled", occurredAt: "2024-02-29T23:59:59Z" } });
    await t.request("PATCH", "/api/v1/cancellations/a_6", { key: ws.liveKey, body: { context: { mrr: 999 }, status: "saved" } });
    t.deps.cancellationService.importBatch(workspace, "prod", [
      { line: 1, value: { eventId: "i_1", userId: "x", status: "saved", context: { mrr: 15 }, offer: { kind: "pause", months: 1 }, occurredAt: "2025-03-03T00:00:00Z" } },
      { line: 2, value: { eventId: "i_2", userId: "y", reason: "Too expensive", occurredAt: "2025-03-03T05:00:00Z" } },
      { line: 3, value: { eventId: "i_3", userId: "z", sessionId: crypto.randomUUID() } },
      { line: 4, value: { eventId: "i_4", userId: "z", sessionId: hosted[3] } },
    ]);

    const incremental = rollupRows(t);
    expect(incremental.length).toBeGreaterThan(0);
    t.deps.analyticsService.rebuild(ws.id);
    expect(rollupRows(t)).toEqual(incremental);
  });

  test("random imports and concurrent POSTs and PATCHes (summed per transaction) leave the rollups equal to a recount", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const workspace = (await t.deps.workspaceService.get(ws.id))!;
    let seed = 99;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    const hosted: string[] = [];
    for (let i = 0; i < 8; i++)
      hosted.push((await (await t.request("POST", "/api/v1/cancel-link", { key: ws.liveKey, body: { userId: `h${i}`, context: { mrr: 30 } } })).json()).sessionId);
    const eventBody = (id: number) => ({
      eventId: `r_${id}`,
      userId: `u${id % 7}`,
      status: pick(["canceled", "saved", "pending"] as const),
      reason: pick([undefined, "Too expensive", "other"]),
      offer: pick([undefined, { kind: "pause", months: 2 }]),
      occurredAt: new Date(Date.UTC(2025, Math.floor(random() * 12), 1 + Math.floor(random() * 28), Math.floor(random() * 24))).toISOString(),
      context: pick([{}, { plan: "pro", mrr: 24.99, tenureDays: 30 }, { plan: "basic", mrr: 100, tenureDays: 366 }]),
      sessionId: random() < 0.1 ? pick(hosted) : undefined,
    });
    for (let round = 0; round < 6; round++) {
      // An import chunk (some ids repeat: unchanged or conflicting rows), then a burst of API writes in one group commit.
      const records = Array.from({ length: 60 }, (_, i) => ({ line: i + 1, value: eventBody(Math.floor(random() * 200)) }));
      t.deps.cancellationService.importBatch(workspace, "prod", records);
      const burst = Array.from({ length: 10 }, () => {
        const id = Math.floor(random() * 220);
        return random() < 0.5
          ? t.request("POST", "/api/v1/cancellations", { key: ws.liveKey, body: eventBody(id) })
          : t.request("PATCH", `/api/v1/cancellations/r_${id}`, { key: ws.liveKey, body: { status: pick(["saved", "canceled", "pending"]), occurredAt: eventBody(id).occurredAt } });
      });
      await Promise.all(burst);
    }
    const incremental = rollupRows(t);
    expect(incremental.length).toBeGreaterThan(50);
    t.deps.analyticsService.rebuild(ws.id);
    expect(rollupRows(t)).toEqual(incremental);
  });

  test("the retention report counts a linked pair once, at the event's occurredAt, with the event's status", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const link = await (await t.request("POST", "/api/v1/cancel-link", { key: ws.liveKey, body: { userId: "u", context: { mrr: 40 } } })).json();
    const report = async () =>
      (await (await t.request("GET", "/api/v1/analytics/retention?from=2026-01-01&to=2026-01-31&interval=month", { key: ws.readKey })).json()).data.totals;
    expect(await report()).toMatchObject({ sessions: 1, pending: 1, saved: 0 });
    await t.request("POST", "/api/v1/cancellations", {
      key: ws.liveKey,
      body: { eventId: "final", userId: "u", sessionId: link.sessionId, status: "saved", context: { mrr: 40 }, occurredAt: "2026-01-10T08:00:00Z" },
    });
    expect(await report()).toMatchObject({ sessions: 1, pending: 0, saved: 1, recoveredMrrCents: 4000 });
    // Moved to December by a PATCH: January no longer counts it, and the hosted session does not come back.
    await t.request("PATCH", "/api/v1/cancellations/final", { key: ws.liveKey, body: { occurredAt: "2025-12-31T23:00:00Z" } });
    expect(await report()).toMatchObject({ sessions: 0, saved: 0 });
  });
});
