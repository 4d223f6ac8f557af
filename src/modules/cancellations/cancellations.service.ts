// Custom cancellation ingestion: record, update, read and list events, idempotent by eventId; the import uses the
// same rules a batch at a time. An event linked to a hosted session is that session's final word.
import type { z } from "zod";
import type { Clock } from "../../lib/clock.ts";
import { canonicalJson, sortedFlatCopy } from "../../lib/canonical-json.ts";
import { sha256Hex } from "../../lib/crypto.ts";
import { toCents } from "../../lib/money.ts";
import { AppError } from "../../lib/app-error.ts";
import { environmentFor } from "../sessions/sessions.service.ts";
import { assertWritable } from "../workspaces/workspaces.service.ts";
import { normalizeReason } from "../flows/flow-steps.ts";
import type { ApiKey } from "../keys/keys.store.ts";
import type { Environment, Outcome, SessionContext } from "../sessions/sessions.schemas.ts";
import type { Workspace } from "../workspaces/workspaces.store.ts";
import {
  applyEventAliases,
  cancellationBody,
  type CancellationBody,
  type CancellationPatch,
  type CancellationView,
  NO_ALIASES,
} from "./cancellations.schemas.ts";
import { fastEventBody } from "./event-body-fast.ts";
import { sumFacts } from "../analytics/analytics.store.ts";
import {
  encodeImportRow,
  factsOfImportRow,
  importRow,
  joinImportRows,
  type CancellationEvent,
  type CancellationStore,
  type ImportRow,
  type InsertResult,
  type LinkProblem,
  type PlainRows,
} from "./cancellations.store.ts";

export const MAX_FUTURE_MS = 5 * 60 * 1000;
export const LIST_LIMIT_DEFAULT = 20;
export const LIST_LIMIT_MAX = 100;

const iso = (ms: number) => new Date(ms).toISOString();

export function toView(e: CancellationEvent): CancellationView {
  return {
    id: e.id,
    eventId: e.eventId,
    event_id: e.eventId,
    sessionId: e.linkedSessionId,
    session_id: e.linkedSessionId,
    userId: e.customerId,
    subscriptionId: e.subscriptionId,
    status: e.outcome,
    reason: e.reason,
    feedback: e.feedback,
    offer: e.offer,
    occurredAt: iso(e.occurredAt),
    environment: e.environment,
    context: { ...e.context },
    metadata: e.metadata,
    recoveredMrrCents: e.recoveredMrrCents,
    createdAt: iso(e.recordedAt),
    updatedAt: iso(e.updatedAt),
  };
}

/** A saved event recovers its full MRR (context.mrr is in the currency's major unit). */
function recoveredCents(outcome: Outcome, context: SessionContext): number {
  return outcome === "saved" && typeof context.mrr === "number" ? toCents(context.mrr) : 0;
}

// Messages for a link that cannot be made; never the id itself (errors do not echo input).
const LINK_PROBLEMS: Record<LinkProblem, [number, string]> = {
  link_missing: [404, "sessionId: no such session in this workspace"],
  link_not_hosted: [400, "sessionId: must be a hosted session, not another ingested event"],
  link_other_environment: [400, "sessionId: the session is in another environment than this event"],
  link_taken: [409, "sessionId: this session is already linked to another event"],
};

/** The first problem of a failed schema check, as `field: message` (never the submitted value). */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "is invalid";
  const path = issue.path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");
  const message = issue.message.replace(/^Invalid input: /, "");
  return path ? `${path}: ${message}` : message;
}

// The payload's keys in canonicalJson's order, each with its quoted form: every key the body schema knows (it strips
// all others) except the aliases, which only repeat a camelCase field.
const PAYLOAD_KEYS: [string, string][] = Object.keys(cancellationBody.shape)
  .filter((key) => !(key in NO_ALIASES))
  .sort()
  .map((key) => [key, `${JSON.stringify(key)}:`]);

/** The payload's canonical text, written piece by piece: for values sortedFlatCopy cannot take. */
function payloadText(body: CancellationBody, occurredAt: number | undefined, environment: Environment): string {
  let out = "{";
  for (let i = 0; i < PAYLOAD_KEYS.length; i++) {
    const [key, quoted] = PAYLOAD_KEYS[i];
    const value = key === "occurredAt" ? occurredAt : key === "environment" ? environment : body[key as keyof CancellationBody];
    if (value === undefined) continue;
    out += (out.length > 1 ? "," : "") + quoted + canonicalJson(value);
  }
  return `${out}}`;
}

