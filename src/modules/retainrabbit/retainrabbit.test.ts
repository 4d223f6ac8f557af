import { describe, expect, test } from "bun:test";
import { BASE, makeTestApp, runScenario, seedWorkspace, type TestApp } from "../../../tests/helpers.ts";
import { defaultFlowSteps } from "../flows/flows.service.ts";
import type { Session } from "../sessions/sessions.store.ts";
import type { Environment, SessionContext } from "../sessions/sessions.schemas.ts";

const DAY = 24 * 60 * 60 * 1000;
const iso = (ms: number) => new Date(ms).toISOString();

function storedSessions(t: TestApp, workspaceId: string) {
  return t.deps.db.query("select * from sessions where workspace_id = ? order by created_at").all(workspaceId) as Record<string, unknown>[];
}

/** A session started directly through the service, as any of the session sources would. */
async function startSession(t: TestApp, workspaceId: string, customerId: string, opts: { environment?: Environment; context?: SessionContext } = {}) {
  const workspace = (await t.deps.workspaceService.get(workspaceId))!;
  const { session } = await t.deps.sessionService.start(workspace, {
    source: "api",
    customerId,
    environment: opts.environment ?? "prod",
    context: opts.context,
  });
  return session;
}

async function decide(t: TestApp, session: Session, outcome: "saved" | "canceled") {
  const offer = outcome === "saved" ? ({ kind: "discount", percentOff: 30, durationMonths: 3 } as const) : null;
  return t.deps.sessionService.complete(session, outcome, offer);
}

describe("RetainRabbit flows", () => {
  test("GET /api/v1/flows lists the workspace's flows in { data }", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const expected = {
      data: [{ id: ws.defaultFlowId, name: "Default cancellation flow", slug: "default", status: "active", updatedAt: iso(t.clock.now()) }],
    };
    for (const key of [ws.liveKey, ws.readKey, ws.testKey])
      await runScenario(t, { name: "list flows", method: "GET", url: "/api/v1/flows", key, expectStatus: 200, expectBody: expected });
  });

  test("GET /api/v1/flows/:id gives the public step shape and a hostedUrl on the public URL", async () => {
    const t = await makeTestApp({ publicUrl: "https://retain.example.com", cancelUrl: "https://cancel.example.com" });
    const ws = await seedWorkspace(t);
    await runScenario(t, {
      name: "flow detail",
      method: "GET",
      url: `/api/v1/flows/${ws.defaultFlowId}`,
      key: ws.readKey,
      expectStatus: 200,
      expectBody: {
        data: {
          id: ws.defaultFlowId,
          name: "Default cancellation flow",
          slug: "default",
          status: "active",
          updatedAt: iso(t.clock.now()),
          isDefault: true,
          version: 1,
          hasUnpublishedChanges: false,
          steps: defaultFlowSteps(),
          hostedUrl: `https://retain.example.com/flow/${ws.id}/${ws.defaultFlowId}`,
        },
      },
    });
  });

  test("hostedUrl defaults to the configured public URL", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const { data } = await (await t.request("GET", `/api/v1/flows/${ws.defaultFlowId}`, { key: ws.readKey })).json();
    expect(data.hostedUrl).toBe(`${BASE}/flow/${ws.id}/${ws.defaultFlowId}`);
  });

  test("an unknown or malformed flow id is 404", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    for (const id of [crypto.randomUUID(), "not-a-uuid", "1"])
      await runScenario(t, {
        name: `flow ${id}`,
        method: "GET",
        url: `/api/v1/flows/${id}`,
        key: ws.readKey,
        expectStatus: 404,
        expectBody: { error: "Flow not found in this workspace" },
      });
  });
});

