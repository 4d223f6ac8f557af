// The dashboard overview and its CSV: pure functions of the figures the analytics service computed.
import { html, type SafeHtml } from "../../views/html.ts";
import type { AnalyticsService } from "./analytics.service.ts";
import { horizontalBarChart, stackedBarChart } from "./charts.ts";

export type RetentionReport = ReturnType<AnalyticsService["retention"]>;
export type IssuesReport = ReturnType<AnalyticsService["issues"]>;
type Totals = RetentionReport["totals"];

export interface OverviewModel {
  plan: "core" | "advanced";
  filters: { from: string; to: string; flowId: string | null };
  flows: { id: string; name: string }[];
  report: RetentionReport;
  previous: { from: string; to: string; totals: Totals };
  issues: IssuesReport;
  csvHref: string;
  /** A message about the filters (a bad date), shown above the figures. */
  error: string | null;
}

export const COLORS = { saved: "#15803d", canceled: "#b91c1c", pending: "#6b7280", bar: "#1d4ed8", offer: "#7c3aed" };

const money = (cents: number) =>
  new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(cents / 100);
const percent = (rate: number) => `${Math.round(rate * 1000) / 10} %`;
const count = (n: number) => n.toLocaleString("en-US");

/** "+12 %", "−3 %", "no change", or null when there is nothing to compare with. */
function relativeChange(now: number, before: number): string | null {
  if (before === 0) return null;
  const change = Math.round(((now - before) / before) * 100);
  return change === 0 ? "no change" : `${change > 0 ? "+" : "−"}${Math.abs(change)} %`;
}

function pointsChange(now: number, before: number): string {
  const points = Math.round((now - before) * 1000) / 10;
  return points === 0 ? "no change" : `${points > 0 ? "+" : "−"}${Math.abs(points)} points`;
}

function tile(label: string, value: string, change: string | null, since: string): SafeHtml {
  return html`<div><dt>${label}</dt><dd>${value}</dd><dd class="change">${change === null ? html`no earlier figures` : html`${change} vs ${since}`}</dd></div>`;
}

function tiles(m: OverviewModel): SafeHtml {
  const now = m.report.totals;
  const before = m.previous.totals;
  const since = `${m.previous.from} – ${m.previous.to}`;
  const anyBefore = before.sessions > 0;
  return html`<section aria-labelledby="headline-h" class="panel">
<h2 id="headline-h">${m.report.from} – ${m.report.to}</h2>
<dl class="stats tiles">
${tile("Sessions", count(now.sessions), relativeChange(now.sessions, before.sessions), since)}
${tile("Save rate", percent(now.saveRate), anyBefore && before.saved + before.canceled > 0 ? pointsChange(now.saveRate, before.saveRate) : null, since)}
${tile("Recovered MRR", money(now.recoveredMrrCents), anyBefore ? (relativeChange(now.recoveredMrrCents, before.recoveredMrrCents) ?? "up from $0") : null, since)}
${tile("Lost MRR", money(now.lostMrrCents), anyBefore ? (relativeChange(now.lostMrrCents, before.lostMrrCents) ?? "up from $0") : null, since)}
</dl>
</section>`;
}

function filters(m: OverviewModel): SafeHtml {
  return html`<form method="get" action="/dashboard" class="filters panel" aria-label="Filters">
<div class="field"><label for="f-from">From</label><input id="f-from" name="from" type="date" value="${m.filters.from}" required></div>
<div class="field"><label for="f-to">To</label><input id="f-to" name="to" type="date" value="${m.filters.to}" required></div>
<div class="field"><label for="f-flow">Flow</label><select id="f-flow" name="flowId">
<option value=""${m.filters.flowId ? "" : " selected"}>All flows</option>
${m.flows.map((f) => html`<option value="${f.id}"${f.id === m.filters.flowId ? html` selected` : ""}>${f.name}</option>`)}
</select></div>
<div class="field actions"><button type="submit" class="btn btn-primary">Apply</button> <a class="btn" href="${m.csvHref}" download>Download CSV</a></div>
</form>`;
}