/**
 * sha256 of canonicalJson({ ...body, occurredAt, environment }) without its aliases (it runs for every imported row).
 * `occurredAt` is the instant (undefined when the body left it out: a default that moves with the clock is not part
 * of the payload). Stored hashes must keep matching replays, so the text never changes (payload-hash.test.ts checks
 * it against the first version). The usual body is written by one JSON.stringify of a copy whose keys are inserted
 * in canonical order at both depths (context, metadata and offer are flat); anything else is written piece by piece.
 */
export function payloadHash(body: CancellationBody, occurredAt: number | undefined, environment: Environment): string {
  const payload: Record<string, unknown> = {};
  for (let i = 0; i < PAYLOAD_KEYS.length; i++) {
    const key = PAYLOAD_KEYS[i][0];
    let value: unknown = key === "occurredAt" ? occurredAt : key === "environment" ? environment : body[key as keyof CancellationBody];
    if (value === undefined) continue;
    if (typeof value === "object" && value !== null) {
      value = sortedFlatCopy(value);
      if (value === null) return sha256Hex(payloadText(body, occurredAt, environment));
    } else if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean" && value !== null) {
      return sha256Hex(payloadText(body, occurredAt, environment));
    }
    payload[key] = value;
  }
  return sha256Hex(JSON.stringify(payload));
}

function parseOccurredAt(value: string | undefined, now: number): number {
  if (value === undefined) return now;
  const ms = Date.parse(value);
  if (ms > now + MAX_FUTURE_MS) throw new AppError(400, "occurredAt: must be at most 5 minutes in the future");
  return ms;
}

/** The stored event a body describes; throws a 400 naming the field when it cannot be one. */
function build(workspace: Workspace, environment: Environment, body: CancellationBody, now: number): CancellationEvent {
  const occurredAt = parseOccurredAt(body.occurredAt, now);
  const context = body.context ?? {};
  // What "the same payload" means on a replay: the fields as sent (aliases resolved, defaults applied), with the
  // instant rather than its spelling; an omitted occurredAt is not part of it (its default moves with the clock).
  const eventHash = payloadHash(body, body.occurredAt === undefined ? undefined : occurredAt, environment);
  return {
    id: Bun.randomUUIDv7(),
    workspaceId: workspace.id,
    eventId: body.eventId,
    eventHash,
    linkedSessionId: body.sessionId?.toLowerCase() ?? null,
    customerId: body.userId,
    subscriptionId: body.subscriptionId || null,
    environment,
    outcome: body.status,
    reason: body.reason ? normalizeReason(body.reason) : null,
    feedback: body.feedback || null,
    offer: body.offer ?? null,
    context,
    metadata: body.metadata ?? {},
    recoveredMrrCents: recoveredCents(body.status, context),
    occurredAt,
    recordedAt: now,
    updatedAt: now,
  };
}

/** A record of an import file: a JSONL value or a CSV row shaped as an object, or why its line cannot be read. */
export type ImportRecord = { line: number; value: unknown } | { line: number; error: string };

/** A record checked and built, ready to insert (see ImportRow); or why it cannot be one. */
export type PreparedItem = { line: number; row: ImportRow } | { line: number; error: string };

/**
 * A batch of the import as it crosses from the reader thread, in file order: runs of plain rows (valid, no linked
 * session; nearly every row), each one text the writer splits (PlainRows), and between them the other items one
 * by one (invalid rows, linked events), recorded as the API records them.
 */
export type PreparedBatch = ({ run: PlainRows; lines: number[] } | { items: PreparedItem[] })[];

/**
 * The import's checks, without the database: each record validated by the rules of POST /api/v1/cancellations and
 * built into the event it records (id, payload hash). Pure, so the import runs it on a reader thread while the
 * main thread writes the previous batch. --test (`sandbox`) makes sandbox events whatever a row says.
 */
