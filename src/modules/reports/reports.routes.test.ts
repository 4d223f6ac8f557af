// The report settings tab through the serving fetch: schedule and recipients, roles, CSRF, recent sends
// and failures, and the owner's test send over a real loopback SMTP server.
import { afterEach, describe, expect, test } from "bun:test";
import { makeTestApp, seedWorkspace } from "../../../tests/helpers.ts";
import { csrfOf, signedIn } from "../../../tests/dashboard-client.ts";
import { parseMail, startSmtpServer, type TestSmtpServer } from "../../../tests/smtp.ts";
import { parseMailFrom, parseSmtpUrl } from "../../lib/smtp-url.ts";

const PAGE = "/dashboard/settings/reports";
const mailConfig = (port: number) => ({ smtp: parseSmtpUrl(`smtp://127.0.0.1:${port}`), mailFrom: parseMailFrom("Holdfast <reports@holdfast.test>") });

let smtp: TestSmtpServer | null = null;
afterEach(async () => {
  await smtp?.close();
  smtp = null;
});

describe("/dashboard/settings/reports", () => {
  test("an admin sets the schedule and recipients; bad addresses are refused next to the field and nothing is saved", async () => {
    smtp = await startSmtpServer();
    const t = await makeTestApp(mailConfig(smtp.port));
    const ws = await seedWorkspace(t);
    const admin = await signedIn(t, ws.id, "admin");
    const page = await admin.get(PAGE);
    expect(page.status).toBe(200);
    expect(page.html).toContain('aria-current="page">Reports</a>');
    expect(page.html).toContain("No weekly report has been sent yet.");

    const saved = await admin.submit(PAGE, PAGE, { schedule: "weekly", recipients: "Owner@Acme.test\ncfo@acme.test" });
    expect(saved.status).toBe(303);
    expect(saved.location).toBe(PAGE);
    expect(await t.deps.reportService.getSettings(ws.id)).toMatchObject({ schedule: "weekly", recipients: ["owner@acme.test", "cfo@acme.test"] });
    const after = await admin.get(PAGE);
    expect(after.html).toContain("goes to 2 addresses every Monday at 08:00 UTC");
    expect(after.html).toContain("owner@acme.test\ncfo@acme.test</textarea>");

    const bad = await admin.submit(PAGE, PAGE, { schedule: "weekly", recipients: "ok@acme.test, <script>@x" });
    expect(bad.status).toBe(400);
    expect(bad.html).toMatch(/class="field-error" id="f-recipients-error">must be email addresses</);
    expect(bad.html).not.toContain("<script>@x");
    expect((await t.deps.reportService.getSettings(ws.id)).recipients).toEqual(["owner@acme.test", "cfo@acme.test"]);

    const off = await admin.submit(PAGE, PAGE, { schedule: "off", recipients: "owner@acme.test" });
    expect(off.status).toBe(303);
    expect((await t.deps.reportService.getSettings(ws.id)).schedule).toBe("off");
  });

  test("a viewer reads the settings but cannot change them; a POST without the CSRF token changes nothing", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    await t.deps.reportService.updateSettings(ws.id, { schedule: "weekly", recipients: ["owner@acme.test"] });
    const viewer = await signedIn(t, ws.id, "viewer");
    const page = await viewer.get(PAGE);
    expect(page.status).toBe(200);
    expect(page.html).toContain("owner@acme.test");
    expect(page.html).not.toContain('name="recipients"');
    expect((await viewer.post(PAGE, { _csrf: csrfOf(page.html), schedule: "off", recipients: "" })).status).toBe(403);

    const admin = await signedIn(t, ws.id, "admin");
    await admin.get(PAGE);
    expect((await admin.post(PAGE, { schedule: "off", recipients: "" })).status).toBe(403);
    expect(await t.deps.reportService.getSettings(ws.id)).toMatchObject({ schedule: "weekly", recipients: ["owner@acme.test"] });
  });

  test("without SMTP the page says so and offers no test send", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const owner = await signedIn(t, ws.id, "owner");
    const page = await owner.get(PAGE);
    expect(page.html).toContain("Mail is not configured on this server");
    expect(page.html).not.toContain("Send a test report to me");
  });

  test("owners send a test report to themselves (not claimed); admins may not", async () => {
    smtp = await startSmtpServer();
    const t = await makeTestApp(mailConfig(smtp.port));
    const ws = await seedWorkspace(t, { name: "Acme" });
    const owner = await signedIn(t, ws.id, "owner");
    const res = await owner.submit(PAGE, `${PAGE}/test`, {});
    expect(res.status).toBe(303);
    expect(smtp.received.map((m) => m.to)).toEqual([[owner.email]]);
    expect(parseMail(smtp.received[0].raw).headers.subject).toStartWith("Acme: 0 cancellation sessions");
    expect(await t.deps.reportService.deliveries(ws.id)).toEqual([]);
    expect((await owner.get(PAGE)).html).toContain(`Sent the 2026-W02 report to ${owner.email}`);

    const admin = await signedIn(t, ws.id, "admin");
    expect((await admin.submit(PAGE, `${PAGE}/test`, {})).status).toBe(403);
    expect(smtp.received).toHaveLength(1);
  });

  test("recent sends and failures show, with the SMTP error and a warning", async () => {
    smtp = await startSmtpServer();
    smtp.failWith("Mailbox unavailable");
    const t = await makeTestApp(mailConfig(smtp.port));
    const ws = await seedWorkspace(t);
    t.clock.set(Date.parse("2026-11-14T10:00:00Z"));
    await t.deps.reportService.updateSettings(ws.id, { schedule: "weekly", recipients: ["owner@acme.test"] });
    t.clock.set(Date.parse("2026-11-16T08:00:00Z"));
    await t.deps.reportScheduler.tick();
    const viewer = await signedIn(t, ws.id, "viewer");
    const page = await viewer.get(PAGE);
    expect(page.html).toContain("1 weekly report has failed to send recently");
    expect(page.html).toContain("2026-W46");
    expect(page.html).toContain("Failed, will retry");
    expect(page.html).toContain("Mailbox unavailable");
    expect(page.html).toContain("Last sent: never");
  });
});
