// Liveness: GET /api/health; with ?deep=1 and an API key, the database and migrations too.
import { Elysia } from "elysia";
import { z } from "zod";
import type { Deps } from "../../deps.ts";
import { presentedKey } from "../../http/auth.ts";
import { HttpError } from "../../http/errors.ts";
import { BOTH_KEYS, responses } from "../../http/openapi-docs.ts";
import { migrations } from "../../db/migrations/index.ts";
import { VERSION } from "../../lib/version.ts";
import { createHealthStore } from "./health.store.ts";

const healthSchema = z.object({
  status: z.enum(["ok", "degraded"]),
  version: z.string(),
  uptimeSeconds: z.number(),
  checks: z
    .object({
      database: z.enum(["ok", "failing"]),
      migrations: z.object({ applied: z.number(), expected: z.number() }),
    })
    .optional()
    .describe("Only with ?deep=1 and an API key"),
});

export function healthRoutes(deps: Deps) {
  const { keyService, clock } = deps;
  const store = createHealthStore({ db: deps.db });

  return new Elysia({ name: "health-routes" }).get(
    "/api/health",
    async ({ query, request, set }) => {
      const base = { version: VERSION, uptimeSeconds: Math.floor((clock.now() - deps.startedAt) / 1000) };
      if (query.deep === undefined || query.deep === "0" || query.deep === "false") {
        await store.ping();
        return { status: "ok" as const, ...base };
      }
      const raw = presentedKey(request.headers);
      if (!raw || !(await keyService.authenticate(raw))) throw new HttpError(401, "The deep health check needs an API key");
      const { database, appliedMigrations } = await store.deepCheck();
      const checks = { database, migrations: { applied: appliedMigrations, expected: migrations.length } };
      const ok = checks.database === "ok" && checks.migrations.applied === checks.migrations.expected;
      if (!ok) set.status = 503;
      return { status: ok ? ("ok" as const) : ("degraded" as const), ...base, checks };
    },
    {
      query: z.object({ deep: z.string().optional() }),
      detail: {
        tags: ["Health"],
        summary: "Liveness (and deep check)",
        description: "No key needed for liveness. `?deep=1` also checks the database and migrations and needs an API key.",
        security: [{}, ...BOTH_KEYS],
        responses: responses({ 200: [healthSchema, "The server is up"], 401: "Deep check without a valid API key", 503: [healthSchema, "A deep check failed"] }),
      },
    },
  );
}
