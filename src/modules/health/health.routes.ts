// Liveness: GET /api/health; with ?deep=1 and an API key, every part (database, migrations, Stripe, mail, webhooks).
import { Elysia } from "elysia";
import { z } from "zod";
import type { Deps } from "../../boot.ts";
import { presentedKey } from "../../http/auth.ts";
import { AppError } from "../../lib/app-error.ts";
import { BOTH_KEYS, responses } from "../../http/openapi-docs.ts";
import { checked } from "../../http/validation.ts";

const healthSchema = z.object({
  status: z.enum(["ok", "degraded"]),
  version: z.string(),
  uptimeSeconds: z.number(),
  checks: z
    .object({
      database: z.enum(["ok", "failing"]),
      migrations: z.object({ applied: z.number(), expected: z.number() }),
      stripe: z.object({
        configured: z.boolean().describe("STRIPE_SECRET_KEY is set"),
        lastEventAt: z.string().nullable().describe("ISO time the last Stripe event arrived"),
        failedEvents: z.number().describe("Events kept as failed, waiting for a replay"),
        api: z.string().describe('"ok" or "error: …" from a cheap Stripe API call (cached for a minute), or "not configured"'),
      }),
      notifications: z.object({
        configured: z.boolean().describe("SMTP_URL is set"),
        smtp: z.string().describe('"ok", "error: …" (the server did not answer a connect + EHLO + login), or "not configured"'),
        lastReportAt: z.string().nullable().describe("When a scheduled or claimed report was last sent (ISO 8601)"),
        failedReports: z.number().describe("Report deliveries of the last 28 days waiting for a retry or given up"),
      }),
      webhookPipeline: z.object({
        pending: z.number().describe("Applied events whose follow-up (owner mail) is not done yet"),
        failed: z.number().describe("Failed events plus failed follow-ups"),
        oldestPendingAt: z.string().nullable(),
      }),
    })
    .optional()
    .describe("Only with ?deep=1 and an API key (or a dashboard sign-in)"),
});

/** Whether a request comes from a signed-in dashboard operator (the shell answers this). */
export type OperatorCheck = (request: Request) => Promise<boolean>;

export function healthRoutes(deps: Deps, isOperator: OperatorCheck = async () => false) {
  const { keyService, healthService } = deps;
  return new Elysia({ name: "health-routes" }).get(
    "/api/health",
    async ({ query, request, set }) => {
      if (query.deep === undefined || query.deep === "0" || query.deep === "false") return healthService.live();
      const raw = presentedKey(request.headers);
      const allowed = raw ? !!(await keyService.authenticate(raw)) : await isOperator(request);
      if (!allowed) throw new AppError(401, "The deep health check needs an API key or a dashboard sign-in");
      const result = await healthService.deep();
      if (result.status !== "ok") set.status = 503;
      return result;
    },
    {
      query: checked(z.object({ deep: z.string().optional() }), "Query"),
      detail: {
        tags: ["Health"],
        summary: "Liveness (and deep check)",
        description: "No key needed for liveness. `?deep=1` needs an API key (or a signed-in dashboard session) and also checks the database, migrations, Stripe billing " +
          "(last event, failed events, API reachability), notifications (SMTP) and the webhook pipeline; 503 `degraded` when a configured part fails.",
        security: [{}, ...BOTH_KEYS],
        responses: responses({ 200: [healthSchema, "The server is up"], 401: "Deep check without a valid API key or dashboard sign-in", 503: [healthSchema, "A deep check failed"] }),
      },
    },
  );
}
