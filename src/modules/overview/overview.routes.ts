// /dashboard: the overview — retention figures, the weekly trend, reasons, offers, cohorts and last week's
// issues, drawn on the server from the analytics rollups; /dashboard/overview.csv exports the same figures.
import type { Deps } from "../../boot.ts";
import type { DashboardShell, PageContext } from "../dashboard/dashboard.shell.ts";
import { MAX_PERIODS } from "../analytics/analytics.service.ts";
import { overviewBody, overviewCsv, type OverviewModel } from "../analytics/analytics.views.ts";
import { formatDay, parseDay, periodCount } from "../analytics/periods.ts";

export function overviewPages(deps: Deps, shell: DashboardShell) {
  const { analyticsService, flowService } = deps;

  /** The filters from the query string; a bad one falls back to its default and says why. */
  async function filtersOf(ctx: PageContext) {
    const workspace = ctx.operator.workspace;
    const range = analyticsService.defaultRange();
    const errors: string[] = [];
    const day = (name: string, label: string, fallback: number) => {
      const value = ctx.query.get(name);
      if (!value) return fallback;
      const parsed = parseDay(value);
      if (parsed === null) errors.push(`${label}: enter a date like ${formatDay(fallback)}`);
      return parsed ?? fallback;
    };
    let from = day("from", "From", range.from);
    let to = day("to", "To", range.to);
    if (to < from || periodCount(from, to, "week") > MAX_PERIODS) {
      errors.push(to < from ? "To: must not be before From" : `The range is too long: at most ${MAX_PERIODS} weeks`);
      ({ from, to } = range);
    }
    const flows = (await flowService.list(workspace.id)).map((f) => ({ id: f.id, name: f.name }));
    let flowId = ctx.query.get("flowId") || null;
    // Another workspace's flow id is simply not one of ours.
    if (flowId && !flows.some((f) => f.id === flowId)) {
      errors.push("Flow: choose one of this workspace's flows");
      flowId = null;
    }
    return { from, to, flowId, flows, error: errors.length ? errors.join(". ") : null };
  }

  return shell.area("overview-pages", (area) =>
    area
      .get("/dashboard", { nav: "overview" }, async (ctx) => {
        const workspace = ctx.operator.workspace;
        const f = await filtersOf(ctx);
        // Dashboard figures are production only, like the reports: sandbox traffic never counts.
        const report = analyticsService.retention(workspace, { environment: "prod", from: f.from, to: f.to, interval: "week", flowId: f.flowId });
        const length = f.to - f.from + 1;
        const previous = {
          from: formatDay(f.from - length),
          to: formatDay(f.from - 1),
          totals: analyticsService.totals(workspace, "prod", f.from - length, f.from - 1, f.flowId),
        };
        const csv = new URLSearchParams({ from: formatDay(f.from), to: formatDay(f.to), ...(f.flowId ? { flowId: f.flowId } : {}) });
        const model: OverviewModel = {
          plan: workspace.plan,
          filters: { from: formatDay(f.from), to: formatDay(f.to), flowId: f.flowId },
          flows: f.flows,
          report,
          previous,
          issues: analyticsService.issues(workspace, "prod", null),
          csvHref: `/dashboard/overview.csv?${csv}`,
          error: f.error,
        };
        return ctx.render({ title: "Overview", nav: "overview", body: overviewBody(model), status: f.error ? 400 : 200 });
      })
      .get("/dashboard/overview.csv", { nav: "overview" }, async (ctx) => {
        const f = await filtersOf(ctx);
        if (f.error) return ctx.fail(400, f.error);
        const report = analyticsService.retention(ctx.operator.workspace, { environment: "prod", from: f.from, to: f.to, interval: "week", flowId: f.flowId });
        return new Response(overviewCsv(report), {
          headers: {
            "content-type": "text/csv; charset=utf-8",
            "content-disposition": `attachment; filename="holdfast-overview-${report.from}-to-${report.to}.csv"`,
            "cache-control": "no-store",
            "x-content-type-options": "nosniff",
          },
        });
      }),
  );
}
