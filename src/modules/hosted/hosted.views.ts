// The hosted flow's pages: pure functions of data, plain forms that work without JavaScript.
// Built-in copy comes from the locale's messages; the flow's own text (per locale when given) wins over it.
import { html, type SafeHtml } from "../../views/html.ts";
import type { ConfirmationStep, OfferConfig, OfferStep, SurveyStep } from "../flows/flows.schemas.ts";
import { OTHER_REASON, normalizeReason } from "../flows/flow-steps.ts";
import type { Lang, Messages } from "./hosted.i18n.ts";

export interface FormBase {
  action: string; // where the form posts: /c/<token>
  csrf: string;
  t: Messages;
  lang: Lang;
}

const csrfField = (csrf: string) => html`<input type="hidden" name="_csrf" value="${csrf}">`;

function progress(t: Messages, current: number, total: number): SafeHtml {
  return html`<p class="progress">${t.step(current, total)}</p>`;
}

/** A step's text in the session's language: the flow's translation when it has one, else its own text. */
export function localized<S extends SurveyStep | OfferStep | ConfirmationStep>(step: S, lang: Lang) {
  const own = (step.locales?.[lang] ?? {}) as Record<string, unknown>;
  const pick = (field: string, fallback: string | undefined) => (typeof own[field] === "string" ? (own[field] as string) : fallback);
  return {
    label: pick("label", step.label)!,
    body: step.type === "offer" ? pick("body", step.body) : undefined,
    buttonText: step.type === "offer" ? pick("buttonText", step.buttonText) : undefined,
    intro: step.type === "survey" ? pick("intro", step.config.intro) : undefined,
    message: step.type === "confirmation" ? pick("message", step.config.message) : undefined,
    options: step.type === "survey" ? (Array.isArray(own.options) ? (own.options as string[]) : step.config.options) : [],
  };
}

export function surveyView(opts: FormBase & { survey: SurveyStep; selected: string | null; feedback: string | null; error: string | null; step?: number; totalSteps: number }): SafeHtml {
  const { survey, selected, feedback, error, t } = opts;
  const text = localized(survey, opts.lang);
  const otherAsksText = survey.config.otherRequiresText !== false && survey.config.options.some((o) => normalizeReason(o) === OTHER_REASON);
  // "Other" without text: the error is about the box, so the box points at it too.
  const feedbackMissing = Boolean(error) && selected === OTHER_REASON && !feedback?.trim();
  return html`${progress(t, opts.step ?? 1, opts.totalSteps)}
<h1>${text.label}</h1>
<p class="lede">${text.intro ?? t.surveyIntro}</p>
${error ? html`<p class="error" role="alert" id="form-error">${error}</p>` : ""}
<form method="post" action="${opts.action}" class="flow-form" novalidate>
${csrfField(opts.csrf)}
<fieldset class="reasons"${error ? html` aria-describedby="form-error"` : ""}>
<legend class="visually-hidden">${text.label}</legend>
${survey.config.options.map((option, i) => {
  // The value is the reason as stored (the flow's own option); the label is what this subscriber reads.
  const value = normalizeReason(option);
  return html`<label class="choice" for="reason-${i}"><input type="radio" id="reason-${i}" name="reason" value="${value}"${selected === value ? html` checked` : ""}><span>${text.options[i] ?? option}</span></label>`;
})}
</fieldset>
<label class="field-label" for="feedback">${t.feedbackLabel}${otherAsksText ? html` <span class="hint">${t.feedbackRequiredHint}</span>` : ""}</label>
<textarea id="feedback" name="feedback" rows="3" maxlength="2000"${feedbackMissing ? html` aria-invalid="true" aria-describedby="form-error"` : ""}>${feedback ?? ""}</textarea>
<div class="actions">
<button type="submit" name="action" value="survey" class="primary">${t.continue}</button>
<button type="submit" name="action" value="skip" class="link">${t.skip}</button>
</div>
</form>`;
}

/** The built-in words for an offer kind, in the session's language. */
export function describeOffer(offer: OfferConfig, t: Messages): { headline: string; detail: string; accept: string } {
  switch (offer.kind) {
    case "discount":
      return t.discount(offer.percentOff, offer.durationMonths);
    case "pause":
      return t.pause(offer.months);
    case "downgrade":
      return t.downgrade(offer.label);
    case "extension":
      return t.extension(offer.days);
    case "contact":
      return t.contact;
  }
}

