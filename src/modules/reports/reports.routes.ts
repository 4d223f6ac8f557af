// /dashboard/settings/reports: the weekly report's schedule and recipients, recent sends and failures,
// and "send a test report to me" for owners.
import type { Deps } from "../../boot.ts";
import { AppError } from "../../lib/app-error.ts";
import { atLeast, type DashboardShell } from "../dashboard/dashboard.shell.ts";
import { MailError } from "../mail/mailer.ts";
import { reportSettingsView } from "./reports-settings.views.ts";

export function reportPages(deps: Deps, shell: DashboardShell) {
  const { reportService, mailer } = deps;

  async function page(workspaceId: string) {
    const [settings, deliveries, status] = await Promise.all([
      reportService.getSettings(workspaceId),
      reportService.deliveries(workspaceId, 8),
      reportService.status(workspaceId),
    ]);
    return { settings, deliveries, status, mailConfigured: mailer !== null };
  }

  return shell.area("report-pages", (area) =>
    area
      .get("/dashboard/settings/reports", { nav: "settings" }, async (ctx) => {
        const data = await page(ctx.operator.workspace.id);
        return ctx.render({
          title: "Settings",
          nav: "settings",
          body: reportSettingsView({ ...data, csrf: ctx.csrf, canEdit: atLeast(ctx.operator.role, "admin"), canTest: atLeast(ctx.operator.role, "owner"), me: ctx.operator.user.email }),
        });
      })
      .post("/dashboard/settings/reports", { role: "admin", nav: "settings" }, async (ctx) => {
        const schedule = ctx.form.schedule ?? "";
        const recipients = ctx.form.recipients ?? "";
        try {
          const saved = await reportService.updateSettings(ctx.operator.workspace.id, { schedule: schedule as "weekly", recipients });
          const message =
            saved.schedule === "off"
              ? "Saved. Weekly reports are off."
              : saved.recipients.length === 0
                ? "Saved. Add at least one recipient to get the weekly report."
                : `Saved. The weekly report goes to ${saved.recipients.length} ${saved.recipients.length === 1 ? "address" : "addresses"} every Monday at 08:00 UTC.`;
          return ctx.redirect("/dashboard/settings/reports", { kind: "success", message });
        } catch (error) {
          if (!(error instanceof AppError) || error.status !== 400) throw error;
          const data = await page(ctx.operator.workspace.id);
          const field = error.message.startsWith("schedule") ? "schedule" : "recipients";
          return ctx.render({
            title: "Settings",
            nav: "settings",
            status: 400,
            body: reportSettingsView({
              ...data,
              csrf: ctx.csrf,
              canEdit: true,
              canTest: atLeast(ctx.operator.role, "owner"),
              me: ctx.operator.user.email,
              values: { schedule, recipients },
              fields: { [field]: error.message.replace(/^(schedule|recipients) /, "") },
            }),
          });
        }
      })
      .post("/dashboard/settings/reports/test", { role: "owner", nav: "settings" }, async (ctx) => {
        if (!mailer) return ctx.redirect("/dashboard/settings/reports", { kind: "error", message: "Mail is not configured on this server (SMTP_URL and HOLDFAST_MAIL_FROM)." });
        try {
          const { week } = await reportService.sendTo(ctx.operator.workspace.id, [ctx.operator.user.email]);
          return ctx.redirect("/dashboard/settings/reports", { kind: "success", message: `Sent the ${week} report to ${ctx.operator.user.email}. It does not count as that week's scheduled report.` });
        } catch (error) {
          if (!(error instanceof MailError)) throw error;
          return ctx.redirect("/dashboard/settings/reports", { kind: "error", message: `The test report was not sent: ${error.message}` });
        }
      }),
  );
}
