// The RetentBase-compatible hosted-link flow: create a link, read diagnostics.
import { HttpError } from "../../http/errors.ts";
import { isAllowlisted } from "../../lib/return-url.ts";
import type { ApiKey } from "../keys/keys.store.ts";
import type { SessionService } from "../sessions/sessions.service.ts";
import type { Environment, Session, SessionContext } from "../sessions/sessions.store.ts";
import type { Workspace } from "../workspaces/workspaces.store.ts";
import type { CancelLinkBody } from "./cancel.schemas.ts";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The environment a key works in: a test key only ever makes and lists sandbox sessions. */
export function environmentFor(apiKey: ApiKey, requested?: Environment): Environment {
  return apiKey.mode === "test" ? "sandbox" : (requested ?? "prod");
}

export function assertWritable(workspace: Workspace): void {
  if (workspace.access === "read_only")
    throw new HttpError(402, "Workspace is read-only due to expired subscription access");
}

/** The return URL to use: an allowlisted override, or the workspace default (409 when neither). */
export function resolveReturnUrl(workspace: Workspace, requested: string | undefined | null): string {
  if (requested !== undefined && requested !== null) {
    const allowed = [...workspace.allowedReturnUrls, ...(workspace.defaultReturnUrl ? [workspace.defaultReturnUrl] : [])];
    if (!isAllowlisted(requested, allowed)) throw new HttpError(400, "returnUrl is not allowlisted for this workspace");
    return requested;
  }
  if (!workspace.defaultReturnUrl)
    throw new HttpError(409, "Default return URL is not configured: pass returnUrl or set a default for the workspace");
  return workspace.defaultReturnUrl;
}

export function createCancelService(deps: { sessionService: SessionService; cancelUrl: string }) {
  const { sessionService, cancelUrl } = deps;
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

    async diagnostics(workspace: Workspace, apiKey: ApiKey, sessionId: string) {
      if (workspace.plan !== "advanced")
        throw new HttpError(403, "Session diagnostics require the Advanced plan");
      const session = await sessionService.getForKey(workspace.id, sessionId, apiKey.mode);
      if (!session) throw new HttpError(404, "Session not found for this workspace");
      return toDiagnostics(session);
    },
  };
}

export function toDiagnostics(s: Session) {
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
    source: s.source,
    context: s.context,
    metadata: s.metadata,
    linkedEvent: null,
    createdAt: iso(s.createdAt)!,
    openedAt: iso(s.openedAt),
    completedAt: iso(s.completedAt),
    expiresAt: iso(s.expiresAt)!,
  };
}

export type CancelService = ReturnType<typeof createCancelService>;
