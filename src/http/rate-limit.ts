// A fixed one-minute window per API key, kept in memory (one box, one process).
export interface RateDecision {
  allowed: boolean;
  remaining: number;
  resetSeconds: number;
  headers: Record<string, string>;
}

export function createRateLimiter(limitPerMinute: number, now: () => number) {
  const windows = new Map<string, { start: number; count: number }>();
  const policy = `"per-key";q=${limitPerMinute};w=60`;
  let lastSweep = 0;

  return {
    hit(key: string): RateDecision {
      const t = now();
      if (t - lastSweep > 60_000) {
        // Drop finished windows so idle keys do not accumulate.
        for (const [k, w] of windows) if (t - w.start >= 60_000) windows.delete(k);
        lastSweep = t;
      }
      let w = windows.get(key);
      if (!w || t - w.start >= 60_000) {
        w = { start: t, count: 0 };
        windows.set(key, w);
      }
      w.count++;
      const remaining = Math.max(0, limitPerMinute - w.count);
      const resetSeconds = Math.max(1, Math.ceil((w.start + 60_000 - t) / 1000));
      const headers: Record<string, string> = {
        "ratelimit-policy": policy,
        ratelimit: `"per-key";r=${remaining};t=${resetSeconds}`,
      };
      const allowed = w.count <= limitPerMinute;
      if (!allowed) headers["retry-after"] = String(resetSeconds);
      return { allowed, remaining, resetSeconds, headers };
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
