// Browsing and exporting sessions: filter parsing, opaque keyset cursors, and batched iteration for exports
// (a CSV of a million rows is streamed a batch at a time, never held whole).
import type { Clock } from "../../lib/clock.ts";
import { AppError } from "../../lib/app-error.ts";
import { isUuid } from "../../lib/crypto.ts";
import { withEffectiveState } from "./sessions.service.ts";
import type { Session } from "./sessions.store.ts";
import { ENVIRONMENTS, OUTCOMES, SESSION_SOURCES } from "./sessions.schemas.ts";
import type { Cursor, SessionFilters, SessionSearchStore } from "./session-search.store.ts";

export const PAGE_SIZE = 50;
const EXPORT_BATCH = 1000;
const DAY_MS = 86_400_000;

export interface FilterInput {
  environment?: string | null;
  outcome?: string | null;
  source?: string | null;
  flow?: string | null;
  from?: string | null;
  to?: string | null;
  customer?: string | null;
}

const oneOf = <T extends string>(list: readonly T[], v: string | null | undefined): T | undefined => (v && (list as readonly string[]).includes(v) ? (v as T) : undefined);

function day(value: string, name: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) throw new AppError(400, `${name} must be a date like 2026-11-30`);
  return Date.parse(`${value}T00:00:00Z`);
}

/** Query-string filters → store filters. Dates are UTC days, both ends inclusive; a bad one is a 400 naming it. */
export function parseFilters(input: FilterInput): SessionFilters {
  const filters: SessionFilters = {
    environment: oneOf(ENVIRONMENTS, input.environment),
    outcome: oneOf(OUTCOMES, input.outcome),
    source: oneOf(SESSION_SOURCES, input.source),
  };
  if (input.flow && isUuid(input.flow)) filters.flowId = input.flow.toLowerCase();
  if (input.from) filters.from = day(input.from, "from");
  if (input.to) filters.before = day(input.to, "to") + DAY_MS;
  const customer = input.customer?.trim();
  if (customer) filters.customerId = customer.slice(0, 200);
  return filters;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.createdAt}.${c.id}`).toString("base64url");
}

export function decodeCursor(value: string | null | undefined): Cursor | null {
  if (!value || value.length > 120) return null;
  const m = /^(\d{1,15})\.([0-9a-f-]{36})$/.exec(Buffer.from(value, "base64url").toString());
  return m ? { createdAt: Number(m[1]), id: m[2] } : null;
}

export function createSessionSearchService(deps: { sessionSearchStore: SessionSearchStore; clock: Clock }) {
  const { sessionSearchStore, clock } = deps;
  return {
    /** One page, newest first, and the cursor of the next (older) page if there is one. */
    async page(workspaceId: string, filters: SessionFilters, after: Cursor | null, limit = PAGE_SIZE): Promise<{ sessions: Session[]; next: string | null }> {
      const rows = await sessionSearchStore.page(workspaceId, filters, after, limit + 1);
      const now = clock.now();
      const sessions = rows.slice(0, limit).map((s) => withEffectiveState(s, now));
      const last = sessions.at(-1);
      return { sessions, next: rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null };
    },

    /** Every matching session, newest first, a batch at a time (for CSV/JSONL exports). */
    async *all(workspaceId: string, filters: SessionFilters): AsyncGenerator<Session[]> {
      let after: Cursor | null = null;
      for (;;) {
        const batch = await sessionSearchStore.page(workspaceId, filters, after, EXPORT_BATCH);
        if (batch.length === 0) return;
        const now = clock.now();
        yield batch.map((s) => withEffectiveState(s, now));
        if (batch.length < EXPORT_BATCH) return;
        const last = batch[batch.length - 1];
        after = { createdAt: last.createdAt, id: last.id };
      }
    },
  };
}

export type SessionSearchService = ReturnType<typeof createSessionSearchService>;
