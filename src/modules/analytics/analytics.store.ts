// SQL for analytics: the rollup rows (kept in step with every session write, rebuilt on demand) and the
// aggregate reads the analytics service answers from. No read here scans a workspace's sessions.
import type { Database } from "bun:sqlite";
import { writeQueueFor } from "../../db/write-queue.ts";
import { toCents } from "../../lib/money.ts";
import { mrrBand, tenureBand } from "./bands.ts";
import { dayOf, periodStart, splitIntoMonths } from "./periods.ts";

export const FACETS = ["all", "reason", "plan", "mrr", "tenure", "offer"] as const;
export type Facet = (typeof FACETS)[number];
type Environment = "prod" | "sandbox";
type Outcome = "pending" | "saved" | "canceled";

/**
 * What one counted cancellation contributes to analytics. Build it with `sessionFacts`; `null` means
 * "contributes nothing" (a row that does not exist yet, or no longer counts).
 */
export interface RollupFacts {
  workspaceId: string;
  environment: Environment;
  /** The instant the cancellation counts at: a hosted session's createdAt, an ingested event's occurredAt. */
  countedAt: number;
  flowId: string | null;
  outcome: Outcome;
  reason: string | null;
  plan: string | null;
  mrrCents: number | null;
  tenureDays: number | null;
  /** The offer accepted, else the offer displayed (hosted) or carried (ingested), else null. */
  offerKind: string | null;
  offerAccepted: boolean;
  recoveredMrrCents: number;
}

/** The stored shape of a session or an ingested event, as far as analytics cares. */
export interface CountedRow {
  workspaceId: string;
  environment: Environment;
  countedAt: number;
  flowId: string | null;
  outcome: Outcome;
  reason: string | null;
  context: { plan?: unknown; mrr?: unknown; tenureDays?: unknown };
  /** The offer the row records (hosted: the accepted one; ingested: the one the event carries). */
  offer: { kind?: unknown } | null;
  /** Hosted sessions only: the kind of the offer page last displayed. */
  offerShownKind: string | null;
  recoveredMrrCents: number;
}

export function sessionFacts(row: CountedRow): RollupFacts {
  const { plan, mrr, tenureDays } = row.context ?? {};
  const offerKind = typeof row.offer?.kind === "string" ? row.offer.kind : null;
  return {
    workspaceId: row.workspaceId,
    environment: row.environment,
    countedAt: row.countedAt,
    flowId: row.flowId,
    outcome: row.outcome,
    reason: row.reason || null,
    plan: typeof plan === "string" && plan.trim() ? plan : null,
    mrrCents: typeof mrr === "number" && Number.isFinite(mrr) && mrr >= 0 ? toCents(mrr) : null,
    tenureDays: typeof tenureDays === "number" && Number.isFinite(tenureDays) ? tenureDays : null,
    offerKind: offerKind ?? row.offerShownKind,
    offerAccepted: row.outcome === "saved" && offerKind !== null,
    recoveredMrrCents: row.recoveredMrrCents,
  };
}

interface RollupKey {
  facet: Facet;
  value: string;
}

function keysOf(f: RollupFacts): RollupKey[] {
  return [
    { facet: "all", value: "" },
    { facet: "reason", value: f.reason ?? "" },
    { facet: "plan", value: f.plan ?? "" },
    { facet: "mrr", value: mrrBand(f.mrrCents) },
    { facet: "tenure", value: tenureBand(f.tenureDays) },
    { facet: "offer", value: f.offerKind ?? "" },
  ];
}

function sameFacts(a: RollupFacts, b: RollupFacts): boolean {
  return (Object.keys(a) as (keyof RollupFacts)[]).every((k) => a[k] === b[k]);
}

// The columns a session row needs to become facts, with the offer it displayed. The ONE place that says how a
// stored row counts; `track`, `rebuild` and the stats sliver all read through it (with COUNTED). An ingested
// event's created_at is its occurredAt (migration 0005), so s.created_at is the counting instant for both kinds.
const FACTS_SELECT = `select s.workspace_id, s.environment, s.created_at, s.flow_id, s.outcome, s.reason, s.context, s.offer,
    s.recovered_mrr_cents, o.kind as offer_shown
  from sessions s left join session_offers_shown o on o.session_id = s.id`;

