// The one rule for a session's state (SQL and TypeScript agree; no read reports a stale state), and replays: a
// completed session keeps the one result token it first issued.
import { beforeEach, describe, expect, test } from "bun:test";
import { decodeJwt } from "jose";
import { BASE, makeTestApp, seedWorkspace, type SeededWorkspace, type TestApp } from "../../../tests/helpers.ts";
import { buildHostedUrl } from "../hosted/hosted-url.ts";
import { currentState, currentStateSql } from "./session-state.ts";
import { SESSION_STATES } from "./sessions.schemas.ts";
let t: TestApp;
let ws: SeededWorkspace;
beforeEach(async () => {
  t = await makeTestApp();
  ws = await seedWorkspace(t);
});

const HOUR = 60 * 60_000;

async function newLink(key = ws.liveKey) {
  const res = await t.request("POST", "/api/v1/cancel-link", { key, body: { userId: "user_1", context: { mrr: 20 } } });
  expect(res.status).toBe(200);
  const json = await res.json();
  return { path: new URL(json.url).pathname, sessionId: json.sessionId as string };
}

const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";

function post(path: string, fields: Record<string, string>) {
  return t.request("POST", path, { raw: new URLSearchParams(fields), headers: { "content-type": "application/x-www-form-urlencoded" } });
}

async function cancelThrough(path: string): Promise<string> {
  const csrf = csrfOf(await (await t.request("GET", path)).text());
  const res = await post(path, { _csrf: csrf, action: "confirm" });
  expect(res.status).toBe(303);
  return res.headers.get("location")!;
}

// A decided session's page (the confirmation page) links back to the completion URL, `…#ci_result_token=<jwt>`.
async function tokenShownAt(path: string): Promise<string> {
  const html = await (await t.request("GET", path)).text();
  const token = /ci_result_token=([A-Za-z0-9_.-]+)/.exec(html)?.[1];
  expect(token).toBeDefined();
  return token!;
}
const rawState = (id: string) => (t.deps.db.query("select state from sessions where id = ?").get(id) as { state: string }).state;

describe("the state rule", () => {
  test.each([
    ["created", 100, 50, "created"],
    ["created", 100, 100, "created"],
    ["created", 100, 101, "expired"],
    ["opened", 100, 101, "expired"],
    ["completed", 100, 101, "completed"],
    ["expired", 100, 50, "expired"],
  ] as const)("stored %s, expiring at %d, read at %d → %s (TypeScript and SQL agree)", (stored, expiresAt, now, expected) => {
    expect(currentState(stored, expiresAt, now)).toBe(expected);
    const sql = t.deps.db.query(`select ${currentStateSql("?", "s")} as state from (select ? as state, ? as expires_at) as s`);
    // The SQL form binds `now` first, then the row (here a one-row subquery standing in for the table).
    expect((sql.get(now, stored, expiresAt) as { state: string }).state).toBe(expected);
  });

  test("every read reports an expired link as expired while the row still says created", async () => {
    const { sessionId } = await newLink();
    t.clock.advance(2 * HOUR);
    expect(rawState(sessionId)).toBe("created"); // nobody opened it: nothing was written
    expect((await t.deps.sessionService.get(ws.id, sessionId))!.state).toBe("expired");
    expect((await t.deps.sessionService.listRecent(ws.id, "prod")).map((s) => s.state)).toEqual(["expired"]);
    const rabbit = await t.request("GET", `/api/v1/sessions/${sessionId}`, { key: ws.liveKey });
    expect((await rabbit.json()).data.state).toBe("expired");
    const diagnostics = await t.request("GET", `/api/v1/cancel-sessions/${sessionId}`, { key: ws.liveKey });
    expect(await diagnostics.json()).toMatchObject({ state: "expired", status: "expired", completed: false });
  });

  test("counting by state in SQL applies the rule (what analytics use to count expired sessions)", async () => {
    await newLink();
    await newLink();
    const { path } = await newLink();
    await cancelThrough(path);
    t.clock.advance(2 * HOUR);
    const stats = await t.deps.db
      .query(`select ${currentStateSql()} as state, count(*) as n from sessions group by 1 order by 1`)
      .all(t.clock.now());
    expect(stats).toEqual([
      { state: "completed", n: 1 },
      { state: "expired", n: 2 },
    ]);
    expect(SESSION_STATES).toContain("expired");
    // Before the expiry, none of them is expired.
    expect(
      t.deps.db.query(`select count(*) as n from sessions where ${currentStateSql()} = 'expired'`).get(t.clock.now() - 2 * HOUR),
    ).toEqual({ n: 0 });
  });
});

