// Every dashboard area, in one place so src/app.ts adds a single line. Add new page groups here.
import { Elysia } from "elysia";
import type { Deps } from "../../boot.ts";
import { authRoutes } from "../auth/auth.routes.ts";
import { keyPages } from "../keys/keys.routes.ts";
import { memberPages } from "../members/members.routes.ts";
import { settingsPages } from "../settings/settings.routes.ts";
import { integrationDocsPages } from "../integration-docs/integration-docs.routes.ts";
import { sessionPages } from "../sessions/sessions.routes.ts";
import { overviewPages } from "../overview/overview.routes.ts";
import { reportPages } from "../reports/reports.routes.ts";
import { billingPages } from "../billing/billing.routes.ts";
import { flowEditorPages } from "../flow-editor/flow-editor.routes.ts";
import type { DashboardShell } from "./dashboard.shell.ts";
import { htmlResponse } from "./dashboard.shell.ts";
import { messageBody, plainLayout } from "./dashboard.views.ts";

export function dashboardRoutes(deps: Deps, shell: DashboardShell) {
  return new Elysia({ name: "dashboard" })
    .use(authRoutes(deps, shell))
    .use(overviewPages(deps, shell))
    .use(keyPages(deps, shell))
    .use(memberPages(deps, shell))
    .use(settingsPages(deps, shell))
    .use(integrationDocsPages(deps, shell))
    .use(sessionPages(deps, shell))
    .use(reportPages(deps, shell))
    .use(billingPages(deps, shell))
    .use(flowEditorPages(deps, shell))
    // An unknown dashboard path is a page, not a JSON error.
    .get("/dashboard/*", () => htmlResponse(plainLayout({ title: "Not found", body: messageBody("There is no such dashboard page.", { href: "/dashboard", label: "Go to the overview" }) }), 404), { detail: { hide: true } });
}
