// From "which page the flow walk shows" to the page itself: title, body, status and the refresh back, in the
// session's language with its money. Pure, so the hosted routes and the flow editor's preview render the same.
import { isCurrency } from "../../lib/money.ts";
import type { SafeHtml } from "../../views/html.ts";
import { confirmationStep, offerForReason } from "../flows/flow-steps.ts";
import type { OfferConfig, OfferStep, Step, SurveyStep } from "../flows/flows.schemas.ts";
import { messagesFor, resolveLocale, type HostedLocale, type Messages } from "./hosted.i18n.ts";
import { confirmView, doneTitle, doneView, offerView, surveyView } from "./hosted.views.ts";
import { lossLine, offerTerms, type MoneyContext } from "./offer-terms.ts";
import type { FlowPage } from "../sessions/flow-walk.ts";

/** A page of the walk (flow-walk.ts) that a live session shows; an expired link gets its own message page. */
export type ShownPage = Exclude<FlowPage, { page: "expired" }>;

export interface SessionFacts {
  reason: string | null;
  feedback: string | null;
  /** context.plan, mrr, currency and locale as the integrator sent them (currency and locale may be absent). */
  context: object;
}

export interface PresentContext {
  steps: Step[];
  session: SessionFacts;
  locale: HostedLocale;
  now: number;
  brandName: string;
  /** Where the forms post, and their CSRF token. */
  action: string;
  csrf: string;
  /** The completion URL (`returnUrl?rb_session=…#ci_result_token=…`), once the session is decided. */
  returnHref: string | null;
  /** The page without its timed return (`?stay=1`), or null when the subscriber already chose to stay. */
  stayHref: string | null;
  /** A refused survey answer: the message and what was typed. */
  form?: { error: string; reason: string | null; feedback: string | null };
}

export interface Presentation {
  title: string;
  body: SafeHtml;
  status: number;
  refreshUrl: string | null;
  t: Messages;
}

/** The session's language: its context.locale, else the browser's, else English. */
export function sessionLocale(context: object | null | undefined, acceptLanguage: string | null): HostedLocale {
  const locale = (context as { locale?: unknown } | null | undefined)?.locale;
  return resolveLocale(typeof locale === "string" ? locale : null, acceptLanguage);
}

export function moneyContext(session: SessionFacts, locale: HostedLocale, now: number): MoneyContext {
  const c = (session.context ?? {}) as { plan?: unknown; mrr?: unknown; currency?: unknown };
  const currency = typeof c.currency === "string" && isCurrency(c.currency.toUpperCase()) ? c.currency.toUpperCase() : "USD";
  return { plan: typeof c.plan === "string" && c.plan ? c.plan : null, mrr: typeof c.mrr === "number" ? c.mrr : null, currency, tag: locale.tag, now };
}

export function presentFlowPage(shown: ShownPage, ctx: PresentContext): Presentation {
  const t = messagesFor(ctx.locale.lang);
  const lang = ctx.locale.lang;
  const money = moneyContext(ctx.session, ctx.locale, ctx.now);
  const base = { action: ctx.action, csrf: ctx.csrf, t, lang };
  const result = (title: string, body: SafeHtml, status = 200, refreshUrl: string | null = null): Presentation => ({ title, body, status, refreshUrl, t });
  switch (shown.page) {
    case "survey":
      return result(
        shown.survey.locales?.[lang]?.label ?? shown.survey.label,
        surveyView({
          ...base,
          survey: shown.survey,
          selected: ctx.form?.reason ?? ctx.session.reason,
          feedback: ctx.form?.feedback ?? ctx.session.feedback,
          error: ctx.form?.error ?? null,
          step: shown.step,
          totalSteps: shown.totalSteps,
        }),
        ctx.form ? 400 : 200,
      );
    case "offer":
      return result(t.titles.offer, offerView({ ...base, offer: shown.offer, terms: offerTerms(shown.offer.config, money, t), step: shown.step, totalSteps: shown.totalSteps }));
    case "confirm":
      return result(t.titles.confirm, confirmView({ ...base, step: shown.step, totalSteps: shown.totalSteps, loss: lossLine(money, t) }));
    case "done": {
      const flow = { steps: ctx.steps };
      const offerStep = shown.offer ? offerForReason(flow, ctx.session.reason) : null;
      const done = {
        t,
        lang,
        outcome: shown.outcome,
        offer: shown.offer,
        offerStep,
        confirmation: confirmationStep(flow),
        terms: shown.offer ? offerTerms(shown.offer, money, t) : null,
        loss: shown.outcome === "canceled" ? lossLine(money, t) : null,
        returnHref: ctx.returnHref,
        stayHref: ctx.returnHref ? ctx.stayHref : null,
        brandName: ctx.brandName,
        contactUrl: shown.contactUrl,
      };
      return result(doneTitle(done), doneView(done), 200, ctx.stayHref ? ctx.returnHref : null);
    }
  }
}
