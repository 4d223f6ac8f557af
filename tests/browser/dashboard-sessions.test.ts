// The sessions pages in a real Chromium: list, filter, detail, another workspace's id (404), and the CSV
// download; axe-core at 390 px and 1280 px on each.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import type { Browser, BrowserContext } from "playwright-core";
import { launchChromium, openPage, printAxeSummary, startHoldfast, type Holdfast } from "./harness.ts";
import { assertClean, checkPage, dashContext, member, signIn } from "./dashboard-harness.ts";

const T = 240_000;
let hf: Holdfast;
let browser: Browser;
const contexts: BrowserContext[] = [];
let workspaceId = "";
let foreignSessionId = "";
let viewer: { email: string; password: string };
const sessionIds: string[] = [];

beforeAll(async () => {
  hf = await startHoldfast({ passwordMemoryKiB: 1024 });
  const { workspace } = await hf.deps.workspaceService.create({ name: "Acme", plan: "advanced", defaultReturnUrl: "https://app.example.com/back" });
  workspaceId = workspace.id;
  for (let i = 0; i < 12; i++) {
    const { session } = await hf.deps.sessionService.start(workspace, {
      source: i % 2 ? "api" : "cancel_link",
      customerId: `cus_${i}`,
      environment: i % 3 === 0 ? "sandbox" : "prod",
      context: { plan: "pro_monthly", mrr: 29 },
      metadata: { campaign: "winter" },
      reason: i % 2 ? "too expensive" : null,
    });
    if (i % 2) await hf.deps.sessionService.complete(session, "saved", { kind: "discount", percentOff: 30, durationMonths: 3 });
    sessionIds.push(session.id);
  }
  const other = (await hf.deps.workspaceService.create({ name: "Other" })).workspace;
  foreignSessionId = (await hf.deps.sessionService.start(other, { source: "api", customerId: "someone-else", environment: "prod" })).session.id;
  viewer = await member(hf, workspaceId, "viewer", "viewer@example.com");
  browser = await launchChromium();
}, 30_000);

afterAll(async () => {
  printAxeSummary("dashboard: sessions");
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await hf?.stop();
}, 30_000);

describe("sessions", () => {
  test("list, filter, detail, another workspace's id, CSV download", async () => {
    const made = await dashContext(browser);
    contexts.push(made.context);
    const page = await openPage(made.context);
    await signIn(page, hf, viewer.email, viewer.password);
    await page.getByRole("link", { name: "Sessions" }).click();
    await expect(page.locator("table tbody tr").count()).resolves.toBe(12);
    await checkPage(page, "sessions");

    await page.getByLabel("Outcome").selectOption("saved");
    await page.getByLabel("Environment").selectOption("prod");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/outcome=saved/);
    // Saved: the odd i; production: i not a multiple of 3 → 1, 5, 7, 11.
    await expect(page.locator("table tbody tr").count()).resolves.toBe(4);
    await checkPage(page, "sessions-filtered");

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export these sessions as CSV" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^holdfast-sessions-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await download.path())!, "utf8").trimEnd().split("\r\n");
    expect(csv[0]).toStartWith("id,createdAt,environment,");
    expect(csv.slice(1).map((l) => l.split(",")[5]).sort()).toEqual(["cus_1", "cus_11", "cus_5", "cus_7"]);

    await page.getByRole("link", { name: /UTC/ }).first().click();
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Session cus_11");
    await expect(page.getByText("too expensive").isVisible()).resolves.toBe(true);
    await checkPage(page, "session-detail");

    const foreign = await page.goto(`${hf.url}/dashboard/sessions/${foreignSessionId}`);
    expect(foreign!.status()).toBe(404);
    expect(await page.content()).not.toContain("someone-else");
    await checkPage(page, "session-foreign-404");
    assertClean(made.watch, "sessions");
  }, T);
});
