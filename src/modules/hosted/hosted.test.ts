import { beforeEach, describe, expect, test } from "bun:test";
import { BASE, makeTestApp, seedWorkspace, type SeededWorkspace, type TestApp } from "../../../tests/helpers.ts";
import { buildHostedUrl } from "./hosted-url.ts";

let t: TestApp;
let ws: SeededWorkspace;
beforeEach(async () => {
  t = await makeTestApp();
  ws = await seedWorkspace(t);
});

async function newLink(body: Record<string, unknown> = {}) {
  const res = await t.request("POST", "/api/v1/cancel-link", { key: ws.liveKey, body: { userId: "user_1", context: { mrr: 20 }, ...body } });
  const json = await res.json();
  return { path: new URL(json.url).pathname, sessionId: json.sessionId as string };
}

const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";

async function open(path: string) {
  const res = await t.request("GET", path);
  const html = await res.text();
  return { res, html, csrf: csrfOf(html) };
}

function post(path: string, fields: Record<string, string>) {
  return t.app.handle(new Request(`${BASE}${path}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields) }));
}

const row = (id: string) => t.deps.db.query("select state, step, outcome, reason, feedback, offer, recovered_mrr_cents from sessions where id = ?").get(id) as Record<string, unknown>;

describe("the hosted page /c/:token", () => {
  test("serves the survey with strict security headers and the workspace brand", async () => {
    await t.deps.workspaceService.update(ws.id, { displayName: "Acme Analytics", accentColor: "#0f766e" });
    const { path } = await newLink();
    const { res, html } = await open(path);
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self' https://app.example.com");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(html).toContain("Acme Analytics");
    expect(html).toContain("--accent:#0f766e");
    expect(html).toContain('<label class="choice" for="reason-0">');
    for (const reason of ["Too expensive", "Not using it enough", "Missing a feature", "Switching to another product", "Technical problems", "Only needed it temporarily", "Other"]) expect(html).toContain(reason);
    expect(html).not.toMatch(/<script>(?!<\/script>)/); // no inline script
  });

  test("save: too expensive → discount offer → accept records saved with the offer and recovered MRR", async () => {
    const { path, sessionId } = await newLink();
    const { csrf } = await open(path);
    expect(row(sessionId).state).toBe("opened");
    let res = await post(path, { _csrf: csrf, action: "survey", reason: "too expensive" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(path);
    const offerPage = await open(path);
    expect(offerPage.html).toContain("30% off for 3 months");
    res = await post(path, { _csrf: csrf, action: "accept" });
    expect(res.status).toBe(303);
    // The flow's confirmation page first; it returns by itself (and by its button) to the completion URL.
    expect(res.headers.get("location")).toBe(path);
    expect(row(sessionId)).toEqual({ state: "completed", step: "done", outcome: "saved", reason: "too expensive", feedback: null, offer: JSON.stringify({ kind: "discount", percentOff: 30, durationMonths: 3 }), recovered_mrr_cents: 2000 });
    const done = await open(path);
    expect(done.html).toContain("<h1>You&#39;re all set</h1>");
    const completion = new RegExp(`https://app\\.example\\.com/billing/cancel/callback\\?rb_session=${sessionId}#ci_result_token=[A-Za-z0-9._-]+`);
    const refresh = /<meta http-equiv="refresh" content="5;url=([^"]+)">/.exec(done.html)?.[1];
    const button = /<a class="button primary" href="([^"]+)">Return to Acme<\/a>/.exec(done.html)?.[1];
    expect(refresh).toMatch(completion);
    expect(button).toBe(refresh!);
  });

  test("cancel: decline the offer → confirm records canceled; resubmits never change it", async () => {
    const { path, sessionId } = await newLink();
    const { csrf } = await open(path);
    await post(path, { _csrf: csrf, action: "survey", reason: "not using it enough" });
    expect((await open(path)).html).toContain("Pause for 2 months");
    await post(path, { _csrf: csrf, action: "decline" });
    expect((await open(path)).html).toContain("Confirm your cancellation");
    const res = await post(path, { _csrf: csrf, action: "confirm" });
    expect(res.status).toBe(303);
    expect(row(sessionId)).toMatchObject({ state: "completed", outcome: "canceled", recovered_mrr_cents: 0, offer: null });
    // Double submit, back button, a forged "accept" after the fact: the first outcome stands.
    for (const action of ["confirm", "keep", "accept", "survey"]) {
      const again = await post(path, { _csrf: csrf, action, reason: "too expensive" });
      expect(again.status).toBe(303);
      expect(again.headers.get("location")).toBe(path);
    }
    expect(row(sessionId)).toMatchObject({ outcome: "canceled", reason: "not using it enough" });
    const done = await open(path);
    expect(done.res.status).toBe(200);
    expect(done.html).toContain("Your subscription is canceled");
    expect(done.html).toContain("Return to Acme");
    expect(done.html).toContain(`rb_session=${sessionId}#ci_result_token=`);
  });

  test("a reason without an offer goes straight to confirmation; keep counts as saved without an offer", async () => {
    const { path, sessionId } = await newLink();
    const { csrf } = await open(path);
    await post(path, { _csrf: csrf, action: "survey", reason: "switching to another product" });
    expect((await open(path)).html).toContain("Confirm your cancellation");
    await post(path, { _csrf: csrf, action: "keep" });
    expect(row(sessionId)).toMatchObject({ outcome: "saved", offer: null, recovered_mrr_cents: 2000 });
  });

  test("other needs free text: the error page keeps what was typed and changes nothing", async () => {
    const { path, sessionId } = await newLink();
    const { csrf } = await open(path);
    let res = await post(path, { _csrf: csrf, action: "survey", reason: "other", feedback: "   " });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('role="alert"');
    expect(html).toMatch(/value="other" checked/);
    expect(row(sessionId)).toMatchObject({ step: "survey", reason: null });
    res = await post(path, { _csrf: csrf, action: "survey", reason: "other", feedback: "We <b>moved</b> in-house" });
    expect(res.status).toBe(303);
    expect(row(sessionId)).toMatchObject({ step: "confirm", reason: "other", feedback: "We <b>moved</b> in-house" });
    await post(path, { _csrf: csrf, action: "back" });
    const survey = await open(path);
    expect(survey.html).toContain("We &lt;b&gt;moved&lt;/b&gt; in-house"); // escaped, never markup
  });

  test("no reason chosen keeps the subscriber on the survey; skipping always reaches cancel", async () => {
    const { path, sessionId } = await newLink();
    const { csrf } = await open(path);
    expect((await post(path, { _csrf: csrf, action: "survey" })).status).toBe(400);
    expect((await post(path, { _csrf: csrf, action: "survey", reason: "made up" })).status).toBe(400);
    await post(path, { _csrf: csrf, action: "skip" });
    expect((await open(path)).html).toContain("Cancel my subscription");
    await post(path, { _csrf: csrf, action: "confirm" });
    expect(row(sessionId)).toMatchObject({ outcome: "canceled", reason: null });
  });

  test("a POST without the right CSRF token → 403 and nothing changes", async () => {
    const { path, sessionId } = await newLink();
    await open(path);
    const other = await newLink();
    const otherCsrf = (await open(other.path)).csrf;
    for (const fields of [{ action: "confirm" } as Record<string, string>, { _csrf: "", action: "confirm" }, { _csrf: "x".repeat(33), action: "confirm" }, { _csrf: otherCsrf, action: "confirm" }]) {
      const res = await post(path, fields);
      expect(res.status).toBe(403);
      expect(await res.text()).toContain("Nothing was changed");
    }
    expect(row(sessionId)).toMatchObject({ state: "opened", outcome: "pending" });
  });

  test("unknown link → 404 page; expired → 410 page, marked expired, and POSTs change nothing", async () => {
    const missing = await t.request("GET", "/c/abcdefghijklmnopqrstuvwxyz0123456");
    expect(missing.status).toBe(404);
    // The right session id with a wrong secret is just as unknown.
    const real = await newLink();
    const forged = `${real.path.slice(0, 3 + 32)}${"A".repeat(33)}`;
    expect((await t.request("GET", forged)).status).toBe(404);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toContain("text/html");
    expect(await missing.text()).toContain("This link does not work");
    const { path, sessionId } = await newLink();
    const { csrf } = await open(path);
    t.clock.advance(61 * 60_000);
    const expired = await open(path);
    expect(expired.res.status).toBe(410);
    expect(expired.html).toContain("This link has expired");
    expect((await post(path, { _csrf: csrf, action: "confirm" })).status).toBe(410);
    expect(row(sessionId)).toMatchObject({ state: "expired", outcome: "pending" });
  });

  test("a frame-allowing workspace gets its origins in frame-ancestors", async () => {
    await t.deps.workspaceService.update(ws.id, { frameAncestors: ["https://app.example.com"] });
    const { path } = await newLink();
    const res = await t.request("GET", path);
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors https://app.example.com");
    expect(res.headers.get("x-frame-options")).toBeNull();
  });
});

