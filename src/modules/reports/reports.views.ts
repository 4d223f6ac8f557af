// The weekly report email: a pure function of the figures → { subject, html, text }. No data access, no
// remote assets (table layout and inline styles, as mail clients need; nothing to load).
import { html, raw, type SafeHtml } from "../../views/html.ts";
import type { IssueFigure, PeriodTotals, WeeklyFigures } from "./reports.schemas.ts";
import { describePeriod, parseWeek } from "./report-period.ts";

export interface RenderedReport {
  subject: string;
  html: string;
  text: string;
}

export interface ReportLinks {
  workspaceName: string;
  /** The public URL of this server (HOLDFAST_PUBLIC_URL), without a trailing slash. */
  publicUrl: string;
}

/** The dashboard settings section where recipients and the schedule are changed (List-Unsubscribe points here). */
export const reportSettingsUrl = (publicUrl: string) => `${publicUrl}/dashboard/settings/reports`;

const TOP_REASONS = 5;
const usd = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });

export const money = (cents: number) => usd.format(cents / 100);
export const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;
const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
const signed = (n: number, format: (v: number) => string) => (n > 0 ? `+${format(n)}` : n < 0 ? `−${format(-n)}` : "no change");

interface Comparison {
  label: string;
  value: string;
  /** "+4 on the week before (20)" */
  change: string;
  /** Whether the change is good news, bad news or neither (for colour only; the words carry the meaning). */
  tone: "good" | "bad" | "flat";
}

function comparisons(current: PeriodTotals, previous: PeriodTotals): Comparison[] {
  const tone = (delta: number, higherIsBetter: boolean): Comparison["tone"] =>
    delta === 0 ? "flat" : delta > 0 === higherIsBetter ? "good" : "bad";
  const count = (v: number) => v.toLocaleString("en-US");
  const points = Math.round((current.saveRate - previous.saveRate) * 1000) / 10;
  const decided = current.saved + current.canceled;
  return [
    {
      label: "Sessions",
      value: count(current.sessions),
      change: `${signed(current.sessions - previous.sessions, count)} vs ${count(previous.sessions)} the week before`,
      tone: "flat",
    },
    {
      label: "Save rate",
      value: percent(current.saveRate),
      change: `${signed(points, (v) => `${v.toFixed(1)} pts`)} vs ${percent(previous.saveRate)}; ${count(current.saved)} saved of ${count(decided)} decided`,
      tone: tone(points, true),
    },
    {
      label: "Recovered MRR",
      value: money(current.recoveredMrrCents),
      change: `${signed(current.recoveredMrrCents - previous.recoveredMrrCents, money)} vs ${money(previous.recoveredMrrCents)}`,
      tone: tone(current.recoveredMrrCents - previous.recoveredMrrCents, true),
    },
    {
      label: "Lost MRR",
      value: money(current.lostMrrCents),
      change: `${signed(current.lostMrrCents - previous.lostMrrCents, money)} vs ${money(previous.lostMrrCents)}`,
      tone: tone(current.lostMrrCents - previous.lostMrrCents, false),
    },
  ];
}

/** An issue in plain words (the detector's own message when it gave one). */
export function describeIssue(issue: IssueFigure): string {
  if (issue.message) return issue.message;
  const pct = (v: number) => `${Math.round(v * 100)}%`;
  switch (issue.kind) {
    case "reason_spike":
      return `More people than usual gave “${issue.subject}” as their reason: ${pct(issue.observed)} of sessions, against ${pct(issue.expected)} in the previous 8 weeks.`;
    case "save_rate_drop":
      return `Fewer ${issue.subject} subscribers were saved than usual: ${pct(issue.observed)}, against ${pct(issue.expected)} in the previous 8 weeks.`;
    case "volume_spike":
      return `More cancellation sessions than usual: ${issue.observed}, against about ${Math.round(issue.expected)} a week before.`;
  }
}

function issueLines(figures: WeeklyFigures): { lines: string[]; empty: string } {
  if (figures.issues === null) return { lines: [], empty: "Issue detection is not available for this report." };
  if (figures.issues.status === "not_enough_data")
    return { lines: [], empty: "Not enough history yet to spot unusual changes (it needs 8 complete weeks with at least 40 sessions)." };
  return { lines: figures.issues.items.map(describeIssue), empty: "Nothing unusual: no reason, save rate or volume moved beyond its normal range." };
}

