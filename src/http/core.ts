// Global HTTP behaviour: request ids, body limits, JSON parsing, one error shape, one log line per request.
import { Elysia } from "elysia";
import { AppError } from "../lib/app-error.ts";
import type { Logger } from "./logger.ts";

interface RequestInfo {
  id: string;
  start: number;
  workspaceId?: string;
}

// Per-request facts that the log line needs at the end, keyed by the Request itself.
const requests = new WeakMap<Request, RequestInfo>();

export function noteWorkspace(request: Request, workspaceId: string): void {
  const info = requests.get(request);
  if (info) info.workspaceId = workspaceId;
}

const INCOMING_ID = /^[A-Za-z0-9._-]{8,128}$/;
const WRITE_METHODS = new Set(["POST", "PUT", "PATCH"]);

/** API writes take JSON only: anything else is 415 before any other check of the body. */
function requireJsonOnApiWrites(request: Request): void {
  if (!WRITE_METHODS.has(request.method)) return;
  const url = request.url;
  const pathStart = url.indexOf("/", url.indexOf("//") + 2);
  if (!url.startsWith("/api/", pathStart)) return;
  const type = request.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("application/json")) throw new AppError(415, "Content-Type must be application/json");
}

function errorBody(status: number, message: string, set: { status?: unknown; headers: Record<string, unknown> }, extra: Record<string, string> = {}) {
  set.status = status; // so the request log line reports it
  const headers = set.headers;
  const h = new Headers();
  for (const [k, v] of Object.entries(headers)) if (typeof v === "string") h.set(k, v);
  for (const [k, v] of Object.entries(extra)) h.set(k, v);
  h.set("content-type", "application/json");
  h.set("cache-control", "no-store");
  return new Response(JSON.stringify({ error: message }), { status, headers: h });
}

/** The message for a failed schema check: names the field, never echoes the submitted value. */
function validationMessage(error: unknown): string {
  const all = (error as { all?: { path?: string; message?: string; summary?: string }[] }).all ?? [];
  const first = all[0];
  if (!first) return "Invalid request";
  const path = String(first.path ?? "").replace(/^\//, "").replace(/\//g, ".");
  const message = (first.message ?? first.summary ?? "is invalid").replace(/^Invalid input: /, "");
  // Elysia names the whole body "root".
  return path && path !== "root" ? `${path}: ${message}` : `Request body: ${message}`;
}

export function httpCore({ logger, bodyLimit }: { logger: Logger; bodyLimit: number }) {
  return new Elysia({ name: "http-core" })
    .onRequest(({ request, set }) => {
      const incoming = request.headers.get("x-request-id");
      const id = incoming && INCOMING_ID.test(incoming) ? incoming : crypto.randomUUID();
      requests.set(request, { id, start: performance.now() });
      set.headers["x-request-id"] = id;
      if (WRITE_METHODS.has(request.method)) {
        const length = Number(request.headers.get("content-length") ?? 0);
        if (length > bodyLimit) throw new AppError(413, `Request body must be at most ${bodyLimit} bytes`);
      }
    })
    // Checked in parse and transform, not onRequest, so only a route that exists answers 415 (an unknown one
    // answers 404); transform covers requests without a body, which Elysia does not parse.
    .onTransform({ as: "global" }, ({ request }) => requireJsonOnApiWrites(request))
    .onParse({ as: "global" }, async ({ request, contentType }) => {
      if (!contentType?.toLowerCase().startsWith("application/json")) {
        requireJsonOnApiWrites(request);
        return;
      }
      // Read the text ourselves: a chunked body has no Content-Length to check up front.
      const bytes = await request.arrayBuffer();
      if (bytes.byteLength > bodyLimit) throw new AppError(413, `Request body must be at most ${bodyLimit} bytes`);
      const text = new TextDecoder().decode(bytes);
      if (text.trim() === "") throw new AppError(400, "Request body must be a JSON object");
      try {
        return JSON.parse(text);
      } catch {
        throw new AppError(400, "Request body is not valid JSON");
      }
    })
    .onError({ as: "global" }, ({ code, error, set, request }) => {
      // Elysia wraps whatever a parser throws in a ParseError: unwrap ours (413, bad JSON).
      const cause = code === "PARSE" ? (error as { cause?: unknown }).cause : undefined;
      if (cause instanceof AppError) return errorBody(cause.status, cause.message, set, cause.headers);
      if (error instanceof AppError) return errorBody(error.status, error.message, set, error.headers);
      switch (code) {
        case "VALIDATION":
          return errorBody(400, validationMessage(error), set);
        case "PARSE":
          return errorBody(400, "Request body could not be parsed", set);
        case "NOT_FOUND":
          return errorBody(404, `No route for ${request.method} ${new URL(request.url).pathname}`, set);
        case "INVALID_COOKIE_SIGNATURE":
          return errorBody(400, "Invalid cookie", set);
        default: {
          const info = requests.get(request);
          logger.error("unhandled error", {
            requestId: info?.id,
            error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
            stack: error instanceof Error ? error.stack : undefined,
          });
          return errorBody(500, "Something went wrong on our side; quote the X-Request-Id if it persists", set);
        }
      }
    })
    .onAfterResponse({ as: "global" }, ({ request, set, route }: { request: Request; set: { status?: unknown }; route?: string }) => {
      const info = requests.get(request);
      if (!info) return;
      // The route pattern, never the raw path: /c/<token> and signed query strings must not reach logs.
      logger.info("request", {
        method: request.method,
        path: route || "unmatched",
        status: typeof set.status === "number" ? set.status : 200,
        ms: Math.round((performance.now() - info.start) * 100) / 100,
        requestId: info.id,
        workspaceId: info.workspaceId,
      });
    })
    .as("global");
}