export function prepareImport(workspace: Workspace, environment: Environment, records: ImportRecord[], now: number): PreparedItem[] {
  return records.map((record): PreparedItem => {
    if ("error" in record) return record;
    const { line, value } = record;
    applyEventAliases(value);
    // The fast path answers for the usual row (the same result as the schema's, tested so); zod decides the rest
    // and words the errors.
    let body = fastEventBody(value);
    if (!body) {
      const parsed = cancellationBody.safeParse(value);
      if (!parsed.success) return { line, error: describeIssue(parsed.error) };
      body = parsed.data;
    }
    try {
      return { line, row: importRow(build(workspace, environment === "sandbox" ? "sandbox" : (body.environment ?? "prod"), body, now)) };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return { line, error: error.message };
    }
  });
}

/** prepareImport, grouped for the writer (see PreparedBatch). */
export function prepareBatch(workspace: Workspace, environment: Environment, records: ImportRecord[], now: number): PreparedBatch {
  const batch: PreparedBatch = [];
  let rows: ImportRow[] = [];
  let fields: string[] = [];
  let lines: number[] = [];
  let items: PreparedItem[] = [];
  const endRun = () => {
    if (rows.length) batch.push({ run: { fields: joinImportRows(fields), count: rows.length, summed: sumFacts(rows.map(factsOfImportRow)) }, lines });
    rows = [];
    fields = [];
    lines = [];
  };
  const endItems = () => {
    if (items.length) batch.push({ items });
    items = [];
  };
  for (const item of prepareImport(workspace, environment, records, now)) {
    if ("row" in item && item.row[17] === null && encodeImportRow(item.row, fields)) {
      endItems();
      rows.push(item.row);
      lines.push(item.line);
    } else {
      endRun();
      items.push(item);
    }
  }
  endRun();
  endItems();
  return batch;
}

export type ImportOutcome =
  | { kind: "created" | "unchanged" }
  | { kind: "conflicting"; line: number }
  | { kind: "invalid"; line: number; message: string };
const CREATED: ImportOutcome = Object.freeze({ kind: "created" });
const UNCHANGED: ImportOutcome = Object.freeze({ kind: "unchanged" });

