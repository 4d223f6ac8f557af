// The hosted flow's pages: pure functions of data, plain forms that work without JavaScript.
import { html, type SafeHtml } from "../../views/html.ts";
import type { OfferConfig, OfferStep, SurveyStep } from "../flows/flows.schemas.ts";
import { OTHER_REASON, normalizeReason } from "../flows/flow-steps.ts";

export interface FormBase {
  action: string; // where the form posts: /c/<token>
  csrf: string;
}

const csrfField = (csrf: string) => html`<input type="hidden" name="_csrf" value="${csrf}">`;

function progress(current: number, total: number): SafeHtml {
  return html`<p class="progress">Step ${current} of ${total}</p>`;
}

export function surveyView(opts: FormBase & { survey: SurveyStep; selected: string | null; feedback: string | null; error: string | null; totalSteps: number }): SafeHtml {
  const { survey, selected, feedback, error } = opts;
  // "Other" without text: the error is about the box, so the box points at it too.
  const feedbackMissing = Boolean(error) && selected === OTHER_REASON && !feedback?.trim();
  return html`${progress(1, opts.totalSteps)}
<h1>${survey.label}</h1>
<p class="lede">Your answer helps the team improve. You can still cancel on the next step.</p>
${error ? html`<p class="error" role="alert" id="form-error">${error}</p>` : ""}
<form method="post" action="${opts.action}" class="flow-form" novalidate>
${csrfField(opts.csrf)}
<fieldset class="reasons"${error ? html` aria-describedby="form-error"` : ""}>
<legend class="visually-hidden">${survey.label}</legend>
${survey.config.options.map((option, i) => {
  const value = normalizeReason(option);
  return html`<label class="choice" for="reason-${i}"><input type="radio" id="reason-${i}" name="reason" value="${value}"${selected === value ? html` checked` : ""}><span>${option}</span></label>`;
})}
</fieldset>
<label class="field-label" for="feedback">Anything else you want to tell us? <span class="hint">(required for “Other”)</span></label>
<textarea id="feedback" name="feedback" rows="3" maxlength="2000"${feedbackMissing ? html` aria-invalid="true" aria-describedby="form-error"` : ""}>${feedback ?? ""}</textarea>
<div class="actions">
<button type="submit" name="action" value="survey" class="primary">Continue</button>
<button type="submit" name="action" value="skip" class="link">Skip the question and cancel</button>
</div>
</form>`;
}

export function describeOffer(offer: OfferConfig): { headline: string; detail: string; accept: string } {
  switch (offer.kind) {
    case "discount":
      return {
        headline: `${offer.percentOff}% off for ${offer.durationMonths} ${offer.durationMonths === 1 ? "month" : "months"}`,
        detail: `Keep everything you have today and pay ${offer.percentOff}% less for the next ${offer.durationMonths === 1 ? "month" : `${offer.durationMonths} months`}.`,
        accept: `Accept ${offer.percentOff}% off`,
      };
    case "pause":
      return {
        headline: `Pause for ${offer.months} ${offer.months === 1 ? "month" : "months"}`,
        detail: `Take a break instead: no charges while paused, and your data stays right where you left it.`,
        accept: `Pause for ${offer.months} ${offer.months === 1 ? "month" : "months"}`,
      };
    case "downgrade":
      return {
        headline: `Switch to ${offer.label}`,
        detail: `Move to a smaller plan and keep your account and data.`,
        accept: `Switch to ${offer.label}`,
      };
    case "extension":
      return {
        headline: `${offer.days} extra days, on us`,
        detail: `Take ${offer.days} more days free to decide.`,
        accept: `Take ${offer.days} free days`,
      };
    case "contact":
      return {
        headline: "Let us fix it",
        detail: "Tell the team what is missing or broken; they read every message and often have a workaround.",
        accept: "Keep my subscription and talk to the team",
      };
  }
}

export function offerView(opts: FormBase & { offer: OfferStep; totalSteps: number }): SafeHtml {
  const d = describeOffer(opts.offer.config);
  return html`${progress(2, opts.totalSteps)}
<h1>${opts.offer.label}</h1>
<div class="offer">
<p class="offer-headline">${d.headline}</p>
<p>${d.detail}</p>
</div>
<form method="post" action="${opts.action}" class="flow-form">
${csrfField(opts.csrf)}
<div class="actions">
<button type="submit" name="action" value="accept" class="primary">${d.accept}</button>
<button type="submit" name="action" value="decline" class="secondary">No thanks, continue to cancel</button>
</div>
</form>`;
}

export function confirmView(opts: FormBase & { totalSteps: number; step: number; reason: string | null }): SafeHtml {
  return html`${progress(opts.step, opts.totalSteps)}
<h1>Confirm your cancellation</h1>
<p class="lede">When you confirm, your subscription will not renew. You keep access until the end of the current billing period.</p>
<form method="post" action="${opts.action}" class="flow-form">
${csrfField(opts.csrf)}
<div class="actions">
<button type="submit" name="action" value="confirm" class="danger">Cancel my subscription</button>
<button type="submit" name="action" value="keep" class="secondary">Keep my subscription</button>
<button type="submit" name="action" value="back" class="link">Change my answer</button>
</div>
</form>`;
}

export function doneView(opts: { outcome: "saved" | "canceled"; offer: OfferConfig | null; message: string | null; returnHref: string | null; brandName: string; contactUrl: string | null }): SafeHtml {
  const saved = opts.outcome === "saved";
  const title = saved ? (opts.offer ? "Great, it is done" : "Glad you are staying") : "Your subscription is canceled";
  const body = saved
    ? opts.offer
      ? `${describeOffer(opts.offer).headline}: ${opts.brandName} will apply it to your subscription.`
      : "Nothing changes: your subscription stays as it is."
    : (opts.message ?? "You keep access until the end of the billing period.");
  return html`<h1>${title}</h1>
<p class="lede" role="status">${body}</p>
${opts.contactUrl ? html`<p><a href="${opts.contactUrl}" rel="noopener">Contact the team</a></p>` : ""}
${opts.returnHref ? html`<p class="actions"><a class="button primary" href="${opts.returnHref}">Return to ${opts.brandName}</a></p>` : html`<p>You can close this page.</p>`}`;
}

export function messageView(title: string, message: string, returnHref: string | null = null): SafeHtml {
  return html`<h1>${title}</h1>
<p class="lede">${message}</p>
${returnHref ? html`<p class="actions"><a class="button secondary" href="${returnHref}">Go back</a></p>` : ""}`;
}