// A hosted session that an ingested event links to counts no more: the event (its final word) counts instead,
// and the session's later writes go null → null through `track`.
const COUNTED = "s.superseded_by is null";

interface FactsRow {
  workspace_id: string;
  environment: Environment;
  created_at: number;
  flow_id: string | null;
  outcome: Outcome;
  reason: string | null;
  context: string;
  offer: string | null;
  recovered_mrr_cents: number;
  offer_shown: string | null;
}

const factsOfRow = (r: FactsRow): RollupFacts =>
  sessionFacts({
    workspaceId: r.workspace_id,
    environment: r.environment,
    countedAt: r.created_at,
    flowId: r.flow_id,
    outcome: r.outcome,
    reason: r.reason,
    context: JSON.parse(r.context),
    offer: r.offer ? JSON.parse(r.offer) : null,
    offerShownKind: r.offer_shown,
    recoveredMrrCents: r.recovered_mrr_cents,
  });

export interface Measures {
  sessions: number;
  recoveredMrrCents: number;
  lostMrrCents: number;
  offersAccepted: number;
  offerRecoveredMrrCents: number;
}

export interface DayOutcomeRow extends Measures {
  day: number;
  outcome: Outcome;
}

export interface ValueOutcomeRow extends Measures {
  value: string;
  outcome: Outcome;
}

export interface DayValueOutcomeRow extends ValueOutcomeRow {
  day: number;
}

export interface RollupScope {
  workspaceId: string;
  environment: Environment;
  fromDay: number;
  toDay: number;
  /** Only this flow's sessions; null for every flow. */
  flowId: string | null;
}

const MEASURES = `coalesce(sum(sessions), 0) as sessions, coalesce(sum(recovered_mrr_cents), 0) as recoveredMrrCents,
  coalesce(sum(lost_mrr_cents), 0) as lostMrrCents, coalesce(sum(offers_accepted), 0) as offersAccepted,
  coalesce(sum(offer_recovered_mrr_cents), 0) as offerRecoveredMrrCents`;
const SCOPE = `workspace_id = ?1 and environment = ?2 and grain = ?7 and facet = ?3 and day between ?4 and ?5 and (?6 is null or flow_id = ?6)`;

/**
 * Rollup deltas summed per kind of change: facts that land in the same twelve rollup rows (same workspace,
 * environment, flow, outcome, day and facet values) share one entry, so summing costs one key per change, not
 * twelve; the measures are sums, so they can be split into rows afterwards (`rowsOf`).
 */
type RollupSums = Map<string, { facts: RollupFacts; m: number[] }>;

/** The measures of the entry `f` sums into (created empty). */
function entryOf(sums: RollupSums, f: RollupFacts): number[] {
  const day = dayOf(f.countedAt);
  const id = `${f.workspaceId}\u0000${f.environment}\u0000${f.flowId ?? ""}\u0000${f.outcome}\u0000${day}\u0000${f.reason ?? ""}\u0000${f.plan ?? ""}\u0000${mrrBand(f.mrrCents)}\u0000${tenureBand(f.tenureDays)}\u0000${f.offerKind ?? ""}`;
  let entry = sums.get(id);
  if (!entry) sums.set(id, (entry = { facts: f, m: [0, 0, 0, 0, 0] }));
  return entry.m;
}

function accumulate(sums: RollupSums, f: RollupFacts, sign: 1 | -1): void {
  const m = entryOf(sums, f);
  const recovered = sign * f.recoveredMrrCents;
  m[0] += sign;
  m[1] += recovered;
  if (f.outcome === "canceled") m[2] += sign * (f.mrrCents ?? 0);
  if (f.offerAccepted) {
    m[3] += sign;
    m[4] += recovered;
  }
}

/**
 * Rollup changes summed where no database is (the import's reader thread): plain data that crosses threads, added
 * to a transaction's sums by `applySummed`. Each entry is one kind of change and its summed measures.
 */
export type SummedFacts = { facts: RollupFacts; m: number[] }[];

