// The RetentBase dialect: a thin adapter from its wire shapes (cancel links, result checks, diagnostics) to the
// session and workspace services.
import { AppError } from "../../lib/app-error.ts";
import { isUuid } from "../../lib/crypto.ts";
import type { ApiKey } from "../keys/keys.store.ts";
import type { ResultTokens } from "../sessions/result-token.ts";
import { environmentFor, type SessionService } from "../sessions/sessions.service.ts";
import type { Session } from "../sessions/sessions.store.ts";
import type { Outcome, SessionContext } from "../sessions/sessions.schemas.ts";
import { assertWritable, resolveReturnUrl } from "../workspaces/workspaces.service.ts";
import type { Workspace } from "../workspaces/workspaces.store.ts";
import type { CancelLinkBody, ResultBody } from "./retentbase.schemas.ts";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export interface LinkedEvent {
  eventId: string;
  status: Outcome;
  occurredAt: string;
}

export function createRetentbaseService(deps: {
  sessionService: SessionService;
  resultTokens: ResultTokens;
  cancelUrl: string;
  /** The ingested event that is a session's final word (the cancellations service). */
  linkedEventFor: (workspaceId: string, sessionId: string) => Promise<LinkedEvent | null>;
}) {
  const { sessionService, resultTokens, cancelUrl, linkedEventFor } = deps;
  return {
    async createCancelLink(workspace: Workspace, apiKey: ApiKey, body: CancelLinkBody) {
      assertWritable(workspace);
      const returnUrl = resolveReturnUrl(workspace, body.returnUrl);
      const context: SessionContext = { ...body.context };
      if (workspace.plan !== "advanced") {
        // The guide: mrr and tenureDays are Advanced-only; Core accepts and drops them.
        delete context.mrr;
        delete context.tenureDays;
      }
      const { session, linkToken } = await sessionService.start(workspace, {
        source: "cancel_link",
        customerId: body.userId,
        environment: environmentFor(apiKey, body.environment),
        flowId: body.flowId,
        context,
        metadata: body.metadata,
        returnUrl,
      });
      const expiresAt = new Date(session.expiresAt).toISOString();
      return {
        url: `${cancelUrl}/c/${linkToken}`,
        expiresAt,
        expires_at: expiresAt,
        environment: session.environment,
        sessionId: session.id,
        session_id: session.id,
      };
    },

    /**
     * The trusted payload of a result token, with the guide's aliases. Scoped to a workspace when the caller
     * names one (`workspaceId`) or presented an API key (`keyWorkspaceId`): a token of any other is refused.
     */
    async verifyResult(body: ResultBody, keyWorkspaceId?: string) {
      if (keyWorkspaceId !== undefined && body.workspaceId !== undefined && body.workspaceId !== keyWorkspaceId)
        throw new AppError(400, "workspaceId: does not match the API key's workspace");
      const p = await resultTokens.verify(body.token, { workspaceId: keyWorkspaceId ?? body.workspaceId });
      return { valid: true as const, ...p, sessionId: p.sid, session_id: p.sid, userId: p.sub };
    },

    async diagnostics(workspace: Workspace, apiKey: ApiKey, sessionId: string) {
      if (!isUuid(sessionId)) throw new AppError(400, "session_id must be a uuid");
      if (workspace.plan !== "advanced")
        throw new AppError(403, "Session diagnostics require the Advanced plan");
      const session = await sessionService.getForKey(workspace.id, sessionId, apiKey.mode);
      if (!session) throw new AppError(404, "Session not found for this workspace");
      return toDiagnostics(session, await linkedEventFor(workspace.id, session.id));
    },
  };
}

export function toDiagnostics(s: Session, linkedEvent: LinkedEvent | null = null) {
  return {
    sessionId: s.id,
    session_id: s.id,
    state: s.state,
    status: s.state,
    completed: s.state === "completed",
    outcome: s.outcome,
    reason: s.reason,
    feedback: s.feedback,
    offer: s.offer,
    recoveredMrrCents: s.recoveredMrrCents,
    environment: s.environment,
    userId: s.customerId,
    subscriptionId: s.subscriptionId,
    flowId: s.flowId,
    flowVersion: s.flowVersion,
    source: s.source,
    context: s.context,
    metadata: s.metadata,
    linkedEvent,
    createdAt: iso(s.createdAt)!,
    openedAt: iso(s.openedAt),
    completedAt: iso(s.completedAt),
    expiresAt: iso(s.expiresAt)!,
  };
}

export type RetentbaseService = ReturnType<typeof createRetentbaseService>;