describe("RetainRabbit POST /api/v1/sessions", () => {
  test("starts a pending session and returns its hosted url", async () => {
    const t = await makeTestApp({ cancelUrl: "https://cancel.example.com" });
    const ws = await seedWorkspace(t);
    const res = await runScenario(t, {
      name: "start",
      method: "POST",
      url: "/api/v1/sessions",
      key: ws.liveKey,
      body: {
        customerId: "cus_123",
        subscriptionId: "sub_9",
        reason: "Too Expensive",
        context: { plan: "pro", mrr: 49 },
        metadata: { seats: 3 },
      },
      expectStatus: 200,
    });
    const body = await res.json();
    expect(Object.keys(body)).toEqual(["data"]);
    const [row] = storedSessions(t, ws.id);
    const token = body.data.url.slice("https://cancel.example.com/c/".length);
    expect(body).toEqual({
      data: { id: row.id, outcome: "pending", url: `https://cancel.example.com/c/${token}`, expiresAt: iso(t.clock.now() + 60 * 60_000) },
    });
    expect(row).toMatchObject({
      source: "api",
      customer_id: "cus_123",
      subscription_id: "sub_9",
      environment: "prod",
      reason: "too expensive",
      flow_id: ws.defaultFlowId,
      return_url: "https://app.example.com/billing/cancel/callback",
      context: JSON.stringify({ plan: "pro", mrr: 49 }),
      metadata: JSON.stringify({ seats: 3 }),
      state: "created",
      outcome: "pending",
    });
    // The url really opens this session.
    expect((await t.deps.sessionService.findByLinkToken(token))?.id).toBe(body.data.id);
  });

  test("accepts userId as an alias for customerId; a test key makes a sandbox session", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const res = await runScenario(t, {
      name: "alias",
      method: "POST",
      url: "/api/v1/sessions",
      headers: { "x-api-key": ws.testKey },
      body: { userId: "user_7" },
      expectStatus: 200,
    });
    const { data } = await res.json();
    const [row] = storedSessions(t, ws.id);
    expect(row).toMatchObject({ id: data.id, customer_id: "user_7", environment: "sandbox", subscription_id: null, reason: null });
  });

  test("starts the session on the flow asked for; another workspace's flow is 404", async () => {
    const t = await makeTestApp();
    const a = await seedWorkspace(t, { name: "A" });
    const b = await seedWorkspace(t, { name: "B" });
    await runScenario(t, {
      name: "own flow",
      method: "POST",
      url: "/api/v1/sessions",
      key: a.liveKey,
      body: { customerId: "c", flowId: a.defaultFlowId },
      expectStatus: 200,
    });
    await runScenario(t, {
      name: "foreign flow",
      method: "POST",
      url: "/api/v1/sessions",
      key: a.liveKey,
      body: { customerId: "c", flowId: b.defaultFlowId },
      expectStatus: 404,
      expectError: "flowId",
    });
    expect(storedSessions(t, a.id).map((r) => r.flow_id)).toEqual([a.defaultFlowId]);
    expect(storedSessions(t, b.id)).toEqual([]);
  });

  test("a read key gets 403 and nothing is stored", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    for (const body of [{ customerId: "c" }, {}, [1]])
      await runScenario(t, {
        name: "read key",
        method: "POST",
        url: "/api/v1/sessions",
        key: ws.readKey,
        body,
        expectStatus: 403,
        expectBody: { error: "This API key is read-only; use a read_write key for this request" },
      });
    expect(storedSessions(t, ws.id)).toEqual([]);
  });

  test("a read_only workspace gets 402 on writes and still reads", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    await t.deps.workspaceService.update(ws.id, { access: "read_only" });
    for (const key of [ws.liveKey, ws.testKey])
      await runScenario(t, {
        name: "read_only",
        method: "POST",
        url: "/api/v1/sessions",
        key,
        body: { customerId: "c" },
        expectStatus: 402,
        expectBody: { error: "Workspace is read-only due to expired subscription access" },
      });
    expect(storedSessions(t, ws.id)).toEqual([]);
    for (const url of ["/api/v1/flows", `/api/v1/flows/${ws.defaultFlowId}`, "/api/v1/sessions", "/api/v1/stats"])
      await runScenario(t, { name: `read ${url}`, method: "GET", url, key: ws.readKey, expectStatus: 200 });
  });

  const MARK = "Zq9SecretValue";
  test.each([
    ["customerId missing", { subscriptionId: MARK }, "customerId: is required"],
    ["customerId blank", { customerId: "   " }, "customerId: is required"],
    ["customerId too long", { customerId: MARK.repeat(20) }, "customerId: must be at most 200 characters"],
    ["customerId not a string", { customerId: 12345 }, "customerId: must be a string"],
    ["userId alias too long", { userId: MARK.repeat(20) }, "customerId: must be at most 200 characters"],
    ["subscriptionId too long", { customerId: "c", subscriptionId: MARK.repeat(20) }, "subscriptionId: must be at most 200 characters"],
    ["reason too long", { customerId: "c", reason: MARK.repeat(20) }, "reason: must be at most 200 characters"],
    ["flowId not a uuid", { customerId: "c", flowId: MARK }, "flowId: must be a uuid"],
    ["context.mrr negative", { customerId: "c", context: { mrr: -1 } }, "context.mrr"],
    ["context.tenureDays fractional", { customerId: "c", context: { tenureDays: 1.5 } }, "context.tenureDays"],
    ["metadata nested", { customerId: "c", metadata: { k: { MARK } } }, "metadata.k"],
    ["metadata value too long", { customerId: "c", metadata: { k: MARK.repeat(40) } }, "metadata.k"],
    ["body an array", [MARK], "Request body must be a JSON object"],
    ["body a string", MARK, "Request body must be a JSON object"],
  ])("400 for %s names the field and never echoes the value", async (name, body, message) => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const res = await runScenario(t, {
      name,
      method: "POST",
      url: "/api/v1/sessions",
      key: ws.liveKey,
      body,
      expectStatus: 400,
      expectError: message,
    });
    expect(await res.text()).not.toContain(MARK);
    expect(storedSessions(t, ws.id)).toEqual([]);
  });
});

