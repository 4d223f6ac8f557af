// The dashboard shell: who is signed in, which workspace is active, the CSRF checks, and the layout
// around every page. Other modules plug their pages in through `shell.area(…)` (see below).
import { Elysia } from "elysia";
import type { Deps } from "../../boot.ts";
import { AppError } from "../../lib/app-error.ts";
import { noteWorkspace } from "../../http/core.ts";
import type { SafeHtml } from "../../views/html.ts";
import type { Flash } from "../auth/auth.service.ts";
import type { LoginSession } from "../auth/auth.store.ts";
import type { Role, User } from "../users/users.store.ts";
import type { Workspace } from "../workspaces/workspaces.store.ts";
import { cookieNames, dashboardHeaders, readCookie, sameOrigin, tokenMatches } from "./dashboard.security.ts";
import { banner, layout, messageBody, plainLayout, type NavKey } from "./dashboard.views.ts";
import { billingBanner, type BillingBanner } from "../billing/billing.views.ts";
import { html } from "../../views/html.ts";

const billingBannerView = (b: BillingBanner) =>
  banner(b.tone, html`${b.message}${b.fixHref ? html` <a href="${b.fixHref}">${b.fixLabel}</a>` : ""}`);

const RANK: Record<Role, number> = { viewer: 0, admin: 1, owner: 2 };

/** True when `role` may do what `needed` allows (owner ⊃ admin ⊃ viewer). */
export function atLeast(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

export interface Operator {
  user: User;
  role: Role;
  workspace: Workspace;
  workspaces: { workspaceId: string; name: string; role: Role }[];
  session: LoginSession;
}

/** Form fields as strings; uploaded files apart. */
export type FormFields = Record<string, string>;

export interface PageContext {
  request: Request;
  url: URL;
  params: Record<string, string>;
  query: URLSearchParams;
  form: FormFields;
  files: Record<string, File>;
  operator: Operator;
  /** The synchronizer token every form of the page must carry as `_csrf` (see csrfInput). */
  csrf: string;
  /** The page inside the layout (nav, switcher, flash, banners) with the dashboard headers. */
  render(page: { title: string; body: SafeHtml; nav?: NavKey; status?: number; banners?: SafeHtml[]; formActions?: string[]; frames?: boolean }): Promise<Response>;
  /** POST → redirect (303), with a message for the next page. */
  redirect(location: string, flash?: Flash): Promise<Response>;
  /** An error page inside the layout (403 role refusal, 404, 409…). */
  fail(status: number, message: string): Promise<Response>;
}

export interface RouteOptions {
  /** The least role that may use the route: GET defaults to viewer, POST to admin. */
  role?: Role;
  /** The nav entry an error page highlights. */
  nav?: NavKey;
}

export type PageHandler = (ctx: PageContext) => Response | Promise<Response>;

export interface DashboardArea {
  get(path: string, opts: RouteOptions, handler: PageHandler): DashboardArea;
  post(path: string, opts: RouteOptions, handler: PageHandler): DashboardArea;
}

export const seeOther = (location: string, headers: Record<string, string> = {}) =>
  new Response(null, { status: 303, headers: { location, "cache-control": "no-store", ...headers } });

export function htmlResponse(body: string, status = 200, extra: Record<string, string> = {}, formActions: string[] = [], frames = false): Response {
  return new Response(body, { status, headers: dashboardHeaders(extra, formActions, frames) });
}

/** Splits a parsed form body (urlencoded or multipart) into string fields and files. */
export function formOf(body: unknown): { form: FormFields; files: Record<string, File> } {
  const form: FormFields = {};
  const files: Record<string, File> = {};
  if (body && typeof body === "object") {
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
      const value = Array.isArray(v) ? v[0] : v;
      if (typeof value === "string") form[k] = value;
      else if (value instanceof File) files[k] = value;
      else if (typeof value === "number" || typeof value === "boolean") form[k] = String(value);
    }
  }
  return { form, files };
}

/** Only our own dashboard paths may be a `next` target after sign-in. */
export function safeNext(value: string | null | undefined): string {
  return value && /^\/dashboard(\/[A-Za-z0-9/_\-.?=&%]*)?$/.test(value) && !value.startsWith("//") ? value : "/dashboard";
}

