// Session rows as CSV or JSON Lines, shared by the dashboard download and `holdfast export sessions`.
import type { Session } from "./sessions.store.ts";

const iso = (ms: number | null) => (ms === null ? "" : new Date(ms).toISOString());

export const CSV_COLUMNS = [
  "id", "createdAt", "environment", "source", "flowId", "customerId", "subscriptionId", "state", "outcome", "reason",
  "feedback", "offerKind", "offer", "recoveredMrrCents", "plan", "mrr", "tenureDays", "metadata", "openedAt",
  "completedAt", "expiresAt",
] as const;

/** One session in export shape (the wire's camelCase names, ISO times). */
export function exportRecord(s: Session) {
  return {
    id: s.id,
    createdAt: iso(s.createdAt),
    environment: s.environment,
    source: s.source,
    flowId: s.flowId,
    customerId: s.customerId,
    subscriptionId: s.subscriptionId,
    state: s.state,
    outcome: s.outcome,
    reason: s.reason,
    feedback: s.feedback,
    offer: s.offer,
    recoveredMrrCents: s.recoveredMrrCents,
    context: s.context,
    metadata: s.metadata,
    openedAt: s.openedAt === null ? null : iso(s.openedAt),
    completedAt: s.completedAt === null ? null : iso(s.completedAt),
    expiresAt: iso(s.expiresAt),
  };
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text = typeof value === "object" ? JSON.stringify(value) : String(value);
  // A spreadsheet runs a cell that starts with = + - @ as a formula: quote it into plain text.
  if (/^[=+\-@\t\r]/.test(text) && typeof value === "string") text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvHeader = () => `${CSV_COLUMNS.join(",")}\r\n`;

export function csvRow(s: Session): string {
  const r = exportRecord(s);
  const cells = [
    r.id, r.createdAt, r.environment, r.source, r.flowId, r.customerId, r.subscriptionId, r.state, r.outcome, r.reason,
    r.feedback, r.offer?.kind ?? null, r.offer, r.recoveredMrrCents, s.context.plan ?? null, s.context.mrr ?? null,
    s.context.tenureDays ?? null, Object.keys(r.metadata).length ? r.metadata : null, r.openedAt, r.completedAt, r.expiresAt,
  ];
  return `${cells.map(csvCell).join(",")}\r\n`;
}

export const jsonlRow = (s: Session) => `${JSON.stringify(exportRecord(s))}\n`;
