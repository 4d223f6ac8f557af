// The dashboard in a real Chromium: first-run setup (with and without the token), sign-in, lockout, sign-out,
// a cross-site form refused, role refusals, another workspace's ids, API keys shown once and working, and
// the JavaScript-off path of sign-in and key creation. axe-core on every page at 390 px and 1280 px.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchChromium, openPage, phoneContext, printAxeSummary, startHoldfast, startMirror, type Holdfast, type Mirror } from "./harness.ts";
import { DashboardPages, assertClean, checkPage, expectDashboardHeaders, member, signIn } from "./dashboard-harness.ts";

// Generous: several helpers share two cores while these run.
const T = 240_000;
let hf: Holdfast;
let browser: Browser;
let mirror: Mirror;
let mirrorContext: BrowserContext;
let mirrorTab: Page | undefined;
const pages = new DashboardPages(() => browser);
let evil: ReturnType<typeof Bun.serve>;
const owner = { email: "owner@example.com", password: "the owner's passphrase" };
let workspaceId = "";

beforeAll(async () => {
  // A lighter argon2id cost keeps sign-ins quick on a busy test box; the algorithm is the same.
  hf = await startHoldfast({ passwordMemoryKiB: 1024 });
  browser = await launchChromium();
  mirror = startMirror(hf.url);
  mirrorContext = (await phoneContext(browser)).context;
  // Another origin (a different port on loopback is another origin, and the same site, so Lax cookies go along).
  evil = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: () =>
      new Response(`<!doctype html><html lang="en"><head><title>Win a prize</title></head><body><form method="post" action="${hf.url}/dashboard/keys"><input type="hidden" name="mode" value="live"><input type="hidden" name="scope" value="read_write"><input type="hidden" name="_csrf" value="guess"><button>Claim</button></form></body></html>`, { headers: { "content-type": "text/html" } }),
  });
}, 30_000);

afterAll(async () => {
  printAxeSummary("dashboard: auth and keys");
  await pages.closeAll();
  await mirrorContext?.close().catch(() => {});
  await mirror?.stop();
  await evil?.stop(true);
  await browser?.close();
  await hf?.stop();
}, 30_000);

const fresh = (js = true) => pages.fresh(js);

const mirrorOpts = { server: undefined as unknown as Mirror, tab: async () => (mirrorTab ??= await openPage(mirrorContext)) };

describe("first run and sign-in", () => {
  test("setup refuses a missing or wrong token, then creates the owner and workspace with the logged one", async () => {
    const { page, watch } = await fresh();
    const refused = await page.goto(`${hf.url}/dashboard/setup`);
    expect(refused!.status()).toBe(403);
    expectDashboardHeaders(refused);
    await checkPage(page, "setup-refused");
    expect((await page.goto(`${hf.url}/dashboard/setup?token=${"A".repeat(43)}`))!.status()).toBe(403);
    expect(hf.deps.db.query("select count(*) as n from users").get()).toEqual({ n: 0 });

    const token = await hf.deps.authService.issueSetupToken();
    const ok = await page.goto(`${hf.url}/dashboard/setup?token=${token}`);
    expect(ok!.status()).toBe(200);
    await checkPage(page, "setup");
    // A too-short password: the error sits next to its field and nothing is created.
    await page.getByLabel("Your e-mail").fill(owner.email);
    await page.getByLabel("Password").fill("short");
    await page.getByLabel("Workspace name").fill("Acme Analytics");
    await page.getByRole("button", { name: "Create owner and workspace" }).click();
    await expect(page.locator("#f-password-error").textContent()).resolves.toContain("at least 12 characters");
    await checkPage(page, "setup-error");
    expect(hf.deps.db.query("select count(*) as n from users").get()).toEqual({ n: 0 });
    await page.getByLabel("Password").fill(owner.password);
    await page.getByRole("button", { name: "Create owner and workspace" }).click();
    await page.waitForURL(`${hf.url}/dashboard`);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Overview");
    await checkPage(page, "overview");
    workspaceId = (hf.deps.db.query("select workspace_id from memberships").get() as { workspace_id: string }).workspace_id;
    // The link is spent.
    expect((await page.goto(`${hf.url}/dashboard/setup?token=${token}`))!.status()).toBe(403);
    assertClean(watch, "setup");
  }, T);

  test("sign-out, a wrong password, then sign-in again; the login page passes axe", async () => {
    const { page, watch } = await fresh();
    await signIn(page, hf, owner.email, owner.password);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${hf.url}/dashboard/login`);
    await checkPage(page, "login");
    // Signed out for real: the dashboard sends us back to sign-in.
    await page.goto(`${hf.url}/dashboard/keys`);
    expect(new URL(page.url()).pathname).toBe("/dashboard/login");
    await page.getByLabel("E-mail").fill(owner.email);
    await page.getByLabel("Password").fill("not the passphrase");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toContain("do not match");
    await checkPage(page, "login-error");
    await page.getByLabel("Password").fill(owner.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${hf.url}/dashboard/keys`); // back where we were going
    assertClean(watch, "login");
  }, T);

  test("lockout: after five wrong passwords the account is locked with a clear message", async () => {
    const victim = await member(hf, workspaceId, "viewer", "locked@example.com");
    const { page } = await fresh();
    await page.goto(`${hf.url}/dashboard/login`);
    for (let i = 0; i < 5; i++) {
      await page.getByLabel("E-mail").fill(victim.email);
      await page.getByLabel("Password").fill(`wrong guess ${i}`);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("alert").waitFor();
    }
    await page.getByLabel("Password").fill(victim.password);
    const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === "POST"), page.getByRole("button", { name: "Sign in" }).click()]);
    expect(response.status()).toBe(429);
    await page.waitForLoadState();
    expect(await page.locator(".form-error").textContent()).toContain("Too many failed sign-ins for this account");
    await checkPage(page, "login-locked");
  }, T);
});