describe("RetainRabbit sessions", () => {
  test("GET /api/v1/sessions/:id reads sessions started by either API, and follows the outcome", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const viaRabbit = await (await t.request("POST", "/api/v1/sessions", { key: ws.liveKey, body: { customerId: "cus_1", context: { mrr: 20 } } })).json();
    const viaLink = await (await t.request("POST", "/api/v1/cancel-link", { key: ws.liveKey, body: { userId: "usr_2" } })).json();
    expect(viaLink.sessionId).toBeString();
    const created = iso(t.clock.now());
    await runScenario(t, {
      name: "rabbit session",
      method: "GET",
      url: `/api/v1/sessions/${viaRabbit.data.id}`,
      key: ws.readKey,
      expectStatus: 200,
      expectBody: {
        data: {
          id: viaRabbit.data.id,
          customerId: "cus_1",
          subscriptionId: null,
          reason: null,
          outcome: "pending",
          recoveredMrrCents: 0,
          createdAt: created,
          environment: "prod",
          state: "created",
          flowId: ws.defaultFlowId,
          flowVersion: 1,
        },
      },
    });
    await runScenario(t, {
      name: "cancel-link session",
      method: "GET",
      url: `/api/v1/sessions/${viaLink.sessionId}`,
      key: ws.readKey,
      expectStatus: 200,
      expectBody: {
        data: {
          id: viaLink.sessionId,
          customerId: "usr_2",
          subscriptionId: null,
          reason: null,
          outcome: "pending",
          recoveredMrrCents: 0,
          createdAt: created,
          environment: "prod",
          state: "created",
          flowId: ws.defaultFlowId,
          flowVersion: 1,
        },
      },
    });

    const session = (await t.deps.sessionService.get(ws.id, viaRabbit.data.id))!;
    await decide(t, session, "saved");
    const polled = await (await t.request("GET", `/api/v1/sessions/${session.id}`, { key: ws.readKey })).json();
    expect(polled.data).toMatchObject({ outcome: "saved", recoveredMrrCents: 2000, state: "completed" });

    // An abandoned link reads as expired once its time is up.
    t.clock.advance(61 * 60_000);
    const expired = await (await t.request("GET", `/api/v1/sessions/${viaLink.sessionId}`, { key: ws.readKey })).json();
    expect(expired.data).toMatchObject({ outcome: "pending", state: "expired" });
  });

  test("an unknown or malformed session id is 404", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    for (const id of [crypto.randomUUID(), "not-a-uuid", "%27%20or%201%3D1"])
      await runScenario(t, {
        name: `session ${id}`,
        method: "GET",
        url: `/api/v1/sessions/${id}`,
        key: ws.readKey,
        expectStatus: 404,
        expectBody: { error: "Session not found in this workspace" },
      });
  });

  test("a test key sees only sandbox sessions; a live key polls both but lists and counts prod only", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const startedAt = t.clock.now();
    const prod = await decide(t, await startSession(t, ws.id, "cus_prod", { context: { mrr: 10 } }), "saved");
    t.clock.advance(1000);
    const sandbox = await decide(t, await startSession(t, ws.id, "cus_test", { environment: "sandbox", context: { mrr: 99 } }), "saved");
    // The wire shape of GET /sessions and GET /sessions/:id, written out field by field.
    const prodWire = {
      id: prod.id,
      customerId: "cus_prod",
      subscriptionId: null,
      reason: null,
      outcome: "saved",
      recoveredMrrCents: 1000,
      createdAt: iso(startedAt),
      environment: "prod",
      state: "completed",
      flowId: ws.defaultFlowId,
      flowVersion: 1,
    };
    const sandboxWire = { ...prodWire, id: sandbox.id, customerId: "cus_test", recoveredMrrCents: 9900, createdAt: iso(startedAt + 1000), environment: "sandbox" };

    const get = (id: string, key: string) => t.request("GET", `/api/v1/sessions/${id}`, { key });
    expect(await (await get(prod.id, ws.liveKey)).json()).toEqual({ data: prodWire });
    expect(await (await get(sandbox.id, ws.liveKey)).json()).toEqual({ data: sandboxWire });
    expect(await (await get(sandbox.id, ws.testKey)).json()).toEqual({ data: sandboxWire });
    const hidden = await get(prod.id, ws.testKey);
    expect(hidden.status).toBe(404);
    expect(await hidden.json()).toEqual({ error: "Session not found in this workspace" });

    await runScenario(t, { name: "live list", method: "GET", url: "/api/v1/sessions", key: ws.readKey, expectStatus: 200, expectBody: { data: [prodWire] } });
    await runScenario(t, { name: "test list", method: "GET", url: "/api/v1/sessions", key: ws.testKey, expectStatus: 200, expectBody: { data: [sandboxWire] } });
    const stats = (recoveredMrrCents: number) => ({
      data: { recoveredMrrCents, saveRate: 1, sessions: 1, saved: 1, canceled: 0, pending: 0, window: "all" },
    });
    await runScenario(t, { name: "live stats", method: "GET", url: "/api/v1/stats", key: ws.readKey, expectStatus: 200, expectBody: stats(1000) });
    await runScenario(t, { name: "test stats", method: "GET", url: "/api/v1/stats", key: ws.testKey, expectStatus: 200, expectBody: stats(9900) });
  });

  test("GET /api/v1/sessions gives the 100 most recent, newest first", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    for (let i = 0; i < 105; i++) {
      await startSession(t, ws.id, `cus_${i}`);
      t.clock.advance(1000);
    }
    const res = await runScenario(t, { name: "list", method: "GET", url: "/api/v1/sessions", key: ws.readKey, expectStatus: 200 });
    const { data } = await res.json();
    expect(data.length).toBe(100);
    expect(data.map((s: { customerId: string }) => s.customerId)).toEqual(Array.from({ length: 100 }, (_, i) => `cus_${104 - i}`));
    const times = data.map((s: { createdAt: string }) => Date.parse(s.createdAt));
    expect(times).toEqual([...times].sort((x: number, y: number) => y - x));
    expect(Object.keys(data[0]).sort()).toEqual(
      ["createdAt", "customerId", "environment", "flowId", "flowVersion", "id", "outcome", "reason", "recoveredMrrCents", "state", "subscriptionId"],
    );
  });
});

