// Idempotency-Key on API writes, Stripe's rules, as a macro: `{ idempotent: true }` on a route with `apiKey`.
// The same key and request within 24 hours replays the first answer (status and body) with
// `Idempotent-Replayed: true`; the same key with another request → 422; while the first is still running → 409.
// Keys belong to the key's workspace. Validation failures and 5xx answers are not kept, so a corrected or later
// retry runs for real. Without the header the macro costs one header lookup: cancel-link's hot path stays as it was.
import { Elysia } from "elysia";
import type { Clock } from "../lib/clock.ts";
import { canonicalJson } from "../lib/canonical-json.ts";
import { sha256Hex } from "../lib/crypto.ts";
import { onErrorAnswer, workspaceOf } from "./core.ts";
import { AppError } from "../lib/app-error.ts";
import type { IdempotencyStore } from "./idempotency-store.ts";

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
// A claim still unanswered after this belongs to a request whose process died: a retry may take it over.
const ABANDONED_AFTER_MS = 5 * 60 * 1000;
const PRUNE_EVERY_MS = 60 * 1000;
// Stripe allows up to 255 characters; visible ASCII keeps keys safe to log and compare.
const KEY_RE = /^[\x21-\x7e]{1,255}$/;

interface Claimed {
  workspaceId: string;
  key: string;
}

export function idempotency(deps: { idempotencyStore: IdempotencyStore; clock: Clock }) {
  const { idempotencyStore: store, clock } = deps;
  const claimed = new WeakMap<Request, Claimed>();
  let lastPrune = 0;

  function finish(request: Request, status: number, body: string): Promise<void> {
    const claim = claimed.get(request);
    if (!claim) return Promise.resolve();
    claimed.delete(request);
    // A server-side failure is not the request's fault: let a retry run again.
    // Queued before the answer leaves, so a retry's claim (queued after it) sees the record.
    return status >= 500 ? store.release(claim.workspaceId, claim.key) : store.complete(claim.workspaceId, claim.key, status, body);
  }

  return new Elysia({ name: "idempotency" }).macro({
    idempotent: (enabled: boolean) => ({
      // Plain destructured parameters: Elysia reads this function's source to decide what context to build.
      async beforeHandle({ request, set, body }) {
        if (!enabled) return;
        const key = request.headers.get("idempotency-key");
        if (key === null) return;
        const workspaceId = workspaceOf(request);
        if (!workspaceId) throw new Error("the idempotent macro needs the apiKey macro on the same route");
        if (!KEY_RE.test(key)) throw new AppError(400, "Idempotency-Key must be 1 to 255 visible ASCII characters");
        const now = clock.now();
        if (now - lastPrune >= PRUNE_EVERY_MS) {
          lastPrune = now;
          void store.prune(now).catch(() => {}); // housekeeping: a failure only delays it
        }
        const url = new URL(request.url);
        const requestHash = sha256Hex(`${request.method} ${url.pathname}\n${canonicalJson(body ?? null)}`);
        const claim = await store.claim(workspaceId, key, requestHash, now, now + IDEMPOTENCY_TTL_MS, now - ABANDONED_AFTER_MS);
        switch (claim.kind) {
          case "mismatch":
            throw new AppError(422, "Idempotency-Key was already used with a different request: send a new key for a new request", "idempotency_key_reused");
          case "in_flight":
            throw new AppError(409, "A request with this Idempotency-Key is still in progress: retry once it has finished", "idempotency_key_in_use");
          case "replay":
            set.status = claim.status;
            set.headers["idempotent-replayed"] = "true";
            return JSON.parse(claim.body);
          case "claimed":
            claimed.set(request, { workspaceId, key });
            onErrorAnswer(request, (status, message) => void finish(request, status, JSON.stringify({ error: message })).catch(() => {}));
        }
      },
      async afterHandle({ request, response, set }) {
        if (!enabled || !claimed.has(request)) return;
        const status = typeof set.status === "number" ? set.status : 200;
        await finish(request, status, JSON.stringify(response));
      },
    }),
  });
}