export function offerView(opts: FormBase & { offer: OfferStep; terms: string | null; step?: number; totalSteps: number }): SafeHtml {
  const { t } = opts;
  const d = describeOffer(opts.offer.config, t);
  const text = localized(opts.offer, opts.lang);
  return html`${progress(t, opts.step ?? 2, opts.totalSteps)}
<h1>${text.label}</h1>
<div class="offer">
<p class="offer-headline">${d.headline}</p>
${opts.terms ? html`<p class="offer-terms">${opts.terms}</p>` : ""}
<p>${text.body ?? d.detail}</p>
</div>
<form method="post" action="${opts.action}" class="flow-form">
${csrfField(opts.csrf)}
<div class="actions">
<button type="submit" name="action" value="accept" class="primary">${text.buttonText ?? d.accept}</button>
<button type="submit" name="action" value="decline" class="secondary">${t.decline}</button>
</div>
</form>`;
}

export function confirmView(opts: FormBase & { totalSteps: number; step: number; loss: string | null }): SafeHtml {
  const { t } = opts;
  return html`${progress(t, opts.step, opts.totalSteps)}
<h1>${t.confirmTitle}</h1>
<p class="lede">${t.confirmIntro}</p>
${opts.loss ? html`<p class="loss">${opts.loss}</p>` : ""}
<form method="post" action="${opts.action}" class="flow-form">
${csrfField(opts.csrf)}
<div class="actions">
<button type="submit" name="action" value="confirm" class="danger">${t.cancelButton}</button>
<button type="submit" name="action" value="keep" class="secondary">${t.keepButton}</button>
<button type="submit" name="action" value="back" class="link">${t.changeAnswer}</button>
</div>
</form>`;
}

export interface DoneViewOptions {
  t: Messages;
  lang: Lang;
  outcome: "saved" | "canceled";
  offer: OfferConfig | null;
  /** The flow's offer step the subscriber accepted, for its title in their language. */
  offerStep: OfferStep | null;
  confirmation: ConfirmationStep | null;
  /** What the accepted offer means in money ("$129.00 → $90.30 a month for 3 months"). */
  terms: string | null;
  /** What canceling gave up ("You will lose Pro ($129.00 a month)."). */
  loss: string | null;
  returnHref: string | null;
  /** This page without its timed return (WCAG 2.2.1: the subscriber can turn the time limit off). */
  stayHref: string | null;
  brandName: string;
  contactUrl: string | null;
}

/** The page's title (the document title too) for a finished session. */
export function doneTitle(o: Pick<DoneViewOptions, "t" | "lang" | "outcome" | "offer" | "confirmation">): string {
  if (o.outcome === "saved") return o.offer ? o.t.allSetTitle : o.t.stayingTitle;
  return o.confirmation ? localized(o.confirmation, o.lang).label : o.t.canceledTitle;
}

/**
 * The last page: what happened, the flow's message, and a clear way back. With a return URL, the page also
 * carries a refresh to it (the layout's `refreshUrl`), so the subscriber gets back even without clicking.
 */
export function doneView(o: DoneViewOptions): SafeHtml {
  const { t } = o;
  const saved = o.outcome === "saved";
  const message = o.confirmation ? localized(o.confirmation, o.lang).message : undefined;
  const offerName = o.offer ? (o.offerStep ? localized(o.offerStep, o.lang).label : describeOffer(o.offer, t).headline) : null;
  const lines: (string | null)[] = saved
    ? o.offer
      ? [t.offerApplied(offerName!, o.brandName), o.terms]
      : [t.nothingChanges]
    : [message ?? t.canceledDefault, o.loss];
  return html`<h1>${doneTitle(o)}</h1>
<div role="status">
${lines.filter(Boolean).map((line, i) => html`<p class="${i === 0 ? "lede" : "terms"}">${line}</p>`)}
</div>
${o.contactUrl ? html`<p><a href="${o.contactUrl}" rel="noopener">${t.contactTeam}</a></p>` : ""}
${
  o.returnHref
    ? html`<p class="actions"><a class="button primary" href="${o.returnHref}">${t.returnTo(o.brandName)}</a></p>
${o.stayHref ? html`<p class="hint redirect-note">${t.redirectNotice(o.brandName)} <a href="${o.stayHref}">${t.stayHere}</a></p>` : ""}`
    : html`<p>${t.closePage}</p>`
}`;
}

export function messageView(title: string, message: string, returnHref: string | null = null, goBack = "Go back"): SafeHtml {
  return html`<h1>${title}</h1>
<p class="lede">${message}</p>
${returnHref ? html`<p class="actions"><a class="button secondary" href="${returnHref}">${goBack}</a></p>` : ""}`;
}
