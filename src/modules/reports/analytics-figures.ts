// A week's report figures from the analytics service's rollups (production only): totals, reasons and
// offers of the week and of the one before, and the issues the detector found.
import type { AnalyticsService } from "../analytics/analytics.service.ts";
import type { WorkspaceService } from "../workspaces/workspaces.service.ts";
import { AppError } from "../../lib/app-error.ts";
import type { FiguresSource } from "./reports.service.ts";
import { isoDay, type ReportPeriod } from "./report-period.ts";
import type { WeeklyFigures } from "./reports.schemas.ts";

const DAY_MS = 86_400_000;
const dayOf = (ms: number) => Math.floor(ms / DAY_MS);

export function createAnalyticsFigures(deps: { analyticsService: AnalyticsService; workspaceService: WorkspaceService }): FiguresSource {
  const { analyticsService, workspaceService } = deps;
  return {
    async weekly(workspaceId: string, period: ReportPeriod, previous: ReportPeriod): Promise<WeeklyFigures> {
      const workspace = await workspaceService.get(workspaceId);
      if (!workspace) throw new AppError(404, `No workspace with id ${workspaceId}`);
      const range = (p: ReportPeriod) => ({ environment: "prod" as const, from: dayOf(p.start), to: dayOf(p.end) - 1, interval: "week" as const });
      const current = analyticsService.retention(workspace, range(period));
      const before = analyticsService.retention(workspace, range(previous));
      const detected = analyticsService.issues(workspace, "prod", dayOf(period.start));
      return {
        week: period.week,
        from: isoDay(period.start),
        to: isoDay(period.end - 1),
        current: current.totals,
        previous: before.totals,
        // Sessions without a reason are not a reason: left out of "top reasons".
        reasons: current.reasons.flatMap((r) => (r.reason === null ? [] : [{ ...r, reason: r.reason }])),
        offers: current.offers,
        issues: { status: detected.status, items: detected.issues },
      };
    },
  };
}
