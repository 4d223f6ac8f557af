// Analytics answers: retention figures, weekly issues and recovery stats, all read from the rollups.
import type { Clock } from "../../lib/clock.ts";
import { AppError } from "../../lib/app-error.ts";
import { STATS_WINDOW_DAYS, type StatsWindow } from "../sessions/sessions.schemas.ts";
import type { Workspace } from "../workspaces/workspaces.store.ts";
import { MRR_BANDS, TENURE_BANDS } from "./bands.ts";
import { detectIssues, BASELINE_WEEKS, type Detection, type WeekCounts } from "./issue-detector.ts";
import { ratio3, saveRate } from "./rates.ts";
import {
  DAY_MS,
  dayOf,
  formatDay,
  formatIsoWeek,
  lastCompleteWeek,
  mondayOf,
  periodCount,
  periodsOf,
  periodStart,
  type Interval,
} from "./periods.ts";
import type { AnalyticsStore, Facet, Measures, RollupFacts, RollupScope } from "./analytics.store.ts";

type Environment = "prod" | "sandbox";
type Outcome = "pending" | "saved" | "canceled";

/** The most periods one series may hold (about 2¾ years of days); a longer range needs a wider interval. */
export const MAX_PERIODS = 1000;
const LAST_DAY = 2_932_896; // 9999-12-31

export interface RetentionQuery {
  environment: Environment;
  from: number; // day
  to: number; // day
  interval: Interval;
  flowId?: string | null;
}

interface OutcomeCounts {
  sessions: number;
  saved: number;
  canceled: number;
  pending: number;
  recoveredMrrCents: number;
  lostMrrCents: number;
  offersAccepted: number;
  offerRecoveredMrrCents: number;
}

const zero = (): OutcomeCounts => ({
  sessions: 0, saved: 0, canceled: 0, pending: 0, recoveredMrrCents: 0, lostMrrCents: 0, offersAccepted: 0, offerRecoveredMrrCents: 0,
});

function addRow(into: OutcomeCounts, outcome: Outcome, m: Measures): void {
  into.sessions += m.sessions;
  into[outcome] += m.sessions;
  into.recoveredMrrCents += m.recoveredMrrCents;
  into.lostMrrCents += m.lostMrrCents;
  into.offersAccepted += m.offersAccepted;
  into.offerRecoveredMrrCents += m.offerRecoveredMrrCents;
}

function addFacts(into: OutcomeCounts, f: RollupFacts): void {
  addRow(into, f.outcome, {
    sessions: 1,
    recoveredMrrCents: f.recoveredMrrCents,
    lostMrrCents: f.outcome === "canceled" ? (f.mrrCents ?? 0) : 0,
    offersAccepted: f.offerAccepted ? 1 : 0,
    offerRecoveredMrrCents: f.offerAccepted ? f.recoveredMrrCents : 0,
  });
}

const cohortEntry = (c: OutcomeCounts) => ({
  sessions: c.sessions,
  saved: c.saved,
  canceled: c.canceled,
  saveRate: saveRate(c.saved, c.canceled),
  recoveredMrrCents: c.recoveredMrrCents,
});


