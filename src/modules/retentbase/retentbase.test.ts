import { beforeEach, describe, expect, test } from "bun:test";
import { SignJWT, UnsecuredJWT, decodeProtectedHeader } from "jose";
import { BASE, makeTestApp, runScenario, seedWorkspace, type SeededWorkspace, type TestApp } from "../../../tests/helpers.ts";
import { RESULT_TOKEN_TYPE } from "../sessions/result-token.ts";
import { sha256Hex } from "../../lib/crypto.ts";

const RETURN = "https://app.example.com/billing/cancel/callback";

let t: TestApp;
let ws: SeededWorkspace;
beforeEach(async () => {
  t = await makeTestApp();
  ws = await seedWorkspace(t);
});

const link = (body: unknown, key = ws.liveKey) => t.request("POST", "/api/v1/cancel-link", { key, body });

/** Walks a hosted session to an outcome through the real pages and returns the completion URL it returns to. */
async function complete(url: string, outcome: "saved" | "canceled"): Promise<string> {
  const path = new URL(url).pathname;
  const html = await (await t.request("GET", path)).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1];
  const post = (fields: Record<string, string>) =>
    t.app.handle(new Request(`${BASE}${path}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ _csrf: csrf, ...fields }) }));
  await post({ action: "survey", reason: "too expensive" });
  const res = outcome === "saved" ? await post({ action: "accept" }) : (await post({ action: "decline" }), await post({ action: "confirm" }));
  expect(res.status).toBe(303);
  // The flow's confirmation page, whose button and refresh go to the completion URL.
  expect(res.headers.get("location")).toBe(path);
  const done = await (await t.request("GET", path)).text();
  return /<meta http-equiv="refresh" content="5;url=([^"]+)">/.exec(done)![1]!.replaceAll("&amp;", "&");
}

describe("POST /api/v1/cancel-link", () => {
  test("200 with url, expiresAt, environment, sessionId and the snake_case aliases", async () => {
    const res = await link({ userId: "user_123", returnUrl: RETURN, environment: "prod", context: { plan: "pro_monthly", mrr: 129, tenureDays: 42 }, metadata: { source: "billing_settings_page" } });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(Object.keys(body).sort()).toEqual(["environment", "expiresAt", "expires_at", "sessionId", "session_id", "url"]);
    expect(body.url).toMatch(/^http:\/\/localhost:3000\/c\/[0-9a-f]{32}[0-9A-Za-z]{33}$/);
    expect(body.expiresAt).toBe(new Date(t.clock.now() + 60 * 60_000).toISOString());
    expect(body.expires_at).toBe(body.expiresAt);
    expect(body.session_id).toBe(body.sessionId);
    expect(body.environment).toBe("prod");
    const row = t.deps.db.query("select * from sessions where id = ?").get(body.sessionId) as Record<string, unknown>;
    expect(row).toMatchObject({ customer_id: "user_123", return_url: RETURN, source: "cancel_link", state: "created", outcome: "pending" });
    expect(JSON.parse(row.context as string)).toEqual({ plan: "pro_monthly", mrr: 129, tenureDays: 42 });
    expect(JSON.parse(row.metadata as string)).toEqual({ source: "billing_settings_page" });
    // The token is the session id and a secret; only the secret's hash is stored.
    const token = body.url.split("/c/")[1];
    expect(token.slice(0, 32)).toBe(body.sessionId.replaceAll("-", ""));
    expect(JSON.stringify(row)).not.toContain(token.slice(32));
    expect(row.link_token_hash).toBe(sha256Hex(token.slice(32)));
  });

  test("accepts user_id / return_url aliases, x-api-key, and ignores unknown top-level fields", async () => {
    const res = await t.request("POST", "/api/v1/cancel-link", { headers: { "x-api-key": ws.liveKey }, body: { user_id: "u9", return_url: RETURN, surprise: "never stored" } });
    expect(res.status).toBe(200);
    const { sessionId } = await res.json();
    const row = t.deps.db.query("select * from sessions where id = ?").get(sessionId) as Record<string, unknown>;
    expect(row.customer_id).toBe("u9");
    expect(JSON.stringify(row)).not.toContain("never stored");
  });

  test("a test key only ever makes sandbox sessions", async () => {
    const res = await link({ userId: "u1", environment: "prod" }, ws.testKey);
    expect((await res.json()).environment).toBe("sandbox");
  });

  test("Core plan accepts mrr and tenureDays but does not store them", async () => {
    const core = await seedWorkspace(t, { name: "Core Co", plan: "core" });
    const res = await link({ userId: "u1", context: { plan: "basic", mrr: 10, tenureDays: 3 } }, core.liveKey);
    expect(res.status).toBe(200);
    const row = t.deps.db.query("select context from sessions where id = ?").get((await res.json()).sessionId) as { context: string };
    expect(JSON.parse(row.context)).toEqual({ plan: "basic" });
  });

  test("the link lifetime follows the workspace setting", async () => {
    await t.deps.workspaceService.update(ws.id, { linkTtlMinutes: 5 });
    const body = await (await link({ userId: "u1" })).json();
    expect(body.expiresAt).toBe(new Date(t.clock.now() + 5 * 60_000).toISOString());
  });

  const SECRET = "s3cr3t-value-xyz";
  test.each([
    ["missing userId", { returnUrl: RETURN }, "userId"],
    ["empty userId", { userId: "" }, "userId"],
    ["userId too long", { userId: "x".repeat(201) }, "userId"],
    ["userId not a string", { userId: 42 }, "userId"],
    ["bad environment", { userId: "u", environment: SECRET }, "environment"],
    ["negative mrr", { userId: "u", context: { mrr: -1 } }, "context.mrr"],
    ["fractional tenure", { userId: "u", context: { tenureDays: 1.5 } }, "context.tenureDays"],
    ["nested metadata", { userId: "u", metadata: { a: { b: SECRET } } }, "metadata"],
    ["metadata key too long", { userId: "u", metadata: { ["k".repeat(41)]: 1 } }, "metadata"],
    ["metadata string too long", { userId: "u", metadata: { a: "x".repeat(501) } }, "metadata"],
    ["too many metadata keys", { userId: "u", metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])) }, "metadata"],
    ["flowId not a uuid", { userId: "u", flowId: SECRET }, "flowId"],
    ["body is an array", [SECRET], "Request body"],
  ])("400 %s names the field and never echoes the value", async (_name, body, field) => {
    const res = await link(body);
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(JSON.parse(text).error).toContain(field);
    expect(text).not.toContain(SECRET);
    expect(t.deps.db.query("select count(*) as n from sessions").get()).toEqual({ n: 0 });
  });

  test.each([
    "javascript:alert(1)",
    "data:text/html,hi",
    "https://app.example.com@evil.example.com/billing/",
    "https://ok@app.example.com/billing/x",
    "https://app.example.com.evil.example.com/billing/",
    "//evil.example.com/billing/",
    "http://app.example.com/billing/x",
    "https://app.example.com/admin",
    "https://evil.example.com/billing/",
  ])("400 for a returnUrl that is not allowlisted: %s", async (returnUrl) => {
    await runScenario(t, { name: returnUrl, method: "POST", url: "/api/v1/cancel-link", key: ws.liveKey, body: { userId: "u", returnUrl }, expectStatus: 400, expectError: "returnUrl" });
  });

  test("unknown flowId → 404", async () => {
    await runScenario(t, { name: "flow", method: "POST", url: "/api/v1/cancel-link", key: ws.liveKey, body: { userId: "u", flowId: crypto.randomUUID() }, expectStatus: 404, expectError: "flowId" });
  });

  test("another workspace's flowId → 404", async () => {
    const other = await seedWorkspace(t, { name: "Other" });
    await runScenario(t, { name: "flow", method: "POST", url: "/api/v1/cancel-link", key: ws.liveKey, body: { userId: "u", flowId: other.defaultFlowId }, expectStatus: 404 });
  });

  test("401 missing, unknown and revoked keys", async () => {
    await runScenario(t, { name: "none", method: "POST", url: "/api/v1/cancel-link", body: { userId: "u" }, expectStatus: 401, expectError: "API key" });
    await runScenario(t, { name: "bad", method: "POST", url: "/api/v1/cancel-link", key: "hf_live_wrongwrongwrongwrongwrong", body: { userId: "u" }, expectStatus: 401 });
    const key = await t.deps.keyService.authenticate(ws.liveKey);
    await t.deps.keyService.revoke(key!.id);
    await runScenario(t, { name: "revoked", method: "POST", url: "/api/v1/cancel-link", key: ws.liveKey, body: { userId: "u" }, expectStatus: 401 });
  });

  test("402 when the workspace is read-only", async () => {
    await t.deps.workspaceService.update(ws.id, { access: "read_only" });
    await runScenario(t, { name: "ro", method: "POST", url: "/api/v1/cancel-link", key: ws.liveKey, body: { userId: "u" }, expectStatus: 402, expectError: "read-only" });
  });

  test("403 for a read-only key", async () => {
    await runScenario(t, { name: "read", method: "POST", url: "/api/v1/cancel-link", key: ws.readKey, body: { userId: "u" }, expectStatus: 403, expectError: "read-only" });
    expect(t.deps.db.query("select count(*) as n from sessions").get()).toEqual({ n: 0 });
  });

  test("409 when no returnUrl is given and no default is configured", async () => {
    const bare = await seedWorkspace(t, { name: "Bare", defaultReturnUrl: null });
    await runScenario(t, { name: "409", method: "POST", url: "/api/v1/cancel-link", key: bare.liveKey, body: { userId: "u" }, expectStatus: 409, expectError: "return URL" });
  });

  test("413 for a body over 64 KiB, 415 for a non-JSON Content-Type", async () => {
    await runScenario(t, { name: "413", method: "POST", url: "/api/v1/cancel-link", key: ws.liveKey, body: { userId: "u", metadata: { a: "x".repeat(70_000) } }, expectStatus: 413 });
    await runScenario(t, { name: "415", method: "POST", url: "/api/v1/cancel-link", key: ws.liveKey, raw: "userId=u", headers: { "content-type": "application/x-www-form-urlencoded" }, expectStatus: 415, expectError: "application/json" });
  });

  test("429 over the per-key limit, with Retry-After and RateLimit headers", async () => {
    const small = await makeTestApp({ rateLimitPerMinute: 2 });
    const w = await seedWorkspace(small);
    const first = await small.request("POST", "/api/v1/cancel-link", { key: w.liveKey, body: { userId: "u" } });
    expect(first.headers.get("ratelimit-policy")).toBe('"per-key";q=2;w=60');
    expect(first.headers.get("ratelimit")).toBe('"per-key";r=1;t=60');
    await small.request("POST", "/api/v1/cancel-link", { key: w.liveKey, body: { userId: "u" } });
    const res = await small.request("POST", "/api/v1/cancel-link", { key: w.liveKey, body: { userId: "u" } });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("60");
    expect(res.headers.get("ratelimit")).toBe('"per-key";r=0;t=60');
    expect((await res.json()).error).toContain("Rate limit");
    // Another key has its own budget; the window resets after a minute.
    expect((await small.request("POST", "/api/v1/cancel-link", { key: w.testKey, body: { userId: "u" } })).status).toBe(200);
    small.clock.advance(60_000);
    expect((await small.request("POST", "/api/v1/cancel-link", { key: w.liveKey, body: { userId: "u" } })).status).toBe(200);
  });
});

describe("POST /api/public/cancel/result", () => {
  async function savedToken() {
    const body = await (await link({ userId: "user_123", context: { mrr: 49 } })).json();
    const location = await complete(body.url, "saved");
    return { location, sessionId: body.sessionId as string, token: new URL(location).hash.replace("#ci_result_token=", "") };
  }

  test("the completion redirect carries rb_session in the query and the token only in the fragment", async () => {
    const { location, sessionId, token } = await savedToken();
    const url = new URL(location);
    expect(`${url.origin}${url.pathname}`).toBe(RETURN);
    expect(url.searchParams.get("rb_session")).toBe(sessionId);
    expect(url.search).not.toContain(token.slice(0, 20));
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: "HS256", typ: RESULT_TOKEN_TYPE });
    expect(decodeProtectedHeader(token).kid).toBeTruthy();
  });

  test("200 with the trusted payload", async () => {
    const { sessionId, token } = await savedToken();
    const res = await t.request("POST", "/api/public/cancel/result", { body: { token } });
    expect(res.status).toBe(200);
    const p = await res.json();
    const now = Math.floor(t.clock.now() / 1000);
    expect(p).toEqual({
      valid: true,
      iss: BASE,
      aud: ws.id,
      sub: "user_123",
      sid: sessionId,
      sessionId,
      session_id: sessionId,
      userId: "user_123",
      outcome: "saved",
      reason: "too expensive",
      feedback: null,
      offer: { kind: "discount", percentOff: 30, durationMonths: 3 },
      environment: "prod",
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      iat: now,
      exp: now + 15 * 60,
    });
  });

  test("401 once expired", async () => {
    const { token } = await savedToken();
    t.clock.advance(15 * 60_000 + 1000);
    await runScenario(t, { name: "expired", method: "POST", url: "/api/public/cancel/result", body: { token }, expectStatus: 401, expectError: "expired" });
  });

  test("400 for missing, malformed, tampered, alg:none and other-workspace tokens", async () => {
    const { token } = await savedToken();
    const [h, p, s] = token.split(".");
    const payload = JSON.parse(Buffer.from(p, "base64url").toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, outcome: "canceled" })).toString("base64url")}.${s}`;
    const header = decodeProtectedHeader(token);
    const none = new UnsecuredJWT(payload).encode();
    const noneWithKid = `${Buffer.from(JSON.stringify({ alg: "none", typ: RESULT_TOKEN_TYPE, kid: header.kid })).toString("base64url")}.${p}.`;
    const other = await seedWorkspace(t, { name: "Other" });
    const otherSecret = new TextEncoder().encode(other.signingSecret);
    const forged = await new SignJWT(payload).setProtectedHeader({ alg: "HS256", typ: RESULT_TOKEN_TYPE, kid: header.kid }).sign(otherSecret);
    const wrongType = await new SignJWT(payload).setProtectedHeader({ alg: "HS256", kid: header.kid }).sign(new TextEncoder().encode(ws.signingSecret));
    const wrongAudience = await new SignJWT({ ...payload, aud: other.id }).setProtectedHeader({ alg: "HS256", typ: RESULT_TOKEN_TYPE, kid: header.kid }).sign(new TextEncoder().encode(ws.signingSecret));
    const cases: [string, unknown][] = [
      ["missing", {}],
      ["empty", { token: "" }],
      ["garbage", { token: "not.a.jwt" }],
      ["tampered", { token: tampered }],
      ["alg none", { token: none }],
      ["alg none with kid", { token: noneWithKid }],
      ["other workspace's secret", { token: forged }],
      ["no typ", { token: wrongType }],
      ["wrong audience", { token: wrongAudience }],
    ];
    for (const [name, body] of cases) await runScenario(t, { name, method: "POST", url: "/api/public/cancel/result", body, expectStatus: 400, expectError: "token" });
  });

  describe("the token policy, not just the signature (forged tokens signed with the real secret)", () => {
    const TTL = 15 * 60;
    /** A token signed with this workspace's real secret and kid, with the claims the test chooses. */
    async function forge(claims: { iat: number; exp: number }, overrides: Record<string, unknown> = {}) {
      const { token } = await savedToken();
      const payload = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());
      return new SignJWT({ ...payload, ...claims, ...overrides })
        .setProtectedHeader({ alg: "HS256", typ: RESULT_TOKEN_TYPE, kid: decodeProtectedHeader(token).kid! })
        .sign(new TextEncoder().encode(ws.signingSecret));
    }
    const now = () => Math.floor(t.clock.now() / 1000);
    const verify = (token: string, extra: Record<string, unknown> = {}, key?: string) =>
      t.request("POST", "/api/public/cancel/result", { body: { token, ...extra }, key });

    test("a year-long exp is refused even though it has not passed", async () => {
      const token = await forge({ iat: now(), exp: now() + 365 * 24 * 3600 });
      await runScenario(t, { name: "long exp", method: "POST", url: "/api/public/cancel/result", body: { token }, expectStatus: 400, expectError: "token: lives longer" });
    });

    test("exp - iat one second over the lifetime is refused; exactly the lifetime passes", async () => {
      expect((await verify(await forge({ iat: now(), exp: now() + TTL + 1 }))).status).toBe(400);
      expect((await verify(await forge({ iat: now(), exp: now() + TTL }))).status).toBe(200);
    });

    test("an iat more than 30 s in the future is refused; within the clock tolerance it passes", async () => {
      const ahead = await forge({ iat: now() + 3600, exp: now() + 3600 + TTL });
      await runScenario(t, { name: "future iat", method: "POST", url: "/api/public/cancel/result", body: { token: ahead }, expectStatus: 400, expectError: "token: issued in the future" });
      expect((await verify(await forge({ iat: now() + 31, exp: now() + 31 + TTL }))).status).toBe(400);
      expect((await verify(await forge({ iat: now() + 20, exp: now() + 20 + TTL }))).status).toBe(200);
    });

    test("an iat older than the lifetime (+ 30 s tolerance) is expired even while exp is still ahead", async () => {
      const old = await forge({ iat: now() - TTL - 31, exp: now() + 10 });
      await runScenario(t, { name: "old iat", method: "POST", url: "/api/public/cancel/result", body: { token: old }, expectStatus: 401, expectError: "expired" });
      const aged = await forge({ iat: now() - TTL - 31, exp: now() - 31 });
      await runScenario(t, { name: "aged", method: "POST", url: "/api/public/cancel/result", body: { token: aged }, expectStatus: 401, expectError: "expired" });
    });

    test("a token without iat or exp is refused", async () => {
      const { token } = await savedToken();
      const payload = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());
      const kid = decodeProtectedHeader(token).kid!;
      for (const drop of ["iat", "exp"]) {
        const { [drop]: _, ...rest } = payload;
        const forged = await new SignJWT(rest).setProtectedHeader({ alg: "HS256", typ: RESULT_TOKEN_TYPE, kid }).sign(new TextEncoder().encode(ws.signingSecret));
        expect((await verify(forged)).status).toBe(400);
      }
    });
  });

  describe("scoped to a workspace", () => {
    test("workspaceId: this workspace's token passes, another workspace's is refused", async () => {
      const { token } = await savedToken();
      const other = await seedWorkspace(t, { name: "Other" });
      const ok = await t.request("POST", "/api/public/cancel/result", { body: { token, workspaceId: ws.id } });
      expect(ok.status).toBe(200);
      expect((await ok.json()).aud).toBe(ws.id);
      await runScenario(t, { name: "other ws", method: "POST", url: "/api/public/cancel/result", body: { token, workspaceId: other.id }, expectStatus: 400, expectError: "token: not issued for this workspace" });
    });

    test("an API key scopes to its workspace; a bad key is 401; a contradicting workspaceId is 400", async () => {
      const { token } = await savedToken();
      const other = await seedWorkspace(t, { name: "Other" });
      expect((await t.request("POST", "/api/public/cancel/result", { key: ws.readKey, body: { token } })).status).toBe(200);
      expect((await t.request("POST", "/api/public/cancel/result", { headers: { "x-api-key": ws.liveKey }, body: { token } })).status).toBe(200);
      await runScenario(t, { name: "other key", method: "POST", url: "/api/public/cancel/result", key: other.readKey, body: { token }, expectStatus: 400, expectError: "token: not issued for this workspace" });
      await runScenario(t, { name: "bad key", method: "POST", url: "/api/public/cancel/result", key: "hf_live_nope", body: { token }, expectStatus: 401, expectError: "API key" });
      await runScenario(t, { name: "mismatch", method: "POST", url: "/api/public/cancel/result", key: other.readKey, body: { token, workspaceId: ws.id }, expectStatus: 400, expectError: "workspaceId" });
    });
  });

  test("a rotated secret keeps verifying earlier tokens during the grace period", async () => {
    const { token } = await savedToken();
    await t.deps.workspaceService.rotateSecret(ws.id);
    expect((await t.request("POST", "/api/public/cancel/result", { body: { token } })).status).toBe(200);
  });
});

