// The report settings tab: schedule and recipients form, the latest sends and failures, the test send.
import { html, type SafeHtml } from "../../views/html.ts";
import { banner, csrfInput, emptyState, field, select, time } from "../dashboard/dashboard.views.ts";
import { settingsTabs } from "../members/members.views.ts";
import type { ReportDelivery, ReportSettings } from "./reports.schemas.ts";

const STATUS_WORDS: Record<ReportDelivery["status"], string> = {
  sending: "Sending",
  retrying: "Failed, will retry",
  sent: "Sent",
  failed: "Failed",
};

export interface ReportSettingsView {
  settings: ReportSettings;
  deliveries: ReportDelivery[];
  status: { lastReportAt: string | null; failedReports: number };
  mailConfigured: boolean;
  csrf: string;
  canEdit: boolean;
  canTest: boolean;
  me: string;
  values?: { schedule?: string; recipients?: string };
  fields?: { schedule?: string; recipients?: string };
}

function deliveryRow(d: ReportDelivery): SafeHtml {
  const when = d.status === "sent" ? time(d.sentAt) : d.status === "retrying" ? html`next try ${time(d.nextAttemptAt)}` : time(d.claimedAt);
  return html`<tr>
<td>${d.week}</td>
<td>${STATUS_WORDS[d.status]}${d.trigger === "cli" ? html` <span class="tag">by hand</span>` : ""}</td>
<td>${when}</td>
<td>${d.attempts}</td>
<td>${d.lastError ? html`<span class="field-error">${d.lastError}</span>` : html`<span class="muted">—</span>`}</td>
</tr>`;
}

export function reportSettingsView(v: ReportSettingsView): SafeHtml {
  const schedule = v.values?.schedule ?? v.settings.schedule;
  const recipients = v.values?.recipients ?? v.settings.recipients.join("\n");
  const failing = v.status.failedReports;
  return html`${settingsTabs("reports")}
${v.mailConfigured ? "" : banner("warn", "Mail is not configured on this server, so no report is sent. Set SMTP_URL and HOLDFAST_MAIL_FROM and restart; these settings are kept.")}
${failing ? banner("error", `${failing} weekly ${failing === 1 ? "report has" : "reports have"} failed to send recently. See the last error below.`) : ""}
<section class="panel" id="reports">
<h2>Weekly report by email</h2>
<p class="hint">Every Monday at 08:00 UTC: the previous week's sessions, save rate, recovered and lost MRR against the week before, top reasons, offer acceptance and detected issues. Production sessions only.</p>
${v.canEdit
    ? html`<form method="post" action="/dashboard/settings/reports" class="stack narrow" novalidate>
${csrfInput(v.csrf)}
${select({ label: "Schedule", name: "schedule", value: schedule, error: v.fields?.schedule, options: [{ value: "weekly", label: "Weekly, Monday 08:00 UTC" }, { value: "off", label: "Off" }] })}
${field({ label: "Recipients", name: "recipients", type: "textarea", value: recipients, error: v.fields?.recipients, hint: "Email addresses, one per line or separated by commas (up to 20)." })}
<button class="btn btn-primary">Save</button>
</form>`
    : html`<dl class="facts"><dt>Schedule</dt><dd>${v.settings.schedule === "weekly" ? "Weekly, Monday 08:00 UTC" : "Off"}</dd>
<dt>Recipients</dt><dd>${v.settings.recipients.length ? v.settings.recipients.join(", ") : "None"}</dd></dl>
<p class="note">Only admins and owners can change the report settings.</p>`}
</section>
<section class="panel">
<h2>Recent sends</h2>
<p>Last sent: ${v.status.lastReportAt ? time(Date.parse(v.status.lastReportAt)) : "never"}</p>
${v.deliveries.length === 0
    ? emptyState("No weekly report has been sent yet.")
    : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Recent report sends"><table>
<thead><tr><th scope="col">Week</th><th scope="col">Status</th><th scope="col">When</th><th scope="col">Attempts</th><th scope="col">Last error</th></tr></thead>
<tbody>${v.deliveries.map(deliveryRow)}</tbody>
</table></div>`}
</section>
${v.canTest && v.mailConfigured
    ? html`<section class="panel">
<h2>Test report</h2>
<p class="hint">Last week's report, to ${v.me} only; it does not count as the scheduled one.</p>
<form method="post" action="/dashboard/settings/reports/test" class="actions">
${csrfInput(v.csrf)}
<button class="btn">Send a test report to me</button>
</form>
</section>`
    : ""}`;
}
