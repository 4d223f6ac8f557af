// GET /logos/:workspaceId: an uploaded logo, served by the binary (the hosted page loads nothing from elsewhere).
import { Elysia } from "elysia";
import type { Deps } from "../../boot.ts";
import { isUuid } from "../../lib/crypto.ts";

export function brandingRoutes(deps: Deps) {
  const { brandingService } = deps;
  return new Elysia({ name: "branding-routes" }).get(
    "/logos/:workspaceId",
    async ({ params, request }) => {
      const logo = isUuid(params.workspaceId) ? await brandingService.get(params.workspaceId) : null;
      if (!logo) return Response.json({ error: "No logo for this workspace" }, { status: 404 });
      const etag = `"${logo.digest.slice(0, 32)}"`;
      const headers = {
        etag,
        "content-type": logo.contentType,
        // The URL carries the digest (?v=…), so a changed logo is a new URL.
        "cache-control": "public, max-age=86400",
        "x-content-type-options": "nosniff",
        // Opened directly, an SVG is a document: give it nothing to run or load.
        "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
        "cross-origin-resource-policy": "same-site",
      };
      if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
      return new Response(logo.body as Uint8Array<ArrayBuffer>, { headers });
    },
    { detail: { hide: true } },
  );
}