export function sumFacts(all: Iterable<RollupFacts>): SummedFacts {
  const sums: RollupSums = new Map();
  for (const f of all) accumulate(sums, f, 1);
  return [...sums.values()];
}

function addSummed(sums: RollupSums, summed: SummedFacts): void {
  for (const { facts, m: add } of summed) {
    const m = entryOf(sums, facts);
    for (let i = 0; i < 5; i++) m[i] += add[i];
  }
}

/** The rollup rows the summed changes touch, each with its summed measures (rows shared by several kinds merge). */
function rowsOf(sums: RollupSums): { key: (string | number)[]; m: number[] }[] {
  const rows = new Map<string, { key: (string | number)[]; m: number[] }>();
  for (const { facts: f, m } of sums.values()) {
    const day = dayOf(f.countedAt);
    const month = periodStart(day, "month");
    const flow = f.flowId ?? "";
    const head = `${f.workspaceId}\u0000${f.environment}\u0000${flow}\u0000${f.outcome}\u0000`;
    for (const k of keysOf(f)) {
      for (let g = 0; g < 2; g++) {
        const grain = g === 0 ? "day" : "month";
        const start = g === 0 ? day : month;
        const id = `${head}${grain}\u0000${start}\u0000${k.facet}\u0000${k.value}`;
        let row = rows.get(id);
        if (!row) rows.set(id, (row = { key: [f.workspaceId, f.environment, grain, k.facet, start, flow, k.value, f.outcome], m: [0, 0, 0, 0, 0] }));
        for (let i = 0; i < 5; i++) row.m[i] += m[i];
      }
    }
  }
  return [...rows.values()];
}