describe("RetainRabbit stats", () => {
  test("counts outcomes, save rate and recovered MRR exactly", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    // One saved session starts through the API itself, with its MRR in the context.
    const started = await (await t.request("POST", "/api/v1/sessions", { key: ws.liveKey, body: { customerId: "cus_api", context: { mrr: 20.5 } } })).json();
    await decide(t, (await t.deps.sessionService.get(ws.id, started.data.id))!, "saved");
    // mrr is in currency units; recoveredMrrCents = round(mrr * 100): 1000 + 2050 + 3333 + 4999 + 9999.
    for (const mrr of [10, 33.33, 49.99, 99.99]) await decide(t, await startSession(t, ws.id, `cus_s${mrr}`, { context: { mrr } }), "saved");
    for (const mrr of [15, 25, 35]) await decide(t, await startSession(t, ws.id, `cus_c${mrr}`, { context: { mrr } }), "canceled");
    for (const n of [1, 2]) await startSession(t, ws.id, `cus_p${n}`, { context: { mrr: 50 } });
    // Sandbox activity never reaches live stats.
    await decide(t, await startSession(t, ws.id, "cus_sandbox", { environment: "sandbox", context: { mrr: 500 } }), "saved");

    await runScenario(t, {
      name: "stats",
      method: "GET",
      url: "/api/v1/stats",
      key: ws.readKey,
      expectStatus: 200,
      expectBody: { data: { recoveredMrrCents: 21381, saveRate: 0.625, sessions: 10, saved: 5, canceled: 3, pending: 2, window: "all" } },
    });
  });

  test("saveRate is 0 before anything is decided", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    await runScenario(t, {
      name: "empty",
      method: "GET",
      url: "/api/v1/stats",
      key: ws.readKey,
      expectStatus: 200,
      expectBody: { data: { recoveredMrrCents: 0, saveRate: 0, sessions: 0, saved: 0, canceled: 0, pending: 0, window: "all" } },
    });
  });

  test("the window counts sessions created inside it", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    for (const mrr of [10, 20]) await decide(t, await startSession(t, ws.id, `old_${mrr}`, { context: { mrr } }), "saved");
    t.clock.advance(40 * DAY);
    await decide(t, await startSession(t, ws.id, "recent_saved", { context: { mrr: 5 } }), "saved");
    await decide(t, await startSession(t, ws.id, "recent_canceled", { context: { mrr: 7 } }), "canceled");

    const all = { recoveredMrrCents: 3500, saveRate: 0.75, sessions: 4, saved: 3, canceled: 1, pending: 0 };
    const recent = { recoveredMrrCents: 500, saveRate: 0.5, sessions: 2, saved: 1, canceled: 1, pending: 0 };
    for (const [window, expected] of [["all", all], ["90d", all], ["30d", recent], ["7d", recent]] as const)
      await runScenario(t, {
        name: `window ${window}`,
        method: "GET",
        url: `/api/v1/stats?window=${window}`,
        key: ws.readKey,
        expectStatus: 200,
        expectBody: { data: { ...expected, window } },
      });
  });

  test.each(["bogusWindow", "30days", "ALL", ""])("window=%p is 400 naming window, without echoing it", async (value) => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const res = await runScenario(t, {
      name: `window ${value}`,
      method: "GET",
      url: `/api/v1/stats?window=${value}`,
      key: ws.readKey,
      expectStatus: 400,
      expectBody: { error: "window: must be one of all, 7d, 30d, 90d" },
    });
    if (value) expect(await res.text()).not.toContain(value);
  });
});

