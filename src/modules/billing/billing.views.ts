// The billing page's body and the billing banner every dashboard page shows: pure functions of data.
import { html, raw, type SafeHtml } from "../../views/html.ts";
import type { BillingOverview } from "./billing.service.ts";

const PLAN_LABEL = { core: "Core", advanced: "Advanced" } as const;

const STATUS_LABEL: Record<string, string> = {
  active: "Active",
  trialing: "Trial",
  past_due: "Payment overdue (Stripe is retrying)",
  unpaid: "Unpaid",
  canceled: "Canceled",
  incomplete: "Waiting for the first payment",
  incomplete_expired: "First payment never completed",
  paused: "Paused",
};

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const when = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;

export interface BillingBanner {
  tone: "error" | "warn";
  message: string;
  /** Where the fix is, for a link; null when only an operator can fix it. */
  fixHref: string | null;
  fixLabel: string | null;
}

/**
 * Why the workspace is read-only (or about to be), and how to fix it; null when all is well.
 * The dashboard shell shows it on every page.
 */
export function billingBanner(overview: Pick<BillingOverview, "enabled" | "access" | "subscriptionStatus" | "paymentFailedAt">, workspaceId: string): BillingBanner | null {
  if (overview.access === "read_only") {
    if (!overview.enabled)
      return {
        tone: "error",
        message: `This workspace is read-only: new cancel sessions are refused (402). An operator turns it back on with: holdfast workspace update ${workspaceId} --access active`,
        fixHref: null,
        fixLabel: null,
      };
    const why = overview.subscriptionStatus ? `its subscription is ${(STATUS_LABEL[overview.subscriptionStatus] ?? overview.subscriptionStatus).toLowerCase()}` : "it has no active subscription";
    return {
      tone: "error",
      message: `This workspace is read-only because ${why}: new cancel sessions are refused (402). An owner can subscribe again on the billing page.`,
      fixHref: "/dashboard/billing",
      fixLabel: "Go to billing",
    };
  }
  if (overview.paymentFailedAt !== null)
    return {
      tone: "warn",
      message: "The last payment failed. Stripe retries it; update the payment method before the subscription ends and the workspace turns read-only.",
      fixHref: "/dashboard/billing",
      fixLabel: "Update payment method",
    };
  return null;
}

export interface BillingPageInput {
  overview: BillingOverview;
  workspaceId: string;
  csrfToken: string;
  /** Only owners start Checkout, open the portal and replay events. */
  canManage: boolean;
  /** After Checkout: `?checkout=done|canceled`. */
  notice?: string | null;
}

const csrf = (token: string) => html`<input type="hidden" name="_csrf" value="${token}">`;

export function billingPage(input: BillingPageInput): SafeHtml {
  const { overview: o, csrfToken, canManage } = input;
  const checked = (plan: string) => (o.plan === plan ? raw(" checked") : "");
  return html`${input.notice ? html`<div class="banner banner-info" role="status"><p>${input.notice}</p></div>` : ""}
<section class="panel" aria-labelledby="plan-h">
<h2 id="plan-h">Plan</h2>
<dl class="facts">
<div><dt>Plan</dt><dd>${PLAN_LABEL[o.plan]}</dd></div>
<div><dt>Access</dt><dd>${o.access === "active" ? "Active" : "Read-only"}</dd></div>
${o.enabled ? html`<div><dt>Subscription</dt><dd>${o.subscriptionStatus ? (STATUS_LABEL[o.subscriptionStatus] ?? o.subscriptionStatus) : "None yet"}</dd></div>
<div><dt>Next invoice</dt><dd>${o.nextInvoiceAt ? html`<time datetime="${new Date(o.nextInvoiceAt).toISOString()}">${day(o.nextInvoiceAt)}</time>` : "None scheduled"}</dd></div>` : ""}
</dl>
</section>
${
  !o.enabled
    ? html`<section class="panel" aria-labelledby="off-h">
<h2 id="off-h">Billing through Stripe is off</h2>
<p>This server does not bill through Stripe (<code>STRIPE_SECRET_KEY</code> is not set), so plans are set by an operator with the command line:</p>
<pre tabindex="0" role="region" aria-label="Command that sets the plan"><code>holdfast workspace update ${input.workspaceId} --plan advanced</code></pre>
</section>`
    : !canManage
      ? html`<p class="lede">Only the workspace's owners can change the plan or the payment method.</p>`
      : html`<section class="panel" aria-labelledby="change-h">
<h2 id="change-h">Subscribe or change plan</h2>
<form method="post" action="/dashboard/billing/checkout" class="stack">
${csrf(csrfToken)}
<p class="lede">Core: the hosted cancel flow. Advanced: the hosted flow or the Custom API, and advanced analytics.</p>
<fieldset class="choice">
<legend>Plan</legend>
<label><input type="radio" name="plan" value="core"${checked("core")}> Core</label>
<label><input type="radio" name="plan" value="advanced"${checked("advanced")}> Advanced</label>
</fieldset>
<div class="actions"><button class="btn btn-primary" type="submit">Subscribe / change plan</button></div>
</form>
</section>
${
  o.customerLinked
    ? html`<section class="panel" aria-labelledby="manage-h">
<h2 id="manage-h">Payment method and invoices</h2>
<form method="post" action="/dashboard/billing/portal">
${csrf(csrfToken)}
<button class="btn" type="submit">Manage billing</button>
</form>
</section>`
    : ""
}`
}
${
  o.failedEvents.length
    ? html`<section class="panel" aria-labelledby="failed-h">
<h2 id="failed-h">Stripe events that could not be applied</h2>
<div class="table-wrap" tabindex="0" role="region" aria-labelledby="failed-h"><table>
<thead><tr><th scope="col">Event</th><th scope="col">Received</th><th scope="col">Error</th>${canManage ? html`<th scope="col"><span class="visually-hidden">Action</span></th>` : ""}</tr></thead>
<tbody>
${o.failedEvents.map(
  (e) => html`<tr>
<td><code>${e.type}</code><br><small>${e.id}</small></td>
<td>${when(e.receivedAt)}</td>
<td>${e.error ?? ""}</td>
${canManage ? html`<td><form method="post" action="/dashboard/billing/events/${encodeURIComponent(e.id)}/replay">${csrf(csrfToken)}<button class="btn btn-small" type="submit" aria-label="Replay ${e.id}">Replay</button></form></td>` : ""}
</tr>`,
)}
</tbody>
</table></div>
</section>`
    : ""
}`;
}
