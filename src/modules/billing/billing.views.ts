// The billing page's body and the billing banner every dashboard page shows: pure functions of data.
import { html, type SafeHtml } from "../../views/html.ts";
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
  tone: "error" | "warning";
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
      tone: "warning",
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
  /** `?checkout=done|canceled` or a replay result. */
  notice?: string | null;
}

export function billingPage(input: BillingPageInput): SafeHtml {
  const { overview: o, csrfToken, canManage } = input;
  const banner = billingBanner(o, input.workspaceId);
  return html`<h1>Billing</h1>
${input.notice ? html`<p class="notice" role="status">${input.notice}</p>` : ""}
${banner ? html`<p class="banner banner-${banner.tone}" role="alert">${banner.message}</p>` : ""}
<section aria-labelledby="plan-h">
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
    ? html`<section aria-labelledby="off-h">
<h2 id="off-h">Billing through Stripe is off</h2>
<p>This server does not bill through Stripe (<code>STRIPE_SECRET_KEY</code> is not set). An operator sets the plan with the command line:</p>
<pre><code>holdfast workspace update ${input.workspaceId} --plan advanced</code></pre>
</section>`
    : !canManage
      ? html`<p>Only the workspace's owners can change the plan or the payment method.</p>`
      : html`<section aria-labelledby="change-h">
<h2 id="change-h">Subscribe or change plan</h2>
<form method="post" action="/dashboard/billing/checkout" class="stack">
<input type="hidden" name="csrf" value="${csrfToken}">
<fieldset>
<legend>Plan</legend>
<label><input type="radio" name="plan" value="core"${o.plan === "core" ? " checked" : ""}> Core: the hosted flow</label>
<label><input type="radio" name="plan" value="advanced"${o.plan === "advanced" ? " checked" : ""}> Advanced: the hosted flow or the Custom API, and advanced analytics</label>
</fieldset>
<button type="submit">Subscribe / change plan</button>
</form>
</section>
${
  o.customerLinked
    ? html`<section aria-labelledby="manage-h">
<h2 id="manage-h">Payment method and invoices</h2>
<form method="post" action="/dashboard/billing/portal">
<input type="hidden" name="csrf" value="${csrfToken}">
<button type="submit">Manage billing</button>
</form>
</section>`
    : ""
}`
}
${
  o.failedEvents.length
    ? html`<section aria-labelledby="failed-h">
<h2 id="failed-h">Stripe events that could not be applied</h2>
<div class="table-scroll"><table>
<thead><tr><th scope="col">Event</th><th scope="col">Received</th><th scope="col">Error</th>${canManage ? html`<th scope="col"><span class="visually-hidden">Action</span></th>` : ""}</tr></thead>
<tbody>
${o.failedEvents.map(
  (e) => html`<tr>
<td><code>${e.type}</code><br><small>${e.id}</small></td>
<td>${when(e.receivedAt)}</td>
<td>${e.error ?? ""}</td>
${canManage ? html`<td><form method="post" action="/dashboard/billing/events/${encodeURIComponent(e.id)}/replay"><input type="hidden" name="csrf" value="${csrfToken}"><button type="submit" aria-label="Replay ${e.id}">Replay</button></form></td>` : ""}
</tr>`,
)}
</tbody>
</table></div>
</section>`
    : ""
}`;
}
