// /dashboard/docs: the integration guide with this workspace's values; the signing secret needs the password again.
import type { Deps } from "../../boot.ts";
import { atLeast, type DashboardShell, type PageContext } from "../dashboard/dashboard.shell.ts";
import { docsView, type DocsValues } from "./integration-docs.views.ts";

export function integrationDocsPages(deps: Deps, shell: DashboardShell) {
  const { workspaceService, keyService, flowService, userService, rateLimiter, clientIp, config } = deps;

  async function page(ctx: PageContext, keyId: string | null, opts: { secret?: string; passwordError?: string; status?: number } = {}) {
    const ws = ctx.operator.workspace;
    const keys = (await keyService.list(ws.id)).filter((k) => k.revokedAt === null).reverse();
    const selectedKey = keys.find((k) => k.id === keyId) ?? null;
    const current = await workspaceService.currentSecret(ws.id);
    const values: DocsValues = {
      workspaceId: ws.id,
      workspaceName: ws.displayName || ws.name,
      apiBase: `${config.publicUrl}/api`,
      publicUrl: config.publicUrl,
      cancelUrl: config.cancelUrl,
      defaultFlowId: await flowService.getDefaultId(ws.id),
      defaultReturnUrl: ws.defaultReturnUrl,
      kid: current?.id ?? null,
      signingSecret: opts.secret ?? null,
    };
    return ctx.render({
      title: "Docs",
      nav: "docs",
      status: opts.status,
      body: docsView({ values, keys, selectedKey, canReveal: atLeast(ctx.operator.role, "admin"), csrf: ctx.csrf, passwordError: opts.passwordError }),
    });
  }

  return shell.area("integration-docs-pages", (area) =>
    area
      .get("/dashboard/docs", { nav: "docs" }, (ctx) => page(ctx, ctx.query.get("key")))
      // Rendered in the answer to the POST (not stored for a redirect): the secret never waits in a table.
      .post("/dashboard/docs/reveal", { role: "admin", nav: "docs" }, async (ctx) => {
        const keyId = ctx.form.key ?? null;
        // Password checks are what the login limit protects: the same per-IP policy applies here.
        const decision = rateLimiter.hit("login", clientIp(ctx.request));
        if (!decision.allowed) return page(ctx, keyId, { passwordError: `Too many attempts. Wait ${decision.resetSeconds} seconds and try again.`, status: 429 });
        if (!(await userService.checkPassword(ctx.operator.user.id, ctx.form.password ?? "")))
          return page(ctx, keyId, { passwordError: "This is not your password", status: 400 });
        const secret = await workspaceService.currentSecret(ctx.operator.workspace.id);
        return page(ctx, keyId, { secret: secret?.secret });
      }),
  );
}
