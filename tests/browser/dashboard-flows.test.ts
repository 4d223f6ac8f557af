// The flow editor in a real Chromium, with JavaScript on and off: edit a reason and an offer → the preview (the
// real hosted page from the draft) shows it → publish → a new hosted session shows the new copy while a session
// started before keeps its version. axe-core at 390 px and 1280 px on the list, editor (and its preview frame),
// versions and diff pages; screenshots in /tmp/holdfast-shots.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, Frame, Page } from "playwright-core";
import { launchChromium, openPage, printAxeSummary, screenshot, startHoldfast, startReturnApp, type Holdfast, type ReturnApp } from "./harness.ts";
import { DashboardPages, assertClean, checkPage, member, signIn } from "./dashboard-harness.ts";

const T = 240_000;
const AXE = readFileSync(path.join(import.meta.dir, "../../node_modules/axe-core/axe.min.js"), "utf8");
let hf: Holdfast;
let customer: ReturnApp;
let browser: Browser;
const pages = new DashboardPages(() => browser);
let workspaceId = "";
let liveKey = "";
let defaultFlowId = "";
let admin: { email: string; password: string };

beforeAll(async () => {
  hf = await startHoldfast({ passwordMemoryKiB: 1024 });
  customer = startReturnApp();
  const { workspace } = await hf.deps.workspaceService.create({ name: "Acme", plan: "advanced", defaultReturnUrl: customer.callbackUrl, displayName: "Nimbus Notes", accentColor: "#0f766e" });
  workspaceId = workspace.id;
  liveKey = (await hf.deps.keyService.create(workspace.id, "read_write", "live")).secret;
  defaultFlowId = (await hf.deps.flowService.getDefaultId(workspace.id))!;
  admin = await member(hf, workspaceId, "admin", "admin@example.com");
  browser = await launchChromium();
}, 30_000);

afterAll(async () => {
  printAxeSummary("dashboard: flow editor");
  await pages.closeAll();
  await browser?.close();
  await customer?.stop();
  await hf?.stop();
}, 30_000);

const fresh = (js = true) => pages.fresh(js);

/** axe runs inside the preview frame too (it asks every frame); the frame needs its own copy of axe to answer. */
async function checkEditor(page: Page, name: string) {
  for (const frame of page.frames()) if (frame !== page.mainFrame()) await frame.evaluate(AXE);
  await checkPage(page, name);
}

async function newSession(flowId?: string): Promise<string> {
  const res = await hf.api("POST", "/api/v1/cancel-link", { key: liveKey, body: { userId: `u_${crypto.randomUUID()}`, ...(flowId ? { flowId } : {}) } });
  expect(res.status).toBe(200);
  return res.json.url;
}

/** A subscriber in a hosted session: picks the reason and returns the offer page's heading. */
async function offerTitle(page: Page, url: string, reason: string): Promise<string> {
  await page.goto(url);
  await page.getByLabel(reason).check();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.locator("h1").waitFor();
  return (await page.locator("h1").textContent())!.trim();
}

async function preview(page: Page): Promise<Frame> {
  const frame = await (await page.locator("#flow-preview").elementHandle())!.contentFrame();
  return frame!;
}

/** Clicks a button that submits a form (JS off: a full page load) and waits for the new page, not the old one. */
async function submitWith(page: Page, button: ReturnType<Page["getByRole"]>) {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), button.click()]);
}

/** The flash message after a form (not the same words elsewhere on the page). */
const flash = (page: Page, text: string) => page.locator(".flash", { hasText: text }).waitFor();

async function previewWalk(page: Page, reason: string): Promise<string> {
  const frame = await preview(page);
  await frame.getByLabel(reason).check();
  await Promise.all([frame.waitForNavigation(), frame.getByRole("button", { name: "Continue" }).click()]);
  return (await frame.locator("h1").textContent())!.trim();
}

const draftOf = async (id: string) => (await hf.deps.flowService.get(workspaceId, id))!;