function links(figures: WeeklyFigures, publicUrl: string) {
  const dashboard = `${publicUrl}/dashboard`;
  return {
    dashboard,
    sessions: `${dashboard}/sessions?from=${figures.from}&to=${figures.to}`,
    settings: reportSettingsUrl(publicUrl),
  };
}

export function renderWeeklyReport(figures: WeeklyFigures, ctx: ReportLinks): RenderedReport {
  const period = parseWeek(figures.week);
  const when = period ? describePeriod(period) : `${figures.from} to ${figures.to}`;
  const { current } = figures;
  const subject = `${ctx.workspaceName}: ${plural(current.sessions, "cancellation session")}, ${percent(current.saveRate)} saved, ${money(current.recoveredMrrCents)} MRR recovered (${when})`;
  return { subject: subject.replace(/[\r\n]+/g, " "), text: renderText(figures, ctx, when), html: renderHtml(figures, ctx, when) };
}

function renderText(figures: WeeklyFigures, ctx: ReportLinks, when: string): string {
  const url = links(figures, ctx.publicUrl);
  const out: string[] = [];
  out.push(`${ctx.workspaceName} — weekly retention report`, `${figures.week} (${when}, UTC)`, "");
  for (const c of comparisons(figures.current, figures.previous)) out.push(`${c.label}: ${c.value} (${c.change})`);
  out.push(`Still undecided: ${figures.current.pending.toLocaleString("en-US")}`, "");

  out.push("Top reasons");
  const reasons = figures.reasons.slice(0, TOP_REASONS);
  if (reasons.length === 0) out.push("  No reasons given this week.");
  reasons.forEach((r, i) => out.push(`  ${i + 1}. ${r.reason}: ${plural(r.sessions, "session")}, ${r.saved} saved (${percent(r.saveRate)})`));
  out.push("");

  out.push("Offers");
  if (figures.offers.length === 0) out.push("  No offer was accepted this week.");
  for (const o of figures.offers) {
    const rate = o.shown === null ? `${plural(o.accepted, "acceptance")}` : `${o.accepted} of ${o.shown} accepted (${percent(o.acceptanceRate ?? 0)})`;
    out.push(`  ${o.kind}: ${rate}, ${money(o.recoveredMrrCents)} MRR recovered`);
  }
  out.push("");

  out.push("Issues detected");
  const issues = issueLines(figures);
  if (issues.lines.length === 0) out.push(`  ${issues.empty}`);
  for (const line of issues.lines) out.push(`  - ${line}`);
  out.push("");

  out.push(`Dashboard: ${url.dashboard}`, `This week's sessions: ${url.sessions}`, "");
  out.push("Production sessions only: sandbox (test) sessions are never counted. Weeks are ISO weeks in UTC.");
  out.push(`Change the recipients or stop these emails: ${url.settings}`);
  return `${out.join("\n")}\n`;
}

// Mail-client-safe styling: inline, system fonts, a single 600px column that shrinks on phones.
const FONT = "font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;";
const INK = "#1f2430";
const MUTED = "#5b6472";
const TONE = { good: "#146c2e", bad: "#b3261e", flat: MUTED } as const;

function card(c: Comparison): SafeHtml {
  return html`<td class="card" width="50%" valign="top" style="padding:6px;">
  <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border:1px solid #e3e6eb;border-radius:8px;background:#ffffff;">
    <tr><td style="padding:12px 14px;${raw(FONT)}">
      <div style="font-size:13px;color:${raw(MUTED)};">${c.label}</div>
      <div style="font-size:24px;line-height:30px;font-weight:700;color:${raw(INK)};">${c.value}</div>
      <div style="font-size:13px;line-height:18px;color:${raw(TONE[c.tone])};">${c.change}</div>
    </td></tr>
  </table>
</td>`;
}

function section(title: string, body: SafeHtml): SafeHtml {
  return html`<tr><td style="padding:18px 16px 4px;${raw(FONT)}">
  <h2 style="margin:0 4px 8px;font-size:17px;line-height:22px;color:${raw(INK)};">${title}</h2>
  ${body}
</td></tr>`;
}

