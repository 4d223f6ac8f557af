// Contract fixes an integrator would find: empty ids, id letter case, context aliases and extras, conflicting
// aliases, and text that is not text (control characters, lone surrogates).
import { beforeEach, describe, expect, test } from "bun:test";
import { makeTestApp, runScenario, seedWorkspace, type SeededWorkspace, type TestApp } from "../../../tests/helpers.ts";

let t: TestApp;
let ws: SeededWorkspace;
beforeEach(async () => {
  t = await makeTestApp();
  ws = await seedWorkspace(t);
});

const link = (body: unknown, key = ws.liveKey) => t.request("POST", "/api/v1/cancel-link", { key, body });
const storedContext = () => (t.deps.db.query("select context from sessions").all() as { context: string }[]).map((r) => JSON.parse(r.context));
const sessionCount = () => (t.deps.db.query("select count(*) as n from sessions").get() as { n: number }).n;

describe("session ids", () => {
  test("GET /api/v1/cancel-sessions/ with no id → 400 Missing session_id (after the key check)", async () => {
    await runScenario(t, { name: "empty", method: "GET", url: "/api/v1/cancel-sessions/", key: ws.liveKey, expectStatus: 400, expectBody: { error: "Missing session_id" } });
    await runScenario(t, { name: "no slash", method: "GET", url: "/api/v1/cancel-sessions", key: ws.liveKey, expectStatus: 400, expectBody: { error: "Missing session_id" } });
    await runScenario(t, { name: "no key", method: "GET", url: "/api/v1/cancel-sessions/", expectStatus: 401 });
  });

  test("any letter case finds the session, on every route that takes one; flows too", async () => {
    const { sessionId } = await (await link({ userId: "u1" })).json();
    const upper = sessionId.toUpperCase();
    const diagnostics = await t.request("GET", `/api/v1/cancel-sessions/${upper}`, { key: ws.liveKey });
    expect(diagnostics.status).toBe(200);
    expect((await diagnostics.json()).sessionId).toBe(sessionId);
    const rabbit = await t.request("GET", `/api/v1/sessions/${upper}`, { key: ws.liveKey });
    expect(rabbit.status).toBe(200);
    expect((await rabbit.json()).data.id).toBe(sessionId);
    const flow = await t.request("GET", `/api/v1/flows/${ws.defaultFlowId.toUpperCase()}`, { key: ws.liveKey });
    expect(flow.status).toBe(200);
    expect((await flow.json()).data.id).toBe(ws.defaultFlowId);
    expect((await link({ userId: "u2", flowId: ws.defaultFlowId.toUpperCase() })).status).toBe(200);
  });
});

describe("context", () => {
  test("tenure is an alias of tenureDays; currency and locale are normalised and stored; other keys are kept", async () => {
    const res = await link({ userId: "u", context: { plan: "pro", mrr: 129, tenure: 42, currency: "eur", locale: "de-de", seats: 5, region: "eu-west", trial: false, coupon: null } });
    expect(res.status).toBe(200);
    const { sessionId } = await res.json();
    const expected = { plan: "pro", mrr: 129, tenureDays: 42, currency: "EUR", locale: "de-DE", seats: 5, region: "eu-west", trial: false, coupon: null };
    expect(storedContext()).toEqual([expected]);
    const diagnostics = await (await t.request("GET", `/api/v1/cancel-sessions/${sessionId}`, { key: ws.liveKey })).json();
    expect(diagnostics.context).toEqual(expected);
  });

  test("tenure and tenureDays with the same value are fine; different values → 400 naming both", async () => {
    expect((await link({ userId: "u", context: { tenure: 3, tenureDays: 3 } })).status).toBe(200);
    await runScenario(t, {
      name: "conflict",
      method: "POST",
      url: "/api/v1/cancel-link",
      key: ws.liveKey,
      body: { userId: "u", context: { tenure: 3, tenureDays: 4 } },
      expectStatus: 400,
      expectError: "context.tenure: conflicts with context.tenureDays",
    });
  });

  test("Core drops tenure like tenureDays, keeps the rest", async () => {
    const core = await seedWorkspace(t, { name: "Core", plan: "core" });
    expect((await link({ userId: "u", context: { mrr: 5, tenure: 9, currency: "usd", seats: 2 } }, core.liveKey)).status).toBe(200);
    expect(storedContext()).toEqual([{ currency: "USD", seats: 2 }]);
  });

  test.each([
    ["a four-letter currency", { currency: "EURO" }, "context.currency"],
    ["a numeric currency", { currency: "978" }, "context.currency"],
    ["a bad locale", { locale: "not a locale!" }, "context.locale"],
    ["a nested extra", { extra: { deep: 1 } }, "context"],
    ["an extra key too long", { ["k".repeat(41)]: 1 }, "context"],
    ["an extra string too long", { note: "x".repeat(501) }, "context"],
    ["too many keys", Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])), "context"],
  ])("%s → 400 naming the field, nothing stored", async (_name, context, field) => {
    await runScenario(t, { name: field, method: "POST", url: "/api/v1/cancel-link", key: ws.liveKey, body: { userId: "u", context }, expectStatus: 400, expectError: field });
    expect(sessionCount()).toBe(0);
  });
});

