// /dashboard: the overview. A placeholder with the stats counts; the analytics module replaces this area.
import type { Deps } from "../../boot.ts";
import type { DashboardShell } from "../dashboard/dashboard.shell.ts";
import { overviewView } from "./overview.views.ts";

export function overviewPages(deps: Deps, shell: DashboardShell) {
  const { analyticsService } = deps;
  return shell.area("overview-pages", (area) =>
    area.get("/dashboard", { nav: "overview" }, async (ctx) => {
      const id = ctx.operator.workspace.id;
      const windows = await Promise.all(
        ([["Last 7 days", "7d"], ["Last 30 days", "30d"], ["All time", "all"]] as const).map(async ([label, window]) => ({ label, ...(await analyticsService.stats(id, "prod", window)) })),
      );
      return ctx.render({ title: "Overview", nav: "overview", body: overviewView({ windows, workspaceName: ctx.operator.workspace.name }) });
    }),
  );
}