function rowsTable(headers: string[], rows: (string | number)[][], empty: string): SafeHtml {
  if (rows.length === 0) return html`<p style="margin:0 4px;font-size:15px;color:${raw(MUTED)};">${empty}</p>`;
  const cell = "padding:7px 4px;border-bottom:1px solid #eceef2;font-size:15px;line-height:20px;";
  return html`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="${raw(FONT)}color:${raw(INK)};">
  <tr>${headers.map((h, i) => html`<th align="${i === 0 ? "left" : "right"}" style="${raw(cell)}font-size:13px;font-weight:600;color:${raw(MUTED)};">${h}</th>`)}</tr>
  ${rows.map((r) => html`<tr>${r.map((v, i) => html`<td align="${i === 0 ? "left" : "right"}" style="${raw(cell)}">${v}</td>`)}</tr>`)}
</table>`;
}

function renderHtml(figures: WeeklyFigures, ctx: ReportLinks, when: string): string {
  const url = links(figures, ctx.publicUrl);
  const cards = comparisons(figures.current, figures.previous);
  const reasons = figures.reasons.slice(0, TOP_REASONS).map((r) => [r.reason, r.sessions, r.saved, percent(r.saveRate)]);
  const offers = figures.offers.map((o) => [
    o.kind,
    o.shown === null ? "—" : o.shown,
    o.accepted,
    o.acceptanceRate === null ? "—" : percent(o.acceptanceRate),
    money(o.recoveredMrrCents),
  ]);
  const issues = issueLines(figures);
  const issueBody =
    issues.lines.length === 0
      ? html`<p style="margin:0 4px;font-size:15px;line-height:21px;color:${raw(MUTED)};">${issues.empty}</p>`
      : html`<ul style="margin:0;padding-left:20px;font-size:15px;line-height:21px;color:${raw(INK)};">${issues.lines.map((l) => html`<li style="margin:0 0 6px;">${l}</li>`)}</ul>`;
  const title = `${ctx.workspaceName} — weekly retention report`;

  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${title}</title>
<style>@media (max-width:480px){.card{display:block !important;width:100% !important;box-sizing:border-box;}}</style>
</head>
<body style="margin:0;padding:0;background:#f3f4f7;">
<div role="main" aria-label="${title}">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f3f4f7;">
<tr><td align="center" style="padding:16px 8px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;background:#ffffff;border-radius:10px;">
<tr><td style="padding:22px 20px 6px;${raw(FONT)}">
  <div style="font-size:13px;color:${raw(MUTED)};">${figures.week} · ${when} (UTC)</div>
  <h1 style="margin:4px 0 0;font-size:22px;line-height:28px;color:${raw(INK)};">${title}</h1>
</td></tr>
<tr><td style="padding:8px 14px 0;">
  <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">
    <tr>${card(cards[0])}${card(cards[1])}</tr>
    <tr>${card(cards[2])}${card(cards[3])}</tr>
  </table>
  <p style="margin:6px 6px 0;${raw(FONT)}font-size:13px;color:${raw(MUTED)};">Still undecided: ${figures.current.pending.toLocaleString("en-US")}</p>
</td></tr>
${section("Top reasons", rowsTable(["Reason", "Sessions", "Saved", "Save rate"], reasons, "No reasons given this week."))}
${section("Offers", rowsTable(["Offer", "Shown", "Accepted", "Rate", "Recovered"], offers, "No offer was accepted this week."))}
${section("Issues detected", issueBody)}
<tr><td style="padding:20px;${raw(FONT)}">
  <table role="presentation" cellpadding="0" cellspacing="0" border="0"><tr>
    <td style="border-radius:6px;background:#1f5fbf;"><a href="${url.dashboard}" style="display:inline-block;padding:12px 18px;font-size:16px;font-weight:600;color:#ffffff;text-decoration:none;">Open the dashboard</a></td>
  </tr></table>
  <p style="margin:12px 0 0;font-size:15px;"><a href="${url.sessions}" style="color:#1f5fbf;">See this week's sessions</a></p>
</td></tr>
<tr><td style="padding:14px 20px 20px;border-top:1px solid #eceef2;${raw(FONT)}font-size:13px;line-height:19px;color:${raw(MUTED)};">
  Production sessions only: sandbox (test) sessions are never counted. Weeks are ISO weeks in UTC.<br>
  <a href="${url.settings}" style="color:${raw(MUTED)};">Change the recipients or stop these emails</a>
</td></tr>
</table>
</td></tr>
</table>
</div>
</body>
</html>
`.value;
}
