// The RetainRabbit dialect: a thin adapter from its wire shapes (flows in their public shape, sessions started and
// read by key, recovery stats, all in { data }) to the flow and session services.
import { AppError } from "../../lib/app-error.ts";
import { isUuid } from "../../lib/crypto.ts";
import { toFlowDetail, toFlowSummary, type FlowService } from "../flows/flows.service.ts";
import type { ApiKey } from "../keys/keys.store.ts";
import { environmentFor, type SessionService } from "../sessions/sessions.service.ts";
import type { AnalyticsService } from "../analytics/analytics.service.ts";
import type { Session } from "../sessions/sessions.store.ts";
import type { StatsWindow } from "../sessions/sessions.schemas.ts";
import { assertWritable } from "../workspaces/workspaces.service.ts";
import type { Workspace } from "../workspaces/workspaces.store.ts";
import type { StartSessionBody } from "./retainrabbit.schemas.ts";

const iso = (ms: number) => new Date(ms).toISOString();

// One message for "not yours" and "does not exist": the answer must not reveal that another workspace has the id.
const flowNotFound = () => new AppError(404, "Flow not found in this workspace");
const sessionNotFound = () => new AppError(404, "Session not found in this workspace");


export function toRabbitSession(s: Session) {
  return {
    id: s.id,
    customerId: s.customerId,
    subscriptionId: s.subscriptionId,
    reason: s.reason,
    outcome: s.outcome,
    recoveredMrrCents: s.recoveredMrrCents,
    createdAt: iso(s.createdAt),
    environment: s.environment,
    state: s.state,
    flowId: s.flowId,
    flowVersion: s.flowVersion,
  };
}

export function createRetainrabbitService(deps: {
  flowService: FlowService;
  sessionService: SessionService;
  analyticsService: AnalyticsService;
  publicUrl: string;
  cancelUrl: string;
}) {
  const { flowService, sessionService, analyticsService, publicUrl, cancelUrl } = deps;
  return {
    async listFlows(workspace: Workspace) {
      return (await flowService.list(workspace.id)).map(toFlowSummary);
    },

    async getFlow(workspace: Workspace, flowId: string) {
      // A malformed id cannot be anyone's flow: the same 404 as a missing one.
      const flow = isUuid(flowId) ? await flowService.get(workspace.id, flowId.toLowerCase()) : null;
      if (!flow) throw flowNotFound();
      // Stored steps passed validation field by field (strict schemas), so nothing else rides along.
      return toFlowDetail(flow, `${publicUrl}/flow/${workspace.id}/${flow.id}`);
    },

    async startSession(workspace: Workspace, apiKey: ApiKey, body: StartSessionBody) {
      assertWritable(workspace);
      const { session, linkToken } = await sessionService.start(workspace, {
        source: "api",
        customerId: body.customerId,
        subscriptionId: body.subscriptionId || null, // "" means none, as an omitted field does
        environment: environmentFor(apiKey),
        flowId: body.flowId,
        context: body.context,
        metadata: body.metadata,
        reason: body.reason,
        returnUrl: workspace.defaultReturnUrl,
      });
      return {
        id: session.id,
        outcome: "pending" as const,
        url: `${cancelUrl}/c/${linkToken}`,
        expiresAt: iso(session.expiresAt),
      };
    },

    async getSession(workspace: Workspace, apiKey: ApiKey, sessionId: string) {
      // A malformed id cannot be anyone's session; a test key is confined to the sandbox.
      const session = isUuid(sessionId) ? await sessionService.getForKey(workspace.id, sessionId, apiKey.mode) : null;
      if (!session) throw sessionNotFound();
      return toRabbitSession(session);
    },

    async listSessions(workspace: Workspace, apiKey: ApiKey) {
      return (await sessionService.listRecent(workspace.id, environmentFor(apiKey), 100)).map(toRabbitSession);
    },

    stats(workspace: Workspace, apiKey: ApiKey, window: StatsWindow) {
      return analyticsService.stats(workspace.id, environmentFor(apiKey), window);
    },
  };
}

export type RetainrabbitService = ReturnType<typeof createRetainrabbitService>;
