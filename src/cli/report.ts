// holdfast report send · holdfast report settings
import { groupUsage, oneOf, parse } from "./args.ts";
import { CliError, unknown, withDeps, type Io } from "./context.ts";
import { isEmailAddress } from "../lib/smtp-url.ts";
import { REPORT_SCHEDULES } from "../modules/reports/reports.schemas.ts";

export const REPORT_HELP = `Usage:
  holdfast report send --workspace ID [--week 2026-W46] [--to EMAIL]… [--dry-run]
  holdfast report settings --workspace ID [--schedule weekly|off] [--recipients "a@x.com,b@x.com"] [--json]

send      Builds the weekly report of a complete ISO week (default: the last one) from production sessions.
          --dry-run   prints the text part and sends nothing (no SMTP needed).
          --to EMAIL  a manual send to these addresses: always sent, never marks the week as sent.
          Without --to it goes to the workspace's recipients and claims the week as the scheduler does:
          a week already sent is not sent again (exit 1). A failed send exits 1 naming SMTP and claims nothing.
settings  Shows or changes the workspace's report schedule (weekly on Monday 08:00 UTC, or off) and recipients.

Mail goes through SMTP_URL (smtp://user:pass@host:port or smtps://…) from HOLDFAST_MAIL_FROM.`;

export async function reportCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const usage = groupUsage(sub, REPORT_HELP, io);
  if (usage !== null) return usage;
  if (sub === "send") return send(rest, io);
  if (sub === "settings") return settings(rest, io);
  throw unknown("report command", sub, ["send", "settings"], "holdfast report --help");
}

async function send(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    workspace: { type: "string" },
    week: { type: "string" },
    to: { type: "string", multiple: true },
    "dry-run": { type: "boolean" },
  });
  if (values.help) return io.out(REPORT_HELP), 0;
  if (positionals.length) throw new CliError(`Unexpected argument: ${positionals[0]}`);
  if (!values.workspace) throw new CliError("--workspace is required");
  const to = (values.to ?? []).flatMap((v) => v.split(",")).map((v) => v.trim().toLowerCase()).filter(Boolean);
  for (const address of to) if (!isEmailAddress(address)) throw new CliError("--to must be an email address");
  const workspaceId = values.workspace;

  return withDeps(io, async ({ reportService }) => {
    if (values["dry-run"]) {
      const report = await reportService.preview(workspaceId, values.week);
      io.out(report.text);
      io.err(`Dry run: nothing sent (${report.week}, subject: ${report.subject})`);
      return 0;
    }
    if (to.length) {
      const { week } = await reportService.sendTo(workspaceId, to, values.week);
      io.out(`Sent the ${week} report to ${to.join(", ")} (a manual send: the week is not marked as sent)`);
      return 0;
    }
    const result = await reportService.sendClaimed(workspaceId, values.week);
    if (result.status === "already_sent") {
      io.err(
        result.inProgress
          ? `holdfast: the ${result.week} report is being sent right now; not sent again`
          : `holdfast: the ${result.week} report was already sent${result.sentAt ? ` at ${new Date(result.sentAt).toISOString()}` : ""}; not sent again (use --to for a manual copy)`,
      );
      return 1;
    }
    io.out(`Sent the ${result.week} report to ${result.recipients.join(", ")}`);
    return 0;
  });
}

async function settings(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    workspace: { type: "string" },
    schedule: { type: "string" },
    recipients: { type: "string" },
    json: { type: "boolean" },
  });
  if (values.help) return io.out(REPORT_HELP), 0;
  if (positionals.length) throw new CliError(`Unexpected argument: ${positionals[0]}`);
  if (!values.workspace) throw new CliError("--workspace is required");
  const schedule = oneOf("schedule", values.schedule, REPORT_SCHEDULES);
  const workspaceId = values.workspace;
  return withDeps(io, async ({ reportService }) => {
    let current = await reportService.getSettings(workspaceId);
    if (schedule !== undefined || values.recipients !== undefined) {
      current = await reportService.updateSettings(workspaceId, {
        schedule: schedule ?? current.schedule,
        recipients: values.recipients ?? current.recipients,
      });
    }
    const status = await reportService.status(workspaceId);
    if (values.json) {
      io.out(JSON.stringify({ schedule: current.schedule, recipients: current.recipients, ...status }));
      return 0;
    }
    io.out(
      [
        `schedule:   ${current.schedule}${current.schedule === "weekly" ? " (Monday 08:00 UTC)" : ""}`,
        `recipients: ${current.recipients.length ? current.recipients.join(", ") : "(none: nothing is sent)"}`,
        `last sent:  ${status.lastReportAt ?? "never"}`,
        `failing:    ${status.failedReports}`,
      ].join("\n"),
    );
    return 0;
  });
}