export function createAnalyticsStore({ db }: { db: Database }) {
  const COLUMNS = `workspace_id, environment, grain, facet, day, flow_id, value, outcome, sessions, recovered_mrr_cents,
    lost_mrr_cents, offers_accepted, offer_recovered_mrr_cents`;
  const ON_CONFLICT = `on conflict do update set sessions = sessions + excluded.sessions,
       recovered_mrr_cents = recovered_mrr_cents + excluded.recovered_mrr_cents,
       lost_mrr_cents = lost_mrr_cents + excluded.lost_mrr_cents,
       offers_accepted = offers_accepted + excluded.offers_accepted,
       offer_recovered_mrr_cents = offer_recovered_mrr_cents + excluded.offer_recovered_mrr_cents`;
  const TUPLE = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  const upsert = db.query(`insert into analytics_rollups (${COLUMNS}) values ${TUPLE} ${ON_CONFLICT}`);
  // One statement for all twelve rows of a session (six facets × two grains): one call into SQLite per change.
  const ROWS_PER_FACTS = FACETS.length * 2;
  const upsertAll = db.query(`insert into analytics_rollups (${COLUMNS}) values ${Array(ROWS_PER_FACTS).fill(TUPLE).join(", ")} ${ON_CONFLICT}`);
  const factsById = db.query(`${FACTS_SELECT} where s.id = ? and ${COUNTED}`);
  const factsOfWorkspace = db.query(`${FACTS_SELECT} where s.workspace_id = ? and ${COUNTED}`);
  // No GROUP BY: the rows come out in key order already and the caller sums them (a sort would cost more).
  const byDay = db.query(`select day, outcome, sessions, recovered_mrr_cents as recoveredMrrCents, lost_mrr_cents as lostMrrCents,
    offers_accepted as offersAccepted, offer_recovered_mrr_cents as offerRecoveredMrrCents from analytics_rollups where ${SCOPE}`);
  const byValue = db.query(`select value, outcome, ${MEASURES} from analytics_rollups where ${SCOPE} group by value, outcome`);
  const byDayValue = db.query(`select day, value, outcome, sessions, recovered_mrr_cents as recoveredMrrCents, lost_mrr_cents as lostMrrCents,
    offers_accepted as offersAccepted, offer_recovered_mrr_cents as offerRecoveredMrrCents from analytics_rollups where ${SCOPE}`);
  const totals = db.query(`select outcome, ${MEASURES} from analytics_rollups where ${SCOPE} group by outcome`);
  const firstDay = db.query(
    "select min(day) as day from analytics_rollups where workspace_id = ? and environment = ? and grain = 'day' and facet = 'all' and sessions > 0",
  );
  const rowsCountedBetween = db.query(
    `${FACTS_SELECT} where s.workspace_id = ? and s.environment = ? and s.created_at >= ? and s.created_at < ? and ${COUNTED}`,
  );

  // The deltas of the transaction in progress, summed per rollup row (see `batched`); null outside one.
  let pending: RollupSums | null = null;

  function add(f: RollupFacts, sign: 1 | -1) {
    if (pending) return accumulate(pending, f, sign);
    const day = dayOf(f.countedAt);
    const month = periodStart(day, "month");
    const lost = f.outcome === "canceled" ? (f.mrrCents ?? 0) : 0;
    const accepted = f.offerAccepted ? 1 : 0;
    const measures = [sign, sign * f.recoveredMrrCents, sign * lost, sign * accepted, sign * accepted * f.recoveredMrrCents];
    const params: (string | number)[] = [];
    for (const key of keysOf(f)) {
      params.push(f.workspaceId, f.environment, "day", key.facet, day, f.flowId ?? "", key.value, f.outcome, ...measures);
      params.push(f.workspaceId, f.environment, "month", key.facet, month, f.flowId ?? "", key.value, f.outcome, ...measures);
    }
    upsertAll.run(...params);
  }

  /** One upsert per summed row, twelve rows a statement where it can (one call into SQLite each). */
  function writeSums(sums: RollupSums): void {
    let params: (string | number)[] = [];
    let rows = 0;
    for (const { key, m } of rowsOf(sums)) {
      // A row whose deltas netted to zero (a session counted and uncounted in one batch) changes nothing.
      if (m[0] === 0 && m[1] === 0 && m[2] === 0 && m[3] === 0 && m[4] === 0) continue;
      params.push(...key, ...m);
      if (++rows === ROWS_PER_FACTS) {
        upsertAll.run(...params);
        params = [];
        rows = 0;
      }
    }
    for (let i = 0; i < params.length; i += 13) upsert.run(...params.slice(i, i + 13));
  }

  /** Runs a grouped read over from..to: whole months from the month rows, the loose days from the day rows. */
  function overRange<T>(query: ReturnType<Database["query"]>, scope: RollupScope, facet: Facet): T[] {
    const { days, months } = splitIntoMonths(scope.fromDay, scope.toDay);
    const rows: T[] = [];
    const args = (grain: string, from: number, to: number) => [scope.workspaceId, scope.environment, facet, from, to, scope.flowId, grain];
    for (const [from, to] of days) rows.push(...(query.all(...args("day", from, to)) as T[]));
    if (months) rows.push(...(query.all(...args("month", months[0], months[1])) as T[]));
    return rows;
  }

  /**
   * THE way to keep rollups true: call it inside the same transaction as the write, with what the row
   * contributed before (null for a new row) and what it contributes after (null when it stops counting).
   *
   * For ingestion (issue 10): an event is `apply(null, sessionFacts({ …event, countedAt: occurredAt }))`,
   * a PATCH is `apply(factsBefore, factsAfter)`. A linked event replaces its hosted session's contribution:
   * when the link is made, `apply(factsOfSession(sessionId), null)` for the session and add the event's
   * facts, and from then on the session's own writes must contribute nothing — make `factsOfSession` return
   * null for a linked session (the `where` below is the one place to say so), so `track` sees null → null.
   */
  function apply(before: RollupFacts | null, after: RollupFacts | null): void {
    if (before && after && sameFacts(before, after)) return;
    if (before) add(before, -1);
    if (after) add(after, 1);
  }

  /** `apply(null, f)` for every f that `summed` sums. */
  function applySummed(summed: SummedFacts): void {
    if (pending) return addSummed(pending, summed);
    const sums: RollupSums = new Map();
    addSummed(sums, summed);
    writeSums(sums);
  }

  /**
   * Runs `writes` (inside a transaction) with every rollup change they make summed in memory per rollup row, then
   * writes one upsert per row that changed, before the transaction commits: a group commit of many sessions, or an
   * import chunk of thousands of events, costs one upsert per distinct row instead of twelve per change. The sums
   * are dropped if `writes` throws (its transaction rolls back whole). Nested calls join the outer one.
   */
  function batched<T>(writes: () => T): T {
    if (pending) return writes();
    const sums: RollupSums = new Map();
    pending = sums;
    try {
      const result = writes();
      pending = null;
      if (sums.size) writeSums(sums);
      return result;
    } finally {
      pending = null;
    }
  }

  /** The facts a stored hosted session contributes now, or null when it does not exist (or no longer counts). */
  function factsOfSession(sessionId: string): RollupFacts | null {
    const row = factsById.get(sessionId) as FactsRow | null;
    return row ? factsOfRow(row) : null;
  }

  function rebuildOne(workspaceId: string): number {
    return db.transaction(() => {
      db.run("delete from analytics_rollups where workspace_id = ?", [workspaceId]);
      // Summed in memory first: one upsert per rollup row instead of twelve per session.
      const sums: RollupSums = new Map();
      let counted = 0;
      for (const row of factsOfWorkspace.iterate(workspaceId) as IterableIterator<FactsRow>) {
        accumulate(sums, factsOfRow(row), 1);
        counted++;
      }
      writeSums(sums);
      return counted;
    }).immediate();
  }


  // Every transaction of the connection's write queue (group commits) sums its rollup changes first.
  writeQueueFor(db).wrapBatches(batched);

  return {
    apply,
    applySummed,
    batched,
    factsOfSession,

    /** Runs a write to one session and applies its change to the rollups, all in one transaction. */
    track<T>(sessionId: string, write: () => T): T {
      return db.transaction(() => {
        const before = factsOfSession(sessionId);
        const result = write();
        apply(before, factsOfSession(sessionId));
        return result;
      })();
    },

    /**
     * Recounts the rollups of one workspace (or of each in turn) from the stored sessions. Each workspace is one
     * transaction that takes the write lock first: readers see its old figures or its new ones, never a half-built
     * table, and no session write can slip between the count and the swap. Returns the number of sessions counted.
     */
    rebuild(workspaceId: string | null = null): number {
      const ids = workspaceId
        ? [workspaceId]
        : (db.query("select distinct workspace_id as id from analytics_rollups union select id from workspaces").all() as { id: string }[]).map((r) => r.id);
      let counted = 0;
      for (const id of ids) counted += rebuildOne(id);
      return counted;
    },

    /** Day by day (for series): facet "all" at the day grain. */
    byDay(scope: RollupScope): DayOutcomeRow[] {
      return byDay.all(scope.workspaceId, scope.environment, "all", scope.fromDay, scope.toDay, scope.flowId, "day") as DayOutcomeRow[];
    },

    /** Per value of a facet over the range; a value may come back in several rows (months and days): sum them. */
    byValue(scope: RollupScope, facet: Facet): ValueOutcomeRow[] {
      return overRange<ValueOutcomeRow>(byValue, scope, facet);
    },

    /** Day by day per value (the weekly detector); one row per flow too: sum them. */
    byDayValue(scope: RollupScope, facet: Facet): DayValueOutcomeRow[] {
      return byDayValue.all(scope.workspaceId, scope.environment, facet, scope.fromDay, scope.toDay, scope.flowId, "day") as DayValueOutcomeRow[];
    },

    /** Per outcome over the range; an outcome may come back in several rows: sum them. */
    totals(scope: RollupScope): (Measures & { outcome: Outcome })[] {
      return overRange<Measures & { outcome: Outcome }>(totals, scope, "all");
    },

    firstDay(workspaceId: string, environment: Environment): number | null {
      return (firstDay.get(workspaceId, environment) as { day: number | null }).day;
    },

    /** Facts of the sessions counted in [fromMs, toMs): the sliver of a day the rollups cannot split. */
    factsBetween(workspaceId: string, environment: Environment, fromMs: number, toMs: number): RollupFacts[] {
      return (rowsCountedBetween.all(workspaceId, environment, fromMs, toMs) as FactsRow[]).map(factsOfRow);
    },
  };
}

export type AnalyticsStore = ReturnType<typeof createAnalyticsStore>;
