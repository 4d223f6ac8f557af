// createApp(deps) → the Elysia app: global plugins, then every module.
import { Elysia } from "elysia";
import type { Deps } from "./boot.ts";
import { httpCore } from "./http/core.ts";
import { serveAsset } from "./http/assets.ts";
import { healthRoutes } from "./modules/health/health.routes.ts";
import { retentbaseRoutes } from "./modules/retentbase/retentbase.routes.ts";
import { retainrabbitRoutes } from "./modules/retainrabbit/retainrabbit.routes.ts";
import { analyticsRoutes } from "./modules/analytics/analytics.routes.ts";
import { cancellationRoutes } from "./modules/cancellations/cancellations.routes.ts";
import { docsRoutes } from "./modules/docs/docs.routes.ts";
import { hostedRoutes } from "./modules/hosted/hosted.routes.ts";
import { billingRoutes, STRIPE_WEBHOOK_PATH } from "./modules/billing/billing.routes.ts";
import { createDashboardShell } from "./modules/dashboard/dashboard.shell.ts";
import { dashboardRoutes } from "./modules/dashboard/dashboard.routes.ts";
import { brandingRoutes } from "./modules/branding/branding.routes.ts";
import { flowRoutes } from "./modules/flows/flows.routes.ts";

// Request-body limits by route group. Everything else (the API, hosted forms) gets config.apiBodyLimit (64 KiB);
// a group that needs more opts in with one line here, e.g. ["/dashboard/", 320 * 1024] for a logo upload.
const BODY_LIMITS_BY_PREFIX: readonly (readonly [prefix: string, bytes: number])[] = [
  // A logo of up to 256 KB plus the multipart framing and the form's other fields.
  ["/dashboard/settings/logo", 320 * 1024],
];

// Built on first use by openApp (the server warms it before listening), so CLI commands never pay for it.
export function createApp(deps: Deps) {
  const shell = createDashboardShell(deps);

  // Production (the compiled binary): compose every route handler at start-up rather than on its first request,
  // so no request ever pays for code generation. aot stays on (Elysia's default): generated, not dynamic, handlers.
  return new Elysia({ name: "holdfast", aot: true, precompile: deps.config.production })
    .use(httpCore({ logger: deps.logger, bodyLimits: { default: deps.config.apiBodyLimit, byPrefix: BODY_LIMITS_BY_PREFIX }, rawBodyPaths: [STRIPE_WEBHOOK_PATH] }))
    .onAfterHandle(({ request, set }) => {
      // API answers are personal data: never cached by a browser or proxy.
      if (request.url.includes("/api/")) set.headers["cache-control"] ??= "no-store";
    })
    .get("/", ({ redirect }) => redirect("/swagger", 302), { detail: { hide: true } })
    .get("/assets/*", ({ request }) => serveAsset(request), { detail: { hide: true } })
    .get("/swagger/scalar.js", ({ request }) => serveAsset(request), { detail: { hide: true } })
    .use(docsRoutes(deps.config.publicUrl))
    .use(healthRoutes(deps, async (request) => typeof (await shell.operatorFor(request)) === "object"))
    .use(hostedRoutes(deps))
    .use(retentbaseRoutes(deps))
    .use(retainrabbitRoutes(deps))
    .use(analyticsRoutes(deps))
    .use(billingRoutes(deps))
    .use(brandingRoutes(deps))
    .use(dashboardRoutes(deps, shell))
    .use(flowRoutes(deps))
    .use(cancellationRoutes(deps));
}

export type App = ReturnType<typeof createApp>;
