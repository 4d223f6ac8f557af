// Sessions: starting one (any source), walking the flow, recording the outcome once.
import type { Clock } from "../../lib/clock.ts";
import { randomToken, safeEqual, sha256Hex } from "../../lib/crypto.ts";
import { AppError } from "../../lib/app-error.ts";
import { toCents } from "../../lib/money.ts";
import type { Flow } from "../flows/flows.store.ts";
import type { FlowService } from "../flows/flows.service.ts";
import { OTHER_REASON, normalizeReason, offerForReason, surveyStep } from "../flows/flow-steps.ts";
import type { OfferConfig } from "../flows/flows.schemas.ts";
import type { ApiKey } from "../keys/keys.store.ts";
import type { KeyMode } from "../keys/keys.schemas.ts";
import type { Workspace } from "../workspaces/workspaces.store.ts";
import type { Session, SessionStore } from "./sessions.store.ts";
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

/** The state as a reader should see it: an open session past its expiry is expired. */
export function withEffectiveState(session: Session, now: number): Session {
  if ((session.state === "created" || session.state === "opened") && now > session.expiresAt) return { ...session, state: "expired" };
  return session;
}

export function createSessionService(deps: { sessionStore: SessionStore; flowService: FlowService; clock: Clock }) {
  const { sessionStore, flowService, clock } = deps;

  /** The flow and the published version a new session runs. */
  async function resolveFlow(workspaceId: string, flowId?: string | null): Promise<{ id: string; version: number }> {
    if (flowId) {
      const flow = await flowService.getRef(workspaceId, flowId);
      if (!flow) throw new AppError(404, "flowId: no such flow in this workspace");
      if (flow.status === "archived") throw new AppError(400, "flowId: this flow is archived");
      if (flow.version === null) throw new AppError(400, "flowId: this flow has no published version yet");
      return { id: flow.id, version: flow.version };
    }
    const flow = await flowService.getDefaultRef(workspaceId);
    if (!flow || flow.version === null) throw new AppError(409, "This workspace has no active default flow");
    return { id: flow.id, version: flow.version };
  }

  /** The state as a reader should see it: an open session past its expiry is expired. */
  const effective = (session: Session) => withEffectiveState(session, clock.now());

  async function get(workspaceId: string, id: string): Promise<Session | null> {
    const session = await sessionStore.findById(workspaceId, id);
    return session ? effective(session) : null;
  }

  return {
    async start(workspace: Workspace, input: StartSessionInput): Promise<{ session: Session; linkToken: string }> {
      const flow = await resolveFlow(workspace.id, input.flowId);
      const now = clock.now();
      const expiresAt = now + workspace.linkTtlMinutes * 60_000;
      // Reloading a signed hosted URL continues the same session with a fresh link.
      const continueExisting = async (existing: Session) => {
        const link = newLinkToken(existing.id);
        await sessionStore.setLinkHash(existing.id, link.hash, Math.max(existing.expiresAt, expiresAt));
        return { session: existing, linkToken: link.token };
      };
      if (input.originKey) {
        const existing = await sessionStore.findByOriginKey(input.originKey);
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
      };
      try {
        await sessionStore.insert(session, { linkTokenHash: link.hash, originKey: input.originKey ?? null });
      } catch (error) {
        // Two opens of the same signed URL at once: the second loses the unique origin key and continues the first.
        const winner = input.originKey ? await sessionStore.findByOriginKey(input.originKey) : null;
        if (winner) return continueExisting(winner);
        throw error;
      }
      return { session, linkToken: link.token };
    },

    async findByLinkToken(token: string): Promise<Session | null> {
      const parts = LINK_TOKEN_RE.exec(token);
      if (!parts) return null;
      const found = await sessionStore.findWithLinkHash(sessionIdOf(parts[1]));
      if (!found?.linkTokenHash || !safeEqual(found.linkTokenHash, sha256Hex(parts[2]))) return null;
      return effective(found.session);
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

    async markExpired(session: Session): Promise<void> {
      await sessionStore.markExpired(session.id);
    },

    /** Records the survey answer and moves to the matched offer, or straight to confirmation. */
    async answerSurvey(session: Session, flow: Flow, reasonInput: string | null, feedbackInput: string | null) {
      const survey = surveyStep(flow);
      const options = (survey?.config.options ?? []).map(normalizeReason);
      const reason = reasonInput ? normalizeReason(reasonInput) : null;
      if (reason !== null && !options.includes(reason))
        throw new AppError(400, "reason: choose one of the listed reasons", "unknown_reason");
      const feedback = feedbackInput?.trim() ? feedbackInput.trim().slice(0, 2000) : null;
      if (reason === OTHER_REASON && !feedback)
        throw new AppError(400, "feedback: tell us a little about your reason", "feedback_required");
      const next = offerForReason(flow, reason) ? "offer" : "confirm";
      await sessionStore.saveProgress(session.id, next, reason, feedback);
    },

    async declineOffer(session: Session): Promise<void> {
      await sessionStore.saveProgress(session.id, "confirm", session.reason, session.feedback);
    },

    /** Back to the survey (the subscriber wants to change the answer). */
    async restart(session: Session): Promise<void> {
      await sessionStore.saveProgress(session.id, "survey", session.reason, session.feedback);
    },

    /**
     * Records the outcome once. Returns the stored session: a second submit (reload, back, double click)
     * gets the first outcome, never a new one.
     */
    async complete(session: Session, outcome: FinalOutcome, offer: OfferConfig | null): Promise<Session> {
      const mrr = session.context.mrr;
      const recoveredMrrCents = outcome === "saved" && typeof mrr === "number" ? toCents(mrr) : 0;
      await sessionStore.complete(session.id, { outcome, offer, recoveredMrrCents, completedAt: clock.now() });
      const stored = await sessionStore.findById(session.workspaceId, session.id);
      if (!stored) throw new AppError(404, "Session not found");
      return stored;
    },

    async listRecent(workspaceId: string, environment: Environment, limit = 100): Promise<Session[]> {
      return (await sessionStore.listRecent(workspaceId, environment, limit)).map(effective);
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