describe("RetainRabbit workspace isolation", () => {
  test("every id from another workspace answers 404, never its data", async () => {
    const t = await makeTestApp();
    const a = await seedWorkspace(t, { name: "A" });
    const b = await seedWorkspace(t, { name: "B" });
    const bProd = await startSession(t, b.id, "cus_b_private");
    const bSandbox = await startSession(t, b.id, "cus_b_sandbox", { environment: "sandbox" });
    const bViaApi = await (await t.request("POST", "/api/v1/sessions", { key: b.liveKey, body: { customerId: "cus_b_api" } })).json();

    const urls = [
      [`/api/v1/flows/${b.defaultFlowId}`, "Flow not found in this workspace"],
      ...[bProd.id, bSandbox.id, bViaApi.data.id].map((id) => [`/api/v1/sessions/${id}`, "Session not found in this workspace"]),
    ];
    for (const key of [a.liveKey, a.readKey, a.testKey])
      for (const [url, error] of urls) {
        const res = await runScenario(t, { name: url, method: "GET", url, key, expectStatus: 404, expectBody: { error } });
        expect(await res.text()).not.toContain("cus_b");
      }

    // A's lists and stats hold nothing of B's.
    for (const key of [a.liveKey, a.testKey]) {
      const text = await (await t.request("GET", "/api/v1/sessions", { key })).text();
      expect(text).toBe('{"data":[]}');
      const stats = await (await t.request("GET", "/api/v1/stats", { key })).json();
      expect(stats.data.sessions).toBe(0);
    }
    const flows = await (await t.request("GET", "/api/v1/flows", { key: a.readKey })).json();
    expect(flows.data.map((f: { id: string }) => f.id)).toEqual([a.defaultFlowId]);
  });
});

