// Sessions: starting one (any source), walking the flow, recording the outcome once.
import type { Clock } from "../../lib/clock.ts";
import { randomToken, safeEqual, sha256Hex } from "../../lib/crypto.ts";
import { AppError } from "../../lib/app-error.ts";
import { toCents } from "../../lib/money.ts";
import type { Flow } from "../flows/flows.store.ts";
import type { FlowService } from "../flows/flows.service.ts";
import { normalizeReason } from "../flows/flow-steps.ts";
import type { OfferConfig } from "../flows/flows.schemas.ts";
import type { ApiKey } from "../keys/keys.store.ts";
import type { KeyMode } from "../keys/keys.schemas.ts";
import type { Workspace } from "../workspaces/workspaces.store.ts";
import type { Session, SessionStore } from "./sessions.store.ts";
import type { ResultTokens } from "./result-token.ts";
import { walk, type FlowAction, type WalkResult } from "./flow-walk.ts";
import { currentState } from "./session-state.ts";
import type { Environment, FinalOutcome, SessionContext, SessionSource } from "./sessions.schemas.ts";

export interface StartSessionInput {
  source: SessionSource;
  customerId: string;
  subscriptionId?: string | null;
  environment: Environment;
  flowId?: string | null;
  context?: SessionContext;
  metadata?: Session["metadata"];
  returnUrl?: string | null;
  reason?: string | null;
  /** A stable key for idempotent starts (the signed hosted URL): the same key reuses the session. */
  originKey?: string | null;
}

/** The environment a key works in: a test key only ever makes and lists sandbox sessions. */
export function environmentFor(apiKey: Pick<ApiKey, "mode">, requested?: Environment): Environment {
  return apiKey.mode === "test" ? "sandbox" : (requested ?? "prod");
}

// A link token is the session id (32 hex digits) followed by a 192-bit secret; only the secret's hash is stored.
// Carrying the id lets the lookup use the primary key instead of a second unique index on every insert.
const LINK_TOKEN_RE = /^([0-9a-f]{32})([0-9A-Za-z]{33})$/;

function newLinkToken(sessionId: string): { token: string; hash: string } {
  const secret = randomToken(192);
  return { token: `${sessionId.replaceAll("-", "")}${secret}`, hash: sha256Hex(secret) };
}

