// The clock every piece of logic asks for "now", so tests can move time.
export interface Clock {
  now(): number; // epoch milliseconds
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests can set and advance. */
export function createFixedClock(start = Date.UTC(2026, 0, 15, 12, 0, 0)) {
  let current = start;
  return {
    now: () => current,
    set(ms: number) {
      current = ms;
    },
    advance(ms: number) {
      current += ms;
    },
  };
}
