// Liveness: GET /api/health; with ?deep=1 and an API key, the database and migrations too.
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
      notifications: z.object({
        configured: z.boolean().describe("SMTP_URL is set"),
        smtp: z.string().describe('"ok", "error: …" (the server did not answer a connect + EHLO + login), or "not configured"'),
        lastReportAt: z.string().nullable().describe("When a scheduled or claimed report was last sent (ISO 8601)"),
        failedReports: z.number().describe("Report deliveries of the last 28 days waiting for a retry or given up"),
      }),
    })
    .optional()
    .describe("Only with ?deep=1 and an API key"),
});

export function healthRoutes(deps: Deps) {
  const { keyService, healthService } = deps;
  return new Elysia({ name: "health-routes" }).get(
    "/api/health",
    async ({ query, request, set }) => {
      if (query.deep === undefined || query.deep === "0" || query.deep === "false") return healthService.live();
      const raw = presentedKey(request.headers);
      if (!raw || !(await keyService.authenticate(raw))) throw new AppError(401, "The deep health check needs an API key");
      const result = await healthService.deep();
      if (result.status !== "ok") set.status = 503;
      return result;
    },
    {
      query: checked(z.object({ deep: z.string().optional() }), "Query"),
      detail: {
        tags: ["Health"],
        summary: "Liveness (and deep check)",
        description: "No key needed for liveness. `?deep=1` also checks the database, migrations and outgoing mail (SMTP), and needs an API key.",
        security: [{}, ...BOTH_KEYS],
        responses: responses({ 200: [healthSchema, "The server is up"], 401: "Deep check without a valid API key", 503: [healthSchema, "A deep check failed"] }),
      },
    },
  );
}
