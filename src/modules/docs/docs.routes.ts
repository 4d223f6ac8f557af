// The OpenAPI document (generated from the route schemas) and its viewer, served entirely by the binary.
import { Elysia } from "elysia";
import { openapi } from "@elysiajs/openapi";
import { z } from "zod";
import { VERSION } from "../../lib/version.ts";

const viewerHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Holdfast API</title>
<link rel="icon" href="/assets/favicon.svg">
</head>
<body>
<script id="api-reference" data-url="/swagger/json" data-configuration='{"withDefaultFonts":false,"hideClientButton":true,"telemetry":false,"agent":{"disabled":true},"showDeveloperTools":"never"}'></script>
<script src="/swagger/scalar.js"></script>
</body>
</html>`;

// The viewer injects its own styles at run time, so this one page allows inline style (never inline script).
const viewerHeaders = {
  "content-type": "text/html; charset=utf-8",
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
};

/**
 * A request schema as JSON Schema. zod leaves `examples` out when the schema transforms anything (an example is
 * taken to show the output); a request body's examples show what to send, so they are put back.
 */
function requestJsonSchema(schema: z.ZodType) {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  const examples = z.globalRegistry.get(schema)?.examples;
  if (examples !== undefined && json.examples === undefined) json.examples = examples;
  return json;
}

export function docsRoutes(publicUrl: string) {
  return new Elysia({ name: "docs-routes" })
    .use(
      openapi({
        path: "/swagger",
        specPath: "/swagger/json",
        provider: null,
        mapJsonSchema: { zod: requestJsonSchema },
        exclude: { paths: [/^\/c\//, /^\/flow\//, /^\/assets\//, /^\/swagger/, /^\/dashboard/] },
        documentation: {
          info: {
            title: "Holdfast API",
            version: VERSION,
            description:
              "Self-hosted cancellation platform. RetentBase-compatible and RetainRabbit-compatible endpoints live side by side under /api.",
          },
          servers: [{ url: publicUrl }],
          tags: [
            { name: "RetentBase", description: "Hosted cancel links, signed results, diagnostics" },
            { name: "RetainRabbit", description: "Flows, sessions and stats, wrapped in { data }" },
            { name: "Analytics", description: "Retention figures and weekly issues (Holdfast-native, read scope, wrapped in { data })" },
            { name: "Flows", description: "Flows as code: create, replace, publish, versions, diff and roll back, wrapped in { data }" },
            { name: "Health", description: "Liveness" },
          ],
          components: {
            securitySchemes: {
              bearerKey: { type: "http", scheme: "bearer", description: "Authorization: Bearer hf_live_… or hf_test_…" },
              headerKey: { type: "apiKey", in: "header", name: "x-api-key", description: "x-api-key: hf_live_…" },
            },
          },
        },
      }),
    )
    .get("/swagger", () => new Response(viewerHtml, { headers: viewerHeaders }), { detail: { hide: true } });
}