export function createDashboardShell(deps: Deps) {
  const { authService, userService, workspaceService, config } = deps;
  const names = cookieNames(config.publicUrl);
  const publicOrigin = new URL(config.publicUrl).origin;
  const insecure = !names.secure;

  async function operatorFor(request: Request): Promise<Operator | "signed-out" | "no-workspace"> {
    const session = await authService.resolve(readCookie(request, names.session));
    if (!session) return "signed-out";
    const user = await userService.get(session.userId);
    if (!user) return "signed-out";
    const workspaces = await userService.workspacesOf(user.id);
    // The active workspace belongs to the login session; fall back to the first when it was taken away.
    let current = workspaces.find((w) => w.workspaceId === session.workspaceId) ?? workspaces[0];
    if (!current) return "no-workspace";
    if (current.workspaceId !== session.workspaceId) {
      await authService.switchWorkspace(session, current.workspaceId);
      session.workspaceId = current.workspaceId;
    }
    const workspace = await workspaceService.get(current.workspaceId);
    if (!workspace) return "no-workspace";
    noteWorkspace(request, workspace.id);
    return { user, role: current.role, workspace, workspaces, session };
  }

  function contextFor(request: Request, params: Record<string, string>, body: unknown, operator: Operator, nav?: NavKey): PageContext {
    const url = new URL(request.url);
    const { form, files } = formOf(body);
    const ctx: PageContext = {
      request,
      url,
      params,
      query: url.searchParams,
      form,
      files,
      operator,
      csrf: operator.session.csrfToken,
      async render(page) {
        const flash = await authService.takeFlash(operator.session);
        // Why the workspace is read-only (or about to be) and how to fix it, on every page.
        const billing = billingBanner(deps.billingService.bannerState(operator.workspace), operator.workspace.id);
        const body = layout({
          title: page.title,
          nav: page.nav ?? nav,
          body: page.body,
          user: operator.user,
          role: operator.role,
          workspace: operator.workspace,
          workspaces: operator.workspaces,
          csrf: operator.session.csrfToken,
          flash,
          insecure,
          banners: [...(billing ? [billingBannerView(billing)] : []), ...(page.banners ?? [])],
        });
        return htmlResponse(body, page.status ?? 200, {}, page.formActions, page.frames);
      },
      async redirect(location, flash) {
        if (flash) await authService.setFlash(operator.session, flash);
        return seeOther(location);
      },
      fail(status, message) {
        const title = status === 404 ? "Not found" : status === 403 ? "Not allowed" : "Something is not right";
        return ctx.render({ title, body: messageBody(message, { href: "/dashboard", label: "Back to the overview" }), status });
      },
    };
    return ctx;
  }

  async function run(method: "GET" | "POST", opts: RouteOptions, handler: PageHandler, request: Request, params: Record<string, string>, body: unknown): Promise<Response> {
    // The origin check comes first: a cross-site POST learns nothing, not even whether it was signed in.
    if (method === "POST" && !sameOrigin(request, publicOrigin)) return forbiddenPage("This form did not come from this dashboard, so nothing was changed.");
    const operator = await operatorFor(request);
    if (operator === "signed-out") {
      const url = new URL(request.url);
      const next = method === "GET" ? `?next=${encodeURIComponent(url.pathname + url.search)}` : "";
      return seeOther(`/dashboard/login${next}`);
    }
    if (operator === "no-workspace") return htmlResponse(plainLayout({ title: "No workspace", body: messageBody("You are not a member of any workspace. Ask an owner to add you.") }), 403);
    if (method === "POST" && !tokenMatches(formOf(body).form._csrf, operator.session.csrfToken))
      return forbiddenPage("This form has expired or did not come from this dashboard, so nothing was changed. Reload the page and try again.");
    const ctx = contextFor(request, params, body, operator, opts.nav);
    const needed = opts.role ?? (method === "GET" ? "viewer" : "admin");
    if (!atLeast(operator.role, needed)) return ctx.fail(403, `This needs the ${needed} role; you are ${operator.role === "admin" ? "an" : "a"} ${operator.role} in this workspace.`);
    try {
      return await handler(ctx);
    } catch (error) {
      if (error instanceof AppError && error.status < 500) return ctx.fail(error.status, error.message);
      throw error;
    }
  }

  function forbiddenPage(message: string): Response {
    return htmlResponse(plainLayout({ title: "Not allowed", body: messageBody(message, { href: "/dashboard", label: "Back to the dashboard" }) }), 403);
  }

  return {
    cookies: names,
    publicOrigin,
    insecure,
    operatorFor,
    forbiddenPage,

    /**
     * Registers a group of dashboard pages behind the sign-in guard and the layout. Use it for any page under
     * /dashboard (analytics overview, flows editor, billing…):
     *
     *   export const flowPages = (shell: DashboardShell) =>
     *     shell.area("flow-pages", (area) => area
     *       .get("/dashboard/flows", { nav: "flows" }, (ctx) => ctx.render({ title: "Flows", body: html`…` }))
     *       .post("/dashboard/flows/:id", { role: "admin" }, async (ctx) => ctx.redirect("/dashboard/flows", { kind: "success", message: "Saved" })));
     *
     * then `.use(flowPages(shell))` in src/app.ts. Every GET needs a signed-in member (viewer and up unless
     * `role` says more); every POST also passes the Origin / Sec-Fetch-Site check and the `_csrf` token
     * (put `csrfInput(ctx.csrf)` in each form) before the handler runs, and defaults to the admin role.
     * Read ids through the active workspace (`ctx.operator.workspace.id`): another workspace's id must
     * answer 404 (throw AppError(404) or return ctx.fail(404, …)). Pages call services, never stores.
     */
    area(name: string, define: (area: DashboardArea) => unknown): Elysia {
      let app: any = new Elysia({ name });
      const area: DashboardArea = {
        get(path, opts, handler) {
          app = app.get(path, ({ request, params }: { request: Request; params: Record<string, string> }) => run("GET", opts, handler, request, params ?? {}, undefined), { detail: { hide: true } });
          return area;
        },
        post(path, opts, handler) {
          app = app.post(path, ({ request, params, body }: { request: Request; params: Record<string, string>; body: unknown }) => run("POST", opts, handler, request, params ?? {}, body), { detail: { hide: true } });
          return area;
        },
      };
      define(area);
      return app as Elysia;
    },
  };
}

export type DashboardShell = ReturnType<typeof createDashboardShell>;
