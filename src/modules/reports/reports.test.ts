// Weekly reports end to end: figures from real sessions (sandbox excluded), the scheduler across Monday
// 08:00 UTC with a fixed clock, restarts and two servers on one file, and a dead SMTP server.
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { makeTestApp, seedWorkspace, type SeededWorkspace, type TestApp } from "../../../tests/helpers.ts";
import { deadPort, parseMail, startSmtpServer, type TestSmtpServer } from "../../../tests/smtp.ts";
import { parseMailFrom, parseSmtpUrl } from "../../lib/smtp-url.ts";
import type { OfferConfig } from "../flows/flows.schemas.ts";
import { RETRY_BACKOFF_MINUTES } from "./reports.service.ts";

const at = (iso: string) => Date.parse(iso);
const MINUTE = 60_000;

const mailConfig = (port: number) => ({
  smtp: parseSmtpUrl(`smtp://127.0.0.1:${port}`),
  mailFrom: parseMailFrom("Holdfast <reports@holdfast.test>"),
});

interface SeedSession {
  at: string;
  env?: "prod" | "sandbox";
  reason?: string;
  mrr?: number;
  outcome?: "saved" | "canceled" | "pending";
  offer?: OfferConfig | null;
  /** An offer shown and declined (an accepted offer is always shown first). */
  declined?: OfferConfig["kind"];
}

async function seedSessions(t: TestApp, ws: SeededWorkspace, sessions: SeedSession[]) {
  const workspace = (await t.deps.workspaceService.get(ws.id))!;
  let n = 0;
  for (const s of sessions) {
    t.clock.set(at(s.at));
    const { session } = await t.deps.sessionService.start(workspace, {
      source: "api",
      customerId: `cus_${n++}`,
      environment: s.env ?? "prod",
      context: s.mrr === undefined ? {} : { plan: "pro", mrr: s.mrr },
      reason: s.reason ?? null,
    });
    const shown = s.offer?.kind ?? s.declined;
    if (shown) await t.deps.sessionService.markOfferShown(session, shown);
    if (s.outcome && s.outcome !== "pending") await t.deps.sessionService.complete(session, s.outcome, s.offer ?? null);
  }
}

const DISCOUNT: OfferConfig = { kind: "discount", percentOff: 30, durationMonths: 3 };
const PAUSE: OfferConfig = { kind: "pause", months: 2 };

let smtp: TestSmtpServer | null = null;
afterEach(async () => {
  await smtp?.close();
  smtp = null;
});

