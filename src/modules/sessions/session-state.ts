// The one rule for a session's current state. A session that is still created or opened once its link's expiry has
// passed is expired, whatever its row says: the row is only written when something happens to the session, so
// every read (SQL and TypeScript alike) applies this rule with the reader's `now`.
import type { SessionState } from "./sessions.schemas.ts";

/** The rule in TypeScript, for a session already in memory. */
export function currentState(stored: SessionState, expiresAt: number, now: number): SessionState {
  return (stored === "created" || stored === "opened") && now > expiresAt ? "expired" : stored;
}

/**
 * The same rule as an SQL expression over the sessions table; `now` is a bound parameter (`?` by default).
 * Use it wherever a query selects, filters or counts by state.
 */
export function currentStateSql(now = "?", table = "sessions"): string {
  return `(case when ${table}.state in ('created', 'opened') and ${now} > ${table}.expires_at then 'expired' else ${table}.state end)`;
}
