// Mail for other features and the mail part of deep health, against a real loopback SMTP server.
import { afterEach, describe, expect, test } from "bun:test";
import { makeTestApp, seedWorkspace } from "../../../tests/helpers.ts";
import { deadPort, parseMail, startSmtpServer, type TestSmtpServer } from "../../../tests/smtp.ts";
import { parseMailFrom, parseSmtpUrl } from "../../lib/smtp-url.ts";
import { MailError } from "../mail/mailer.ts";

const mailConfig = (port: number) => ({
  smtp: parseSmtpUrl(`smtp://127.0.0.1:${port}`),
  mailFrom: parseMailFrom("Holdfast <reports@holdfast.test>"),
});

let smtp: TestSmtpServer | null = null;
afterEach(async () => {
  await smtp?.close();
  smtp = null;
});

describe("deep health: notifications", () => {
  test("without SMTP_URL mail is off and healthy", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const res = await t.request("GET", "/api/health?deep=1", { key: ws.readKey });
    expect(res.status).toBe(200);
    expect((await res.json()).checks.notifications).toEqual({ configured: false, smtp: "not configured", lastReportAt: null, failedReports: 0 });
  });

  test("a working SMTP server is ok and the last report shows", async () => {
    smtp = await startSmtpServer();
    const t = await makeTestApp(mailConfig(smtp.port));
    const ws = await seedWorkspace(t);
    t.clock.set(Date.parse("2026-11-14T10:00:00Z"));
    await t.deps.reportService.updateSettings(ws.id, { schedule: "weekly", recipients: ["owner@acme.test"] });
    t.clock.set(Date.parse("2026-11-16T08:00:00Z"));
    await t.deps.reportScheduler.tick();
    const res = await t.request("GET", "/api/health?deep=1", { key: ws.readKey });
    expect(res.status).toBe(200);
    expect((await res.json()).checks.notifications).toEqual({ configured: true, smtp: "ok", lastReportAt: "2026-11-16T08:00:00.000Z", failedReports: 0 });
  });

  test("a configured SMTP server that is down makes the deep check 503 degraded, naming SMTP, and counts the failing report", async () => {
    const port = await deadPort();
    const t = await makeTestApp(mailConfig(port));
    const ws = await seedWorkspace(t);
    t.clock.set(Date.parse("2026-11-14T10:00:00Z"));
    await t.deps.reportService.updateSettings(ws.id, { schedule: "weekly", recipients: ["owner@acme.test"] });
    t.clock.set(Date.parse("2026-11-16T08:00:00Z"));
    await t.deps.reportScheduler.tick();
    const res = await t.request("GET", "/api/health?deep=1", { key: ws.readKey });
    expect(res.status).toBe(503);
    const body = await res.json();
    expect(body.status).toBe("degraded");
    expect(body.checks.notifications).toMatchObject({ configured: true, lastReportAt: null, failedReports: 1 });
    expect(body.checks.notifications.smtp).toStartWith(`error: SMTP check via 127.0.0.1:${port} failed:`);
  });
});

describe("notifications for other features", () => {
  test("an invitation goes out with both parts and the link; without SMTP it is skipped, not an error", async () => {
    smtp = await startSmtpServer();
    const t = await makeTestApp(mailConfig(smtp.port));
    const result = await t.deps.notificationsService.sendInvitation({
      to: "new@acme.test",
      workspaceName: "Acme <Ops>",
      invitedBy: "owner@acme.test",
      role: "viewer",
      url: "http://localhost:3000/dashboard/invite/abc",
      expiresAt: Date.parse("2026-01-22T12:00:00Z"),
    });
    expect(result).toEqual({ sent: true });
    const { headers, parts } = parseMail(smtp.received[0].raw);
    expect(headers.subject).toBe("Join Acme <Ops> on Holdfast");
    expect(parts[0].body).toContain("owner@acme.test invited you to the Acme <Ops> workspace as viewer.");
    expect(parts[0].body).toContain("Accept the invitation: http://localhost:3000/dashboard/invite/abc");
    expect(parts[1].body).toContain("Acme &lt;Ops&gt;");

    const off = await makeTestApp();
    expect(await off.deps.notificationsService.sendInvitation({ to: "x@acme.test", workspaceName: "A", invitedBy: null, role: "admin", url: "http://x/y", expiresAt: 0 })).toEqual({
      sent: false,
      reason: "mail_not_configured",
    });
  });

  test("a billing warning goes to the owners and links to the billing page; an SMTP failure is a MailError", async () => {
    smtp = await startSmtpServer();
    const t = await makeTestApp(mailConfig(smtp.port));
    await t.deps.notificationsService.sendBillingWarning({ to: ["owner@acme.test", "admin@acme.test"], workspaceName: "Acme", detail: "card declined" });
    expect(smtp.received[0].to.sort()).toEqual(["admin@acme.test", "owner@acme.test"]);
    expect(parseMail(smtp.received[0].raw).parts[0].body).toContain("Billing: http://localhost:3000/dashboard/billing");

    const dead = await makeTestApp(mailConfig(await deadPort()));
    await expect(dead.deps.notificationsService.sendBillingWarning({ to: ["owner@acme.test"], workspaceName: "Acme" })).rejects.toBeInstanceOf(MailError);
  });
});
