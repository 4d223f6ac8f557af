// The dashboard's sessions list (filters, keyset pages) and one session's detail. Pure functions of data.
import { html, raw, type SafeHtml } from "../../views/html.ts";
import { emptyState, iso, time } from "../dashboard/dashboard.views.ts";
import type { Session } from "./sessions.store.ts";
import { ENVIRONMENTS, OUTCOMES, SESSION_SOURCES } from "./sessions.schemas.ts";

export interface FilterValues {
  environment: string;
  outcome: string;
  source: string;
  flow: string;
  from: string;
  to: string;
  customer: string;
}

const money = (cents: number) => `$${(cents / 100).toFixed(2)}`;
const label = (v: string) => v.replace(/_/g, " ");

function choice(name: string, text: string, values: readonly string[], current: string): SafeHtml {
  return html`<div class="field"><label for="q-${name}">${text}</label><select id="q-${name}" name="${name}">
<option value="">Any</option>
${values.map((v) => html`<option value="${v}"${raw(v === current ? " selected" : "")}>${label(v)}</option>`)}
</select></div>`;
}

export function sessionsView(v: { sessions: Session[]; filters: FilterValues; flows: { id: string; name: string }[]; next: string | null; isFirstPage: boolean; query: string; error?: string }): SafeHtml {
  const f = v.filters;
  const exportHref = `/dashboard/sessions/export.csv${v.query ? `?${v.query}` : ""}`;
  return html`<form method="get" action="/dashboard/sessions" class="panel filters" aria-label="Filter sessions">
${choice("environment", "Environment", ENVIRONMENTS, f.environment)}
${choice("outcome", "Outcome", OUTCOMES, f.outcome)}
${choice("source", "Source", SESSION_SOURCES, f.source)}
<div class="field"><label for="q-flow">Flow</label><select id="q-flow" name="flow"><option value="">Any</option>${v.flows.map((fl) => html`<option value="${fl.id}"${raw(fl.id === f.flow ? " selected" : "")}>${fl.name}</option>`)}</select></div>
<div class="field"><label for="q-from">From (UTC)</label><input id="q-from" name="from" type="date" value="${f.from}"></div>
<div class="field"><label for="q-to">To (UTC)</label><input id="q-to" name="to" type="date" value="${f.to}"></div>
<div class="field"><label for="q-customer">Customer id</label><input id="q-customer" name="customer" type="search" value="${f.customer}" autocomplete="off"></div>
<div class="actions"><button class="btn btn-primary">Filter</button><a class="btn" href="/dashboard/sessions">Reset</a></div>
</form>
${v.error ? html`<p class="form-error" role="alert">${v.error}</p>` : ""}
<p class="actions"><a class="btn btn-small" href="${exportHref}" download>Export these sessions as CSV</a></p>
<section class="panel">
<h2 class="visually-hidden">Sessions</h2>
${v.sessions.length === 0
    ? emptyState(v.isFirstPage ? "No sessions match these filters." : "No older sessions.")
    : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Sessions"><table>
<thead><tr><th scope="col">Created</th><th scope="col">Customer</th><th scope="col">Outcome</th><th scope="col">State</th><th scope="col">Reason</th><th scope="col">Source</th><th scope="col">Env</th><th scope="col">Recovered</th></tr></thead>
<tbody>${v.sessions.map((s) => html`<tr>
<td><a href="/dashboard/sessions/${s.id}">${iso(s.createdAt)}</a></td>
<td><code>${s.customerId}</code></td>
<td><span class="tag tag-${s.outcome}">${s.outcome}</span></td>
<td>${s.state}</td>
<td>${s.reason ?? html`<span class="muted">—</span>`}</td>
<td>${label(s.source)}</td>
<td>${s.environment}</td>
<td>${s.recoveredMrrCents ? money(s.recoveredMrrCents) : html`<span class="muted">—</span>`}</td>
</tr>`)}</tbody>
</table></div>`}
<nav class="pagination" aria-label="Pages">
${v.isFirstPage ? "" : html`<a class="btn btn-small" href="/dashboard/sessions${v.query ? `?${v.query}` : ""}">Newest</a>`}
${v.next ? html`<a class="btn btn-small" href="/dashboard/sessions?${v.query ? `${v.query}&` : ""}after=${v.next}" rel="next">Older sessions</a>` : ""}
</nav>
</section>`;
}

function json(value: unknown): SafeHtml {
  return html`<pre tabindex="0"><code>${JSON.stringify(value, null, 2)}</code></pre>`;
}

export function sessionDetailView(v: { session: Session; flowName: string | null; linkedEvent: { eventId: string; status: string; occurredAt: number } | null }): SafeHtml {
  const s = v.session;
  const steps: { name: string; at: number | null; note?: string }[] = [
    { name: "Created", at: s.createdAt, note: `via ${label(s.source)}` },
    { name: "Opened", at: s.openedAt },
    s.state === "expired"
      ? { name: "Expired", at: s.expiresAt }
      : { name: "Completed", at: s.completedAt, note: s.completedAt ? `${s.outcome}` : s.state === "completed" ? undefined : `link expires ${iso(s.expiresAt)}` },
  ];
  return html`<p><a href="/dashboard/sessions">← All sessions</a></p>
<section class="panel">
<h2>Timeline</h2>
<ol class="timeline">
${steps.map((st) => html`<li><span class="step-name">${st.name}</span><span>${st.at === null ? html`<span class="muted">not yet</span>` : time(st.at)}${st.note ? html` <span class="muted">· ${st.note}</span>` : ""}</span></li>`)}
</ol>
</section>
<section class="panel">
<h2>Outcome</h2>
<dl class="facts">
<div><dt>Outcome</dt><dd><span class="tag tag-${s.outcome}">${s.outcome}</span></dd></div>
<div><dt>State</dt><dd>${s.state}</dd></div>
<div><dt>Reason</dt><dd>${s.reason ?? "—"}</dd></div>
<div><dt>Feedback</dt><dd>${s.feedback ?? "—"}</dd></div>
<div><dt>Offer</dt><dd>${s.offer ? json(s.offer) : "—"}</dd></div>
<div><dt>Recovered MRR</dt><dd>${money(s.recoveredMrrCents)}</dd></div>
<div><dt>Linked event</dt><dd>${v.linkedEvent ? html`<code>${v.linkedEvent.eventId}</code> · ${v.linkedEvent.status} · ${time(v.linkedEvent.occurredAt)}` : "—"}</dd></div>
</dl>
</section>
<section class="panel">
<h2>Subscriber</h2>
<dl class="facts">
<div><dt>Session id</dt><dd><code>${s.id}</code></dd></div>
<div><dt>Customer id</dt><dd><code>${s.customerId}</code></dd></div>
<div><dt>Subscription id</dt><dd>${s.subscriptionId ? html`<code>${s.subscriptionId}</code>` : "—"}</dd></div>
<div><dt>Environment</dt><dd>${s.environment}</dd></div>
<div><dt>Flow</dt><dd>${v.flowName ?? "—"} <code>${s.flowId}</code></dd></div>
<div><dt>Return URL</dt><dd>${s.returnUrl ?? "—"}</dd></div>
<div><dt>Context</dt><dd>${Object.keys(s.context).length ? json(s.context) : "—"}</dd></div>
<div><dt>Metadata</dt><dd>${Object.keys(s.metadata).length ? json(s.metadata) : "—"}</dd></div>
</dl>
</section>`;
}
