// Sign-in, setup, sessions and CSRF through app.handle: real migrations, real argon2id, a moving clock.
import { describe, expect, test } from "bun:test";
import { makeTestApp, seedWorkspace } from "../../../tests/helpers.ts";
import { DashboardClient, csrfOf, seedMember, signedIn } from "../../../tests/dashboard-client.ts";
import { sha256Hex } from "../../lib/crypto.ts";
import { announceSetup } from "./auth.routes.ts";

const count = (t: Awaited<ReturnType<typeof makeTestApp>>, table: string) => (t.deps.db.query(`select count(*) as n from ${table}`).get() as { n: number }).n;

describe("first-run setup", () => {
  test("without a token, or with a wrong one, answers 403 and creates nothing", async () => {
    const t = await makeTestApp();
    const real = await t.deps.authService.issueSetupToken();
    expect(real).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 bytes, base64url
    const c = new DashboardClient(t);
    expect((await c.get("/dashboard/setup")).status).toBe(403);
    expect((await c.get("/dashboard/setup?token=nope")).status).toBe(403);
    // A well-formed post with a wrong token (pre-login CSRF cookie obtained from the login page).
    const login = await c.get("/dashboard/login");
    const res = await c.post("/dashboard/setup", { _csrf: csrfOf(login.html), token: "x".repeat(43), email: "o@example.com", password: "correct horse battery", workspaceName: "Acme" });
    expect(res.status).toBe(403);
    expect(res.html).toContain("setup link is missing, wrong, used or expired");
    expect(count(t, "users")).toBe(0);
    expect(count(t, "workspaces")).toBe(0);
  });

  test("with the token: owner + first workspace, signed in; the token is single use", async () => {
    const t = await makeTestApp();
    const token = (await t.deps.authService.issueSetupToken())!;
    const c = new DashboardClient(t);
    const bad = await c.submit(`/dashboard/setup?token=${token}`, "/dashboard/setup", { token, email: "not-an-email", password: "short", workspaceName: "" });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('id="f-email-error"');
    expect(bad.html).toContain('id="f-password-error"');
    expect(bad.html).toContain('id="f-workspaceName-error"');
    expect(bad.html).not.toContain("short"); // the password is never echoed back
    expect(count(t, "users")).toBe(0);

    const res = await c.submit(`/dashboard/setup?token=${token}`, "/dashboard/setup", { token, email: "Owner@Example.com", password: "correct horse battery", workspaceName: "Acme" });
    expect(res.status).toBe(303);
    expect(res.location).toBe("/dashboard");
    const row = t.deps.db.query("select u.email, m.role, w.name from users u join memberships m on m.user_id = u.id join workspaces w on w.id = m.workspace_id").get();
    expect(row).toEqual({ email: "owner@example.com", role: "owner", name: "Acme" });
    expect((await c.get("/dashboard")).status).toBe(200);
    // Spent: a second visitor with the same link is refused, and nothing new is created.
    const other = new DashboardClient(t);
    expect((await other.get(`/dashboard/setup?token=${token}`)).status).toBe(403);
    expect(await t.deps.authService.issueSetupToken()).toBeNull(); // someone exists: no new token at the next start
    expect(count(t, "users")).toBe(1);
  });

  test("the token expires after 30 minutes; a new start issues a new one and the old stops working", async () => {
    const t = await makeTestApp();
    const first = (await t.deps.authService.issueSetupToken())!;
    t.clock.advance(30 * 60_000 + 1);
    expect((await new DashboardClient(t).get(`/dashboard/setup?token=${first}`)).status).toBe(403);
    const logged: unknown[] = [];
    const url = await announceSetup({ authService: t.deps.authService, config: t.deps.config, logger: { ...t.deps.logger, warn: (_m: string, f?: unknown) => void logged.push(f) } });
    expect(url).toStartWith("http://localhost:3000/dashboard/setup?token=");
    expect(logged).toEqual([{ setupUrl: url }]);
    const second = new URL(url!).searchParams.get("token")!;
    expect(second).not.toBe(first);
    expect((await new DashboardClient(t).get(`/dashboard/setup?token=${second}`)).status).toBe(200);
    expect((await new DashboardClient(t).get(`/dashboard/setup?token=${first}`)).status).toBe(403);
  });
});