describe("the weekly report's figures", () => {
  test("the text part carries the week's figures against the previous week; sandbox sessions never count", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t, { name: "Acme" });
    await seedSessions(t, ws, [
      // 2026-W45 (2–8 Nov): the previous week.
      { at: "2026-11-03T10:00:00Z", reason: "too expensive", mrr: 10, outcome: "saved" },
      { at: "2026-11-08T23:59:59.999Z", reason: "too expensive", mrr: 15, outcome: "canceled" },
      // 2026-W46 (9–15 Nov), boundaries included.
      { at: "2026-11-09T00:00:00Z", reason: "too expensive", mrr: 50, outcome: "saved", offer: DISCOUNT },
      { at: "2026-11-10T09:00:00Z", reason: "too expensive", mrr: 49.99, outcome: "saved", offer: DISCOUNT },
      { at: "2026-11-11T09:00:00Z", reason: "too expensive", mrr: 20, outcome: "canceled", declined: "discount" },
      { at: "2026-11-12T09:00:00Z", reason: "not using it enough", mrr: 30, outcome: "saved", offer: PAUSE },
      { at: "2026-11-13T09:00:00Z", reason: "not using it enough", mrr: 40, outcome: "canceled", declined: "pause" },
      { at: "2026-11-15T23:59:59.999Z", outcome: "pending" },
      // Sandbox traffic in the same week: large, and never counted.
      { at: "2026-11-12T09:00:00Z", env: "sandbox", reason: "too expensive", mrr: 1000, outcome: "saved", offer: DISCOUNT },
      { at: "2026-11-12T09:00:00Z", env: "sandbox", reason: "missing a feature", mrr: 900, outcome: "canceled" },
      // 2026-W47: after the week.
      { at: "2026-11-16T00:00:00Z", reason: "too expensive", mrr: 70, outcome: "canceled" },
    ]);
    t.clock.set(at("2026-11-18T12:00:00Z"));
    const report = await t.deps.reportService.preview(ws.id, "2026-W46");
    expect(report.week).toBe("2026-W46");
    expect(report.subject).toBe("Acme: 6 cancellation sessions, 60.0% saved, $129.99 MRR recovered (9–15 Nov 2026)");
    const lines = report.text.split("\n");
    expect(lines.slice(0, 8)).toEqual([
      "Acme — weekly retention report",
      "2026-W46 (9–15 Nov 2026, UTC)",
      "",
      "Sessions: 6 (+4 vs 2 the week before)",
      "Save rate: 60.0% (+10.0 pts vs 50.0%; 3 saved of 5 decided)",
      "Recovered MRR: $129.99 (+$119.99 vs $10.00)",
      "Lost MRR: $60.00 (+$45.00 vs $15.00)",
      "Still undecided: 1",
    ]);
    expect(report.text).toContain("Top reasons\n  1. too expensive: 3 sessions, 2 saved (66.7%)\n  2. not using it enough: 2 sessions, 1 saved (50.0%)\n");
    expect(report.text).toContain("Offers\n  discount: 2 of 3 accepted (66.7%), $99.99 MRR recovered\n  pause: 1 of 2 accepted (50.0%), $30.00 MRR recovered\n");
    expect(report.text).toContain("Dashboard: http://localhost:3000/dashboard\n");
    expect(report.text).toContain("This week's sessions: http://localhost:3000/dashboard/sessions?from=2026-11-09&to=2026-11-15\n");
    expect(report.text).toContain("Change the recipients or stop these emails: http://localhost:3000/dashboard/settings/reports");
    expect(report.text).not.toContain("missing a feature");
    expect(report.html).toContain("$129.99");
    expect(report.html).not.toMatch(/<img|src=|url\(/i);
  });

  test("issues the detector finds are in the report, in plain words", async () => {
    const t = await makeTestApp();
    t.clock.set(at("2026-09-01T10:00:00Z"));
    const ws = await seedWorkspace(t, { name: "Acme" });
    const sessions: SeedSession[] = [];
    // Eight ordinary weeks (2026-W38..W45): 2 of 10 sessions "too expensive" each week.
    for (let week = 0; week < 8; week++)
      for (let i = 0; i < 10; i++)
        sessions.push({ at: new Date(at("2026-09-14T09:00:00Z") + week * 7 * 86_400_000 + i * 3_600_000).toISOString(), reason: i < 2 ? "too expensive" : "missing a feature", mrr: 20, outcome: "canceled" });
    // 2026-W46: 12 of 16.
    for (let i = 0; i < 16; i++)
      sessions.push({ at: new Date(at("2026-11-10T09:00:00Z") + i * 3_600_000).toISOString(), reason: i < 12 ? "too expensive" : "missing a feature", mrr: 20, outcome: "canceled" });
    await seedSessions(t, ws, sessions);
    t.clock.set(at("2026-11-18T12:00:00Z"));
    const report = await t.deps.reportService.preview(ws.id, "2026-W46");
    const issues = report.text.slice(report.text.indexOf("Issues detected\n"), report.text.indexOf("\nDashboard:"));
    // The detector's own sentence (analytics owns the wording): the reason, this week's share and the usual one.
    expect(issues).toMatch(/^Issues detected\n  - .*too expensive.*75 ?%.*20 ?%.*\n$/i);
    expect(report.html).toMatch(/too expensive.*75 ?%/i);
  });

  test("what a subscriber typed is escaped in the HTML part", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t, { name: "Acme <script>" });
    t.clock.set(at("2026-11-18T12:00:00Z"));
    const report = await t.deps.reportService.preview(ws.id, "2026-W46");
    expect(report.html).toContain("Acme &lt;script&gt;");
    expect(report.html).not.toContain("<script>");
  });

  test("a week that does not exist or has not ended is refused", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    t.clock.set(at("2026-11-18T12:00:00Z"));
    await expect(t.deps.reportService.preview(ws.id, "2026-W99")).rejects.toThrow("week must be an ISO week like 2026-W46");
    await expect(t.deps.reportService.preview(ws.id, "2026-W47")).rejects.toThrow("complete week");
    await expect(t.deps.reportService.preview("00000000-0000-0000-0000-000000000000", "2026-W46")).rejects.toThrow("No workspace");
  });
});