describe("GET /api/v1/cancel-sessions/:session_id", () => {
  test("200 diagnostics through the session's life", async () => {
    const created = await (await link({ userId: "user_123", context: { plan: "pro", mrr: 49 } })).json();
    const get = () => t.request("GET", `/api/v1/cancel-sessions/${created.sessionId}`, { key: ws.readKey });
    let d = await (await get()).json();
    expect(d).toMatchObject({ sessionId: created.sessionId, session_id: created.sessionId, state: "created", outcome: "pending", completed: false, environment: "prod", userId: "user_123", linkedEvent: null, openedAt: null });
    await t.request("GET", new URL(created.url).pathname);
    d = await (await get()).json();
    expect(d.state).toBe("opened");
    expect(d.openedAt).toBe(new Date(t.clock.now()).toISOString());
    await complete(created.url, "saved");
    d = await (await get()).json();
    expect(d).toMatchObject({ state: "completed", completed: true, outcome: "saved", reason: "too expensive", recoveredMrrCents: 4900, offer: { kind: "discount", percentOff: 30, durationMonths: 3 } });
  });

  test("an unopened link past its expiry reads as expired, and its page answers 410", async () => {
    const created = await (await link({ userId: "u" })).json();
    t.clock.advance(61 * 60_000);
    expect((await (await t.request("GET", `/api/v1/cancel-sessions/${created.sessionId}`, { key: ws.liveKey })).json()).state).toBe("expired");
    expect((await t.request("GET", new URL(created.url).pathname)).status).toBe(410);
  });

  test("400 non-uuid, 404 unknown or another workspace's, 403 on Core, 401 without key", async () => {
    const other = await seedWorkspace(t, { name: "Other" });
    const theirs = await (await link({ userId: "them" }, other.liveKey)).json();
    await runScenario(t, { name: "uuid", method: "GET", url: "/api/v1/cancel-sessions/nope", key: ws.liveKey, expectStatus: 400, expectError: "session_id" });
    await runScenario(t, { name: "unknown", method: "GET", url: `/api/v1/cancel-sessions/${crypto.randomUUID()}`, key: ws.liveKey, expectStatus: 404 });
    const res = await runScenario(t, { name: "theirs", method: "GET", url: `/api/v1/cancel-sessions/${theirs.sessionId}`, key: ws.liveKey, expectStatus: 404 });
    expect(await res.text()).not.toContain("them");
    const core = await seedWorkspace(t, { name: "Core", plan: "core" });
    await runScenario(t, { name: "core", method: "GET", url: `/api/v1/cancel-sessions/${crypto.randomUUID()}`, key: core.liveKey, expectStatus: 403, expectError: "Advanced" });
    await runScenario(t, { name: "nokey", method: "GET", url: `/api/v1/cancel-sessions/${theirs.sessionId}`, expectStatus: 401 });
  });

  test("a test key sees sandbox sessions only", async () => {
    const prod = await (await link({ userId: "u" })).json();
    const sandbox = await (await link({ userId: "u" }, ws.testKey)).json();
    expect((await t.request("GET", `/api/v1/cancel-sessions/${prod.sessionId}`, { key: ws.testKey })).status).toBe(404);
    expect((await t.request("GET", `/api/v1/cancel-sessions/${sandbox.sessionId}`, { key: ws.testKey })).status).toBe(200);
  });
});
