// The SMTP mailer against a real SMTP server on loopback: plain, STARTTLS with a fixture certificate, auth, a dead server.
import { afterEach, describe, expect, test } from "bun:test";
import { createSmtpMailer, MailError } from "./mailer.ts";
import { parseSmtpUrl, parseMailFrom } from "../../lib/smtp-url.ts";
import { deadPort, parseMail, startSmtpServer, TEST_CA, type TestSmtpServer } from "../../../tests/smtp.ts";

const FROM = parseMailFrom("Holdfast Reports <reports@holdfast.test>");
const MESSAGE = {
  to: ["owner@acme.test", "cfo@acme.test"],
  subject: "Weekly report — Acme",
  text: "Sessions: 12\nSave rate: 41.7 %",
  html: "<p>Sessions: <b>12</b></p>",
  unsubscribeUrl: "https://holdfast.acme.test/dashboard/settings/reports",
};

let server: TestSmtpServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

describe("SMTP mailer", () => {
  test("plain smtp:// delivers one message with a text and an HTML part and a List-Unsubscribe link", async () => {
    server = await startSmtpServer();
    const mailer = createSmtpMailer({ smtp: parseSmtpUrl(`smtp://127.0.0.1:${server.port}`), from: FROM });
    const sent = await mailer.send(MESSAGE);
    expect(sent.accepted.sort()).toEqual(["cfo@acme.test", "owner@acme.test"]);
    expect(server.received).toHaveLength(1);
    const mail = server.received[0];
    expect(mail.from).toBe("reports@holdfast.test");
    expect(mail.to.sort()).toEqual(["cfo@acme.test", "owner@acme.test"]);
    expect(mail.secure).toBe(false);
    const { headers, parts } = parseMail(mail.raw);
    expect(headers.from).toBe("Holdfast Reports <reports@holdfast.test>");
    expect(headers["list-unsubscribe"]).toBe("<https://holdfast.acme.test/dashboard/settings/reports>");
    expect(headers["auto-submitted"]).toBe("auto-generated");
    expect(parts.map((p) => p.contentType)).toEqual(["text/plain", "text/html"]);
    expect(parts[0].body.trim()).toBe(MESSAGE.text);
    expect(parts[1].body.trim()).toBe(MESSAGE.html);
  });

  test("smtp:// upgrades with STARTTLS when offered, verifies the certificate against the given CA, then logs in", async () => {
    server = await startSmtpServer({ starttls: true, auth: { user: "reports", pass: "p@ss:w/rd" } });
    const url = `smtp://reports:${encodeURIComponent("p@ss:w/rd")}@localhost:${server.port}`;
    const mailer = createSmtpMailer({ smtp: parseSmtpUrl(url), from: FROM, extraCa: [TEST_CA] });
    await mailer.verify();
    await mailer.send(MESSAGE);
    expect(server.received).toHaveLength(1);
    expect(server.received[0].secure).toBe(true);
    expect(server.received[0].user).toBe("reports");
  });

  test("smtps:// speaks TLS from the first byte", async () => {
    server = await startSmtpServer({ implicitTls: true, auth: { user: "reports", pass: "pw" } });
    const mailer = createSmtpMailer({ smtp: parseSmtpUrl(`smtps://reports:pw@localhost:${server.port}`), from: FROM, extraCa: [TEST_CA] });
    await mailer.send(MESSAGE);
    expect(server.received).toHaveLength(1);
    expect(server.received[0].secure).toBe(true);
  });

  test("STARTTLS with a certificate nobody vouches for fails instead of sending in the clear", async () => {
    server = await startSmtpServer({ starttls: true });
    const mailer = createSmtpMailer({ smtp: parseSmtpUrl(`smtp://localhost:${server.port}`), from: FROM, connectTimeoutMs: 3000 });
    const error = await mailer.send(MESSAGE).then(() => null, (e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error.message).toStartWith(`SMTP send via localhost:${server.port} failed:`);
    expect(error.message.toLowerCase()).toMatch(/certificate|self.signed|issuer/);
    expect(server.received).toHaveLength(0);
  });

  test("a wrong password is an SMTP error that never shows the password", async () => {
    server = await startSmtpServer({ auth: { user: "reports", pass: "right" } });
    const mailer = createSmtpMailer({ smtp: parseSmtpUrl(`smtp://reports:sekrit-wrong@127.0.0.1:${server.port}`), from: FROM });
    const error = await mailer.send(MESSAGE).then(() => null, (e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error.message).toContain("SMTP send via 127.0.0.1");
    expect(error.code).toBe("EAUTH");
    expect(error.message).not.toContain("sekrit-wrong");
    expect(server.received).toHaveLength(0);
  });

  test("a dead server (connection refused) is a clear SMTP error, for send and verify", async () => {
    const port = await deadPort();
    const mailer = createSmtpMailer({ smtp: parseSmtpUrl(`smtp://u:pw@127.0.0.1:${port}`), from: FROM, connectTimeoutMs: 2000 });
    const sendError = await mailer.send(MESSAGE).then(() => null, (e) => e);
    expect(sendError).toBeInstanceOf(MailError);
    expect(sendError.message).toStartWith(`SMTP send via 127.0.0.1:${port} failed:`);
    expect(sendError.message).toContain("ECONNREFUSED");
    const verifyError = await mailer.verify().then(() => null, (e) => e);
    expect(verifyError).toBeInstanceOf(MailError);
    expect(verifyError.message).toStartWith(`SMTP check via 127.0.0.1:${port} failed:`);
  });

  test("a server refusing the sender is an SMTP error with the server's answer", async () => {
    server = await startSmtpServer();
    server.failWith("Mailbox temporarily unavailable");
    const mailer = createSmtpMailer({ smtp: parseSmtpUrl(`smtp://127.0.0.1:${server.port}`), from: FROM });
    const error = await mailer.send(MESSAGE).then(() => null, (e) => e);
    expect(error).toBeInstanceOf(MailError);
    expect(error.message).toContain("Mailbox temporarily unavailable");
    expect(server.received).toHaveLength(0);
  });
});