describe("report settings", () => {
  test("recipients are validated, lower-cased and de-duplicated; the schedule is weekly or off", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    expect(await t.deps.reportService.getSettings(ws.id)).toMatchObject({ schedule: "weekly", recipients: [], activeSince: null });
    const saved = await t.deps.reportService.updateSettings(ws.id, { schedule: "weekly", recipients: "Owner@Acme.test, cfo@acme.test;owner@acme.test" });
    expect(saved).toMatchObject({ schedule: "weekly", recipients: ["owner@acme.test", "cfo@acme.test"], activeSince: t.clock.now() });
    await expect(t.deps.reportService.updateSettings(ws.id, { schedule: "daily" as "weekly", recipients: [] })).rejects.toThrow("schedule must be weekly or off");
    await expect(t.deps.reportService.updateSettings(ws.id, { schedule: "weekly", recipients: "not-an-address" })).rejects.toThrow("recipients must be email addresses");
    // Keeping reports on keeps the original start; turning them off clears it.
    const since = saved.activeSince;
    t.clock.advance(MINUTE);
    expect((await t.deps.reportService.updateSettings(ws.id, { schedule: "weekly", recipients: ["a@acme.test"] })).activeSince).toBe(since);
    expect((await t.deps.reportService.updateSettings(ws.id, { schedule: "off", recipients: ["a@acme.test"] })).activeSince).toBeNull();
  });
});