describe("sign-in", () => {
  test("cookie: unprefixed without Secure on http; __Host- and Secure on https; a new id at every login", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const m = await seedMember(t, ws.id, "owner");
    const c = new DashboardClient(t);
    const res = await c.login(m.email, m.password);
    expect(res.status).toBe(303);
    const cookie = res.headers.getSetCookie().find((l) => l.startsWith("holdfast_session="))!;
    expect(cookie).toMatch(/^holdfast_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=604800$/);
    const first = c.cookies.get("holdfast_session")!;
    // Stored hashed: the raw value is nowhere in the table.
    expect(t.deps.db.query("select count(*) as n from login_sessions where id_hash = ?").get(sha256Hex(first))).toEqual({ n: 1 });
    expect(t.deps.db.query("select count(*) as n from login_sessions where id_hash = ?").get(first)).toEqual({ n: 0 });
    // Signing in again from a browser that still holds a session: a new id, and the old session is ended.
    const again = new DashboardClient(t);
    const form = await again.get("/dashboard/login");
    again.cookies.set("holdfast_session", first);
    expect((await again.post("/dashboard/login", { _csrf: csrfOf(form.html), email: m.email, password: m.password })).status).toBe(303);
    expect(again.cookies.get("holdfast_session")).not.toBe(first);
    expect(count(t, "login_sessions")).toBe(1);
    expect((await c.get("/dashboard")).status).toBe(303);
    // A planted value is never adopted.
    const planted = new DashboardClient(t);
    const form2 = await planted.get("/dashboard/login");
    planted.cookies.set("holdfast_session", "planted-by-someone-else");
    await planted.post("/dashboard/login", { _csrf: csrfOf(form2.html), email: m.email, password: m.password });
    expect(planted.cookies.get("holdfast_session")).not.toBe("planted-by-someone-else");

    const https = await makeTestApp({ publicUrl: "https://hf.example.com" });
    const ws2 = await seedWorkspace(https);
    const m2 = await seedMember(https, ws2.id, "owner");
    const sc = new DashboardClient(https, "https://hf.example.com");
    const page = await sc.get("/dashboard/login");
    expect(page.headers.getSetCookie()[0]).toMatch(/^__Host-holdfast_csrf=\w+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=3600; Secure$/);
    expect(page.html).not.toContain("plain http");
    const ok = await sc.post("/dashboard/login", { _csrf: csrfOf(page.html), email: m2.email, password: m2.password });
    expect(ok.headers.getSetCookie()[0]).toMatch(/^__Host-holdfast_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=604800; Secure$/);
  });

  test("wrong password and unknown e-mail get the same answer", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const m = await seedMember(t, ws.id, "admin");
    const wrong = await new DashboardClient(t).login(m.email, "not the password");
    const unknown = await new DashboardClient(t).login("nobody@example.com", "not the password");
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const message = (html: string) => /<p class="form-error" role="alert">([^<]+)</.exec(html)?.[1];
    expect(message(wrong.html)).toBe(message(unknown.html));
    expect(message(wrong.html)).toContain("do not match");
  });

  test("per-account backoff: the sixth try after five failures is 429 even with the right password, until the lock passes", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const m = await seedMember(t, ws.id, "admin");
    for (let i = 0; i < 5; i++) expect((await new DashboardClient(t).login(m.email, `wrong ${i}`)).status).toBe(401);
    const locked = await new DashboardClient(t).login(m.email, m.password);
    expect(locked.status).toBe(429);
    expect(locked.html).toContain("Too many failed sign-ins for this account");
    expect(locked.headers.get("retry-after")).toBe("30");
    t.clock.advance(31_000);
    expect((await new DashboardClient(t).login(m.email, m.password)).status).toBe(303);
    // Success resets the counter.
    expect(t.deps.db.query("select failed_logins, locked_until from users where id = ?").get(m.user.id)).toEqual({ failed_logins: 0, locked_until: null });
  });

  test("per-IP limit: more than 10 attempts a minute from one address answer 429 with a clear message", async () => {
    const t = await makeTestApp();
    const c = new DashboardClient(t);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await c.login(`spray${i}@example.com`, "password guess")).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    const last = await c.login("another@example.com", "password guess");
    expect(last.status).toBe(429);
    expect(last.html).toContain("Too many sign-in attempts from your network");
  });

  test("a login form without the pre-login token, or from another origin, is refused", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const m = await seedMember(t, ws.id, "admin");
    const c = new DashboardClient(t);
    const page = await c.get("/dashboard/login");
    expect((await c.post("/dashboard/login", { email: m.email, password: m.password })).status).toBe(403);
    expect((await c.post("/dashboard/login", { _csrf: csrfOf(page.html), email: m.email, password: m.password }, { origin: "https://evil.example" })).status).toBe(403);
    expect(count(t, "login_sessions")).toBe(0);
  });
});

