// Rate limiting: named policies over fixed windows, kept in memory (one box, one process), timed by the injected
// clock. `apiKey` counts per key (applied by the auth macro once the key is known); the others count per client IP
// and are attached to routes with the `rateLimit` macro.
import { Elysia } from "elysia";
import { AppError } from "../lib/app-error.ts";
import type { Clock } from "../lib/clock.ts";

export const RATE_POLICIES = ["apiKey", "failedKey", "result", "hosted", "login"] as const;
export type RatePolicy = (typeof RATE_POLICIES)[number];
/** The policies a route can name in `rateLimit`: the per-IP ones (failedKey is the auth macro's). */
export type IpRatePolicy = Exclude<RatePolicy, "apiKey" | "failedKey">;

export interface RateLimit {
  /** Requests allowed per window. */
  limit: number;
  windowSeconds: number;
}

/** The name each policy goes by in the RateLimit-Policy header. */
const HEADER_NAME: Record<RatePolicy, string> = {
  apiKey: "per-key",
  failedKey: "per-ip-failed-key",
  result: "per-ip-result",
  hosted: "per-ip-hosted",
  login: "per-ip-login",
};

export interface RateDecision {
  allowed: boolean;
  remaining: number;
  resetSeconds: number;
  headers: Record<string, string>;
}

// Past this many tracked keys in one policy, finished windows are swept at once; if that is not enough (a flood
// from many addresses) the policy forgets everything, failing open rather than growing without bound.
const MAX_TRACKED = 100_000;

export function createRateLimiter(limits: Readonly<Record<RatePolicy, RateLimit>>, clock: Clock) {
  const windows = new Map<RatePolicy, Map<string, { start: number; count: number }>>(RATE_POLICIES.map((p) => [p, new Map()]));
  let lastSweep = 0;

  function sweep(t: number, force = false) {
    if (!force && t - lastSweep < 60_000) return;
    for (const [policy, map] of windows) {
      const span = limits[policy].windowSeconds * 1000;
      for (const [k, w] of map) if (t - w.start >= span) map.delete(k);
    }
    lastSweep = t;
  }

  function decide(policy: RatePolicy, key: string, count: boolean): RateDecision {
    const t = clock.now();
    sweep(t);
    const { limit, windowSeconds } = limits[policy];
    const span = windowSeconds * 1000;
    const map = windows.get(policy)!;
    let w = map.get(key);
    if (!w || t - w.start >= span) {
      w = { start: t, count: 0 };
      if (count) {
        if (map.size >= MAX_TRACKED) sweep(t, true);
        if (map.size >= MAX_TRACKED) map.clear();
        map.set(key, w);
      }
    }
    if (count) w.count++;
    const allowed = count ? w.count <= limit : w.count < limit;
    const remaining = Math.max(0, limit - w.count);
    const resetSeconds = Math.max(1, Math.ceil((w.start + span - t) / 1000));
    const name = HEADER_NAME[policy];
    const headers: Record<string, string> = {
      "ratelimit-policy": `"${name}";q=${limit};w=${windowSeconds}`,
      ratelimit: `"${name}";r=${remaining};t=${resetSeconds}`,
    };
    if (!allowed) headers["retry-after"] = String(resetSeconds);
    return { allowed, remaining, resetSeconds, headers };
  }

  return {
    /** Counts one request against the policy for this key (an API key id, a client IP). */
    hit: (policy: RatePolicy, key: string) => decide(policy, key, true),
    /** Whether one more would be allowed, without counting it. */
    peek: (policy: RatePolicy, key: string) => decide(policy, key, false),
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;

export function rateLimitError(decision: RateDecision): AppError {
  return new AppError(429, `Rate limit exceeded: retry in ${decision.resetSeconds} s`, "rate_limited", decision.headers);
}

/** `{ rateLimit: "result" }` on a route counts each request against that per-IP policy; over it, 429. */
export function rateLimit(deps: { rateLimiter: RateLimiter; clientIp: (request: Request) => string }) {
  const { rateLimiter, clientIp } = deps;
  return new Elysia({ name: "rate-limit" }).macro({
    rateLimit: (policy: IpRatePolicy) => ({
      // transform runs before validation: a flood is refused before any work on its input.
      transform({ request, set }) {
        const decision = rateLimiter.hit(policy, clientIp(request));
        Object.assign(set.headers, decision.headers);
        if (!decision.allowed) throw rateLimitError(decision);
      },
    }),
  });
}
