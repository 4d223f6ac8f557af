// The hosted flow pages: /c/:token (cancel links and API sessions) and /flow/:workspaceId/:flowId (signed URLs).
import { Elysia } from "elysia";
import type { Deps } from "../../boot.ts";
import { rateLimit } from "../../http/rate-limit.ts";
import { AppError } from "../../lib/app-error.ts";
import { noteWorkspace } from "../../http/core.ts";
import { originOf, pageHeaders } from "../../http/security-headers.ts";
import { isUuid, safeEqual, sha256Hex } from "../../lib/crypto.ts";
import { DEFAULT_ACCENT, brandStyle, layout, styleHash, type Brand } from "../../views/layout.ts";
import type { SafeHtml } from "../../views/html.ts";
import { confirmationStep, offerForReason, surveyStep } from "../flows/flow-steps.ts";
import type { Flow } from "../flows/flows.store.ts";
import type { Session } from "../sessions/sessions.store.ts";
import type { Workspace } from "../workspaces/workspaces.store.ts";
import { verifyHostedUrl } from "./hosted-url.ts";
import { messageView } from "./hosted.views.ts";
import { presentFlowPage, sessionLocale, type ShownPage } from "./hosted.pages.ts";
import { messagesFor, resolveLocale, type Messages } from "./hosted.i18n.ts";

const NEUTRAL_BRAND: Brand = { name: "Holdfast", accentColor: DEFAULT_ACCENT, logoUrl: null };

function brandOf(ws: Workspace): Brand {
  return { name: ws.displayName || ws.name, accentColor: ws.accentColor || DEFAULT_ACCENT, logoUrl: ws.logoUrl };
}

interface PageOptions {
  status?: number;
  brand?: Brand;
  workspace?: Workspace | null;
  returnUrl?: string | null;
  script?: boolean;
  /** The page's language and its footer line. */
  lang?: string;
  t?: Messages;
  /** The completion URL the page returns to after 5 seconds. */
  refreshUrl?: string | null;
}

function page(title: string, body: SafeHtml, opts: PageOptions = {}): Response {
  const brand = opts.brand ?? NEUTRAL_BRAND;
  const logoOrigin = brand.logoUrl && !brand.logoUrl.startsWith("/") ? originOf(brand.logoUrl) : null;
  const returnOrigin = originOf(opts.returnUrl);
  const headers = pageHeaders({
    // Chromium applies form-action to the redirect that follows a POST: the return URL's origin must be listed.
    formTargets: returnOrigin ? [returnOrigin] : [],
    frameAncestors: opts.workspace?.frameAncestors ?? [],
    imageOrigins: logoOrigin ? [logoOrigin] : [],
    styleHashes: [styleHash(brandStyle(brand))],
  });
  const footer = opts.t?.footer(brand.name);
  return new Response(layout({ title, brand, body, script: opts.script, lang: opts.lang, footer, refreshUrl: opts.refreshUrl }), { status: opts.status ?? 200, headers });
}

const seeOther = (location: string) => new Response(null, { status: 303, headers: { location, "cache-control": "no-store", "referrer-policy": "no-referrer" } });

type FormBody = Record<string, string | undefined>;

function formValue(body: unknown, name: string): string | null {
  if (!body || typeof body !== "object") return null;
  const v = (body as FormBody)[name];
  return typeof v === "string" ? v : null;
}