describe("signed in", () => {
  test("API keys: created key shown once with a copy button, works against the API, revoked after a confirm", async () => {
    const { page, watch } = await fresh();
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: hf.url });
    await signIn(page, hf, owner.email, owner.password);
    await page.getByRole("link", { name: "API keys" }).click();
    await checkPage(page, "keys");
    await page.getByLabel("Test (sandbox)").check();
    await page.getByLabel("Read only").check();
    await page.getByRole("button", { name: "Create key" }).click();
    const secret = await page.locator("#secret-once").inputValue();
    expect(secret).toMatch(/^hf_test_/);
    await checkPage(page, "keys-created");
    await page.getByRole("button", { name: "Copy" }).click();
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(secret);
    // Works against the API as a read key: reads pass, writes are refused.
    expect((await hf.api("GET", "/api/v1/flows", { key: secret })).status).toBe(200);
    expect((await hf.api("POST", "/api/v1/sessions", { key: secret, body: { customerId: "c1" } })).status).toBe(403);
    await page.reload();
    expect(await page.locator("#secret-once").count()).toBe(0);
    expect(await page.content()).not.toContain(secret);
    // Revoke with the browser's confirm dialog.
    page.once("dialog", (d) => void d.accept());
    await page.getByRole("button", { name: `Revoke ${secret.slice(0, 12)}` }).click();
    await page.getByText("Requests using it now fail").waitFor();
    expect((await hf.api("GET", "/api/v1/flows", { key: secret })).status).toBe(401);
    assertClean(watch, "keys");
  }, T);

  test("the other shell pages pass axe at both widths", async () => {
    const { page, watch } = await fresh();
    await signIn(page, hf, owner.email, owner.password);
    for (const path of ["/dashboard/flows", "/dashboard/billing", "/dashboard/account", "/dashboard/settings/members", "/dashboard/no-such-page"]) {
      await page.goto(`${hf.url}${path}`);
      await checkPage(page, `page${path.replaceAll("/", "-")}`);
    }
    assertClean(watch, "shell pages");
  }, T);

  test("a form posted from another origin is refused and creates nothing", async () => {
    const { page } = await fresh();
    await signIn(page, hf, owner.email, owner.password);
    const before = (await hf.deps.keyService.list(workspaceId)).length;
    await page.goto(`http://127.0.0.1:${evil.port}/`);
    const [response] = await Promise.all([page.waitForResponse((r) => r.url() === `${hf.url}/dashboard/keys`), page.getByRole("button", { name: "Claim" }).click()]);
    expect(response.status()).toBe(403);
    await page.getByText("nothing was changed").waitFor();
    expect((await hf.deps.keyService.list(workspaceId)).length).toBe(before);
  }, T);

  test("roles and isolation: a viewer gets 403 pages for writes; another workspace's key id is 404", async () => {
    const viewer = await member(hf, workspaceId, "viewer", "viewer@example.com");
    const { page } = await fresh();
    await signIn(page, hf, viewer.email, viewer.password);
    await page.goto(`${hf.url}/dashboard/keys`);
    expect(await page.getByRole("button", { name: "Create key" }).count()).toBe(0);
    // The viewer forges the create form with a valid token (same origin): the role check refuses it.
    const postAs = async (action: string, fields: Record<string, string>) => {
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === "POST"),
        page.evaluate(({ action, fields }) => {
          const form = document.createElement("form");
          form.method = "post";
          form.action = action;
          const all = { ...fields, _csrf: (document.querySelector('input[name="_csrf"]') as HTMLInputElement).value };
          for (const [k, v] of Object.entries(all)) {
            const input = document.createElement("input");
            input.type = "hidden";
            input.name = k;
            input.value = v;
            form.appendChild(input);
          }
          document.body.appendChild(form);
          form.submit();
        }, { action, fields }),
      ]);
      await page.waitForLoadState();
      return response.status();
    };
    expect(await postAs("/dashboard/keys", { mode: "live", scope: "read_write" })).toBe(403);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Not allowed");
    await checkPage(page, "role-refused");

    const { workspace: other } = await hf.deps.workspaceService.create({ name: "Someone else" });
    const theirKey = await hf.deps.keyService.create(other.id, "read", "live");
    await page.goto(`${hf.url}/dashboard/keys`);
    const ownerPage = (await fresh()).page;
    await signIn(ownerPage, hf, owner.email, owner.password);
    await ownerPage.goto(`${hf.url}/dashboard/keys`);
    const [response] = await Promise.all([
      ownerPage.waitForResponse((r) => r.request().method() === "POST"),
      ownerPage.evaluate((id) => {
        const form = document.querySelector('form[action="/dashboard/keys"]') as HTMLFormElement;
        form.action = `/dashboard/keys/${id}/revoke`;
        const c = document.createElement("input");
        c.type = "hidden";
        c.name = "confirmed";
        c.value = "1";
        form.appendChild(c);
        form.submit();
      }, theirKey.key.id),
    ]);
    expect(response.status()).toBe(404);
    await checkPage(ownerPage, "not-found-other-workspace");
    expect((await hf.api("GET", "/api/v1/flows", { key: theirKey.secret })).status).toBe(200);
  }, T);
});