describe("RetainRabbit authentication and limits", () => {
  const ENDPOINTS: [string, string, unknown?][] = [
    ["GET", "/api/v1/flows"],
    ["GET", `/api/v1/flows/${crypto.randomUUID()}`],
    ["GET", "/api/v1/sessions"],
    ["GET", `/api/v1/sessions/${crypto.randomUUID()}`],
    ["GET", "/api/v1/stats"],
    ["POST", "/api/v1/sessions", { customerId: "c" }],
    ["POST", "/api/v1/sessions", ["not an object"]],
  ];

  test("a missing or invalid key is 401 on every endpoint, with either header", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const cases: [Record<string, string>, string][] = [
      [{}, "Missing API key: send Authorization: Bearer <key> or x-api-key"],
      [{ authorization: "Bearer hf_live_000000000000000000000000000000000" }, "Invalid or revoked API key"],
      [{ authorization: `Basic ${ws.liveKey}` }, "Missing API key: send Authorization: Bearer <key> or x-api-key"],
      [{ "x-api-key": "hf_live_000000000000000000000000000000000" }, "Invalid or revoked API key"],
      [{ "x-api-key": "rk_live_something" }, "Invalid or revoked API key"],
    ];
    for (const [method, url, body] of ENDPOINTS)
      for (const [headers, error] of cases)
        await runScenario(t, { name: `${method} ${url}`, method, url, headers, body, expectStatus: 401, expectBody: { error } });
    expect(storedSessions(t, ws.id)).toEqual([]);
  });

  test("a revoked key is 401; x-api-key works like Bearer", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    await runScenario(t, { name: "x-api-key", method: "GET", url: "/api/v1/flows", headers: { "x-api-key": ws.readKey }, expectStatus: 200 });
    const [readKey] = (await t.deps.keyService.list(ws.id)).filter((k) => k.scope === "read");
    await t.deps.keyService.revoke(readKey.id);
    await runScenario(t, {
      name: "revoked",
      method: "GET",
      url: "/api/v1/flows",
      headers: { "x-api-key": ws.readKey },
      expectStatus: 401,
      expectBody: { error: "Invalid or revoked API key" },
    });
  });

  test("429 past the per-key rate limit, with Retry-After and RateLimit-Policy", async () => {
    const t = await makeTestApp({ rateLimitPerMinute: 2 });
    const ws = await seedWorkspace(t);
    for (let i = 0; i < 2; i++) {
      const ok = await runScenario(t, { name: `ok ${i}`, method: "GET", url: "/api/v1/stats", key: ws.readKey, expectStatus: 200 });
      expect(ok.headers.get("ratelimit-policy")).toBe('"per-key";q=2;w=60');
    }
    const limited = await runScenario(t, {
      name: "limited",
      method: "POST",
      url: "/api/v1/sessions",
      headers: { "x-api-key": ws.readKey },
      body: { customerId: "c" },
      expectStatus: 429,
      expectBody: { error: "Rate limit exceeded: retry in 60 s" },
    });
    expect(limited.headers.get("retry-after")).toBe("60");
    expect(limited.headers.get("ratelimit-policy")).toBe('"per-key";q=2;w=60');
    // The limit is per key, and the window ends.
    await runScenario(t, { name: "other key", method: "GET", url: "/api/v1/flows", key: ws.liveKey, expectStatus: 200 });
    t.clock.advance(60_000);
    await runScenario(t, { name: "next window", method: "GET", url: "/api/v1/flows", key: ws.readKey, expectStatus: 200 });
  });
});

describe("RetainRabbit OpenAPI", () => {
  test("/swagger/json lists every RetainRabbit path under its tag, with the POST body schema", async () => {
    const t = await makeTestApp();
    const doc = await (await t.request("GET", "/swagger/json")).json();
    const operations: [string, string][] = [
      ["/api/v1/flows", "get"],
      ["/api/v1/flows/{id}", "get"],
      ["/api/v1/sessions", "get"],
      ["/api/v1/sessions", "post"],
      ["/api/v1/sessions/{id}", "get"],
      ["/api/v1/stats", "get"],
    ];
    for (const [path, method] of operations) {
      expect(doc.paths[path]?.[method]?.tags).toEqual(["RetainRabbit"]);
      expect(doc.paths[path][method].responses["200"].content["application/json"].schema.properties.data).toBeDefined();
    }
    const body = doc.paths["/api/v1/sessions"].post.requestBody.content["application/json"].schema;
    expect(body.required).toEqual(["customerId"]);
    expect(doc.paths["/api/v1/stats"].get.parameters).toEqual([
      { name: "window", in: "query", required: false, schema: { default: "all", type: "string", enum: ["all", "7d", "30d", "90d"] } },
    ]);
  });
});