export function hostedRoutes(deps: Deps) {
  const { sessionService, workspaceService, flowService, resultTokens, clock, config } = deps;

  /** The session behind a link token with its workspace and flow, or the page to show instead. */
  async function load(token: string, request: Request): Promise<{ session: Session; workspace: Workspace; flow: Flow } | Response> {
    const session = await sessionService.findByLinkToken(token);
    if (!session) return page("Link not found", messageView("This link does not work", "Check that you copied the whole link, or start again from your account settings."), { status: 404 });
    const workspace = await workspaceService.get(session.workspaceId);
    // The version the session started on: a publish meanwhile never changes the copy a subscriber sees.
    const flow = workspace && session.flowId ? await flowService.getForSession(workspace.id, session.flowId, session.flowVersion) : null;
    if (!workspace || !flow) return page("Link not found", messageView("This link does not work", "Start again from your account settings."), { status: 404 });
    noteWorkspace(request, workspace.id);
    if (session.state === "expired") {
      await sessionService.markExpired(session);
      return page("Link expired", messageView("This link has expired", "For your security, cancellation links work for a limited time. Start again from your account settings.", originOf(session.returnUrl)), {
        status: 410,
        brand: brandOf(workspace),
        workspace,
      });
    }
    return { session, workspace, flow };
  }

  /** Where the subscriber goes once the outcome is recorded: the return URL with the result token in the fragment. */
  async function returnHref(session: Session): Promise<string | null> {
    if (!session.returnUrl) return null;
    const token = await resultTokens.sign(session);
    const url = new URL(session.returnUrl);
    url.searchParams.set("rb_session", session.id);
    url.hash = `ci_result_token=${token}`;
    return url.toString();
  }

  /**
   * After the outcome is recorded: the flow's confirmation page (which returns by itself after 5 seconds), or,
   * when the flow asks to return at once, straight to the completion URL.
   */
  async function finish(session: Session, flow: Flow, token: string): Promise<Response> {
    const atOnce = confirmationStep(flow)?.config.returnAtOnce === true;
    return seeOther((atOnce && (await returnHref(session))) || `/c/${token}`);
  }

  function totals(flow: Flow) {
    return flow.steps.some((s) => s.type === "offer") ? 3 : 2;
  }

  /** The page a session is on (survey → offer → confirm → done). */
  function shownPage(session: Session, flow: Flow): ShownPage {
    if (session.state === "completed") {
      const offerStep = session.offer?.kind === "contact" ? offerForReason(flow, session.reason) : null;
      return {
        page: "done",
        outcome: session.outcome as "saved" | "canceled",
        offer: session.offer,
        contactUrl: offerStep?.config.kind === "contact" ? offerStep.config.url : null,
      };
    }
    const total = totals(flow);
    const offer = offerForReason(flow, session.reason);
    if (session.step === "offer" && offer) return { page: "offer", offer, step: 2, totalSteps: total };
    if (session.step === "confirm" || (session.step === "offer" && !offer)) {
      const steps = offer ? total : 2; // no offer on this path: survey → confirm
      return { page: "confirm", step: steps, totalSteps: steps };
    }
    const survey = surveyStep(flow);
    if (!survey) return { page: "confirm", step: total, totalSteps: total };
    return { page: "survey", survey, step: 1, totalSteps: total };
  }

  async function render(
    token: string,
    ctx: { session: Session; workspace: Workspace; flow: Flow },
    request: Request,
    form?: { error: string; reason: string | null; feedback: string | null },
    stay = false,
  ): Promise<Response> {
    const { session, workspace, flow } = ctx;
    const brand = brandOf(workspace);
    const locale = sessionLocale(session.context, request.headers.get("accept-language"));
    const shown = shownPage(session, flow);
    // Analytics count an offer as shown when its page is displayed.
    if (shown.page === "offer") await sessionService.markOfferShown(session, shown.offer.config.kind);
    const p = presentFlowPage(shown, {
      steps: flow.steps,
      session,
      locale,
      now: clock.now(),
      brandName: brand.name,
      action: `/c/${token}`,
      csrf: session.csrfToken,
      returnHref: shown.page === "done" ? await returnHref(session) : null,
      stayHref: stay ? null : `/c/${token}?stay=1`,
      form,
    });
    return page(p.title, p.body, { brand, workspace, returnUrl: session.returnUrl, script: true, status: p.status, lang: locale.tag, t: p.t, refreshUrl: p.refreshUrl });
  }

  /** Built-in copy for pages outside a session's flow (errors), in the browser's language. */
  const messagesOf = (request: Request) => messagesFor(resolveLocale(null, request.headers.get("accept-language")).lang);

  return new Elysia({ name: "hosted-routes" })
    .use(rateLimit(deps))
    .get(
      "/c/:token",
      async ({ params, query, request }) => {
        const ctx = await load(params.token, request);
        if (ctx instanceof Response) return ctx;
        await sessionService.markOpened(ctx.session);
        // ?stay=1: the confirmation page without its timed return, for whoever needs more than 5 seconds.
        return render(params.token, ctx, request, undefined, (query as Record<string, string | undefined>).stay === "1");
      },
      { rateLimit: "hosted", detail: { hide: true } },
    )
    .post(
      "/c/:token",
      async ({ params, body, request }) => {
        const ctx = await load(params.token, request);
        if (ctx instanceof Response) return ctx;
        const { session, workspace, flow } = ctx;
        const csrf = formValue(body, "_csrf");
        if (!csrf || !safeEqual(csrf, session.csrfToken)) {
          return page("Please try again", messageView("This form has expired", "Nothing was changed. Reload the page and try again."), { status: 403, brand: brandOf(workspace), workspace });
        }
        if (session.state === "completed") return finish(session, flow, params.token); // double submit: the first outcome stands
        await sessionService.markOpened(session);
        const action = formValue(body, "action");
        switch (action) {
          case "survey": {
            const reason = formValue(body, "reason");
            const feedback = formValue(body, "feedback");
            const t = messagesFor(sessionLocale(session.context, request.headers.get("accept-language")).lang);
            if (!reason) return render(params.token, ctx, request, { error: t.errors.reason_required, reason: null, feedback });
            try {
              await sessionService.answerSurvey(session, flow, reason, feedback);
            } catch (error) {
              if (error instanceof AppError && error.status === 400) {
                const message = error.code === "feedback_required" ? t.errors.feedback_required : t.errors.unknown_reason;
                return render(params.token, ctx, request, { error: message, reason, feedback });
              }
              throw error;
            }
            return seeOther(`/c/${params.token}`);
          }
          case "skip":
            await sessionService.answerSurvey(session, flow, null, formValue(body, "feedback"));
            return seeOther(`/c/${params.token}`);
          case "accept": {
            const offer = offerForReason(flow, session.reason);
            if (session.step !== "offer" || !offer) return seeOther(`/c/${params.token}`);
            return finish(await sessionService.complete(session, "saved", offer.config), flow, params.token);
          }
          case "decline":
            await sessionService.declineOffer(session);
            return seeOther(`/c/${params.token}`);
          case "confirm":
            return finish(await sessionService.complete(session, "canceled", null), flow, params.token);
          case "keep":
            return finish(await sessionService.complete(session, "saved", null), flow, params.token);
          case "back":
            await sessionService.restart(session);
            return seeOther(`/c/${params.token}`);
          default:
            return seeOther(`/c/${params.token}`);
        }
      },
      { rateLimit: "hosted", detail: { hide: true } },
    )
    .get(
      "/flow/:workspaceId/:flowId",
      async ({ params, query, request }) => {
        const notFound = () => page("Not found", messageView("This page does not exist", "Check the link, or start again from your account settings."), { status: 404 });
        if (!isUuid(params.workspaceId) || !isUuid(params.flowId)) return notFound();
        const workspace = await workspaceService.get(params.workspaceId);
        const flow = workspace ? await flowService.get(workspace.id, params.flowId) : null;
        if (!workspace || !flow || flow.status === "archived" || flow.version === null) return notFound();
        noteWorkspace(request, workspace.id);
        const brand = brandOf(workspace);
        const secrets = (await workspaceService.activeSecrets(workspace.id)).map((s) => s.secret);
        const check = verifyHostedUrl(query as Record<string, string | undefined>, secrets, workspace.id, flow.id, Math.floor(clock.now() / 1000));
        if (!check.ok) {
          const [title, message] =
            check.reason === "stale"
              ? ["This link has expired", "Open the cancellation page again from your account settings to get a fresh link."]
              : ["This link is not valid", "It may have been changed or copied incompletely. Open the cancellation page again from your account settings."];
          return page("Link not valid", messageView(title, message), { status: 403, brand, workspace });
        }
        if (workspace.access === "read_only") {
          return page("Unavailable", messageView("Cancellation is unavailable right now", "Please contact support to cancel your subscription."), { status: 402, brand, workspace });
        }
        const { linkToken } = await sessionService.start(workspace, {
          source: "hosted_url",
          customerId: check.params.customerId,
          subscriptionId: check.params.subscriptionId,
          environment: "prod",
          flowId: flow.id,
          returnUrl: workspace.defaultReturnUrl,
          // One signed URL is one session: reloading it continues where the subscriber left off.
          originKey: sha256Hex(`hosted-url:${workspace.id}:${check.sig}`),
        });
        return seeOther(`${config.cancelUrl}/c/${linkToken}`);
      },
      { rateLimit: "hosted", detail: { hide: true } },
    );
}