describe("JavaScript off", () => {
  test("sign-in and key creation (with the server's own revoke confirmation) work without JavaScript", async () => {
    const { page, watch } = await fresh(false);
    mirrorOpts.server = mirror;
    await signIn(page, hf, owner.email, owner.password);
    await page.goto(`${hf.url}/dashboard/keys`);
    // Without the script, copy buttons stay hidden and the switcher keeps its button.
    await expect(page.locator("button.copy").count()).resolves.toBe(0);
    await page.getByLabel("Live").check();
    await page.getByLabel("Read & write").check();
    await page.getByRole("button", { name: "Create key" }).click();
    const secret = await page.locator("#secret-once").inputValue();
    expect(secret).toMatch(/^hf_live_/);
    expect(await page.locator("button.copy").isVisible()).toBe(false);
    await checkPage(page, "nojs-keys-created", { js: false, mirror: mirrorOpts });
    expect((await hf.api("POST", "/api/v1/sessions", { key: secret, body: { customerId: "nojs" } })).status).toBe(200);
    await page.getByRole("button", { name: `Revoke ${secret.slice(0, 12)}` }).click();
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Revoke API key");
    await checkPage(page, "nojs-revoke-confirm", { js: false, mirror: mirrorOpts });
    await page.getByRole("button", { name: "Revoke key" }).click();
    await page.getByText("Requests using it now fail").waitFor();
    expect((await hf.api("GET", "/api/v1/flows", { key: secret })).status).toBe(401);
    expect(watch.offHost()).toEqual([]);
  }, T);
});
