// SQL for ingested cancellation events. Each event is a sessions row (source 'ingestion') with the event columns
// migration 0005 added; this store owns those columns and the link between an event and a hosted session.
import type { Database } from "bun:sqlite";
import { writeQueueFor } from "../../db/write-queue.ts";
import type { OfferConfig } from "../flows/flows.schemas.ts";
import { sessionFacts, type AnalyticsStore, type RollupFacts, type SummedFacts } from "../analytics/analytics.store.ts";
import type { Environment, Outcome, SessionContext } from "../sessions/sessions.schemas.ts";

// A pending event waits for the billing system's word: it never expires like a hosted link does.
export const NEVER_EXPIRES = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export interface CancellationEvent {
  id: string;
  workspaceId: string;
  eventId: string;
  eventHash: string;
  linkedSessionId: string | null;
  customerId: string;
  subscriptionId: string | null;
  environment: Environment;
  outcome: Outcome;
  reason: string | null;
  feedback: string | null;
  offer: OfferConfig | null;
  context: SessionContext;
  metadata: Record<string, string | number | boolean | null>;
  recoveredMrrCents: number;
  occurredAt: number;
  recordedAt: number;
  updatedAt: number;
}

/** What the import needs to know of an insert: the stored payload's hash when the eventId was taken already. */
export type ImportInsertResult = { kind: "created" } | { kind: "exists"; eventHash: string } | { kind: LinkProblem };

export type LinkProblem = "link_missing" | "link_not_hosted" | "link_other_environment" | "link_taken";

export type InsertResult =
  | { kind: "created"; event: CancellationEvent }
  | { kind: "exists"; event: CancellationEvent }
  | { kind: LinkProblem };

export interface EventChanges {
  outcome: Outcome;
  reason: string | null;
  feedback: string | null;
  offer: OfferConfig | null;
  context: SessionContext;
  metadata: CancellationEvent["metadata"];
  recoveredMrrCents: number;
  occurredAt: number;
  updatedAt: number;
}

interface EventRow {
  id: string;
  workspace_id: string;
  event_id: string;
  event_hash: string;
  linked_session_id: string | null;
  customer_id: string;
  subscription_id: string | null;
  environment: Environment;
  outcome: Outcome;
  reason: string | null;
  feedback: string | null;
  offer: string | null;
  context: string;
  metadata: string;
  recovered_mrr_cents: number;
  created_at: number;
  recorded_at: number;
  updated_at: number;
}

const COLUMNS = `id, workspace_id, event_id, event_hash, linked_session_id, customer_id, subscription_id, environment, outcome,
  reason, feedback, offer, context, metadata, recovered_mrr_cents, created_at, recorded_at, updated_at`;

const toEvent = (r: EventRow): CancellationEvent => ({
  id: r.id,
  workspaceId: r.workspace_id,
  eventId: r.event_id,
  eventHash: r.event_hash,
  linkedSessionId: r.linked_session_id,
  customerId: r.customer_id,
  subscriptionId: r.subscription_id,
  environment: r.environment,
  outcome: r.outcome,
  reason: r.reason,
  feedback: r.feedback,
  offer: r.offer ? JSON.parse(r.offer) : null,
  context: JSON.parse(r.context),
  metadata: JSON.parse(r.metadata),
  recoveredMrrCents: r.recovered_mrr_cents,
  occurredAt: r.created_at,
  recordedAt: r.recorded_at,
  updatedAt: r.updated_at,
});

// The session-state columns an event's outcome implies: decided events are completed at occurredAt.
const stateOf = (outcome: Outcome) => (outcome === "pending" ? "created" : "completed");
const completedAtOf = (outcome: Outcome, occurredAt: number) => (outcome === "pending" ? null : occurredAt);

/** What an event contributes to the analytics rollups: it counts at its occurredAt, with the offer it carries. */
function factsOf(e: CancellationEvent): RollupFacts {
  return sessionFacts({
    workspaceId: e.workspaceId,
    environment: e.environment,
    countedAt: e.occurredAt,
    flowId: null,
    outcome: e.outcome,
    reason: e.reason,
    context: e.context,
    offer: e.offer,
    offerShownKind: null,
    recoveredMrrCents: e.recoveredMrrCents,
  });
}

/**
 * An event as the import carries it from its reader thread: the insert's parameters in column order with the JSON
 * columns already serialized, then the rollup facts the event counts with (computed on the reader too). Positional
 * and flat, so the writer's thread parses little and builds no nested objects; `importRow` is the one place that
 * lays it out and `insertImportRowNow` the one that reads it.
 */
