// Mail on behalf of other features (invitations, billing warnings) and the mail part of deep health.
// Features call this service instead of the mailer, so "no SMTP configured" is handled in one place.
import type { Clock } from "../../lib/clock.ts";
import type { Logger } from "../../http/logger.ts";
import type { Mailer } from "../mail/mailer.ts";
import type { ReportService } from "../reports/reports.service.ts";
import { renderBillingWarning, renderInvitation } from "./notifications.views.ts";

/** A working SMTP check is remembered this long, so frequent health probes don't each open an SMTP session. */
const SMTP_CHECK_TTL_MS = 60_000;
/** How long the SMTP check of deep health may take before it counts as failing. */
const SMTP_CHECK_TIMEOUT_MS = 3_000;

export interface NotificationsHealth {
  configured: boolean;
  /** "ok", "error: <why>" when configured; "not configured" without SMTP_URL. */
  smtp: string;
  lastReportAt: string | null;
  failedReports: number;
}

/** What a send on behalf of a feature did: sent, or skipped because mail is off (never an exception for that). */
export type NotificationResult = { sent: true } | { sent: false; reason: "mail_not_configured" };

export function createNotificationsService(deps: { mailer: Mailer | null; reportService: ReportService; clock: Clock; publicUrl: string; logger: Logger }) {
  const { mailer, clock, logger } = deps;
  let lastCheck: { at: number; smtp: string } | null = null;

  let inFlight: Promise<string> | null = null;

  async function verifyWithin(m: Mailer): Promise<string> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    // A health probe must answer quickly even when the server accepts the connection and then stalls.
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`SMTP check via ${m.endpoint} failed: no answer within ${SMTP_CHECK_TIMEOUT_MS} ms`)), SMTP_CHECK_TIMEOUT_MS);
    });
    try {
      await Promise.race([m.verify(), timeout]);
      return "ok";
    } catch (error) {
      return `error: ${(error as Error).message}`;
    } finally {
      clearTimeout(timer);
    }
  }

  async function smtpState(): Promise<string> {
    if (!mailer) return "not configured";
    const now = clock.now();
    if (lastCheck && now - lastCheck.at < SMTP_CHECK_TTL_MS) return lastCheck.smtp;
    // Concurrent probes share one check instead of each opening an SMTP session.
    inFlight ??= verifyWithin(mailer).finally(() => (inFlight = null));
    const smtp = await inFlight;
    lastCheck = { at: now, smtp };
    return smtp;
  }

  return {
    configured: mailer !== null,

    async health(): Promise<NotificationsHealth> {
      const [smtp, reports] = await Promise.all([smtpState(), deps.reportService.status()]);
      return { configured: mailer !== null, smtp, ...reports };
    },

    /** Whether health should call the mail part failing: only a configured server that does not answer. */
    failing: (h: NotificationsHealth) => h.configured && h.smtp !== "ok",

    /** Mails an invitation link; skipped (not an error) when SMTP is not configured. SMTP failures throw a MailError. */
    async sendInvitation(input: { to: string; workspaceName: string; invitedBy: string | null; role: string; url: string; expiresAt: number }): Promise<NotificationResult> {
      if (!mailer) return { sent: false, reason: "mail_not_configured" };
      const mail = renderInvitation(input);
      await mailer.send({ to: [input.to], ...mail });
      logger.info("invitation mailed", { role: input.role });
      return { sent: true };
    },

    /** Warns a workspace's owners that a payment failed; skipped when SMTP is not configured or there is nobody to tell. */
    async sendBillingWarning(input: { to: string[]; workspaceName: string; detail?: string | null }): Promise<NotificationResult> {
      if (!mailer) return { sent: false, reason: "mail_not_configured" };
      if (input.to.length === 0) return { sent: true };
      const mail = renderBillingWarning({ workspaceName: input.workspaceName, billingUrl: `${deps.publicUrl}/dashboard/billing`, detail: input.detail ?? null });
      await mailer.send({ to: input.to, ...mail });
      logger.info("billing warning mailed", { recipients: input.to.length });
      return { sent: true };
    },
  };
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;
