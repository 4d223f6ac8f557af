// The shell and the API keys page through app.handle: headers, CSRF, roles, workspace isolation, keys shown once.
import { describe, expect, test } from "bun:test";
import { makeTestApp, seedWorkspace } from "../../../tests/helpers.ts";
import { DashboardClient, csrfOf, secretOf, signedIn } from "../../../tests/dashboard-client.ts";
import { safeNext } from "./dashboard.shell.ts";

const keyCount = (t: Awaited<ReturnType<typeof makeTestApp>>, ws: string) => (t.deps.db.query("select count(*) as n from api_keys where workspace_id = ?").get(ws) as { n: number }).n;

describe("shell", () => {
  test("every dashboard page (signed in or not) carries the strict headers", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const c = await signedIn(t, ws.id, "owner");
    const anon = new DashboardClient(t);
    const pages = [
      await anon.get("/dashboard/login"),
      await anon.get("/dashboard/setup"),
      ...(await Promise.all(["/dashboard", "/dashboard/keys", "/dashboard/flows", "/dashboard/billing", "/dashboard/account", "/dashboard/nope"].map((p) => c.get(p)))),
    ];
    for (const p of pages) {
      const csp = p.headers.get("content-security-policy")!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain("unsafe-inline");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(p.headers.get("referrer-policy")).toBe("same-origin");
      expect(p.headers.get("cache-control")).toBe("no-store");
      expect(p.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(p.html).not.toMatch(/<script>|<script(?![^>]*\bsrc=)/); // no inline script at all
    }
    expect(pages.map((p) => p.status)).toEqual([200, 403, 200, 200, 200, 200, 200, 404]);
  });

  test("signed out: pages redirect to sign-in with a safe next", async () => {
    const t = await makeTestApp();
    const res = await new DashboardClient(t).get("/dashboard/keys?x=1");
    expect(res.status).toBe(303);
    expect(res.location).toBe("/dashboard/login?next=%2Fdashboard%2Fkeys%3Fx%3D1");
    expect(safeNext("https://evil.example/")).toBe("/dashboard");
    expect(safeNext("//evil.example/dashboard")).toBe("/dashboard");
    expect(safeNext("/dashboard/keys")).toBe("/dashboard/keys");
  });

  test("CSRF: a POST without the token, with a wrong one, or from another origin is 403 and changes nothing", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const c = await signedIn(t, ws.id, "owner");
    const before = keyCount(t, ws.id);
    const token = csrfOf((await c.get("/dashboard/keys")).html);
    const attempts = [
      await c.post("/dashboard/keys", { mode: "live", scope: "read" }),
      await c.post("/dashboard/keys", { _csrf: "x".repeat(33), mode: "live", scope: "read" }),
      await c.post("/dashboard/keys", { _csrf: token, mode: "live", scope: "read" }, { origin: "https://evil.example" }),
      await c.post("/dashboard/keys", { _csrf: token, mode: "live", scope: "read" }, { origin: "null" }),
    ];
    // Neither Origin nor Sec-Fetch-Site: refused too.
    const res = await t.app.handle(new Request("http://localhost:3000/dashboard/keys", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: `holdfast_session=${c.cookies.get("holdfast_session")}` },
      body: new URLSearchParams({ _csrf: token, mode: "live", scope: "read" }),
    }));
    expect([...attempts.map((a) => a.status), res.status]).toEqual([403, 403, 403, 403, 403]);
    expect(keyCount(t, ws.id)).toBe(before);
    // Sec-Fetch-Site: same-origin without Origin is accepted (some browsers omit Origin on same-origin posts).
    const fine = await c.post("/dashboard/keys", { _csrf: token, mode: "live", scope: "read" }, { origin: "", "sec-fetch-site": "same-origin" });
    expect(fine.status).toBe(303);
    expect(keyCount(t, ws.id)).toBe(before + 1);
  });

  test("the switcher changes the active workspace of this login session; a non-member workspace is 404", async () => {
    const t = await makeTestApp();
    const a = await seedWorkspace(t, { name: "Alpha" });
    const b = await seedWorkspace(t, { name: "Beta" });
    const foreign = await seedWorkspace(t, { name: "Gamma" });
    const c = await signedIn(t, a.id, "owner");
    await t.deps.userService.addMembership(c.userId, b.id, "viewer");
    const page = await c.get("/dashboard");
    expect(page.html).toContain('selected>Alpha</option>');
    expect(page.html).toContain(">Beta</option>");
    expect(page.html).not.toContain("Gamma");
    const token = csrfOf(page.html);
    expect((await c.post("/dashboard/workspace", { _csrf: token, workspaceId: b.id })).status).toBe(303);
    const after = await c.get("/dashboard/keys");
    expect(after.html).toContain('selected>Beta</option>');
    expect(after.html).toContain('<span class="role-tag">viewer</span>');
    expect((await c.post("/dashboard/workspace", { _csrf: token, workspaceId: foreign.id })).status).toBe(404);
    expect((await c.get("/dashboard")).html).toContain('selected>Beta</option>');
  });
});