export type ImportRow = [
  id: string,
  workspaceId: string,
  customerId: string,
  subscriptionId: string | null,
  environment: Environment,
  context: string,
  metadata: string,
  outcome: Outcome,
  reason: string | null,
  feedback: string | null,
  offer: string | null,
  recoveredMrrCents: number,
  occurredAt: number,
  eventId: string,
  eventHash: string,
  recordedAt: number,
  updatedAt: number,
  linkedSessionId: string | null,
  plan: string | null,
  mrrCents: number | null,
  tenureDays: number | null,
  offerKind: string | null,
  offerAccepted: boolean,
  // The session-state columns the outcome implies (stateOf, completedAtOf), so no statement derives them again.
  state: "created" | "completed",
  completedAt: number | null,
];

/**
 * A run of plain import rows (valid, no linked session), as the reader thread sends it: the rows as one text
 * (`encodeImportRow`: fields joined by NUL, which the writer's thread splits in one call, several times cheaper
 * than a JSON.parse of the same rows), and their rollup facts summed as if every row were new.
 */
export interface PlainRows {
  fields: string;
  count: number;
  summed: SummedFacts;
}

// How each ImportRow field (in its order) is written in a run's text: t text (from the file: checked for the two
// marks below), j text Holdfast wrote (ids, JSON, hex: never holds a control character), n number, b boolean.
const FIELD_KINDS = [
  "jjttj", // id, workspaceId, customerId, subscriptionId, environment
  "jjjttj", // context, metadata, outcome, reason, feedback, offer
  "nn", // recoveredMrrCents, occurredAt
  "tj", // eventId, eventHash
  "nn", // recordedAt, updatedAt
  "jt", // linkedSessionId, plan
  "nn", // mrrCents, tenureDays
  "tb", // offerKind, offerAccepted
  "jn", // state, completedAt
].join("");
const WIDTH = FIELD_KINDS.length;
// Char codes of the kinds the code tells apart (j needs nothing).
const KIND = { text: 116, number: 110, boolean: 98 } as const;
const FIELD_SEPARATOR = "\u0000";
const NULL_FIELD = "\u0001";

/**
 * Adds a row's fields to `fields` (a run's, joined by `joinImportRows`); false, adding nothing, when a text field
 * holds one of the marks (that row goes by itself).
 */
export function encodeImportRow(r: ImportRow, fields: string[]): boolean {
  const start = fields.length;
  for (let i = 0; i < WIDTH; i++) {
    const value = r[i];
    if (value === null) fields.push(NULL_FIELD);
    else if (typeof value === "string") {
      if (FIELD_KINDS.charCodeAt(i) === KIND.text && (value === NULL_FIELD || value.includes(FIELD_SEPARATOR))) {
        fields.length = start;
        return false;
      }
      fields.push(value);
    } else fields.push(value === true ? "1" : value === false ? "0" : `${value}`);
  }
  return true;
}

/** A run's text from its rows' fields. */
export const joinImportRows = (fields: string[]): string => fields.join(FIELD_SEPARATOR);

/** The rows of a run's text, one at a time into `row` (one array for the whole run: the rows are bound, not kept). */
export function* decodeImportRows(run: PlainRows): Generator<ImportRow> {
  const fields = run.fields.split(FIELD_SEPARATOR);
  if (fields.length !== run.count * WIDTH) throw new Error(`an import run of ${run.count} rows has ${fields.length} fields`);
  const row = new Array(WIDTH) as unknown as (string | number | boolean | null)[];
  for (let at = 0; at < fields.length; at += WIDTH) {
    for (let i = 0; i < WIDTH; i++) {
      const field = fields[at + i];
      const kind = FIELD_KINDS.charCodeAt(i);
      row[i] = field === NULL_FIELD ? null : kind === KIND.number ? Number(field) : kind === KIND.boolean ? field === "1" : field;
    }
    yield row as unknown as ImportRow;
  }
}

/** A row of a plain run that was not created: its eventId was taken (before, or earlier in the run). */
export interface NotCreated {
  index: number;
  row: ImportRow;
  existingHash: string;
}

export function importRow(e: CancellationEvent): ImportRow {
  const f = factsOf(e);
  return [
    e.id,
    e.workspaceId,
    e.customerId,
    e.subscriptionId,
    e.environment,
    JSON.stringify(e.context),
    JSON.stringify(e.metadata),
    e.outcome,
    e.reason,
    e.feedback,
    e.offer ? JSON.stringify(e.offer) : null,
    e.recoveredMrrCents,
    e.occurredAt,
    e.eventId,
    e.eventHash,
    e.recordedAt,
    e.updatedAt,
    e.linkedSessionId,
    f.plan,
    f.mrrCents,
    f.tenureDays,
    f.offerKind,
    f.offerAccepted,
    stateOf(e.outcome),
    completedAtOf(e.outcome, e.occurredAt),
  ];
}