function table(caption: string, head: string[], rows: (string | number)[][]): SafeHtml {
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="${caption}"><table>
<caption>${caption}</caption>
<thead><tr>${head.map((h, i) => html`<th scope="col"${i > 0 ? html` class="num"` : ""}>${h}</th>`)}</tr></thead>
<tbody>${rows.length ? rows.map((r) => html`<tr>${r.map((cell, i) => (i === 0 ? html`<th scope="row">${cell}</th>` : html`<td class="num">${cell}</td>`))}</tr>`) : html`<tr><td colspan="${head.length}">Nothing in this range.</td></tr>`}</tbody>
</table></div>`;
}

function trend(m: OverviewModel): SafeHtml {
  const series = m.report.series;
  const total = series.reduce((s, p) => s + p.sessions, 0);
  const busiest = series.reduce((a, p) => (p.sessions > a.sessions ? p : a), series[0] ?? { start: "", sessions: 0 });
  const chart = stackedBarChart({
    title: "Sessions per week by outcome",
    description: series.length
      ? `${series.length} weeks from ${series[0].start}: ${count(total)} sessions in all; the busiest week started ${busiest.start} with ${count(busiest.sessions)}. The table below lists every week.`
      : "No weeks in this range.",
    bars: series.map((p) => ({
      label: p.start.slice(5),
      segments: [
        { name: "Saved", value: p.saved, color: COLORS.saved },
        { name: "Canceled", value: p.canceled, color: COLORS.canceled },
        { name: "Pending", value: p.pending, color: COLORS.pending },
      ],
    })),
    legend: [
      { name: "Saved", color: COLORS.saved },
      { name: "Canceled", color: COLORS.canceled },
      { name: "Pending", color: COLORS.pending },
    ],
  });
  return html`<section aria-labelledby="trend-h" class="panel"><h2 id="trend-h">Weekly trend</h2>
${chart}
<details><summary>Weekly figures as a table</summary>
${table("Sessions per week (weeks start on Monday, UTC)", ["Week of", "Sessions", "Saved", "Canceled", "Pending", "Save rate", "Recovered MRR"], series.map((p) => [p.start, count(p.sessions), count(p.saved), count(p.canceled), count(p.pending), percent(p.saveRate), money(p.recoveredMrrCents)]))}
</details></section>`;
}

function outcomes(m: OverviewModel): SafeHtml {
  const t = m.report.totals;
  const share = (n: number) => (t.sessions ? ` (${percent(n / t.sessions)})` : "");
  const rows = [
    { label: "Saved", value: t.saved, text: `${count(t.saved)}${share(t.saved)}` },
    { label: "Canceled", value: t.canceled, text: `${count(t.canceled)}${share(t.canceled)}` },
    { label: "Pending", value: t.pending, text: `${count(t.pending)}${share(t.pending)}` },
  ];
  return html`<section aria-labelledby="outcomes-h" class="panel"><h2 id="outcomes-h">Outcomes</h2>
${horizontalBarChart({ title: "Sessions by outcome", description: rows.map((r) => `${r.label}: ${r.text}`).join("; ") + ".", bars: rows, color: COLORS.bar })}
${table("Sessions by outcome", ["Outcome", "Sessions"], rows.map((r) => [r.label, r.text]))}
</section>`;
}

function reasons(m: OverviewModel): SafeHtml {
  const list = m.report.reasons;
  const name = (r: string | null) => (r === null ? "No reason given" : r.charAt(0).toUpperCase() + r.slice(1));
  const bars = list.map((r) => ({ label: name(r.reason), value: r.sessions, text: `${count(r.sessions)} · saved ${percent(r.saveRate)}` }));
  return html`<section aria-labelledby="reasons-h" class="panel"><h2 id="reasons-h">Reasons</h2>
${list.length ? horizontalBarChart({ title: "Sessions by reason", description: bars.map((b) => `${b.label}: ${b.text}`).join("; ") + ".", bars, color: COLORS.bar }) : ""}
${table("Sessions by reason", ["Reason", "Sessions", "Saved", "Canceled", "Save rate"], list.map((r) => [name(r.reason), count(r.sessions), count(r.saved), count(r.canceled), percent(r.saveRate)]))}
</section>`;
}

function offers(m: OverviewModel): SafeHtml {
  const list = m.report.offers;
  const bars = list.map((o) => ({ label: o.kind, value: o.acceptanceRate, text: `${percent(o.acceptanceRate)} of ${count(o.shown)}` }));
  return html`<section aria-labelledby="offers-h" class="panel"><h2 id="offers-h">Offer acceptance</h2>
${list.length ? horizontalBarChart({ title: "Acceptance rate by offer", description: bars.map((b) => `${b.label}: accepted ${b.text} times shown`).join("; ") + ".", bars, color: COLORS.offer, max: 1 }) : ""}
${table("Offers shown and accepted", ["Offer", "Shown", "Accepted", "Acceptance rate", "Recovered MRR"], list.map((o) => [o.kind, count(o.shown), count(o.accepted), percent(o.acceptanceRate), money(o.recoveredMrrCents)]))}
</section>`;
}

function cohorts(m: OverviewModel): SafeHtml {
  const c = m.report.cohorts;
  if (!c) return html`<section aria-labelledby="cohorts-h" class="panel"><h2 id="cohorts-h">Cohorts</h2><p>Cohorts by plan, MRR and tenure are part of the Advanced plan.</p></section>`;
  const head = (first: string) => [first, "Sessions", "Saved", "Canceled", "Save rate", "Recovered MRR"];
  const row = (label: string, x: { sessions: number; saved: number; canceled: number; saveRate: number; recoveredMrrCents: number }) => [
    label, count(x.sessions), count(x.saved), count(x.canceled), percent(x.saveRate), money(x.recoveredMrrCents),
  ];
  const mrrLabel = (band: string) => (band === "unknown" ? "Unknown" : band === "500+" ? "$500 and more" : `$${band.replace("-", " to under $")}`);
  const tenureLabel = (band: string) => (band === "unknown" ? "Unknown" : band === "366+" ? "366 days and more" : `${band.replace("-", " to ")} days`);
  return html`<section aria-labelledby="cohorts-h" class="panel"><h2 id="cohorts-h">Cohorts</h2>
${table("By plan", head("Plan"), c.plan.map((p) => row(p.plan, p)))}
${table("By monthly revenue", head("MRR"), c.mrr.map((b) => row(mrrLabel(b.band), b)))}
${table("By tenure", head("Tenure"), c.tenure.map((b) => row(tenureLabel(b.band), b)))}
</section>`;
}

function issues(m: OverviewModel): SafeHtml {
  const i = m.issues;
  const body =
    i.status === "not_enough_data"
      ? html`<p>Not enough history yet: issue detection compares a week with the 8 complete weeks before it and needs at least 40 sessions in them.</p>`
      : i.issues.length === 0
        ? html`<p>Nothing unusual: reasons, save rates and volume were in line with the 8 weeks before.</p>`
        : html`<ul class="issues">${i.issues.map((x) => html`<li>${x.message}.</li>`)}</ul>`;
  return html`<section aria-labelledby="issues-h" class="panel"><h2 id="issues-h">Issues in ${i.week}</h2>
<p class="muted">The last complete week against the 8 before it, all flows, production only.</p>
${body}</section>`;
}

export function overviewBody(m: OverviewModel): SafeHtml {
  return html`${m.error ? html`<div class="banner banner-error" role="alert"><p>${m.error}</p></div>` : ""}
${filters(m)}
${tiles(m)}
${issues(m)}
${trend(m)}
${outcomes(m)}
${reasons(m)}
${offers(m)}
${cohorts(m)}`;
}

// A cell that starts with = + - @ (or a tab/CR) would run as a formula in a spreadsheet: prefix it.
function csvCell(value: string | number | null): string {
  if (value === null) return "";
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The overview's figures as one CSV table: a `section` column tells totals, weeks, reasons, offers and cohorts apart. */
export function overviewCsv(report: RetentionReport): string {
  const header = ["section", "label", "sessions", "saved", "canceled", "pending", "save_rate", "shown", "accepted", "acceptance_rate", "recovered_mrr_cents", "lost_mrr_cents"];
  const rows: (string | number | null)[][] = [header];
  const t = report.totals;
  rows.push(["totals", `${report.from}..${report.to}`, t.sessions, t.saved, t.canceled, t.pending, t.saveRate, null, null, null, t.recoveredMrrCents, t.lostMrrCents]);
  for (const p of report.series) rows.push([`${report.interval}`, p.start, p.sessions, p.saved, p.canceled, p.pending, p.saveRate, null, null, null, p.recoveredMrrCents, null]);
  for (const r of report.reasons) rows.push(["reason", r.reason ?? "(none)", r.sessions, r.saved, r.canceled, null, r.saveRate, null, null, null, null, null]);
  for (const o of report.offers) rows.push(["offer", o.kind, null, null, null, null, null, o.shown, o.accepted, o.acceptanceRate, o.recoveredMrrCents, null]);
  if (report.cohorts) {
    for (const p of report.cohorts.plan) rows.push(["plan", p.plan, p.sessions, p.saved, p.canceled, null, p.saveRate, null, null, null, p.recoveredMrrCents, null]);
    for (const b of report.cohorts.mrr) rows.push(["mrr_band", b.band, b.sessions, b.saved, b.canceled, null, b.saveRate, null, null, null, b.recoveredMrrCents, null]);
    for (const b of report.cohorts.tenure) rows.push(["tenure_band", b.band, b.sessions, b.saved, b.canceled, null, b.saveRate, null, null, null, b.recoveredMrrCents, null]);
  }
  return rows.map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
}