describe("API keys page", () => {
  test("create: the full key is shown once, works against the API, and only its prefix is listed", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const c = await signedIn(t, ws.id, "admin");
    const res = await c.submit("/dashboard/keys", "/dashboard/keys", { mode: "test", scope: "read" });
    expect(res.status).toBe(303);
    expect(res.location).toBe("/dashboard/keys");
    const shown = await c.get("/dashboard/keys");
    const key = secretOf(shown.html)!;
    expect(key).toMatch(/^hf_test_[0-9A-Za-z]{33}$/);
    const again = await c.get("/dashboard/keys");
    expect(secretOf(again.html)).toBeNull();
    expect(again.html).not.toContain(key);
    expect(again.html).toContain(`<code>${key.slice(0, 12)}…</code>`);
    // It is a real read key of this workspace, in test mode.
    const flows = await t.request("GET", "/api/v1/flows", { key });
    expect(flows.status).toBe(200);
    const write = await t.request("POST", "/api/v1/sessions", { key, body: { customerId: "c1" } });
    expect(write.status).toBe(403);
  });

  test("revoke asks first (a confirmation page without JavaScript), then the key stops working", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const c = await signedIn(t, ws.id, "admin");
    const keyId = (await t.deps.keyService.list(ws.id)).find((k) => k.mode === "live" && k.scope === "read")!.id;
    const first = await c.submit("/dashboard/keys", `/dashboard/keys/${keyId}/revoke`, {});
    expect(first.status).toBe(200);
    expect(first.html).toContain("<h1>Revoke API key</h1>");
    expect((await t.request("GET", "/api/v1/flows", { key: ws.readKey })).status).toBe(200);
    const done = await c.post(`/dashboard/keys/${keyId}/revoke`, { _csrf: csrfOf(first.html), confirmed: "1" });
    expect(done.status).toBe(303);
    expect((await t.request("GET", "/api/v1/flows", { key: ws.readKey })).status).toBe(401);
    expect((await c.get("/dashboard/keys")).html).toMatch(/Revoked <time/);
  });

  test("another workspace's key id answers 404 and stays valid", async () => {
    const t = await makeTestApp();
    const mine = await seedWorkspace(t);
    const theirs = await seedWorkspace(t, { name: "Other" });
    const c = await signedIn(t, mine.id, "owner");
    const theirKey = (await t.deps.keyService.list(theirs.id))[0];
    const res = await c.submit("/dashboard/keys", `/dashboard/keys/${theirKey.id}/revoke`, { confirmed: "1" });
    expect(res.status).toBe(404);
    expect(res.html).toContain("No such API key in this workspace");
    expect((await t.deps.keyService.list(theirs.id))[0].revokedAt).toBeNull();
  });

  test("roles: a viewer sees the list but no create form, and a POST is a 403 page that changes nothing", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const viewer = await signedIn(t, ws.id, "viewer");
    const page = await viewer.get("/dashboard/keys");
    expect(page.status).toBe(200);
    expect(page.html).not.toContain('action="/dashboard/keys"');
    expect(page.html).toContain("Viewers can see keys");
    const before = keyCount(t, ws.id);
    const res = await viewer.post("/dashboard/keys", { _csrf: csrfOf(page.html), mode: "live", scope: "read_write" });
    expect(res.status).toBe(403);
    expect(res.html).toContain("This needs the admin role; you are a viewer");
    expect(keyCount(t, ws.id)).toBe(before);
  });
});
