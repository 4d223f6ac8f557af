// RetentBase-compatible routes: cancel links, result verification, session diagnostics.
import { Elysia } from "elysia";
import type { Deps } from "../../boot.ts";
import { apiKeyAuth, presentedKey } from "../../http/auth.ts";
import { rateLimit, rateLimitError } from "../../http/rate-limit.ts";
import { AppError } from "../../lib/app-error.ts";
import { idempotency } from "../../http/idempotency.ts";
import { BOTH_KEYS, errors, responses } from "../../http/openapi-docs.ts";
import { checked } from "../../http/validation.ts";
import { CANCEL_LINK_ALIASES, cancelLinkBody, cancelLinkResponse, diagnosticsSchema, resultBody, resultPayloadSchema, sessionIdParams } from "./retentbase.schemas.ts";

export function retentbaseRoutes(deps: Deps) {
  const { retentbaseService: retentbase, keyService, rateLimiter, clientIp } = deps;

  /** The workspace of an optional API key; a bad one counts against the per-IP failed-key budget, as everywhere. */
  async function keyWorkspaceId(request: Request): Promise<string | undefined> {
    const raw = presentedKey(request.headers);
    if (raw === null) return undefined;
    const ip = clientIp(request);
    const failures = rateLimiter.peek("failedKey", ip);
    if (!failures.allowed) throw rateLimitError(failures);
    const apiKey = await keyService.authenticate(raw);
    if (apiKey) return apiKey.workspaceId;
    const decision = rateLimiter.hit("failedKey", ip);
    throw decision.allowed ? new AppError(401, "Invalid or revoked API key") : rateLimitError(decision);
  }

  return new Elysia({ name: "retentbase-routes" })
    .use(apiKeyAuth(deps))
    .use(rateLimit(deps))
    .use(idempotency(deps))
    .post("/api/v1/cancel-link", ({ body, apiKey, workspace }) => retentbase.createCancelLink(workspace, apiKey, body), {
      apiKey: "read_write",
      idempotent: true,
      parse: "json",
      // Never throws: a route transform runs before the key check, and a bad body is the schema's to refuse.
      transform({ body }) {
        if (body && typeof body === "object" && !Array.isArray(body)) {
          const b = body as Record<string, unknown>;
          // An alias sent alone becomes the field (and is dropped, so the conflict check sees one spelling only).
          for (const [from, to] of CANCEL_LINK_ALIASES) {
            if (b[to] === undefined && b[from] !== undefined) {
              b[to] = b[from];
              delete b[from];
            }
          }
        }
      },
      body: checked(cancelLinkBody),
      detail: {
        tags: ["RetentBase"],
        summary: "Create a hosted cancel link",
        description: "Creates a hosted-flow URL with a short-lived token and a session_id for diagnostics. Core and Advanced plans.",
        security: BOTH_KEYS,
        responses: responses({
          200: [cancelLinkResponse, "Hosted URL, expiresAt, environment and sessionId (with snake_case aliases)"],
          ...errors(400, 401, 402, 403, 409, 413, 415, 422, 429),
        }),
      },
    })
    .post(
      "/api/public/cancel/result",
      async ({ body, request }) => retentbase.verifyResult(body, await keyWorkspaceId(request)),
      {
        rateLimit: "result",
        parse: "json",
        body: checked(resultBody),
        detail: {
          tags: ["RetentBase"],
          summary: "Verify a result token",
          description:
            "Verifies the signed ci_result_token from the callback URL fragment and returns the trusted outcome. No API key needed; with `workspaceId` or a key, a token of any other workspace is refused.",
          security: [{}, ...BOTH_KEYS],
          responses: responses({
            200: [resultPayloadSchema, "Token valid; the trusted result payload"],
            400: "Missing, malformed or forged token, outside the token policy, or of another workspace",
            401: "Expired token, or an invalid API key",
            ...errors(413, 415, 429),
          }),
        },
      },
    )
    // The guide's table: an empty id is a 400 naming it, not a 404 for an unknown route.
    .get(
      "/api/v1/cancel-sessions/",
      () => {
        throw new AppError(400, "Missing session_id");
      },
      { apiKey: "read", detail: { hide: true } },
    )
    .get(
      "/api/v1/cancel-sessions/:session_id",
      ({ params, apiKey, workspace }) => retentbase.diagnostics(workspace, apiKey, params.session_id),
      {
        apiKey: "read",
        params: checked(sessionIdParams, "Path"),
        detail: {
          tags: ["RetentBase"],
          summary: "Session diagnostics (Advanced)",
          description: "Session state (created → opened → completed | expired), outcome, reason, offer, environment, timestamps.",
          security: BOTH_KEYS,
          responses: responses({ 200: [diagnosticsSchema, "Session status"], ...errors(400, 401, 403, 404, 429) }),
        },
      },
    );
}