/** The event a row describes (for the rare rows that take the full path: a link to check). */
export function eventOfImportRow(r: ImportRow): CancellationEvent {
  return {
    id: r[0],
    workspaceId: r[1],
    eventId: r[13],
    eventHash: r[14],
    linkedSessionId: r[17],
    customerId: r[2],
    subscriptionId: r[3],
    environment: r[4],
    outcome: r[7],
    reason: r[8],
    feedback: r[9],
    offer: r[10] === null ? null : JSON.parse(r[10]),
    context: JSON.parse(r[5]),
    metadata: JSON.parse(r[6]),
    recoveredMrrCents: r[11],
    occurredAt: r[12],
    recordedAt: r[15],
    updatedAt: r[16],
  };
}

/** The rollup facts a row counts with: what factsOf said of its event on the reader's thread. */
export function factsOfImportRow(r: ImportRow): RollupFacts {
  return {
    workspaceId: r[1],
    environment: r[4],
    countedAt: r[12],
    flowId: null,
    outcome: r[7],
    reason: r[8],
    plan: r[18],
    mrrCents: r[19],
    tenureDays: r[20],
    offerKind: r[21],
    offerAccepted: r[22],
    recoveredMrrCents: r[11],
  };
}

/** The analytics rollups, kept in the transaction of every event write. */
export type EventRollups = Pick<AnalyticsStore, "apply" | "applySummed" | "batched" | "track">;