describe("aliases sent twice", () => {
  test.each([
    ["userId / user_id", { userId: "a", user_id: "b" }, "user_id: conflicts with userId"],
    ["returnUrl / return_url", { userId: "a", returnUrl: "https://app.example.com/billing/x", return_url: "https://app.example.com/billing/y" }, "return_url: conflicts with returnUrl"],
    ["flowId / flow_id", { userId: "a", flowId: crypto.randomUUID(), flow_id: crypto.randomUUID() }, "flow_id: conflicts with flowId"],
  ])("cancel-link: %s with different values → 400 naming both", async (_name, body, message) => {
    await runScenario(t, { name: message, method: "POST", url: "/api/v1/cancel-link", key: ws.liveKey, body, expectStatus: 400, expectError: message });
    expect(sessionCount()).toBe(0);
  });

  test("the same value under both names is accepted", async () => {
    expect((await link({ userId: "same", user_id: "same" })).status).toBe(200);
  });

  test("an alias sent alone is never a conflict with its own normalised value (user_id with spaces is trimmed)", async () => {
    const res = await link({ user_id: "  cus_spaced  " });
    expect(res.status).toBe(200);
    const { sessionId } = await res.json();
    expect((t.deps.db.query("select customer_id from sessions where id = ?").get(sessionId) as { customer_id: string }).customer_id).toBe("cus_spaced");
  });

  test("RetainRabbit: customerId and userId with different values → 400 naming both", async () => {
    await runScenario(t, {
      name: "conflict",
      method: "POST",
      url: "/api/v1/sessions",
      key: ws.liveKey,
      body: { customerId: "a", userId: "b" },
      expectStatus: 400,
      expectError: "userId: conflicts with customerId",
    });
    const same = await t.request("POST", "/api/v1/sessions", { key: ws.liveKey, body: { customerId: "a", userId: "a" } });
    expect(same.status).toBe(200);
  });
});

describe("text that is not text", () => {
  const LONE = "ZZQ\ud800cd";
  test.each([
    ["/api/v1/cancel-link", { userId: "ZZQ\u0000x" }, "userId", "control characters"],
    ["/api/v1/cancel-link", { userId: "ZZQ\u001bx" }, "userId", "control characters"],
    ["/api/v1/cancel-link", { userId: LONE }, "userId", "lone surrogate"],
    ["/api/v1/cancel-link", { userId: "u", metadata: { note: LONE } }, "metadata", "lone surrogate"],
    ["/api/v1/cancel-link", { userId: "u", metadata: { note: "a\u0007b" } }, "metadata", "control characters"],
    ["/api/v1/cancel-link", { userId: "u", metadata: { ["ZZQ\u0000"]: 1 } }, "metadata", "keys must not contain control characters"],
    ["/api/v1/cancel-link", { userId: "u", context: { plan: "pro\u0000" } }, "context.plan", "control characters"],
    ["/api/v1/cancel-link", { userId: "u", context: { extra: LONE } }, "context", "lone surrogate"],
    ["/api/v1/sessions", { customerId: "c\u0000" }, "customerId", "control characters"],
    ["/api/v1/sessions", { customerId: "c", subscriptionId: LONE }, "subscriptionId", "lone surrogate"],
    ["/api/v1/sessions", { customerId: "c", reason: "r\u0085" }, "reason", "control characters"],
  ])("%s %o → 400 naming %s", async (url, body, field, problem) => {
    const res = await t.request("POST", url, { key: ws.liveKey, body });
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error).toContain(field);
    expect(error).toContain(problem);
    expect(error).not.toContain("ZZQ");
    expect(sessionCount()).toBe(0);
  });

  test("line breaks and tabs are fine in free text (metadata values)", async () => {
    expect((await link({ userId: "u", metadata: { note: "line one\nline two\tend" } })).status).toBe(200);
  });
});
