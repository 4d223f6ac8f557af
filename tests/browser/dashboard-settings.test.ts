// Settings and docs in a real Chromium: settings (and an uploaded logo) visible on a new hosted page, the same
// with JavaScript off, and the docs page's values verifying a real result token from a walked hosted flow.
// axe-core at 390 px and 1280 px on each page.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { jwtVerify } from "jose";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchChromium, openPage, phoneContext, printAxeSummary, readReturn, startHoldfast, startMirror, startReturnApp, type Holdfast, type Mirror, type ReturnApp } from "./harness.ts";
import { DashboardPages, assertClean, checkPage, member, signIn } from "./dashboard-harness.ts";

const T = 240_000;
let hf: Holdfast;
let customer: ReturnApp;
let browser: Browser;
let mirror: Mirror;
let mirrorContext: BrowserContext;
let mirrorTab: Page | undefined;
const pages = new DashboardPages(() => browser);
let workspaceId = "";
let liveKey = "";
let admin: { email: string; password: string };
const files = mkdtempSync(path.join(tmpdir(), "holdfast-logo-"));

beforeAll(async () => {
  hf = await startHoldfast({ passwordMemoryKiB: 1024 });
  customer = startReturnApp();
  const { workspace } = await hf.deps.workspaceService.create({ name: "Acme", plan: "advanced", defaultReturnUrl: customer.callbackUrl });
  workspaceId = workspace.id;
  liveKey = (await hf.deps.keyService.create(workspace.id, "read_write", "live")).secret;
  admin = await member(hf, workspaceId, "admin", "admin@example.com");
  browser = await launchChromium();
  mirror = startMirror(hf.url);
  mirrorContext = (await phoneContext(browser)).context;
}, 30_000);

afterAll(async () => {
  printAxeSummary("dashboard: settings and docs");
  await pages.closeAll();
  await mirrorContext?.close().catch(() => {});
  await mirror?.stop();
  await browser?.close();
  await customer?.stop();
  await hf?.stop();
}, 30_000);

const fresh = (js = true) => pages.fresh(js);

async function newHostedPage(page: Page) {
  const res = await hf.api("POST", "/api/v1/cancel-link", { key: liveKey, body: { userId: `u_${Date.now()}`, context: { plan: "pro", mrr: 20 } } });
  expect(res.status).toBe(200);
  await page.goto(res.json.url);
  return res.json as { url: string; sessionId: string };
}

describe("settings", () => {
  test("branding and a logo, changed in the dashboard, show on a new hosted page (no third-party request)", async () => {
    const { page, watch } = await fresh();
    await signIn(page, hf, admin.email, admin.password);
    await page.getByRole("link", { name: "Settings" }).click();
    await checkPage(page, "settings");
    // A bad colour first: the error sits by the field, nothing saved.
    await page.getByLabel("Accent colour").fill("teal");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect(page.locator("#f-accentColor-error").textContent()).resolves.toContain("hex colour");
    await checkPage(page, "settings-error");
    await page.getByLabel("Display name").fill("Nimbus Notes");
    await page.getByLabel("Accent colour").fill("#9d174d");
    await page.getByLabel("Link lifetime (minutes)").fill("45");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Settings saved").waitFor();

    const svg = path.join(files, "logo.svg");
    writeFileSync(svg, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#9d174d"/><circle cx="16" cy="16" r="8" fill="#fff"/></svg>`);
    await page.getByLabel("Logo file").setInputFiles(svg);
    await page.getByRole("button", { name: "Upload logo" }).click();
    await page.getByText("Logo uploaded").waitFor();
    await expect(page.getByRole("img", { name: "Current logo" }).isVisible()).resolves.toBe(true);
    await checkPage(page, "settings-saved");

    const hosted = await openPage(page.context());
    const link = await newHostedPage(hosted);
    await expect(hosted.getByText("Nimbus Notes").first().isVisible()).resolves.toBe(true);
    const accent = await hosted.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue("--accent").trim());
    expect(accent).toBe("#9d174d");
    const logo = hosted.locator("img.brand-logo");
    expect(await logo.getAttribute("src")).toMatch(new RegExp(`^/logos/${workspaceId}\\?v=`));
    expect(await logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    const diag = await hf.api("GET", `/api/v1/cancel-sessions/${link.sessionId}`, { key: liveKey });
    expect(Date.parse(diag.json.expiresAt) - Date.parse(diag.json.createdAt)).toBe(45 * 60_000);
    assertClean(watch, "settings");
  }, T);

  test("JavaScript off: the settings form saves and the hosted page follows", async () => {
    const { page, watch } = await fresh(false);
    await signIn(page, hf, admin.email, admin.password);
    await page.goto(`${hf.url}/dashboard/settings`);
    await page.getByLabel("Display name").fill("Nimbus (no JS)");
    await page.getByLabel("Allowlisted return-URL prefixes").fill("https://app.example.com/billing/\nnot a url");
    // Wait for the form's answer itself, so a slow box fails (if at all) on the status rather than on a missing element.
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/dashboard/settings", { timeout: 60_000 }),
      page.getByRole("button", { name: "Save settings" }).click(),
    ]);
    expect(refused.status()).toBe(400);
    await page.waitForLoadState("domcontentloaded");
    await expect(page.locator("#f-allowedReturnUrls-error").textContent()).resolves.toContain("Must be an https URL (http only for localhost)");
    await checkPage(page, "nojs-settings-error", { js: false, mirror: { server: mirror, tab: async () => (mirrorTab ??= await openPage(mirrorContext)) } });
    await page.getByLabel("Allowlisted return-URL prefixes").fill("https://app.example.com/billing/");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Settings saved").waitFor();
    const hosted = await openPage(page.context());
    await newHostedPage(hosted);
    await expect(hosted.getByText("Nimbus (no JS)").first().isVisible()).resolves.toBe(true);
    expect(watch.offHost()).toEqual([]);
  }, T);
});

describe("docs", () => {
  test("the docs page's values (after re-entering the password) verify a real result token with jose", async () => {
    const { page, watch } = await fresh();
    await signIn(page, hf, admin.email, admin.password);
    await page.getByRole("link", { name: "Docs" }).click();
    await checkPage(page, "docs");
    await page.getByLabel("Your password, to reveal the signing secret").fill(admin.password);
    await page.getByRole("button", { name: "Reveal signing secret" }).click();
    const secret = (await page.locator("#v-secret").textContent())!.trim();
    const issuer = (await page.locator("#v-issuer").textContent())!.trim();
    const audience = (await page.locator("#v-workspace").textContent())!.trim();
    expect(audience).toBe(workspaceId);
    await checkPage(page, "docs-revealed");
    // The jose snippet carries the same values.
    const joseSnippet = (await page.locator("#s-verify-jose").textContent())!;
    expect(joseSnippet).toContain(JSON.stringify(secret));
    expect(joseSnippet).toContain(`audience: "${workspaceId}"`);

    // A subscriber walks the hosted flow; the token lands on the customer's return page.
    const walker = await openPage(page.context());
    await newHostedPage(walker);
    await walker.getByRole("button", { name: /skip/i }).first().click();
    await walker.getByRole("button", { name: "Cancel my subscription" }).click();
    // The flow's confirmation page, then back to the customer by its button.
    await walker.getByRole("link", { name: /^Return to / }).click();
    await walker.waitForURL((u) => u.toString().startsWith(customer.callbackUrl));
    const { token } = await readReturn(walker, true);
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ["HS256"], typ: "holdfast-result+jwt", issuer, audience });
    expect(payload.outcome).toBe("canceled");
    assertClean(watch, "docs");
  }, T);
});