describe("flow editor", () => {
  test("JavaScript on: edit a reason and an offer, reorder without a reload, preview, publish; old and new sessions", async () => {
    const { page, watch } = await fresh();
    const before = await newSession(); // started on v1
    await signIn(page, hf, admin.email, admin.password);
    await page.getByRole("link", { name: "Flows" }).click();
    await page.getByRole("heading", { name: "Flows", level: 1 }).waitFor();
    await checkPage(page, "flows-list");

    await page.getByRole("link", { name: "Default cancellation flow" }).click();
    await (await preview(page)).locator("h1").waitFor();
    expect(await (await preview(page)).locator("h1").textContent()).toBe("Why are you cancelling?");
    await checkEditor(page, "flow-editor");

    // Edit: a reason's text, the discount's title and amount; Save saves in the background (no page load).
    await page.evaluate(() => ((window as any).__sameDocument = true));
    await page.getByLabel("Reason 1", { exact: true }).fill("Costs too much");
    const offer = page.locator("#offer-0");
    await offer.getByLabel("Title").fill("Stay for 45% less");
    await offer.getByLabel("Percent off").fill("45");
    await page.getByRole("button", { name: "Save draft" }).first().click();
    await page.locator("form[data-saves='1']").waitFor({ state: "attached" });
    await page.getByText("Draft saved. Publish to make it live.").waitFor();
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
    expect(((await draftOf(defaultFlowId)).draft[1] as any).config.percentOff).toBe(45);

    // The preview reloaded with the draft: walking it shows the new reason and the new offer.
    await (await preview(page)).getByLabel("Costs too much").waitFor();
    expect(await previewWalk(page, "Costs too much")).toBe("Stay for 45% less");
    await screenshot(page, "dashboard-flow-editor-preview-offer-1280");
    await page.locator("#flow-preview").screenshot({ path: "/tmp/holdfast-shots/dashboard-flow-preview-frame.png" });

    // An offer's kind shows its own fields at once.
    await page.locator("#offer-1").getByLabel("Kind").selectOption("extension");
    await expect(page.locator("#offer-1").getByLabel("Extra days").isVisible()).resolves.toBe(true);
    await expect(page.locator("#offer-1").getByLabel("Pause for how many months").isVisible()).resolves.toBe(false);
    await page.locator("#offer-1").getByLabel("Kind").selectOption("pause");

    // Reorder without a reload: "Not using it enough" moves to the top, saved in the background.
    await page.getByRole("button", { name: "Move reason 2 up" }).click();
    const firstTwo = async () => ((await draftOf(defaultFlowId)).draft[0] as any).config.options.slice(0, 2);
    await page.locator("form[data-saves='2']").waitFor({ state: "attached" }); // saved, and the preview told to reload
    expect(await firstTwo()).toEqual(["Not using it enough", "Costs too much"]);
    await (await preview(page)).locator("h1").waitFor();
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
    expect(await page.getByLabel("Reason 1", { exact: true }).inputValue()).toBe("Not using it enough");
    const survey = (await draftOf(defaultFlowId)).draft[0] as any;
    expect(survey.locales.de.options.slice(0, 2)).toEqual(["Ich nutze es zu wenig", "Zu teuer"]); // translations follow

    // The reason picker jumps straight to a reason's offer, in another language.
    await page.getByLabel("Show", { exact: true }).selectOption({ label: "Reason 2: “Costs too much”" });
    await page.getByLabel("Language").selectOption("de");
    await page.getByRole("button", { name: "Show in preview" }).click();
    await (await preview(page)).locator("html[lang^='de']").waitFor();
    expect(await (await preview(page)).locator("h1").textContent()).toBe("Bleiben Sie für 30 % weniger"); // its German title was not edited

    // Publish → v2. A new session shows the new copy; the session started before keeps v1's.
    await page.getByRole("button", { name: "Publish the draft as v2" }).click();
    await flash(page, "Published v2.");
    await checkEditor(page, "flow-editor-published");
    const subscriber = await openPage(page.context());
    expect(await offerTitle(subscriber, await newSession(), "Costs too much")).toBe("Stay for 45% less");
    expect(await offerTitle(subscriber, before, "Too expensive")).toBe("Stay for 30% less");

    // Versions and the diff.
    await page.getByRole("link", { name: "Versions" }).click();
    await page.getByRole("heading", { name: "Published versions" }).waitFor();
    await checkPage(page, "flow-versions");
    await page.getByLabel("From").selectOption("1");
    await page.getByLabel("To").selectOption("2");
    await page.getByRole("button", { name: "Show changes" }).click();
    await page.getByText("Offer 1 “Stay for 45% less” · percent off").waitFor();
    await checkPage(page, "flow-diff");

    // A test session opens in a new tab, on the published version.
    await page.getByRole("link", { name: "Draft" }).click();
    const [tab] = await Promise.all([page.context().waitForEvent("page"), page.getByRole("button", { name: /Open a test session/ }).click()]);
    await tab.waitForLoadState();
    expect(tab.url()).toMatch(/\/c\/[0-9a-f]{32}/);
    await tab.getByText("Costs too much").waitFor();
    const row = hf.deps.db.query("select environment, flow_version from sessions where customer_id = 'dashboard-test'").get() as any;
    expect(row).toEqual({ environment: "sandbox", flow_version: 2 });
    assertClean(watch, "flow editor (JS on)");
  }, T);

  test("JavaScript off: create, edit with an error beside its field, reorder, preview, publish; rollback asks first", async () => {
    const { page, watch } = await fresh(false);
    await signIn(page, hf, admin.email, admin.password);
    await page.goto(`${hf.url}/dashboard/flows`);
    await page.getByLabel("Name", { exact: true }).fill("Annual plans");
    await submitWith(page, page.getByRole("button", { name: "Create flow" }));
    await flash(page, "Created “Annual plans”");
    const flowId = page.url().split("/").pop()!;
    await page.getByText("this flow has none yet").waitFor(); // no test session before a publish

    const offer = page.locator("#offer-0");
    await offer.getByLabel("Title").fill("Annual: 25% off");
    await offer.getByLabel("Percent off").fill("150");
    await submitWith(page, page.getByRole("button", { name: "Save draft" }).first());
    await expect(page.locator("#f-offer-0-percentOff-error").textContent()).resolves.toBe("steps[1].config.percentOff must be between 1 and 100");
    expect(await page.locator("#offer-0").getByLabel("Title").inputValue()).toBe("Annual: 25% off"); // nothing typed is lost
    await page.locator("#offer-0").getByLabel("Percent off").fill("25");
    await submitWith(page, page.getByRole("button", { name: "Save draft" }).first());
    await flash(page, "Draft saved.");

    // Up/down buttons are plain submits.
    await submitWith(page, page.getByRole("button", { name: "Move reason 2 up" }));
    await flash(page, "Draft saved.");
    expect(await page.getByLabel("Reason 1", { exact: true }).inputValue()).toBe("Not using it enough");

    // The preview frame walks the draft without JavaScript.
    await (await preview(page)).locator("h1").waitFor();
    expect(await previewWalk(page, "Too expensive")).toBe("Annual: 25% off");
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, "dashboard-flow-editor-nojs-390");
    await page.setViewportSize({ width: 1280, height: 900 });

    await submitWith(page, page.getByRole("button", { name: "Publish the draft" }));
    await flash(page, "Published v1.");
    const before = await newSession(flowId);
    await page.locator("#offer-0").getByLabel("Title").fill("Annual: 30% off");
    await page.locator("#offer-0").getByLabel("Percent off").fill("30");
    await submitWith(page, page.getByRole("button", { name: "Save draft" }).first());
    await flash(page, "Draft saved.");
    await submitWith(page, page.getByRole("button", { name: "Publish the draft as v2" }));
    await flash(page, "Published v2.");
    const subscriber = await openPage(page.context());
    expect(await offerTitle(subscriber, await newSession(flowId), "Too expensive")).toBe("Annual: 30% off");
    expect(await offerTitle(subscriber, before, "Too expensive")).toBe("Annual: 25% off");

    // Roll back: a confirmation page first, then v3 = v1 again.
    await submitWith(page, page.getByRole("link", { name: "Versions" }));
    await submitWith(page, page.getByRole("button", { name: "Roll back to v1" }));
    await page.getByText("Publish v1 again, as v3?").waitFor();
    expect((await draftOf(flowId)).version).toBe(2);
    await submitWith(page, page.getByRole("button", { name: "Roll back to v1" }));
    await flash(page, "Rolled back: v3 publishes v1 again.");
    expect(((await draftOf(flowId)).steps[1] as any).label).toBe("Annual: 25% off");
    expect(watch.offHost()).toEqual([]);
  }, T);
});
