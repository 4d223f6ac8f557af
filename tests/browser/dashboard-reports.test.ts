// The report settings tab in real Chromium: recent sends with a failure, saving recipients, and the owner's
// test send arriving at a real loopback SMTP server. axe-core at 390 px and 1280 px, screenshots of both.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser, BrowserContext } from "playwright-core";
import { launchChromium, openPage, printAxeSummary, startHoldfast, type Holdfast } from "./harness.ts";
import { assertClean, checkPage, dashContext, expectDashboardHeaders, member, signIn } from "./dashboard-harness.ts";
import { startSmtpServer, type TestSmtpServer } from "../smtp.ts";
import { parseMailFrom, parseSmtpUrl } from "../../src/lib/smtp-url.ts";

let hf: Holdfast;
let smtp: TestSmtpServer;
let browser: Browser;
let context: BrowserContext | undefined;
let workspaceId = "";

beforeAll(async () => {
  smtp = await startSmtpServer();
  hf = await startHoldfast({ smtp: parseSmtpUrl(`smtp://127.0.0.1:${smtp.port}`), mailFrom: parseMailFrom("Holdfast <reports@holdfast.test>"), passwordMemoryKiB: 1024 });
  const { workspace } = await hf.deps.workspaceService.create({ name: "Acme", plan: "advanced" });
  workspaceId = workspace.id;
  // Reports turned on two weeks ago; last Monday's send failed and waits for a retry.
  hf.setClockOffset(-14 * 86_400_000);
  await hf.deps.reportService.updateSettings(workspaceId, { schedule: "weekly", recipients: ["founder@acme.test"] });
  hf.setClockOffset(0);
  smtp.failWith("Mailbox unavailable");
  await hf.deps.reportScheduler.tick();
  smtp.failWith(null);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  printAxeSummary("dashboard: report settings");
  await context?.close().catch(() => {});
  await browser?.close();
  await hf?.stop();
  await smtp?.close();
}, 30_000);

test("an owner sees the failed send, changes the recipients and sends a test report to themselves", async () => {
  const owner = await member(hf, workspaceId, "owner", "owner@acme.test");
  const made = await dashContext(browser);
  context = made.context;
  const page = await openPage(context);
  await signIn(page, hf, owner.email, owner.password);

  const res = await page.goto(`${hf.url}/dashboard/settings/reports`);
  expect(res!.status()).toBe(200);
  expectDashboardHeaders(res);
  await page.getByRole("cell", { name: "Failed, will retry" }).waitFor();
  expect(await page.getByRole("cell", { name: /Mailbox unavailable/ }).count()).toBe(1);
  await checkPage(page, "reports-settings");

  await page.getByLabel("Recipients").fill("founder@acme.test\ncfo@acme.test");
  await page.getByLabel("Schedule").selectOption("weekly");
  await page.getByRole("button", { name: "Save" }).click();
  await page.waitForURL(`${hf.url}/dashboard/settings/reports`);
  await page.getByText("goes to 2 addresses every Monday at 08:00 UTC").waitFor();
  expect((await hf.deps.reportService.getSettings(workspaceId)).recipients).toEqual(["founder@acme.test", "cfo@acme.test"]);

  const before = smtp.received.length;
  await page.getByRole("button", { name: "Send a test report to me" }).click();
  await page.getByText("report to owner@acme.test").waitFor();
  expect(smtp.received.slice(before).map((m) => m.to)).toEqual([["owner@acme.test"]]);
  await checkPage(page, "reports-settings-sent");
  assertClean(made.watch, "report settings");
}, 240_000);