function sessionIdOf(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The one state rule (session-state.ts) for a session read without it (the dashboard's search). */
export function withEffectiveState(session: Session, now: number): Session {
  const state = currentState(session.state, session.expiresAt, now);
  return state === session.state ? session : { ...session, state };
}

export function createSessionService(deps: { sessionStore: SessionStore; flowService: FlowService; resultTokens: ResultTokens; clock: Clock }) {
  const { sessionStore, flowService, resultTokens, clock } = deps;

  /** The flow and the published version a new session runs. */
  async function resolveFlow(workspaceId: string, flowId?: string | null): Promise<{ id: string; version: number }> {
    if (flowId) {
      const flow = await flowService.getRef(workspaceId, flowId.toLowerCase());
      if (!flow) throw new AppError(404, "flowId: no such flow in this workspace");
      if (flow.status === "archived") throw new AppError(400, "flowId: this flow is archived");
      if (flow.version === null) throw new AppError(400, "flowId: this flow has no published version yet");
      return { id: flow.id, version: flow.version };
    }
    const flow = await flowService.getDefaultRef(workspaceId);
    if (!flow || flow.version === null) throw new AppError(409, "This workspace has no active default flow");
    return { id: flow.id, version: flow.version };
  }

  // Ids are stored in lower case; RFC 9562 hex digits are case-insensitive, so any case finds the session.
  async function get(workspaceId: string, id: string): Promise<Session | null> {
    return sessionStore.findById(workspaceId, id.toLowerCase(), clock.now());
  }

  /**
   * Records the outcome once. Returns the stored session: a second submit (reload, back, double click)
   * gets the first outcome, never a new one.
   */
  async function complete(session: Session, outcome: FinalOutcome, offer: OfferConfig | null): Promise<Session> {
    const mrr = session.context.mrr;
    const recoveredMrrCents = outcome === "saved" && typeof mrr === "number" ? toCents(mrr) : 0;
    await sessionStore.complete(session.id, { outcome, offer, recoveredMrrCents, completedAt: clock.now() });
    const stored = await get(session.workspaceId, session.id);
    if (!stored) throw new AppError(404, "Session not found");
    return stored;
  }

  /**
   * A new session with a fresh link. A signed hosted URL (originKey) continues its one session instead: with a
   * fresh link while it is open; once completed, with no link at all (linkToken null: show the outcome), so a
   * reload never re-links or extends a decided session.
   */
  async function begin(workspace: Workspace, input: StartSessionInput): Promise<{ session: Session; linkToken: string | null }> {
      const flow = await resolveFlow(workspace.id, input.flowId);
      const now = clock.now();
      const expiresAt = now + workspace.linkTtlMinutes * 60_000;
      const continueExisting = async (existing: Session) => {
        if (existing.state === "completed") return { session: existing, linkToken: null };
        const link = newLinkToken(existing.id);
        const extended = Math.max(existing.expiresAt, expiresAt);
        await sessionStore.setLinkHash(existing.id, link.hash, extended);
        // The one state rule, applied to the new expiry.
        const stored = existing.openedAt === null ? ("created" as const) : ("opened" as const);
        return { session: { ...existing, expiresAt: extended, state: currentState(stored, extended, now) }, linkToken: link.token };
      };
      if (input.originKey) {
        const existing = await sessionStore.findByOriginKey(input.originKey, now);
        if (existing) return continueExisting(existing);
      }
      // Time-ordered ids keep the primary-key index append-only on the hot insert path.
      const id = Bun.randomUUIDv7();
      const link = newLinkToken(id);
      const session: Session = {
        id,
        workspaceId: workspace.id,
        flowId: flow.id,
        flowVersion: flow.version,
        source: input.source,
        customerId: input.customerId,
        subscriptionId: input.subscriptionId ?? null,
        environment: input.environment,
        context: input.context ?? {},
        metadata: input.metadata ?? {},
        returnUrl: input.returnUrl ?? null,
        csrfToken: randomToken(192),
        state: "created",
        step: "survey",
        outcome: "pending",
        reason: input.reason ? normalizeReason(input.reason) : null,
        feedback: null,
        offer: null,
        recoveredMrrCents: 0,
        createdAt: now,
        openedAt: null,
        completedAt: null,
        expiresAt,
        resultToken: null,
      };
      try {
        await sessionStore.insert(session, { linkTokenHash: link.hash, originKey: input.originKey ?? null });
      } catch (error) {
        // Two opens of the same signed URL at once: the second loses the unique origin key and continues the first.
        const winner = input.originKey ? await sessionStore.findByOriginKey(input.originKey, clock.now()) : null;
        if (winner) return continueExisting(winner);
        throw error;
      }
      return { session, linkToken: link.token };
  }

  return {
    /** A new session and its link. */
    async start(workspace: Workspace, input: Omit<StartSessionInput, "originKey">): Promise<{ session: Session; linkToken: string }> {
      const { session, linkToken } = await begin(workspace, { ...input, originKey: null });
      return { session, linkToken: linkToken! };
    },

    /** The one session of a signed hosted URL: new, continued with a fresh link, or (once completed) no link. */
    startOrContinue: (workspace: Workspace, input: StartSessionInput & { originKey: string }) => begin(workspace, input),

    async findByLinkToken(token: string): Promise<Session | null> {
      const parts = LINK_TOKEN_RE.exec(token);
      if (!parts) return null;
      const found = await sessionStore.findWithLinkHash(sessionIdOf(parts[1]), clock.now());
      if (!found?.linkTokenHash || !safeEqual(found.linkTokenHash, sha256Hex(parts[2]))) return null;
      return found.session;
    },

    get,

    /** A session as an API key may see it: a test key only ever sees sandbox sessions. */
    async getForKey(workspaceId: string, id: string, keyMode: KeyMode): Promise<Session | null> {
      const session = await get(workspaceId, id);
      return session && (keyMode === "live" || session.environment === "sandbox") ? session : null;
    },

    async markOpened(session: Session): Promise<void> {
      if (session.state === "created") await sessionStore.markOpened(session.id, clock.now());
    },

    /** The offer page was displayed: analytics count the offer as shown. */
    async markOfferShown(session: Session, kind: string): Promise<void> {
      if (session.state === "created" || session.state === "opened") await sessionStore.markOfferShown(session.id, kind, clock.now());
    },

    /** Records an expiry the state rule found (the row catches up with what every read already says). */
    async markExpired(session: Session): Promise<void> {
      if (session.state === "expired") await sessionStore.markExpired(session.id, clock.now());
    },

    /** Applies a subscriber's action (see flow-walk.ts) and stores the result; returns it with the session after it. */
    async act(session: Session, flow: Flow, action: FlowAction): Promise<{ result: WalkResult; session: Session }> {
      const result = walk(flow.steps, session, action);
      switch (result.kind) {
        case "move":
          await sessionStore.saveProgress(session.id, result.step, result.reason, result.feedback);
          return { result, session: { ...session, step: result.step, reason: result.reason, feedback: result.feedback } };
        case "finish":
          return { result, session: await complete(session, result.outcome, result.offer) };
        default:
          return { result, session };
      }
    },

    complete,

    /**
     * The result token of a completed session: signed on its first redirect and stored, then reused by every
     * reload and double submit, so one outcome has one token (and one jti) for the integrator to accept once.
     */
    async resultToken(session: Session): Promise<string> {
      if (session.state !== "completed") throw new AppError(409, "The session has no outcome yet");
      if (session.resultToken) return session.resultToken;
      const token = await resultTokens.sign(session);
      return (await sessionStore.keepResultToken(session.id, token)) ?? token;
    },

    async listRecent(workspaceId: string, environment: Environment, limit = 100): Promise<Session[]> {
      return sessionStore.listRecent(workspaceId, environment, limit, clock.now());
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
