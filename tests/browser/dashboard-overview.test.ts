// The overview in a real Chromium: headline tiles, the weekly trend, outcomes, reasons, offers and cohorts
// drawn as server-side SVG with table alternatives, last week's issue in words, the filters and the CSV
// export; with JavaScript on and off, axe-core at 390 px and 1280 px, screenshots of both.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchChromium, openPage, phoneContext, printAxeSummary, startHoldfast, startMirror, type Holdfast, type Mirror } from "./harness.ts";
import { assertClean, checkPage, dashContext, expectDashboardHeaders, member, signIn } from "./dashboard-harness.ts";
import { lastCompleteWeek, DAY_MS } from "../../src/modules/analytics/periods.ts";

const T = 240_000;
let hf: Holdfast;
let browser: Browser;
let mirror: Mirror;
let mirrorContext: BrowserContext;
let mirrorTab: Page | undefined;
const contexts: BrowserContext[] = [];
let viewer: { email: string; password: string };
let workspaceId = "";

beforeAll(async () => {
  hf = await startHoldfast({ passwordMemoryKiB: 1024 });
  const { workspace } = await hf.deps.workspaceService.create({ name: "Acme", plan: "advanced", defaultReturnUrl: "https://app.example.com/back" });
  workspaceId = workspace.id;
  // Ten weeks of history ending with the last complete week: 6 steady sessions a week (one "technical
  // problems"), then a week where 5 of 6 gave that reason — an issue the overview must put in words.
  const lastMonday = lastCompleteWeek(Date.now());
  const reasons = ["too expensive", "too expensive", "missing a feature", "not using it enough", "technical problems", "other"];
  for (let week = 9; week >= 0; week--) {
    const list = week === 0 ? [...Array(5).fill("technical problems"), "too expensive"] : reasons;
    for (const [i, reason] of list.entries()) {
      const at = (lastMonday - week * 7) * DAY_MS + 2 * DAY_MS + i * 3_600_000;
      hf.setClockOffset(at - Date.now());
      const { session } = await hf.deps.sessionService.start(workspace, {
        source: "api",
        customerId: `cus_${week}_${i}`,
        environment: "prod",
        context: { plan: i % 2 ? "pro" : "starter", mrr: [24.99, 25, 99.99, 100, 499.99, 500][i], tenureDays: [30, 31, 90, 91, 365, 366][i] },
        reason,
      });
      if (i % 3 === 0) await hf.deps.sessionService.complete(session, "saved", { kind: "discount", percentOff: 30, durationMonths: 3 });
      else if (i % 3 === 1) await hf.deps.sessionService.complete(session, "canceled", null);
    }
  }
  // Sandbox traffic never shows.
  await hf.deps.sessionService.start(workspace, { source: "api", customerId: "sandbox", environment: "sandbox", reason: "sandbox only reason" });
  hf.setClockOffset(0);
  viewer = await member(hf, workspaceId, "viewer", "viewer@example.com");
  browser = await launchChromium();
  mirror = startMirror(hf.url);
  mirrorContext = (await phoneContext(browser)).context;
}, 60_000);

afterAll(async () => {
  printAxeSummary("dashboard: overview");
  for (const c of contexts) await c.close().catch(() => {});
  await mirrorContext?.close().catch(() => {});
  await mirror?.stop();
  await browser?.close();
  await hf?.stop();
}, 30_000);

describe("overview", () => {
  test("figures, charts with table alternatives, last week's issue, filters and CSV (JavaScript on)", async () => {
    const made = await dashContext(browser);
    contexts.push(made.context);
    const page = await openPage(made.context);
    await signIn(page, hf, viewer.email, viewer.password);
    const response = await page.goto(`${hf.url}/dashboard`);
    expectDashboardHeaders(response);
    // The default range is the last 12 full weeks: all 60 production sessions, none of the sandbox.
    const sessionsTile = page.locator(".tiles > div").filter({ hasText: "Sessions" });
    await expect(sessionsTile.locator("dd").first().textContent()).resolves.toBe("60");
    await expect(page.getByText('"Technical problems" was given by 83 % of cancellations last week, usually 17 %.').isVisible()).resolves.toBe(true);
    expect(await page.content()).not.toContain("sandbox only reason");
    // Four charts, each an image with a title, each with a table beside it.
    const charts = page.locator("svg[role=img]");
    await expect(charts.count()).resolves.toBe(4);
    for (const title of await charts.locator("title").allTextContents()) expect(title.length).toBeGreaterThan(5);
    await expect(page.getByRole("table", { name: "By monthly revenue" }).locator("tbody tr").count()).resolves.toBe(4);
    await checkPage(page, "overview");

    // Narrow the range to the spike week: the tiles follow, and compare with the week before.
    const spikeMonday = lastCompleteWeek(Date.now());
    const day = (d: number) => new Date(d * DAY_MS).toISOString().slice(0, 10);
    await page.getByLabel("From", { exact: true }).fill(day(spikeMonday));
    await page.getByLabel("To", { exact: true }).fill(day(spikeMonday + 6));
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/from=/);
    await expect(sessionsTile.locator("dd").first().textContent()).resolves.toBe("6");
    await expect(sessionsTile.locator("dd.change").textContent()).resolves.toContain("no change");
    await checkPage(page, "overview-one-week");

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
    expect(download.suggestedFilename()).toBe(`holdfast-overview-${day(spikeMonday)}-to-${day(spikeMonday + 6)}.csv`);
    const csv = readFileSync((await download.path())!, "utf8").split("\r\n");
    expect(csv[0]).toStartWith("section,label,sessions,");
    expect(csv[1]).toStartWith(`totals,${day(spikeMonday)}..${day(spikeMonday + 6)},6,2,2,2,0.5,`);
    expect(csv).toContain("reason,technical problems,5,2,2,,0.5,,,,,");

    // A bad date is said, not a crash.
    const bad = await page.goto(`${hf.url}/dashboard?from=2026-02-30`);
    expect(bad!.status()).toBe(400);
    await expect(page.getByRole("alert").textContent()).resolves.toContain("From: enter a date");
    assertClean(made.watch, "overview");
  }, T);

  test("works with JavaScript off: the filter form is a plain GET", async () => {
    const made = await dashContext(browser, false);
    contexts.push(made.context);
    const page = await openPage(made.context);
    await signIn(page, hf, viewer.email, viewer.password);
    await page.goto(`${hf.url}/dashboard`);
    await page.getByLabel("Flow", { exact: true }).selectOption({ index: 1 });
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/flowId=/);
    await expect(page.locator(".tiles > div").first().locator("dd").first().textContent()).resolves.toBe("60");
    await checkPage(page, "nojs-overview", { js: false, mirror: { server: mirror, tab: async () => (mirrorTab ??= await openPage(mirrorContext)) } });
    expect(made.watch.offHost()).toEqual([]);
  }, T);
});
