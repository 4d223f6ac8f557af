// The hosted flow pages: /c/:token (cancel links and API sessions) and /flow/:workspaceId/:flowId (signed URLs).
// What each page shows and what each button does is the flow walk's (sessions/flow-walk.ts); this file is HTTP.
import { Elysia } from "elysia";
import type { Deps } from "../../boot.ts";
import { rateLimit } from "../../http/rate-limit.ts";
import { noteWorkspace } from "../../http/core.ts";
import { originOf, pageHeaders } from "../../http/security-headers.ts";
import { isUuid, safeEqual, sha256Hex } from "../../lib/crypto.ts";
import { DEFAULT_ACCENT, brandStyle, layout, styleHash, type Brand } from "../../views/layout.ts";
import type { SafeHtml } from "../../views/html.ts";
import type { Flow } from "../flows/flows.store.ts";
import { confirmationStep } from "../flows/flow-steps.ts";
import { actionFromForm, pageFor } from "../sessions/flow-walk.ts";
import type { Session } from "../sessions/sessions.store.ts";
import type { Workspace } from "../workspaces/workspaces.store.ts";
import { verifyHostedUrl } from "./hosted-url.ts";
import { messageView } from "./hosted.views.ts";
import { presentFlowPage, sessionLocale, type ShownPage } from "./hosted.pages.ts";
import { messagesFor, resolveLocale, type Messages } from "./hosted.i18n.ts";

function brandOf(ws: Workspace): Brand {
  return { name: ws.displayName || ws.name, accentColor: ws.accentColor || DEFAULT_ACCENT, logoUrl: ws.logoUrl };
}

interface PageOptions {
  status?: number;
  /** The workspace the page speaks for; none (an unknown link) gives a page that names no one. */
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
  const brand = opts.workspace ? brandOf(opts.workspace) : null;
  const logoOrigin = brand?.logoUrl && !brand.logoUrl.startsWith("/") ? originOf(brand.logoUrl) : null;
  const returnOrigin = originOf(opts.returnUrl);
  const headers = pageHeaders({
    // Chromium applies form-action to the redirect that follows a POST: the return URL's origin must be listed.
    formTargets: returnOrigin ? [returnOrigin] : [],
    frameAncestors: opts.workspace?.frameAncestors ?? [],
    imageOrigins: logoOrigin ? [logoOrigin] : [],
    styleHashes: [styleHash(brandStyle(brand ?? { name: "", accentColor: DEFAULT_ACCENT, logoUrl: null }))],
  });
  const footer = brand ? opts.t?.footer(brand.name) : undefined;
  return new Response(layout({ title, brand, body, script: opts.script, lang: opts.lang, footer, refreshUrl: opts.refreshUrl }), { status: opts.status ?? 200, headers });
}

const seeOther = (location: string) => new Response(null, { status: 303, headers: { location, "cache-control": "no-store", "referrer-policy": "no-referrer" } });

type FormBody = Record<string, string | undefined>;

function formValue(body: unknown, name: string): string | null {
  if (!body || typeof body !== "object") return null;
  const v = (body as FormBody)[name];
  return typeof v === "string" ? v : null;
}

const unknownLink = () =>
  page("Link not found", messageView("This link does not work", "Check that you copied the whole link, or start again from your account settings."), { status: 404 });

