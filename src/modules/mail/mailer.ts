// Outgoing mail: the Mailer interface every feature is handed through deps, and its SMTP implementation.
import { createTransport } from "nodemailer";
import { isIP } from "node:net";
import type { MailFrom, SmtpSettings } from "../../lib/smtp-url.ts";

export interface MailMessage {
  to: string[];
  subject: string;
  /** Both parts are always sent: some clients (and people) read only the text. */
  text: string;
  html: string;
  /** An https/http page where the recipient can stop these mails (the dashboard settings page). */
  unsubscribeUrl?: string;
}

export interface SentMail {
  messageId: string;
  accepted: string[];
  rejected: string[];
}

export interface Mailer {
  /** Resolves when the server accepted the message for at least one recipient; otherwise throws a MailError. */
  send(message: MailMessage): Promise<SentMail>;
  /** Connects, says EHLO, upgrades and logs in as a send would, then quits; throws a MailError when any step fails. */
  verify(): Promise<void>;
  /** host:port, for messages and health (never the credentials). */
  readonly endpoint: string;
}

/** A failure to hand mail to the SMTP server; the message always says so and names the server. */
export class MailError extends Error {
  constructor(message: string, readonly code: string | undefined) {
    super(message);
  }
}

export interface SmtpMailerOptions {
  smtp: SmtpSettings;
  from: MailFrom;
  /** Test-only: extra CAs to trust (the loopback server's fixture certificate). Production uses the system store. */
  extraCa?: string[];
  /** How long to wait for the TCP/TLS connection and for the server's greeting (ms). */
  connectTimeoutMs?: number;
  /** How long an idle socket may stay silent mid-conversation (ms). */
  socketTimeoutMs?: number;
}

export function createSmtpMailer(options: SmtpMailerOptions): Mailer {
  const { smtp, from } = options;
  const connectTimeout = options.connectTimeoutMs ?? 10_000;
  const endpoint = `${smtp.host.includes(":") ? `[${smtp.host}]` : smtp.host}:${smtp.port}`;
  const transport = createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    // Plain smtp:// upgrades with STARTTLS whenever the server offers it, and fails rather than
    // falling back to plain text when that upgrade fails (nodemailer's default without opportunisticTLS).
    auth: smtp.user !== null ? { user: smtp.user, pass: smtp.pass ?? "" } : undefined,
    connectionTimeout: connectTimeout,
    greetingTimeout: connectTimeout,
    socketTimeout: options.socketTimeoutMs ?? 30_000,
    // SNI takes a name, never an IP literal.
    tls: { ...(options.extraCa ? { ca: options.extraCa } : {}), ...(isIP(smtp.host) ? {} : { servername: smtp.host }) },
    // One connection per message: reports are a few mails a week, so a pool would only hold sockets open.
    pool: false,
    disableFileAccess: true,
    disableUrlAccess: true,
  });

  const fail = (what: string, error: unknown): MailError => {
    const e = error as { message?: string; code?: string };
    // nodemailer's messages never include the password; strip any line breaks the server sent.
    const reason = String(e?.message ?? error).replace(/\s+/g, " ").trim();
    return new MailError(`SMTP ${what} via ${endpoint} failed: ${reason}`, e?.code);
  };

  return {
    endpoint,
    async send(message) {
      if (message.to.length === 0) throw new MailError("SMTP send skipped: no recipients", "ENORECIPIENTS");
      let info;
      try {
        info = await transport.sendMail({
          from: from.name ? { name: from.name, address: from.address } : from.address,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          list: message.unsubscribeUrl ? { unsubscribe: message.unsubscribeUrl } : undefined,
          // Auto-Submitted: keeps out-of-office replies from answering a robot.
          headers: { "Auto-Submitted": "auto-generated" },
        });
      } catch (error) {
        throw fail("send", error);
      }
      return {
        messageId: info.messageId,
        accepted: (info.accepted as unknown[]).map(String),
        rejected: (info.rejected as unknown[]).map(String),
      };
    },
    async verify() {
      try {
        await transport.verify();
      } catch (error) {
        throw fail("check", error);
      }
    },
  };
}