describe("the signed hosted URL /flow/:workspaceId/:flowId", () => {
  const nowSeconds = () => Math.floor(t.clock.now() / 1000);
  const signed = (p: { customerId: string; subscriptionId?: string; ts?: number }, secret = ws.signingSecret, flowId = ws.defaultFlowId) =>
    buildHostedUrl(BASE, secret, ws.id, flowId, { customerId: p.customerId, subscriptionId: p.subscriptionId, ts: p.ts ?? nowSeconds() }).slice(BASE.length);

  test("a valid signature starts a session on that flow; reloading continues the same one", async () => {
    const url = signed({ customerId: "cus_42", subscriptionId: "sub_9" });
    const res = await t.request("GET", url);
    expect(res.status).toBe(303);
    const location = res.headers.get("location")!;
    expect(location).toMatch(/^http:\/\/localhost:3000\/c\/[0-9a-f]{32}[0-9A-Za-z]{33}$/);
    const sessions = () => t.deps.db.query("select id, customer_id, subscription_id, source, environment, flow_id, return_url from sessions").all();
    expect(sessions()).toEqual([{ id: expect.any(String), customer_id: "cus_42", subscription_id: "sub_9", source: "hosted_url", environment: "prod", flow_id: ws.defaultFlowId, return_url: "https://app.example.com/billing/cancel/callback" }]);
    const page = await t.request("GET", new URL(location).pathname);
    expect(page.status).toBe(200);
    const again = await t.request("GET", url);
    expect(again.status).toBe(303);
    expect(sessions().length).toBe(1);
  });

  test("missing, tampered, other-secret and stale signatures get the friendly 403 page", async () => {
    const good = signed({ customerId: "cus_42" });
    const tampered = good.replace(/sig=([0-9a-f])/, (_m, c) => `sig=${c === "0" ? "1" : "0"}`);
    const renamed = good.replace("cus_42", "cus_43");
    const other = await seedWorkspace(t, { name: "Other" });
    const foreign = signed({ customerId: "cus_42" }, other.signingSecret);
    const stale = signed({ customerId: "cus_42", ts: nowSeconds() - 24 * 3600 - 1 });
    const future = signed({ customerId: "cus_42", ts: nowSeconds() + 3600 });
    const bare = `/flow/${ws.id}/${ws.defaultFlowId}`;
    for (const url of [bare, tampered, renamed, foreign, stale, future, `${bare}?customerId=cus_42&ts=${nowSeconds()}`]) {
      const res = await t.request("GET", url);
      expect(res.status).toBe(403);
      expect(res.headers.get("content-type")).toContain("text/html");
    }
    expect(await (await t.request("GET", stale)).text()).toContain("This link has expired");
    expect(await (await t.request("GET", tampered)).text()).toContain("This link is not valid");
    expect(t.deps.db.query("select count(*) as n from sessions").get()).toEqual({ n: 0 });
  });

  test("another workspace's flow or a non-uuid → 404 page", async () => {
    const other = await seedWorkspace(t, { name: "Other" });
    expect((await t.request("GET", signed({ customerId: "c" }, ws.signingSecret, other.defaultFlowId))).status).toBe(404);
    expect((await t.request("GET", "/flow/nope/nope")).status).toBe(404);
  });

  test("a read-only workspace answers 402 and starts nothing", async () => {
    await t.deps.workspaceService.update(ws.id, { access: "read_only" });
    expect((await t.request("GET", signed({ customerId: "c" }))).status).toBe(402);
    expect(t.deps.db.query("select count(*) as n from sessions").get()).toEqual({ n: 0 });
  });
});

describe("concurrent opens of one signed URL", () => {
  test("start one session, never a 500", async () => {
    const url = buildHostedUrl(BASE, ws.signingSecret, ws.id, ws.defaultFlowId, { customerId: "cus_race", ts: Math.floor(t.clock.now() / 1000) }).slice(BASE.length);
    const answers = await Promise.all(Array.from({ length: 5 }, () => t.request("GET", url)));
    expect(answers.map((r) => r.status)).toEqual([303, 303, 303, 303, 303]);
    expect(t.deps.db.query("select count(*) as n from sessions where customer_id = 'cus_race'").get()).toEqual({ n: 1 });
  });
});
