// The overview placeholder: the /api/v1/stats counts until the analytics pages replace it.
import { html, type SafeHtml } from "../../views/html.ts";

export interface OverviewStats {
  label: string;
  sessions: number;
  saved: number;
  canceled: number;
  pending: number;
  saveRate: number;
  recoveredMrrCents: number;
}

const money = (cents: number) => `$${(cents / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const percent = (rate: number) => `${(rate * 100).toFixed(1)} %`;

export function overviewView(v: { windows: OverviewStats[]; workspaceName: string }): SafeHtml {
  return html`<p class="lede">Production sessions of ${v.workspaceName} (sandbox excluded), as <code>GET /api/v1/stats</code> reports them.</p>
${v.windows.map(
  (w) => html`<section class="panel">
<h2>${w.label}</h2>
<dl class="stats">
<div><dt>Sessions</dt><dd>${w.sessions.toLocaleString("en-US")}</dd></div>
<div><dt>Saved</dt><dd>${w.saved.toLocaleString("en-US")}</dd></div>
<div><dt>Canceled</dt><dd>${w.canceled.toLocaleString("en-US")}</dd></div>
<div><dt>Pending</dt><dd>${w.pending.toLocaleString("en-US")}</dd></div>
<div><dt>Save rate</dt><dd>${percent(w.saveRate)}</dd></div>
<div><dt>Recovered MRR</dt><dd>${money(w.recoveredMrrCents)}</dd></div>
</dl>
</section>`,
)}`;
}
