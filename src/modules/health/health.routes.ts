// Liveness: GET /api/health.
import { Elysia } from "elysia";
import { z } from "zod";
import type { Deps } from "../../deps.ts";
import { responses } from "../../http/openapi-docs.ts";
import { VERSION } from "../../lib/version.ts";

const healthSchema = z.object({ status: z.literal("ok"), version: z.string(), uptimeSeconds: z.number() });

export function healthRoutes(deps: Deps) {
  return new Elysia({ name: "health-routes" }).get(
    "/api/health",
    () => {
      deps.db.query("select 1").get();
      return { status: "ok" as const, version: VERSION, uptimeSeconds: Math.floor((deps.clock.now() - deps.startedAt) / 1000) };
    },
    {
      detail: {
        tags: ["Health"],
        summary: "Liveness",
        security: [],
        responses: responses({ 200: [healthSchema, "The server is up and its database answers"] }),
      },
    },
  );
}