describe("login sessions", () => {
  test("idle for 12 hours ends the session; activity keeps it, but never past 7 days", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const c = await signedIn(t, ws.id, "viewer");
    t.clock.advance(11 * 3600_000);
    expect((await c.get("/dashboard")).status).toBe(200);
    t.clock.advance(11 * 3600_000);
    expect((await c.get("/dashboard")).status).toBe(200); // 22 h after login, but active
    t.clock.advance(12 * 3600_000);
    const idle = await c.get("/dashboard/keys");
    expect(idle.status).toBe(303);
    expect(idle.location).toBe("/dashboard/login?next=%2Fdashboard%2Fkeys");

    const d = await signedIn(t, ws.id, "viewer");
    for (let h = 0; h < 7 * 24 - 11; h += 11) {
      t.clock.advance(11 * 3600_000);
      expect((await d.get("/dashboard")).status).toBe(200);
    }
    t.clock.advance(11 * 3600_000); // past 7 days since login
    expect((await d.get("/dashboard")).status).toBe(303);
  });

  test("logout ends the session: the old cookie no longer works", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const c = await signedIn(t, ws.id, "viewer");
    const cookie = c.cookies.get("holdfast_session")!;
    const out = await c.submit("/dashboard", "/dashboard/logout", {});
    expect(out.status).toBe(303);
    expect(out.location).toBe("/dashboard/login");
    expect(c.cookies.has("holdfast_session")).toBe(false);
    const replay = new DashboardClient(t);
    replay.cookies.set("holdfast_session", cookie);
    expect((await replay.get("/dashboard")).status).toBe(303);
  });

  test("a password change ends every other session and keeps this browser signed in", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const c = await signedIn(t, ws.id, "admin");
    const other = new DashboardClient(t);
    await other.login(c.email, c.password);
    const wrong = await c.submit("/dashboard/account", "/dashboard/account/password", { currentPassword: "nope", newPassword: "short" });
    expect(wrong.status).toBe(400);
    expect(wrong.html).toContain('id="f-currentPassword-error"');
    expect(wrong.html).toContain('id="f-newPassword-error"');
    const ok = await c.submit("/dashboard/account", "/dashboard/account/password", { currentPassword: c.password, newPassword: "a brand new passphrase" });
    expect(ok.status).toBe(303);
    expect((await c.get("/dashboard/account")).html).toContain("Password changed");
    expect((await other.get("/dashboard")).status).toBe(303);
    expect((await new DashboardClient(t).login(c.email, "a brand new passphrase")).status).toBe(303);
  });
});

describe("invitations", () => {
  test("an owner invites by e-mail; the one-time link sets the password and signs in; it works once", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const owner = await signedIn(t, ws.id, "owner");
    const res = await owner.submit("/dashboard/settings/members", "/dashboard/settings/members", { email: "new@example.com", role: "viewer" });
    expect(res.status).toBe(303);
    const page = await owner.get("/dashboard/settings/members");
    const link = /value="(http:\/\/localhost:3000\/dashboard\/invite\?token=[^"]+)"/.exec(page.html)?.[1];
    expect(link).toBeTruthy();
    expect((await owner.get("/dashboard/settings/members")).html).not.toContain("invite?token="); // shown once
    const invited = new DashboardClient(t);
    const path = new URL(link!).pathname + new URL(link!).search;
    const token = new URL(link!).searchParams.get("token")!;
    const join = await invited.submit(path, "/dashboard/invite", { token, password: "a viewer passphrase" });
    expect(join.status).toBe(303);
    const home = await invited.get("/dashboard");
    expect(home.status).toBe(200);
    expect(home.html).toContain('<span class="role-tag">viewer</span>');
    expect((await new DashboardClient(t).get(path)).status).toBe(404);
  });
});