export function createAnalyticsService(deps: { analyticsStore: AnalyticsStore; clock: Clock }) {
  const { analyticsStore: store, clock } = deps;

  function grouped(scope: RollupScope, facet: Facet): Map<string, OutcomeCounts> {
    const out = new Map<string, OutcomeCounts>();
    for (const row of store.byValue(scope, facet)) {
      let counts = out.get(row.value);
      if (!counts) out.set(row.value, (counts = zero()));
      addRow(counts, row.outcome, row);
    }
    return out;
  }

  /** Entries with sessions, largest first (ties by name) — zero rows left by moved sessions are dropped. */
  function ranked(groups: Map<string, OutcomeCounts>): [string, OutcomeCounts][] {
    return [...groups].filter(([, c]) => c.sessions > 0).sort((a, b) => b[1].sessions - a[1].sessions || a[0].localeCompare(b[0]));
  }

  function bands(groups: Map<string, OutcomeCounts>, names: readonly string[]) {
    const unknown = groups.get("unknown");
    const list = names.map((band) => ({ band, ...cohortEntry(groups.get(band) ?? zero()) }));
    return unknown && unknown.sessions > 0 ? [...list, { band: "unknown", ...cohortEntry(unknown) }] : list;
  }

  /** The default range: the last 12 full ISO weeks before the current one. */
  function defaultRange(): { from: number; to: number } {
    const monday = mondayOf(dayOf(clock.now()));
    return { from: monday - 12 * 7, to: monday - 1 };
  }

  function retention(workspace: Workspace, q: RetentionQuery) {
    if (q.to < q.from) throw new AppError(400, "to: must not be before from");
    if (periodCount(q.from, q.to, q.interval) > MAX_PERIODS)
      throw new AppError(400, `interval: the range holds more than ${MAX_PERIODS} periods; choose a wider interval or a shorter range`);
    const scope: RollupScope = { workspaceId: workspace.id, environment: q.environment, fromDay: q.from, toDay: q.to, flowId: q.flowId ?? null };

    const totals = zero();
    const byPeriod = new Map<number, OutcomeCounts>();
    for (const start of periodsOf(q.from, q.to, q.interval)) byPeriod.set(start, zero());
    for (const row of store.byDay(scope)) {
      addRow(totals, row.outcome, row);
      addRow(byPeriod.get(periodStart(row.day, q.interval))!, row.outcome, row);
    }

    // Sessions without a reason come last, whatever their number: they are not a reason.
    const reasonGroups = ranked(grouped(scope, "reason"));
    const reasons = [...reasonGroups.filter(([r]) => r !== ""), ...reasonGroups.filter(([r]) => r === "")].map(([reason, c]) => ({
      reason: reason === "" ? null : reason,
      sessions: c.sessions,
      saved: c.saved,
      canceled: c.canceled,
      saveRate: saveRate(c.saved, c.canceled),
    }));
    const offers = ranked(grouped(scope, "offer"))
      .filter(([kind]) => kind !== "")
      .map(([kind, c]) => ({
        kind,
        shown: c.sessions,
        accepted: c.offersAccepted,
        acceptanceRate: ratio3(c.offersAccepted, c.sessions),
        recoveredMrrCents: c.offerRecoveredMrrCents,
      }));
    // Cohorts are an Advanced-plan feature: Core workspaces get null, not an empty shape.
    const cohorts =
      workspace.plan === "advanced"
        ? {
            plan: ranked(grouped(scope, "plan")).map(([plan, c]) => ({ plan: plan === "" ? "unknown" : plan, ...cohortEntry(c) })),
            mrr: bands(grouped(scope, "mrr"), MRR_BANDS),
            tenure: bands(grouped(scope, "tenure"), TENURE_BANDS),
          }
        : null;

    return {
      from: formatDay(q.from),
      to: formatDay(q.to),
      interval: q.interval,
      totals: {
        sessions: totals.sessions,
        saved: totals.saved,
        canceled: totals.canceled,
        pending: totals.pending,
        saveRate: saveRate(totals.saved, totals.canceled),
        recoveredMrrCents: totals.recoveredMrrCents,
        lostMrrCents: totals.lostMrrCents,
      },
      series: [...byPeriod].map(([start, c]) => ({
        start: formatDay(start),
        sessions: c.sessions,
        saved: c.saved,
        canceled: c.canceled,
        pending: c.pending,
        saveRate: saveRate(c.saved, c.canceled),
        recoveredMrrCents: c.recoveredMrrCents,
      })),
      reasons,
      offers,
      cohorts,
    };
  }

  /** The weekly detector's counts for the 8 baseline weeks and the week starting at `monday`. */
  function weekCounts(workspaceId: string, environment: Environment, monday: number): WeekCounts[] {
    const first = monday - BASELINE_WEEKS * 7;
    const scope: RollupScope = { workspaceId, environment, fromDay: first, toDay: monday + 6, flowId: null };
    const weeks: WeekCounts[] = Array.from({ length: BASELINE_WEEKS + 1 }, () => ({ sessions: 0, reasons: {}, plans: {} }));
    const weekOf = (day: number) => weeks[Math.floor((day - first) / 7)];
    for (const row of store.byDay(scope)) weekOf(row.day).sessions += row.sessions;
    for (const row of store.byDayValue(scope, "reason")) {
      if (row.value === "" || row.sessions === 0) continue;
      const w = weekOf(row.day);
      w.reasons[row.value] = (w.reasons[row.value] ?? 0) + row.sessions;
    }
    for (const row of store.byDayValue(scope, "plan")) {
      if (row.value === "" || row.outcome === "pending" || row.sessions === 0) continue;
      const p = (weekOf(row.day).plans[row.value] ??= { saved: 0, canceled: 0 });
      p[row.outcome] += row.sessions;
    }
    return weeks;
  }

  function issues(workspace: Workspace, environment: Environment, monday: number | null) {
    const lastComplete = lastCompleteWeek(clock.now());
    const week = monday ?? lastComplete;
    if (week > lastComplete) throw new AppError(400, `week: must be a complete week (${formatIsoWeek(lastComplete)} or earlier)`);
    // History starts when the workspace was created, or earlier when older cancellations were recorded.
    const firstData = store.firstDay(workspace.id, environment);
    const historyStart = Math.min(dayOf(workspace.createdAt), firstData ?? Number.POSITIVE_INFINITY);
    const firstFullWeek = mondayOf(historyStart) === historyStart ? historyStart : mondayOf(historyStart) + 7;
    const counts = weekCounts(workspace.id, environment, week);
    const detection: Detection = detectIssues({
      week: counts[BASELINE_WEEKS],
      baseline: counts.slice(0, BASELINE_WEEKS),
      precedingCompleteWeeks: Math.max(0, (week - firstFullWeek) / 7),
      when: week === lastComplete ? "last week" : `in ${formatIsoWeek(week)}`,
    });
    return { week: formatIsoWeek(week), ...detection };
  }

  /**
   * RetainRabbit's stats: sessions created since now − window. Whole days come from the rollups; the one
   * partial day at the window's start is counted from its sessions (an index range, at most a day of rows).
   */
  function stats(workspaceId: string, environment: Environment, window: StatsWindow) {
    const counts = zero();
    let fromDay = -LAST_DAY;
    if (window !== "all") {
      const since = clock.now() - STATS_WINDOW_DAYS[window] * DAY_MS;
      fromDay = dayOf(since) + 1;
      for (const f of store.factsBetween(workspaceId, environment, since, fromDay * DAY_MS)) addFacts(counts, f);
    }
    for (const row of store.totals({ workspaceId, environment, fromDay, toDay: LAST_DAY, flowId: null })) addRow(counts, row.outcome, row);
    return {
      recoveredMrrCents: counts.recoveredMrrCents,
      saveRate: saveRate(counts.saved, counts.canceled),
      sessions: counts.sessions,
      saved: counts.saved,
      canceled: counts.canceled,
      pending: counts.pending,
      window,
    };
  }

  /** Only the totals of a range (the overview's "previous period"): month rows for whole months, days for the rest. */
  function totalsOf(workspace: Workspace, environment: Environment, from: number, to: number, flowId: string | null = null) {
    const c = zero();
    for (const row of store.totals({ workspaceId: workspace.id, environment, fromDay: from, toDay: to, flowId })) addRow(c, row.outcome, row);
    return {
      sessions: c.sessions,
      saved: c.saved,
      canceled: c.canceled,
      pending: c.pending,
      saveRate: saveRate(c.saved, c.canceled),
      recoveredMrrCents: c.recoveredMrrCents,
      lostMrrCents: c.lostMrrCents,
    };
  }

  return {
    defaultRange,
    retention,
    totals: totalsOf,
    issues,
    stats,
    rebuild: (workspaceId: string | null = null) => store.rebuild(workspaceId),
  };
}

export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
