// Sign-in, sign-out, first-run setup, invitations, the workspace switcher and the account page.
import { Elysia } from "elysia";
import type { Deps } from "../../boot.ts";
import { AppError } from "../../lib/app-error.ts";
import { randomToken } from "../../lib/crypto.ts";
import { html } from "../../views/html.ts";
import { ABSOLUTE_MS, FormError, type FieldErrors } from "./auth.service.ts";
import type { LoginSession } from "./auth.store.ts";
import { formOf, htmlResponse, safeNext, seeOther, type DashboardShell } from "../dashboard/dashboard.shell.ts";
import { clearCookie, readCookie, sameOrigin, setCookie, tokenMatches } from "../dashboard/dashboard.security.ts";
import { messageBody, plainLayout } from "../dashboard/dashboard.views.ts";
import { accountView, inviteView, loginView, setupView } from "./auth.views.ts";

const PRE_AUTH_MAX_AGE = 60 * 60;

export function authRoutes(deps: Deps, shell: DashboardShell) {
  const { authService, userService, rateLimiter, clientIp } = deps;
  const names = shell.cookies;

  const sessionCookie = (token: string) => setCookie(names, names.session, token, ABSOLUTE_MS / 1000);

  /** The pre-login CSRF value: reused from the cookie, or a new one to set. */
  function preAuth(request: Request): { token: string; headers: Record<string, string> } {
    const existing = readCookie(request, names.preAuth);
    if (existing && /^[0-9A-Za-z]{20,64}$/.test(existing)) return { token: existing, headers: {} };
    const token = randomToken(192);
    return { token, headers: { "set-cookie": setCookie(names, names.preAuth, token, PRE_AUTH_MAX_AGE) } };
  }

  /** A signed-out form must come from our origin and carry the value of the pre-login cookie. */
  function preAuthValid(request: Request, form: Record<string, string>): boolean {
    const cookie = readCookie(request, names.preAuth);
    return sameOrigin(request, shell.publicOrigin) && cookie !== null && tokenMatches(form._csrf, cookie);
  }

  const page = (title: string, body: ReturnType<typeof html>, status = 200, headers: Record<string, string> = {}) =>
    htmlResponse(plainLayout({ title, body, insecure: shell.insecure }), status, headers);

  /** Signs in: a brand-new session id (never one the browser brought), the old one ended. */
  async function signedIn(request: Request, start: Promise<{ token: string; session: LoginSession }>, location: string): Promise<Response> {
    const previous = await authService.resolve(readCookie(request, names.session));
    if (previous) await authService.end(previous);
    const { token } = await start;
    const headers = new Headers({ location, "cache-control": "no-store" });
    headers.append("set-cookie", sessionCookie(token));
    headers.append("set-cookie", clearCookie(names, names.preAuth));
    return new Response(null, { status: 303, headers });
  }

  const pages = shell.area("auth-pages", (area) =>
    area
      .post("/dashboard/logout", { role: "viewer" }, async (ctx) => {
        await authService.end(ctx.operator.session);
        return seeOther("/dashboard/login", { "set-cookie": clearCookie(names, names.session) });
      })
      .post("/dashboard/workspace", { role: "viewer" }, async (ctx) => {
        await authService.switchWorkspace(ctx.operator.session, ctx.form.workspaceId ?? "");
        return seeOther("/dashboard");
      })
      .get("/dashboard/account", { nav: "account" }, (ctx) =>
        ctx.render({ title: "Your account", nav: "account", body: accountView({ csrf: ctx.csrf, email: ctx.operator.user.email }) }),
      )
      .post("/dashboard/account/password", { role: "viewer", nav: "account" }, async (ctx) => {
        try {
          const { token, session } = await authService.changePassword(ctx.operator.session, ctx.form.currentPassword ?? "", ctx.form.newPassword ?? "");
          await authService.setFlash(session, { kind: "success", message: "Password changed. Every other browser was signed out." });
          return seeOther("/dashboard/account", { "set-cookie": sessionCookie(token) });
        } catch (error) {
          if (!(error instanceof FormError)) throw error;
          return ctx.render({ title: "Your account", nav: "account", status: 400, body: accountView({ csrf: ctx.csrf, email: ctx.operator.user.email, fields: error.fields }) });
        }
      }),
  );

  return new Elysia({ name: "auth-routes" })
    .use(pages)
    .get(
      "/dashboard/login",
      async ({ request, query }) => {
        // Already signed in: straight to the dashboard.
        if (await authService.resolve(readCookie(request, names.session))) return seeOther(safeNext(query.next));
        const { token, headers } = preAuth(request);
        return page("Sign in", loginView({ csrf: token, next: safeNext(query.next) }), 200, headers);
      },
      { detail: { hide: true } },
    )
    .post(
      "/dashboard/login",
      async ({ request, body }) => {
        const { form } = formOf(body);
        if (!preAuthValid(request, form)) return shell.forbiddenPage("This sign-in form has expired or did not come from this server. Reload the page and try again.");
        const next = safeNext(form.next);
        const { token, headers } = preAuth(request);
        // The "login" policy (per client IP, HOLDFAST_TRUST_PROXY-aware) slows password spraying across accounts.
        const decision = rateLimiter.hit("login", clientIp(request));
        if (!decision.allowed)
          return page("Sign in", loginView({ csrf: token, next, email: form.email, error: `Too many sign-in attempts from your network. Wait ${decision.resetSeconds} seconds and try again.` }), 429, {
            ...headers,
            "retry-after": String(decision.resetSeconds),
          });
        const fields: FieldErrors = {};
        if (!form.email?.trim()) fields.email = "Enter your e-mail address";
        if (!form.password) fields.password = "Enter your password";
        if (Object.keys(fields).length) return page("Sign in", loginView({ csrf: token, next, email: form.email, fields }), 400, headers);
        const result = await userService.login(form.email!, form.password!);
        if (!result.ok && result.reason === "locked") {
          const minutes = Math.ceil(result.retryInSeconds / 60);
          return page("Sign in", loginView({ csrf: token, next, email: form.email, error: `Too many failed sign-ins for this account. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.` }), 429, {
            ...headers,
            "retry-after": String(result.retryInSeconds),
          });
        }
        if (!result.ok) return page("Sign in", loginView({ csrf: token, next, email: form.email, error: "That e-mail and password do not match. Check both and try again." }), 401, headers);
        return signedIn(request, authService.startSession(result.user, null), next);
      },
      { detail: { hide: true } },
    )
    .get(
      "/dashboard/setup",
      async ({ request, query }) => {
        if (!(await authService.setupTokenValid(query.token ?? null))) return setupRefused();
        const { token, headers } = preAuth(request);
        return page("Set up Holdfast", setupView({ csrf: token, token: query.token! }), 200, headers);
      },
      { detail: { hide: true } },
    )
    .post(
      "/dashboard/setup",
      async ({ request, body }) => {
        const { form } = formOf(body);
        if (!preAuthValid(request, form)) return shell.forbiddenPage("This setup form has expired or did not come from this server. Reload the page and try again.");
        if (!(await authService.setupTokenValid(form.token ?? null))) return setupRefused();
        try {
          const input = { email: form.email ?? "", password: form.password ?? "", workspaceName: form.workspaceName ?? "" };
          const { user, workspaceId } = await authService.completeSetup(form.token ?? null, input);
          return signedIn(request, authService.startSession(user, workspaceId), "/dashboard");
        } catch (error) {
          if (!(error instanceof FormError)) throw error;
          const { token, headers } = preAuth(request);
          return page("Set up Holdfast", setupView({ csrf: token, token: form.token!, values: form, fields: error.fields }), 400, headers);
        }
      },
      { detail: { hide: true } },
    )
    .get(
      "/dashboard/invite",
      async ({ request, query }) => {
        const found = await authService.findInvitation(query.token ?? null);
        if (!found) return inviteRefused();
        const { token, headers } = preAuth(request);
        return page("Join a workspace", inviteView({ csrf: token, token: query.token!, email: found.user.email, workspaceName: found.workspace.name }), 200, headers);
      },
      { detail: { hide: true } },
    )
    .post(
      "/dashboard/invite",
      async ({ request, body }) => {
        const { form } = formOf(body);
        if (!preAuthValid(request, form)) return shell.forbiddenPage("This form has expired or did not come from this server. Reload the page and try again.");
        const found = await authService.findInvitation(form.token ?? null);
        if (!found) return inviteRefused();
        try {
          return await signedIn(request, authService.acceptInvitation(form.token ?? null, form.password ?? ""), "/dashboard");
        } catch (error) {
          if (error instanceof AppError && error.status === 404) return inviteRefused();
          if (!(error instanceof FormError)) throw error;
          const { token, headers } = preAuth(request);
          return page("Join a workspace", inviteView({ csrf: token, token: form.token!, email: found.user.email, workspaceName: found.workspace.name, fields: error.fields }), 400, headers);
        }
      },
      { detail: { hide: true } },
    );

  function setupRefused(): Response {
    return page("Setup link not valid", messageBody("This setup link is missing, wrong, used or expired. While nobody has signed up yet, each start of the server logs a new one. If someone already did, sign in instead.", { href: "/dashboard/login", label: "Go to sign-in" }), 403);
  }
  function inviteRefused(): Response {
    return page("Invitation not valid", messageBody("This invitation link is wrong, used or expired. Ask an owner of the workspace for a new one.", { href: "/dashboard/login", label: "Go to sign-in" }), 404);
  }
}

/** Logs the one-time setup URL while nobody can sign in yet (called at every start of the server). */
export async function announceSetup(deps: Pick<Deps, "authService" | "config" | "logger">): Promise<string | null> {
  const token = await deps.authService.issueSetupToken();
  if (!token) return null;
  const url = `${deps.config.publicUrl}/dashboard/setup?token=${token}`;
  deps.logger.warn("no dashboard user yet: open this one-time link within 30 minutes to create the owner", { setupUrl: url });
  return url;
}
