// RetentBase "Custom API" routes: POST/PATCH/GET /api/v1/cancellations (bare objects, Advanced plan).
import { Elysia } from "elysia";
import type { Deps } from "../../boot.ts";
import { apiKeyAuth } from "../../http/auth.ts";
import { idempotency } from "../../http/idempotency.ts";
import { BOTH_KEYS, errors, responses } from "../../http/openapi-docs.ts";
import { checked } from "../../http/validation.ts";
import {
  applyEventAliases,
  cancellationBody,
  cancellationExample,
  cancellationListSchema,
  cancellationPatch,
  cancellationSchema,
  eventIdParams,
  listQuery,
} from "./cancellations.schemas.ts";

const TAGS = ["RetentBase"];

const answerExample = {
  id: "01937a4e-6b1c-7d2e-9f00-1a2b3c4d5e6f",
  eventId: cancellationExample.eventId,
  event_id: cancellationExample.eventId,
  sessionId: null,
  session_id: null,
  userId: "user_123",
  subscriptionId: "sub_456",
  status: "canceled",
  reason: "too expensive",
  feedback: "Budget cuts this quarter",
  offer: cancellationExample.offer,
  occurredAt: "2026-11-20T14:03:00.000Z",
  environment: "prod",
  context: cancellationExample.context,
  metadata: cancellationExample.metadata,
  recoveredMrrCents: 0,
  createdAt: "2026-11-20T14:03:02.120Z",
  updatedAt: "2026-11-20T14:03:02.120Z",
};

export function cancellationRoutes(deps: Deps) {
  const { cancellationService: service } = deps;
  return new Elysia({ name: "cancellation-routes" })
    .use(apiKeyAuth(deps))
    .use(idempotency(deps))
    .post(
      "/api/v1/cancellations",
      async ({ body, apiKey, workspace, set }) => {
        const { created, event } = await service.record(workspace, apiKey, body);
        set.status = created ? 201 : 200;
        return event;
      },
      {
        apiKey: "read_write",
        idempotent: true,
        parse: "json",
        // Never throws: a route transform runs before the key check.
        transform: ({ body }) => applyEventAliases(body),
        body: checked(cancellationBody.meta({ examples: [cancellationExample] })),
        detail: {
          tags: TAGS,
          summary: "Record a cancellation event (Advanced)",
          description:
            "Records an event from your own cancel UI or billing system, idempotent by eventId: 201 the first time, 200 with the same answer for an identical replay, 409 when the eventId exists with a different payload (use PATCH). With sessionId, the event is that hosted session's final word: the pair counts once, with the event's status. A test key records sandbox events. Honours Idempotency-Key.",
          security: BOTH_KEYS,
          responses: responses({
            201: [cancellationSchema, "Recorded", answerExample],
            200: [cancellationSchema, "Already recorded with this payload; the stored event", answerExample],
            ...errors(400, 401, 402, 403, 404, 413, 415, 422, 429),
            409: "The eventId exists with a different payload, the session is already linked, or the Idempotency-Key is in use",
          }),
        },
      },
    )
    .patch(
      "/api/v1/cancellations/:eventId",
      ({ params, body, apiKey, workspace }) => service.update(workspace, apiKey, params.eventId, body),
      {
        apiKey: "read_write",
        parse: "json",
        params: checked(eventIdParams, "Path"),
        transform: ({ body }) => applyEventAliases(body),
        body: checked(cancellationPatch.meta({ examples: [{ status: "saved", offer: { kind: "pause", months: 2 } }] })),
        detail: {
          tags: TAGS,
          summary: "Update a cancellation event (Advanced)",
          description: "Changes status, reason, feedback, offer, context, metadata or occurredAt; each field sent replaces the stored one.",
          security: BOTH_KEYS,
          responses: responses({
            200: [cancellationSchema, "The updated event", { ...answerExample, status: "saved", recoveredMrrCents: 12900 }],
            ...errors(400, 401, 402, 403, 404, 413, 415, 429),
          }),
        },
      },
    )
    .get("/api/v1/cancellations/:eventId", ({ params, apiKey, workspace }) => service.get(workspace, apiKey, params.eventId), {
      apiKey: "read",
      params: checked(eventIdParams, "Path"),
      detail: {
        tags: TAGS,
        summary: "Get a cancellation event (Advanced)",
        description: "One event by its eventId. A test key sees sandbox events only.",
        security: BOTH_KEYS,
        responses: responses({ 200: [cancellationSchema, "The event", answerExample], ...errors(401, 403, 404, 429) }),
      },
    })
    .get("/api/v1/cancellations", ({ query, apiKey, workspace }) => service.list(workspace, apiKey, query), {
      apiKey: "read",
      query: checked(listQuery, "Query"),
      detail: {
        tags: TAGS,
        summary: "List cancellation events (Advanced)",
        description:
          "Newest occurredAt first (ties by eventId), `limit` 1–100 (default 20); pass the last eventId as `starting_after` for the next page while `hasMore` is true. A live key lists production events, a test key sandbox events.",
        security: BOTH_KEYS,
        responses: responses({
          200: [cancellationListSchema, "A page of events", { data: [answerExample], hasMore: false }],
          ...errors(400, 401, 403, 429),
        }),
      },
    });
}
