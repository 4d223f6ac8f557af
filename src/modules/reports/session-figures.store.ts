// Interim source of a week's figures, straight from the sessions table, until the analytics service's
// weekly rollups land (then this file goes). Every query reads one index range: (workspace, 'prod',
// created_at in [start, end)) on sessions_workspace_created — never a scan of the workspace's sessions.
import type { Database } from "bun:sqlite";
import type { OfferFigure, PeriodTotals, ReasonFigure, WeeklyFigures } from "./reports.schemas.ts";
import { isoDay, type ReportPeriod } from "./report-period.ts";

const ratio3 = (n: number, d: number) => (d === 0 ? 0 : Math.round((n / d) * 1000) / 1000);

export function createSessionFiguresStore({ db }: { db: Database }) {
  const totals = db.query(
    `select count(*) as sessions,
       coalesce(sum(outcome = 'saved'), 0) as saved,
       coalesce(sum(outcome = 'canceled'), 0) as canceled,
       coalesce(sum(outcome = 'pending'), 0) as pending,
       coalesce(sum(recovered_mrr_cents), 0) as recoveredMrrCents,
       coalesce(sum(case when outcome = 'canceled' then cast(round(coalesce(json_extract(context, '$.mrr'), 0) * 100) as integer) end), 0) as lostMrrCents
     from sessions where workspace_id = ? and environment = 'prod' and created_at >= ? and created_at < ?`,
  );
  const reasons = db.query(
    `select lower(reason) as reason, count(*) as sessions,
       coalesce(sum(outcome = 'saved'), 0) as saved, coalesce(sum(outcome = 'canceled'), 0) as canceled
     from sessions where workspace_id = ? and environment = 'prod' and created_at >= ? and created_at < ? and reason is not null
     group by lower(reason) order by sessions desc, reason limit 10`,
  );
  const offers = db.query(
    `select json_extract(offer, '$.kind') as kind, count(*) as accepted, coalesce(sum(recovered_mrr_cents), 0) as recoveredMrrCents
     from sessions where workspace_id = ? and environment = 'prod' and created_at >= ? and created_at < ?
       and outcome = 'saved' and offer is not null
     group by kind order by accepted desc, kind`,
  );

  const store = {
    async totals(workspaceId: string, start: number, end: number): Promise<PeriodTotals> {
      const t = totals.get(workspaceId, start, end) as Omit<PeriodTotals, "saveRate">;
      return { ...t, saveRate: ratio3(t.saved, t.saved + t.canceled) };
    },
    async reasons(workspaceId: string, start: number, end: number): Promise<ReasonFigure[]> {
      return (reasons.all(workspaceId, start, end) as Omit<ReasonFigure, "saveRate">[]).map((r) => ({ ...r, saveRate: ratio3(r.saved, r.saved + r.canceled) }));
    },
    /** Accepted offers by kind; how often each was shown is not recorded on the session row. */
    async offers(workspaceId: string, start: number, end: number): Promise<OfferFigure[]> {
      return (offers.all(workspaceId, start, end) as { kind: string; accepted: number; recoveredMrrCents: number }[]).map((o) => ({
        ...o,
        shown: null,
        acceptanceRate: null,
      }));
    },
  };

  return {
    ...store,
    /** The FiguresSource the report service takes. Issue detection needs analytics: not available here. */
    async weekly(workspaceId: string, period: ReportPeriod, previous: ReportPeriod): Promise<WeeklyFigures> {
      return {
        week: period.week,
        from: isoDay(period.start),
        to: isoDay(period.end - 1),
        current: await store.totals(workspaceId, period.start, period.end),
        previous: await store.totals(workspaceId, previous.start, previous.end),
        reasons: await store.reasons(workspaceId, period.start, period.end),
        offers: await store.offers(workspaceId, period.start, period.end),
        issues: null,
      };
    },
  };
}