describe("replays", () => {
  test("a completed link redirects with the same token on every reload and double submit", async () => {
    const { path, sessionId } = await newLink();
    const csrf = csrfOf(await (await t.request("GET", path)).text());
    // The outcome is recorded, then the confirmation page shows it and links back with the token.
    expect((await post(path, { _csrf: csrf, action: "confirm" })).headers.get("location")).toBe(path);
    const first = await tokenShownAt(path);
    const claims = decodeJwt(first);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(claims.sid).toBe(sessionId);

    t.clock.advance(5 * 60_000);
    // A double submit (even a different action) gets the first outcome and the first token.
    const again = await post(path, { _csrf: csrf, action: "keep" });
    expect(again.headers.get("location")).toBe(path);
    expect(await tokenShownAt(path)).toBe(first);
    // Reloading the page shows the outcome; its return link carries the same token.
    const page = await (await t.request("GET", path)).text();
    expect(page).toContain("Your subscription is canceled");
    expect(page).toContain(`ci_result_token=${first}`);
    // Long after its link would have expired, a completed session stays completed.
    t.clock.advance(10 * HOUR);
    expect((await t.request("GET", path)).status).toBe(200);
    expect(rawState(sessionId)).toBe("completed");
    expect((t.deps.db.query("select result_token from sessions where id = ?").get(sessionId) as { result_token: string }).result_token).toBe(first);
  });

  test("a signed hosted URL, once its session is completed, shows the outcome: no new link, token or expiry", async () => {
    const url = buildHostedUrl(BASE, ws.signingSecret, ws.id, ws.defaultFlowId, { customerId: "cus_7", ts: Math.floor(t.clock.now() / 1000) }).slice(BASE.length);
    const start = await t.request("GET", url);
    expect(start.status).toBe(303);
    const link = new URL(start.headers.get("location")!).pathname;
    expect(await cancelThrough(link)).toBe(link);
    const token = await tokenShownAt(link);
    const before = t.deps.db.query("select link_token_hash, expires_at, result_token from sessions").all();

    t.clock.advance(30 * 60_000);
    const reload = await t.request("GET", url);
    expect(reload.status).toBe(200);
    const html = await reload.text();
    expect(html).toContain("Your subscription is canceled");
    expect(html).toContain(`ci_result_token=${token}`);
    expect(t.deps.db.query("select link_token_hash, expires_at, result_token from sessions").all()).toEqual(before);
    // The original link still shows the same outcome.
    expect(await (await t.request("GET", link)).text()).toContain(`ci_result_token=${token}`);
  });

  test("a signed hosted URL still open continues its session with a fresh link and a longer expiry", async () => {
    const url = buildHostedUrl(BASE, ws.signingSecret, ws.id, ws.defaultFlowId, { customerId: "cus_8", ts: Math.floor(t.clock.now() / 1000) }).slice(BASE.length);
    const first = (await t.request("GET", url)).headers.get("location")!;
    const expiresBefore = (t.deps.db.query("select expires_at from sessions").get() as { expires_at: number }).expires_at;
    t.clock.advance(30 * 60_000);
    const second = (await t.request("GET", url)).headers.get("location")!;
    expect(second).not.toBe(first);
    expect((t.deps.db.query("select expires_at from sessions").get() as { expires_at: number }).expires_at).toBe(expiresBefore + 30 * 60_000);
  });
});