export function createCancellationStore({ db, rollups }: { db: Database; rollups: EventRollups }) {
  // The connection's one write queue: API writes share commits with every other store's (group commit).
  const writes = writeQueueFor(db);
  // Insert or conflict on (workspace, event_id): the unique index, not a prior read, decides between racing writers.
  const insert = db.query(
    `insert into sessions (id, workspace_id, flow_id, source, customer_id, subscription_id, environment, context, metadata,
       csrf_token, state, step, outcome, reason, feedback, offer, recovered_mrr_cents, created_at, completed_at, expires_at,
       event_id, event_hash, recorded_at, updated_at, linked_session_id)
     values (?, ?, null, 'ingestion', ?, ?, ?, ?, ?, '', ?, 'done', ?, ?, ?, ?, ?, ?, ?, ${NEVER_EXPIRES}, ?, ?, ?, ?, ?)
     on conflict (workspace_id, event_id) where event_id is not null do nothing`,
  );
  const byEventId = db.query(`select ${COLUMNS} from sessions where workspace_id = ? and event_id = ?`);
  const existingHash = db.query("select event_hash from sessions where workspace_id = ? and event_id = ?");
  const linkTarget = db.query("select source, environment, superseded_by from sessions where id = ? and workspace_id = ?");
  const supersede = db.query("update sessions set superseded_by = ? where id = ? and superseded_by is null");
  const update = db.query(
    `update sessions set outcome = ?, state = ?, reason = ?, feedback = ?, offer = ?, context = ?, metadata = ?,
       recovered_mrr_cents = ?, created_at = ?, completed_at = ?, updated_at = ?
     where workspace_id = ? and event_id = ?`,
  );
  const firstPage = db.query(
    `select ${COLUMNS} from sessions where workspace_id = ? and environment = ? and event_id is not null
     order by created_at desc, event_id desc limit ?`,
  );
  const nextPage = db.query(
    `select ${COLUMNS} from sessions where workspace_id = ? and environment = ? and event_id is not null
       and (created_at, event_id) < (?, ?)
     order by created_at desc, event_id desc limit ?`,
  );
  const linkedTo = db.query("select event_id, outcome, created_at from sessions where linked_session_id = ? and workspace_id = ?");

  /** The one place an event's columns meet the statement (API writes and the import alike). */
  function insertRow(r: ImportRow) {
    return insert.run(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[23], r[7], r[8], r[9], r[10], r[11], r[12], r[24], r[13], r[14], r[15], r[16], r[17]);
  }

  function find(workspaceId: string, eventId: string): CancellationEvent | null {
    const row = byEventId.get(workspaceId, eventId) as EventRow | null;
    return row ? toEvent(row) : null;
  }

  function checkLink(e: CancellationEvent): LinkProblem | null {
    const target = linkTarget.get(e.linkedSessionId, e.workspaceId) as { source: string; environment: Environment; superseded_by: string | null } | null;
    if (!target) return "link_missing";
    if (target.source === "ingestion") return "link_not_hosted";
    if (target.environment !== e.environment) return "link_other_environment";
    if (target.superseded_by !== null) return "link_taken";
    return null;
  }

  /**
   * Records one event inside the caller's transaction, with its rollup change (summed per batch by the caller's
   * `rollups.batched`); a linked session stops counting in the same step.
   */
  function insertNow(e: CancellationEvent): InsertResult {
    if (e.linkedSessionId) {
      // Checked before the insert so a replay of a linked event finds itself, not a "taken" session.
      const existing = find(e.workspaceId, e.eventId);
      if (existing) return { kind: "exists", event: existing };
      const problem = checkLink(e);
      if (problem) return { kind: problem };
    }
    const row = importRow(e);
    const result = insertRow(row);
    if (result.changes === 0) return { kind: "exists", event: find(e.workspaceId, e.eventId)! };
    // The pair counts once, with the event's status: the session's own contribution leaves the rollups.
    if (e.linkedSessionId) rollups.track(e.linkedSessionId, () => supersede.run(e.id, e.linkedSessionId));
    rollups.apply(null, factsOfImportRow(row));
    return { kind: "created", event: e };
  }

  /** insertNow for an import row (ImportRow): the same statement and rollup change, from the row's ready-made values. */
  function insertImportRowNow(r: ImportRow): ImportInsertResult {
    if (r[17] !== null) {
      const result = insertNow(eventOfImportRow(r));
      return result.kind === "exists" ? { kind: "exists", eventHash: result.event.eventHash } : result.kind === "created" ? { kind: "created" } : result;
    }
    const result = insertRow(r);
    if (result.changes === 0) return { kind: "exists", eventHash: (existingHash.get(r[1], r[13]) as { event_hash: string }).event_hash };
    rollups.apply(null, factsOfImportRow(r));
    return { kind: "created" };
  }

  /** A run of plain rows, with its summed rollup change (less the rows it did not create). */
  function insertRunNow(run: PlainRows): NotCreated[] {
    rollups.applySummed(run.summed);
    const skipped: NotCreated[] = [];
    let index = 0;
    for (const r of decodeImportRows(run)) {
      if (insertRow(r).changes === 0) {
        // Rare (an import run again, an eventId twice in a file): the row does not count.
        const row = r.slice() as ImportRow;
        rollups.apply(factsOfImportRow(row), null);
        skipped.push({ index, row, existingHash: (existingHash.get(row[1], row[13]) as { event_hash: string }).event_hash });
      }
      index++;
    }
    return skipped;
  }

  return {
    /** One event, through group commit: concurrent POSTs share a transaction (and a commit). */
    insert(event: CancellationEvent): Promise<InsertResult> {
      return writes.enqueue(() => insertNow(event));
    },
    /**
     * Runs an import batch's writes (importOne, importRun) in one transaction, its write lock taken up front (the
     * import, in its own process); their rollup changes are summed in memory and written once per rollup row.
     */
    importing<T>(writes: () => T): T {
      return db.transaction(() => rollups.batched(writes)).immediate();
    },
    /** Inside `importing`: one row (a linked event takes the API's full path). */
    importOne: insertImportRowNow,
    /** Inside `importing`: a run of plain rows; answers the rows it did not create, in order. */
    importRun: insertRunNow,
    async findByEventId(workspaceId: string, eventId: string): Promise<CancellationEvent | null> {
      return find(workspaceId, eventId);
    },
    /** `id` is the event's own session id: the rollups move from what it counted before to what it counts now. */
    async update(id: string, workspaceId: string, eventId: string, c: EventChanges): Promise<boolean> {
      return writes.enqueue(() => rollups.track(id, () => update.run(
        c.outcome,
        stateOf(c.outcome),
        c.reason,
        c.feedback,
        c.offer ? JSON.stringify(c.offer) : null,
        JSON.stringify(c.context),
        JSON.stringify(c.metadata),
        c.recoveredMrrCents,
        c.occurredAt,
        completedAtOf(c.outcome, c.occurredAt),
        c.updatedAt,
        workspaceId,
        eventId,
      ).changes > 0));
    },
    /** Newest occurredAt first, ties by eventId (descending); `limit + 1` rows tell whether there is more. */
    async list(workspaceId: string, environment: Environment, limit: number, after: { occurredAt: number; eventId: string } | null) {
      const rows = (after
        ? nextPage.all(workspaceId, environment, after.occurredAt, after.eventId, limit + 1)
        : firstPage.all(workspaceId, environment, limit + 1)) as EventRow[];
      return { events: rows.slice(0, limit).map(toEvent), hasMore: rows.length > limit };
    },
    /** The event that is a hosted session's final word, if any. */
    async linkedEventFor(workspaceId: string, sessionId: string): Promise<{ eventId: string; outcome: Outcome; occurredAt: number } | null> {
      const row = linkedTo.get(sessionId, workspaceId) as { event_id: string; outcome: Outcome; created_at: number } | null;
      return row ? { eventId: row.event_id, outcome: row.outcome, occurredAt: row.created_at } : null;
    },
  };
}

export type CancellationStore = ReturnType<typeof createCancellationStore>;