describe("the report scheduler", () => {
  test("booting the app (as tests and CLI commands do) never starts it; start/stop do", async () => {
    smtp = await startSmtpServer();
    const t = await makeTestApp(mailConfig(smtp.port));
    expect(t.deps.reportScheduler.started).toBe(false);
    t.deps.reportScheduler.start();
    expect(t.deps.reportScheduler.started).toBe(true);
    await t.booted.close(); // closing the app stops it, after any pass in progress
    expect(t.deps.reportScheduler.started).toBe(false);
  });

  test("a fixed clock moved across Monday 08:00 UTC: each week is sent once, at 08:00, to the recipients", async () => {
    smtp = await startSmtpServer();
    const t = await makeTestApp(mailConfig(smtp.port));
    const ws = await seedWorkspace(t, { name: "Acme" });
    t.clock.set(at("2026-11-14T10:00:00Z")); // a Saturday: reports turned on
    await t.deps.reportService.updateSettings(ws.id, { schedule: "weekly", recipients: ["owner@acme.test", "cfo@acme.test"] });

    t.clock.set(at("2026-11-16T07:59:59Z"));
    await t.deps.reportScheduler.tick();
    expect(smtp.received).toHaveLength(0); // W46 is not due yet; W45 fell due before reports were on

    t.clock.set(at("2026-11-16T08:00:00Z"));
    await t.deps.reportScheduler.tick();
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0];
    expect(mail.to.sort()).toEqual(["cfo@acme.test", "owner@acme.test"]);
    const { headers, parts } = parseMail(mail.raw);
    expect(headers.subject).toContain("(9–15 Nov 2026)");
    expect(headers["list-unsubscribe"]).toBe("<http://localhost:3000/dashboard/settings/reports>");
    expect(parts.map((p) => p.contentType)).toEqual(["text/plain", "text/html"]);
    expect(parts[0].body).toContain("2026-W46 (9–15 Nov 2026, UTC)");

    for (const later of ["2026-11-16T08:01:00Z", "2026-11-17T08:00:00Z", "2026-11-23T07:59:00Z"]) {
      t.clock.set(at(later));
      await t.deps.reportScheduler.tick();
    }
    expect(smtp.received).toHaveLength(1);

    t.clock.set(at("2026-11-23T08:00:00Z"));
    await t.deps.reportScheduler.tick();
    expect(smtp.received).toHaveLength(2);
    expect(parseMail(smtp.received[1].raw).parts[0].body).toContain("2026-W47 (16–22 Nov 2026, UTC)");
    expect(await t.deps.reportService.status(ws.id)).toEqual({ lastReportAt: "2026-11-23T08:00:00.000Z", failedReports: 0 });
    expect((await t.deps.reportService.deliveries(ws.id)).map((d) => [d.week, d.status, d.attempts])).toEqual([
      ["2026-W47", "sent", 1],
      ["2026-W46", "sent", 1],
    ]);
  });

  test("workspaces that are off or have no recipients get nothing", async () => {
    smtp = await startSmtpServer();
    const t = await makeTestApp(mailConfig(smtp.port));
    const off = await seedWorkspace(t, { name: "Off" });
    await seedWorkspace(t, { name: "No recipients" });
    t.clock.set(at("2026-11-14T10:00:00Z"));
    await t.deps.reportService.updateSettings(off.id, { schedule: "off", recipients: ["owner@off.test"] });
    t.clock.set(at("2026-11-16T09:00:00Z"));
    await t.deps.reportScheduler.tick();
    expect(smtp.received).toHaveLength(0);
  });

  test("restarts and two servers on one file: no duplicate, and only the latest missed week is sent, once", async () => {
    smtp = await startSmtpServer();
    const file = path.join(mkdtempSync(path.join(tmpdir(), "hf-reports-")), "holdfast.db");
    const boot = async (now: string) => {
      const t = await makeTestApp(mailConfig(smtp!.port), file);
      t.clock.set(at(now));
      return t;
    };
    const first = await boot("2026-11-14T10:00:00Z");
    const ws = await seedWorkspace(first);
    await first.deps.reportService.updateSettings(ws.id, { schedule: "weekly", recipients: ["owner@acme.test"] });

    // Two servers on the same file wake at the same moment: exactly one of them sends W46.
    const second = await boot("2026-11-16T08:00:30Z");
    first.clock.set(at("2026-11-16T08:00:30Z"));
    await Promise.all([first.deps.reportScheduler.tick(), second.deps.reportScheduler.tick()]);
    expect(smtp.received).toHaveLength(1);
    await first.booted.close();
    await second.booted.close();

    // A restart the same week sends nothing again.
    const restarted = await boot("2026-11-17T12:00:00Z");
    await restarted.deps.reportScheduler.tick();
    expect(smtp.received).toHaveLength(1);
    await restarted.booted.close();

    // Down across Monday 2026-11-23 08:00: W47 goes out at the next start, once.
    const afterOutage = await boot("2026-11-25T15:00:00Z");
    await afterOutage.deps.reportScheduler.tick();
    await afterOutage.deps.reportScheduler.tick();
    expect(smtp.received).toHaveLength(2);
    expect(parseMail(smtp.received[1].raw).parts[0].body).toContain("2026-W47");
    await afterOutage.booted.close();

    // Down for three Mondays (W48, W49, W50 due): only the latest missed week is sent, not a pile of stale ones.
    const longOutage = await boot("2026-12-15T09:00:00Z");
    await longOutage.deps.reportScheduler.tick();
    expect(smtp.received).toHaveLength(3);
    expect(parseMail(smtp.received[2].raw).parts[0].body).toContain("2026-W50");
    expect((await longOutage.deps.reportService.deliveries(ws.id)).map((d) => d.week)).toEqual(["2026-W50", "2026-W47", "2026-W46"]);
    await longOutage.booted.close();
  });

  test("a dead SMTP server: retried with backoff, never marked sent, visible in the status, then given up", async () => {
    const port = await deadPort();
    const t = await makeTestApp(mailConfig(port));
    const ws = await seedWorkspace(t);
    t.clock.set(at("2026-11-14T10:00:00Z"));
    await t.deps.reportService.updateSettings(ws.id, { schedule: "weekly", recipients: ["owner@acme.test"] });
    t.clock.set(at("2026-11-16T08:00:00Z"));
    await t.deps.reportScheduler.tick();

    let [delivery] = await t.deps.reportService.deliveries(ws.id);
    expect(delivery).toMatchObject({ week: "2026-W46", status: "retrying", attempts: 1, sentAt: null, nextAttemptAt: at("2026-11-16T08:01:00Z") });
    expect(delivery.lastError).toStartWith(`SMTP send via 127.0.0.1:${port} failed:`);
    expect(await t.deps.reportService.status(ws.id)).toEqual({ lastReportAt: null, failedReports: 1 });
    expect(await t.deps.reportService.status()).toEqual({ lastReportAt: null, failedReports: 1 });

    // Not before the backoff has passed.
    t.clock.advance(30_000);
    await t.deps.reportScheduler.tick();
    expect((await t.deps.reportService.deliveries(ws.id))[0].attempts).toBe(1);

    // Each retry waits longer; after the last one the delivery is failed for good.
    for (let i = 0; i < RETRY_BACKOFF_MINUTES.length; i++) {
      [delivery] = await t.deps.reportService.deliveries(ws.id);
      t.clock.set(delivery.nextAttemptAt!);
      await t.deps.reportScheduler.tick();
    }
    [delivery] = await t.deps.reportService.deliveries(ws.id);
    expect(delivery).toMatchObject({ status: "failed", attempts: RETRY_BACKOFF_MINUTES.length + 1, nextAttemptAt: null, sentAt: null });
    expect(delivery.lastError).toContain("SMTP");
    t.clock.advance(24 * 60 * MINUTE);
    await t.deps.reportScheduler.tick();
    expect((await t.deps.reportService.deliveries(ws.id))[0].attempts).toBe(RETRY_BACKOFF_MINUTES.length + 1);
  });

  test("a server that refuses mail for a while: the retry after it recovers sends the week once", async () => {
    smtp = await startSmtpServer();
    smtp.failWith("Try again later");
    const t = await makeTestApp(mailConfig(smtp.port));
    const ws = await seedWorkspace(t);
    t.clock.set(at("2026-11-14T10:00:00Z"));
    await t.deps.reportService.updateSettings(ws.id, { schedule: "weekly", recipients: ["owner@acme.test"] });
    t.clock.set(at("2026-11-16T08:00:00Z"));
    await t.deps.reportScheduler.tick();
    expect((await t.deps.reportService.deliveries(ws.id))[0]).toMatchObject({ status: "retrying", attempts: 1 });
    expect((await t.deps.reportService.deliveries(ws.id))[0].lastError).toContain("Try again later");

    smtp.failWith(null);
    t.clock.set(at("2026-11-16T08:01:00Z"));
    await t.deps.reportScheduler.tick();
    await t.deps.reportScheduler.tick();
    expect(smtp.received).toHaveLength(1);
    expect((await t.deps.reportService.deliveries(ws.id))[0]).toMatchObject({ status: "sent", attempts: 2, lastError: null, sentAt: at("2026-11-16T08:01:00Z") });
    expect(await t.deps.reportService.status(ws.id)).toEqual({ lastReportAt: "2026-11-16T08:01:00.000Z", failedReports: 0 });
  });

  test("a claimed manual send takes over a week waiting for a retry; failing, it puts the week back as it was", async () => {
    smtp = await startSmtpServer();
    smtp.failWith("Try again later");
    const t = await makeTestApp(mailConfig(smtp.port));
    const ws = await seedWorkspace(t);
    t.clock.set(at("2026-11-14T10:00:00Z"));
    await t.deps.reportService.updateSettings(ws.id, { schedule: "weekly", recipients: ["owner@acme.test"] });
    t.clock.set(at("2026-11-16T08:00:00Z"));
    await t.deps.reportScheduler.tick();
    const waiting = (await t.deps.reportService.deliveries(ws.id))[0];
    expect(waiting).toMatchObject({ status: "retrying", attempts: 1, trigger: "schedule" });

    await expect(t.deps.reportService.sendClaimed(ws.id, "2026-W46")).rejects.toThrow("SMTP send via");
    expect((await t.deps.reportService.deliveries(ws.id))[0]).toMatchObject({ status: "retrying", attempts: 1, trigger: "schedule", nextAttemptAt: waiting.nextAttemptAt });

    smtp.failWith(null);
    expect(await t.deps.reportService.sendClaimed(ws.id, "2026-W46")).toEqual({ status: "sent", week: "2026-W46", recipients: ["owner@acme.test"] });
    expect((await t.deps.reportService.deliveries(ws.id))[0]).toMatchObject({ status: "sent", trigger: "cli", lastError: null });
    // The scheduler's retry finds nothing left to do.
    t.clock.set(at("2026-11-16T08:05:00Z"));
    await t.deps.reportScheduler.tick();
    expect(smtp.received).toHaveLength(1);
    expect(await t.deps.reportService.sendClaimed(ws.id, "2026-W46")).toMatchObject({ status: "already_sent", sentAt: at("2026-11-16T08:00:00Z") });
  });

  test("a send abandoned mid-way (the process died holding the claim) is never resent automatically", async () => {
    smtp = await startSmtpServer();
    const t = await makeTestApp(mailConfig(smtp.port));
    const ws = await seedWorkspace(t);
    t.clock.set(at("2026-11-14T10:00:00Z"));
    await t.deps.reportService.updateSettings(ws.id, { schedule: "weekly", recipients: ["owner@acme.test"] });
    // What a process killed between claiming and recording the outcome leaves behind.
    t.deps.db.run(
      "insert into report_deliveries (workspace_id, week, status, trigger, recipients, claimed_at, lease_until) values (?, '2026-W46', 'sending', 'schedule', '[]', ?, ?)",
      [ws.id, at("2026-11-16T08:00:00Z"), at("2026-11-16T08:10:00Z")],
    );
    t.clock.set(at("2026-11-16T08:05:00Z"));
    await t.deps.reportScheduler.tick();
    expect((await t.deps.reportService.deliveries(ws.id))[0].status).toBe("sending");
    t.clock.set(at("2026-11-16T08:11:00Z"));
    await t.deps.reportScheduler.tick();
    const [delivery] = await t.deps.reportService.deliveries(ws.id);
    expect(delivery.status).toBe("failed");
    expect(delivery.lastError).toContain("holdfast report send");
    expect(smtp.received).toHaveLength(0);
  });
});
