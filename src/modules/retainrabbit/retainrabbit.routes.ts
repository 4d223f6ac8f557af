// RetainRabbit-compatible routes: flows, sessions and stats, every success wrapped in { data }.
import { Elysia } from "elysia";
import type { Deps } from "../../boot.ts";
import { apiKeyAuth } from "../../http/auth.ts";
import { idempotency } from "../../http/idempotency.ts";
import { BOTH_KEYS, errors, responses } from "../../http/openapi-docs.ts";
import { checked } from "../../http/validation.ts";
import {
  flowDetailResponse,
  flowListResponse,
  idParams,
  sessionListResponse,
  sessionResponse,
  startSessionBody,
  startedSessionResponse,
  statsQuery,
  statsResponse,
} from "./retainrabbit.schemas.ts";

const TAGS = ["RetainRabbit"];

export function retainrabbitRoutes(deps: Deps) {
  const { retainrabbitService: rabbit } = deps;
  return new Elysia({ name: "retainrabbit-routes" })
    .use(apiKeyAuth(deps))
    .use(idempotency(deps))
    .get("/api/v1/flows", async ({ workspace }) => ({ data: await rabbit.listFlows(workspace) }), {
      apiKey: "read",
      detail: {
        tags: TAGS,
        summary: "List flows",
        description: "The workspace's flows: id, name, slug, status and when each last changed.",
        security: BOTH_KEYS,
        responses: responses({ 200: [flowListResponse, "The workspace's flows"], ...errors(401, 429) }),
      },
    })
    .get("/api/v1/flows/:id", async ({ params, workspace }) => ({ data: await rabbit.getFlow(workspace, params.id) }), {
      apiKey: "read",
      params: checked(idParams, "Path"),
      detail: {
        tags: TAGS,
        summary: "Get a flow",
        description: "One flow with its public step shape (offers list the reasons they are shown for) and its hostedUrl.",
        security: BOTH_KEYS,
        responses: responses({ 200: [flowDetailResponse, "The flow"], ...errors(401, 404, 429) }),
      },
    })
    .post(
      "/api/v1/sessions",
      async ({ body, apiKey, workspace }) => ({ data: await rabbit.startSession(workspace, apiKey, body) }),
      {
        apiKey: "read_write",
        idempotent: true,
        // The global parser still reads the body; naming "json" here is what puts the body schema into the OpenAPI document.
        parse: "json",
        transform({ body }) {
          // Holdfast's other API (and RetentBase code) names the subscriber userId; accept it here too.
          // Never throw here: this hook runs before the key check, and a keyless request must get 401.
          if (body && typeof body === "object" && !Array.isArray(body)) {
            const b = body as Record<string, unknown>;
            if (b.customerId === undefined && b.userId !== undefined) b.customerId = b.userId;
          }
        },
        body: checked(startSessionBody),
        detail: {
          tags: TAGS,
          summary: "Start a session",
          description:
            "Starts a cancellation session from your backend and returns the hosted flow url to send the customer to. A test key starts sandbox sessions.",
          security: BOTH_KEYS,
          responses: responses({
            200: [startedSessionResponse, "The new session, still pending"],
            ...errors(400, 401, 402, 403, 404, 409, 413, 415, 422, 429),
          }),
        },
      },
    )
    .get("/api/v1/sessions", async ({ apiKey, workspace }) => ({ data: await rabbit.listSessions(workspace, apiKey) }), {
      apiKey: "read",
      detail: {
        tags: TAGS,
        summary: "List recent sessions",
        description: "The 100 most recent sessions, newest first: non-test sessions for a live key, sandbox sessions for a test key.",
        security: BOTH_KEYS,
        responses: responses({ 200: [sessionListResponse, "Sessions, newest first"], ...errors(401, 429) }),
      },
    })
    .get(
      "/api/v1/sessions/:id",
      async ({ params, apiKey, workspace }) => ({ data: await rabbit.getSession(workspace, apiKey, params.id) }),
      {
        apiKey: "read",
        params: checked(idParams, "Path"),
        detail: {
          tags: TAGS,
          summary: "Get a session",
          description: "Poll a session's outcome, whichever API started it. A test key sees sandbox sessions only.",
          security: BOTH_KEYS,
          responses: responses({ 200: [sessionResponse, "The session"], ...errors(401, 404, 429) }),
        },
      },
    )
    .get(
      "/api/v1/stats",
      async ({ query, apiKey, workspace }) => ({ data: await rabbit.stats(workspace, apiKey, query.window) }),
      {
        apiKey: "read",
        query: checked(statsQuery, "Query"),
        detail: {
          tags: TAGS,
          summary: "Recovery stats",
          description:
            "Sessions, outcomes, save rate and recovered MRR over a window. A live key counts non-test sessions only; a test key counts sandbox sessions.",
          security: BOTH_KEYS,
          responses: responses({ 200: [statsResponse, "The recovery summary"], ...errors(400, 401, 429) }),
        },
      },
    );
}