export function hostedRoutes(deps: Deps) {
  const { sessionService, workspaceService, flowService, clock, config } = deps;

  /** The session behind a link token with its workspace and flow, or the page to show instead. */
  async function load(token: string, request: Request): Promise<{ session: Session; workspace: Workspace; flow: Flow } | Response> {
    const session = await sessionService.findByLinkToken(token);
    if (!session) return unknownLink();
    const workspace = await workspaceService.get(session.workspaceId);
    // The version the session started on: a publish meanwhile never changes the copy a subscriber sees.
    const flow = workspace && session.flowId ? await flowService.getForSession(workspace.id, session.flowId, session.flowVersion) : null;
    if (!workspace || !flow) return unknownLink();
    noteWorkspace(request, workspace.id);
    if (session.state === "expired") {
      await sessionService.markExpired(session);
      return page("Link expired", messageView("This link has expired", "For your security, cancellation links work for a limited time. Start again from your account settings.", originOf(session.returnUrl)), {
        status: 410,
        workspace,
      });
    }
    return { session, workspace, flow };
  }

  /** Where the subscriber goes once the outcome is recorded: the return URL with the session's one result token. */
  async function returnHref(session: Session): Promise<string | null> {
    if (!session.returnUrl) return null;
    const token = await sessionService.resultToken(session);
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

  /** The page a session shows; without a link token (a decided session reached by its signed URL) it only shows the outcome. */
  async function render(
    token: string | null,
    ctx: { session: Session; workspace: Workspace; flow: Flow },
    request: Request,
    form?: { error: string; reason: string | null; feedback: string | null },
    stay = false,
  ): Promise<Response> {
    const { session, workspace, flow } = ctx;
    const brand = brandOf(workspace);
    const locale = sessionLocale(session.context, request.headers.get("accept-language"));
    const shown = pageFor(flow.steps, session);
    if (shown.page === "expired") return page("Link expired", messageView("This link has expired", "Start again from your account settings."), { status: 410, workspace });
    // Analytics count an offer as shown when its page is displayed.
    if (shown.page === "offer") await sessionService.markOfferShown(session, shown.offer.config.kind);
    const p = presentFlowPage(shown, {
      steps: flow.steps,
      session,
      locale,
      now: clock.now(),
      brandName: brand.name,
      action: token ? `/c/${token}` : "",
      csrf: session.csrfToken,
      returnHref: shown.page === "done" ? await returnHref(session) : null,
      stayHref: stay || !token ? null : `/c/${token}?stay=1`,
      form,
    });
    return page(p.title, p.body, { workspace, returnUrl: session.returnUrl, script: true, status: p.status, lang: locale.tag, t: p.t, refreshUrl: p.refreshUrl });
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
          return page("Please try again", messageView("This form has expired", "Nothing was changed. Reload the page and try again."), { status: 403, workspace });
        }
        if (session.state === "completed") return finish(session, flow, params.token); // double submit: the first outcome stands
        await sessionService.markOpened(session);
        const action = actionFromForm({ action: formValue(body, "action"), reason: formValue(body, "reason"), feedback: formValue(body, "feedback") });
        if (!action) return seeOther(`/c/${params.token}`);
        const { result, session: after } = await sessionService.act(session, flow, action);
        switch (result.kind) {
          case "refuse": {
            const t = messagesFor(sessionLocale(session.context, request.headers.get("accept-language")).lang);
            return render(params.token, ctx, request, { error: t.errors[result.error], reason: result.reason, feedback: result.feedback });
          }
          case "finish":
            return finish(after, flow, params.token);
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
        const secrets = (await workspaceService.activeSecrets(workspace.id)).map((s) => s.secret);
        const check = verifyHostedUrl(query as Record<string, string | undefined>, secrets, workspace.id, flow.id, Math.floor(clock.now() / 1000));
        if (!check.ok) {
          const [title, message] =
            check.reason === "stale"
              ? ["This link has expired", "Open the cancellation page again from your account settings to get a fresh link."]
              : ["This link is not valid", "It may have been changed or copied incompletely. Open the cancellation page again from your account settings."];
          return page("Link not valid", messageView(title, message), { status: 403, workspace });
        }
        if (workspace.access === "read_only") {
          return page("Unavailable", messageView("Cancellation is unavailable right now", "Please contact support to cancel your subscription."), { status: 402, workspace });
        }
        const { session, linkToken } = await sessionService.startOrContinue(workspace, {
          source: "hosted_url",
          customerId: check.params.customerId,
          subscriptionId: check.params.subscriptionId,
          environment: "prod",
          flowId: flow.id,
          returnUrl: workspace.defaultReturnUrl,
          // One signed URL is one session: reloading it continues where the subscriber left off.
          originKey: sha256Hex(`hosted-url:${workspace.id}:${check.sig}`),
        });
        // Decided already: show the outcome here, with the token it first issued; no new link, no new expiry.
        if (linkToken === null) {
          const ran = session.flowId ? await flowService.getForSession(workspace.id, session.flowId, session.flowVersion) : null;
          return render(null, { session, workspace, flow: ran ?? flow }, request);
        }
        return seeOther(`${config.cancelUrl}/c/${linkToken}`);
      },
      { rateLimit: "hosted", detail: { hide: true } },
    );
}