export function createCancellationService(deps: { cancellationStore: CancellationStore; clock: Clock }) {
  const { cancellationStore: store, clock } = deps;

  function assertAdvanced(workspace: Workspace): void {
    if (workspace.plan !== "advanced") throw new AppError(403, "Custom cancellation ingestion requires the Advanced plan");
  }

  /** A test key sees sandbox events only; anything it may not see is simply not found. */
  async function findForKey(workspace: Workspace, apiKey: ApiKey, eventId: string): Promise<CancellationEvent> {
    const event = eventId.length <= 200 ? await store.findByEventId(workspace.id, eventId) : null;
    if (!event || (apiKey.mode === "test" && event.environment !== "sandbox"))
      throw new AppError(404, "Cancellation event not found in this workspace");
    return event;
  }

  /** Records a prepared batch in one transaction: an outcome per record, in file order. */
  function recordImport(batch: PreparedBatch): ImportOutcome[] {
    const outcomes: ImportOutcome[] = [];
    store.importing(() => {
      for (const part of batch) {
        if ("run" in part) {
          const start = outcomes.length;
          for (let i = 0; i < part.run.count; i++) outcomes.push(CREATED);
          for (const { index, row, existingHash } of store.importRun(part.run))
            outcomes[start + index] = existingHash === row[14] ? UNCHANGED : { kind: "conflicting", line: part.lines[index] };
          continue;
        }
        for (const item of part.items) {
          if (!("row" in item)) {
            outcomes.push({ kind: "invalid", line: item.line, message: item.error });
            continue;
          }
          const result = store.importOne(item.row);
          if (result.kind === "created") outcomes.push(CREATED);
          else if (result.kind === "exists") outcomes.push(result.eventHash === item.row[14] ? UNCHANGED : { kind: "conflicting", line: item.line });
          else outcomes.push({ kind: "invalid", line: item.line, message: LINK_PROBLEMS[result.kind][1] });
        }
      }
    });
    return outcomes;
  }

  return {
    /** Whether a workspace may record events at all (the import asks before reading its file). */
    assertCanIngest(workspace: Workspace): void {
      assertAdvanced(workspace);
      assertWritable(workspace);
    },

    /** 201 the first time, 200 for an identical replay, 409 for another payload under the same eventId. */
    async record(workspace: Workspace, apiKey: ApiKey, body: CancellationBody): Promise<{ created: boolean; event: CancellationView }> {
      assertAdvanced(workspace);
      assertWritable(workspace);
      const event = build(workspace, environmentFor(apiKey, body.environment), body, clock.now());
      const result: InsertResult = await store.insert(event);
      if (result.kind === "created") return { created: true, event: toView(result.event) };
      if (result.kind === "exists") {
        if (result.event.eventHash !== event.eventHash)
          throw new AppError(409, "An event with this eventId already exists with a different payload: change it with PATCH /api/v1/cancellations/:eventId");
        return { created: false, event: toView(result.event) };
      }
      const [status, message] = LINK_PROBLEMS[result.kind];
      throw new AppError(status, message);
    },

    async update(workspace: Workspace, apiKey: ApiKey, eventId: string, patch: CancellationPatch): Promise<CancellationView> {
      assertAdvanced(workspace);
      assertWritable(workspace);
      if (Object.values(patch).every((v) => v === undefined))
        throw new AppError(400, "Request body: send at least one of status, reason, feedback, offer, context, metadata, occurredAt");
      const current = await findForKey(workspace, apiKey, eventId);
      const now = clock.now();
      const outcome = patch.status ?? current.outcome;
      const context = patch.context ?? current.context;
      const next: CancellationEvent = {
        ...current,
        outcome,
        reason: patch.reason === undefined ? current.reason : patch.reason ? normalizeReason(patch.reason) : null,
        feedback: patch.feedback === undefined ? current.feedback : patch.feedback || null,
        offer: patch.offer === undefined ? current.offer : patch.offer,
        context,
        metadata: patch.metadata ?? current.metadata,
        recoveredMrrCents: recoveredCents(outcome, context),
        occurredAt: patch.occurredAt === undefined ? current.occurredAt : parseOccurredAt(patch.occurredAt, now),
        updatedAt: now,
      };
      await store.update(current.id, workspace.id, current.eventId, next);
      return toView(next);
    },

    async get(workspace: Workspace, apiKey: ApiKey, eventId: string): Promise<CancellationView> {
      assertAdvanced(workspace);
      return toView(await findForKey(workspace, apiKey, eventId));
    },

    /** A live key lists production events, a test key sandbox ones (as GET /api/v1/sessions does). */
    async list(workspace: Workspace, apiKey: ApiKey, query: { limit?: string; starting_after?: string }) {
      assertAdvanced(workspace);
      const limit = query.limit === undefined ? LIST_LIMIT_DEFAULT : Number(query.limit);
      if (!/^\d+$/.test(query.limit ?? "20") || !Number.isInteger(limit) || limit < 1 || limit > LIST_LIMIT_MAX)
        throw new AppError(400, `limit: must be an integer from 1 to ${LIST_LIMIT_MAX}`);
      const environment = environmentFor(apiKey);
      let after: { occurredAt: number; eventId: string } | null = null;
      if (query.starting_after !== undefined) {
        const cursor = query.starting_after.length <= 200 ? await store.findByEventId(workspace.id, query.starting_after) : null;
        if (!cursor || cursor.environment !== environment) throw new AppError(400, "starting_after: no such event in this list");
        after = { occurredAt: cursor.occurredAt, eventId: cursor.eventId };
      }
      const page = await store.list(workspace.id, environment, limit, after);
      return { data: page.events.map(toView), hasMore: page.hasMore };
    },

    /** For session diagnostics: the event that is this session's final word. */
    async linkedEventFor(workspaceId: string, sessionId: string) {
      const linked = await store.linkedEventFor(workspaceId, sessionId);
      return linked ? { eventId: linked.eventId, status: linked.outcome, occurredAt: iso(linked.occurredAt) } : null;
    },

    /** The import's writes: records a prepared batch (see `prepareImport`) in one transaction; an outcome per item. */
    recordImport,

    /** The import, in one step (prepare and record in this thread): an outcome per record, in order. */
    importBatch(workspace: Workspace, environment: Environment, records: ImportRecord[]): ImportOutcome[] {
      return recordImport(prepareBatch(workspace, environment, records, clock.now()));
    },
  };
}

export type CancellationService = ReturnType<typeof createCancellationService>;
