// The weekly report's HTML part in real Chromium, as a phone mail client would show it: received over
// loopback SMTP, rendered with JavaScript off and the network closed, screenshot taken, axe-core clean.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchChromium, openPage, phoneContext, runAxe, formatViolations, screenshot, PHONE, type Watch } from "./harness.ts";
import { makeTestApp, seedWorkspace } from "../helpers.ts";
import { parseMail, startSmtpServer, type TestSmtpServer } from "../smtp.ts";
import { parseMailFrom, parseSmtpUrl } from "../../src/lib/smtp-url.ts";
import { renderWeeklyReport } from "../../src/modules/reports/reports.views.ts";
import type { WeeklyFigures } from "../../src/modules/reports/reports.schemas.ts";

let browser: Browser;
let smtp: TestSmtpServer;
let context: BrowserContext | undefined;
let page: Page | undefined;
let watch: Watch | undefined;
const attempted: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  smtp = await startSmtpServer();
}, 30_000);

afterAll(async () => {
  await context?.close().catch(() => {});
  await browser?.close();
  await smtp?.close();
}, 30_000);

/**
 * Shows the HTML as a mail client would: nothing may be fetched (every request is aborted and recorded).
 * The email carries no script, so one JS-on tab serves both the screenshot and axe-core.
 */
async function show(htmlPart: string, name: string, width = PHONE.width) {
  expect(htmlPart).not.toMatch(/<script/i);
  if (!page) {
    const made = await phoneContext(browser);
    context = made.context;
    watch = made.watch;
    await context.route(/.*/, (route) => {
      attempted.push(route.request().url());
      return route.abort("blockedbyclient");
    });
    page = await openPage(context);
  }
  await page.setViewportSize({ width, height: 800 });
  await page.setContent(htmlPart, { waitUntil: "load" });
  const file = await screenshot(page, name);
  const layout = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, text: document.body.innerText }));
  const violations = await runAxe(page, name);
  return { file, layout, violations, fetched: [...attempted, ...watch!.requests.filter((u) => !/^(about|data):/.test(u))] };
}

test("the report received over SMTP reads on a phone: no sideways scroll, no remote request, axe clean", async () => {
  const t = await makeTestApp({ smtp: parseSmtpUrl(`smtp://127.0.0.1:${smtp.port}`), mailFrom: parseMailFrom("reports@holdfast.test") });
  const ws = await seedWorkspace(t, { name: "Acme Analytics" });
  const workspace = (await t.deps.workspaceService.get(ws.id))!;
  const mrrs = [129, 49, 49, 19, 250, 99];
  for (const [i, mrr] of mrrs.entries()) {
    t.clock.set(Date.parse("2026-11-10T10:00:00Z") + i * 3_600_000);
    const { session } = await t.deps.sessionService.start(workspace, {
      source: "api",
      customerId: `cus_${i}`,
      environment: "prod",
      context: { plan: "pro", mrr },
      reason: i % 2 ? "too expensive" : "missing a feature",
    });
    await t.deps.sessionService.complete(session, i % 3 ? "canceled" : "saved", i % 3 ? null : { kind: "discount", percentOff: 30, durationMonths: 3 });
  }
  t.clock.set(Date.parse("2026-11-18T09:00:00Z"));
  await t.deps.reportService.sendTo(ws.id, ["owner@acme.test"], "2026-W46");
  const { parts } = parseMail(smtp.received.at(-1)!.raw);
  const htmlPart = parts.find((p) => p.contentType === "text/html")!.body;

  const shown = await show(htmlPart, "report-email-phone");
  expect(shown.fetched).toEqual([]);
  expect(shown.layout.scrollWidth).toBeLessThanOrEqual(PHONE.width);
  expect(shown.layout.text).toContain("Acme Analytics — weekly retention report");
  expect(shown.layout.text).toMatch(/Recovered MRR\s+\$148\.00/); // saved: 129 + 19
  expect(shown.layout.text).toMatch(/Save rate\s+33\.3%/);
  expect(shown.violations, formatViolations(shown.violations)).toEqual([]);
}, 60_000);

test("a full report (long reasons, offers, detected issues) fits a phone and a desktop window", async () => {
  const figures: WeeklyFigures = {
    week: "2026-W46",
    from: "2026-11-09",
    to: "2026-11-15",
    current: { sessions: 1284, saved: 494, canceled: 770, pending: 20, saveRate: 0.391, recoveredMrrCents: 2_380_000, lostMrrCents: 4_120_050 },
    previous: { sessions: 1102, saved: 450, canceled: 640, pending: 12, saveRate: 0.413, recoveredMrrCents: 2_150_000, lostMrrCents: 3_500_000 },
    reasons: [
      { reason: "too expensive", sessions: 512, saved: 230, canceled: 280, saveRate: 0.451 },
      { reason: "we are consolidating all of our tooling into a single vendor next quarter", sessions: 201, saved: 40, canceled: 160, saveRate: 0.2 },
      { reason: "missing a feature", sessions: 180, saved: 60, canceled: 118, saveRate: 0.337 },
    ],
    offers: [
      { kind: "discount", shown: 512, accepted: 230, acceptanceRate: 0.449, recoveredMrrCents: 1_500_000 },
      { kind: "pause", shown: 300, accepted: 120, acceptanceRate: 0.4, recoveredMrrCents: 880_000 },
    ],
    issues: {
      status: "ok",
      items: [
        { kind: "reason_spike", subject: "too expensive", observed: 0.4, expected: 0.22, message: "" },
        { kind: "save_rate_drop", subject: "pro_monthly", observed: 0.28, expected: 0.41, message: "" },
      ],
    },
  };
  const report = renderWeeklyReport(figures, { workspaceName: "Acme Analytics", publicUrl: "https://holdfast.acme.test" });
  const phone = await show(report.html, "report-email-full-phone");
  expect(phone.layout.scrollWidth).toBeLessThanOrEqual(PHONE.width);
  expect(phone.layout.text).toContain("More people than usual gave “too expensive” as their reason: 40% of sessions, against 22% in the previous 8 weeks.");
  expect(phone.violations, formatViolations(phone.violations)).toEqual([]);
  expect(phone.fetched).toEqual([]);
  const desktop = await show(report.html, "report-email-full-desktop", 1024);
  expect(desktop.layout.scrollWidth).toBeLessThanOrEqual(1024);
  expect(report.text).toContain("Save rate: 39.1% (−2.2 pts vs 41.3%; 494 saved of 1,264 decided)");
}, 60_000);
