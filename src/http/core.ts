// Global HTTP behaviour: request ids, body limits, JSON parsing, one error shape, one log line per request.
import { Elysia } from "elysia";
import { AppError } from "../lib/app-error.ts";
import type { Logger } from "./logger.ts";
import { bodyLimitFor, declaredLength, parseBody, readBody, tooLarge, type BodyLimits } from "./body.ts";

interface RequestInfo {
  id: string;
  start: number;
  workspaceId?: string;
  onErrorAnswer?: ErrorListener;
}

/** Told, synchronously, the status and message of the error answer a request is about to get. */
export type ErrorListener = (status: number, message: string) => void;

// Per-request facts that the log line needs at the end, keyed by the Request itself.
const requests = new WeakMap<Request, RequestInfo>();

export function noteWorkspace(request: Request, workspaceId: string): void {
  const info = requests.get(request);
  if (info) info.workspaceId = workspaceId;
}

/** The workspace an API key authenticated this request for (null before authentication). */
export function workspaceOf(request: Request): string | null {
  return requests.get(request)?.workspaceId ?? null;
}

/**
 * Lets a plugin learn how a request failed before the answer leaves (Idempotency-Key stores it): Elysia's
 * afterResponse runs a tick later, when a retry could already be asking.
 */
export function onErrorAnswer(request: Request, listener: ErrorListener): void {
  const info = requests.get(request);
  if (info) info.onErrorAnswer = listener;
}

const INCOMING_ID = /^[A-Za-z0-9._-]{8,128}$/;
const WRITE_METHODS = new Set(["POST", "PUT", "PATCH"]);

/** The path of a request URL without building a URL object (this runs on every request). */
function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start === -1) return "/";
  const end = url.slice(start).search(/[?#]/);
  return end === -1 ? url.slice(start) : url.slice(start, start + end);
}

/** API writes take JSON only: anything else is 415 before any other check of the body. */
function requireJsonOnApiWrites(request: Request, rawBodyPaths: ReadonlySet<string>): void {
  if (!WRITE_METHODS.has(request.method)) return;
  const path = pathOf(request.url);
  if (!path.startsWith("/api/") || rawBodyPaths.has(path)) return;
  const type = request.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("application/json")) throw new AppError(415, "Content-Type must be application/json");
}

function errorBody(status: number, message: string, set: { status?: unknown; headers: Record<string, unknown> }, extra: Record<string, string> = {}, request?: Request) {
  set.status = status; // so the request log line reports it
  if (request) requests.get(request)?.onErrorAnswer?.(status, message);
  const headers = set.headers;
  const h = new Headers();
  for (const [k, v] of Object.entries(headers)) if (typeof v === "string") h.set(k, v);
  for (const [k, v] of Object.entries(extra)) h.set(k, v);
  h.set("content-type", "application/json");
  h.set("cache-control", "no-store");
  return new Response(JSON.stringify({ error: message }), { status, headers: h });
}

/**
 * `rawBodyPaths` get their body as the exact text received, whatever its type: a webhook whose signature
 * covers the bytes must see them before any parsing (and is not refused with 415).
 */
export function httpCore({ logger, bodyLimits, rawBodyPaths = [] }: { logger: Logger; bodyLimits: BodyLimits; rawBodyPaths?: string[] }) {
  const raw = new Set(rawBodyPaths);
  return new Elysia({ name: "http-core" })
    .onRequest(({ request, set }) => {
      const incoming = request.headers.get("x-request-id");
      const id = incoming && INCOMING_ID.test(incoming) ? incoming : crypto.randomUUID();
      requests.set(request, { id, start: performance.now() });
      set.headers["x-request-id"] = id;
      // A declared length over the limit is refused before a byte is read (even on a route that does not exist).
      const declared = declaredLength(request);
      if (declared !== null && declared > 0) {
        const limit = bodyLimitFor(bodyLimits, pathOf(request.url));
        if (declared > limit) throw tooLarge(limit);
      }
    })
    // Checked in parse and transform, not onRequest, so only a route that exists answers 415 (an unknown one
    // answers 404); transform covers requests without a body, which Elysia does not parse.
    .onTransform({ as: "global" }, ({ request }) => requireJsonOnApiWrites(request, raw))
    // Every body is read here, within its route group's limit, whatever its type: Elysia's own parsers would
    // buffer without a bound. JSON is depth-checked in a linear pre-scan before JSON.parse.
    .onParse({ as: "global" }, async ({ request, contentType }) => {
      const path = pathOf(request.url);
      if (raw.has(path)) return new TextDecoder().decode(request.body ? await readBody(request, bodyLimitFor(bodyLimits, path)) : new Uint8Array());
      const mediaType = (contentType ?? "").trim().toLowerCase();
      if (mediaType !== "application/json") requireJsonOnApiWrites(request, raw);
      if (!request.body) return;
      const bytes = await readBody(request, bodyLimitFor(bodyLimits, path));
      return parseBody(bytes, mediaType, request.headers.get("content-type") ?? "");
    })
    .onError({ as: "global" }, ({ code, error, set, request }) => {
      // Elysia wraps whatever a parser throws in a ParseError: unwrap ours (413, bad JSON).
      const cause = code === "PARSE" ? (error as { cause?: unknown }).cause : undefined;
      if (cause instanceof AppError) return errorBody(cause.status, cause.message, set, cause.headers, request);
      if (error instanceof AppError) return errorBody(error.status, error.message, set, error.headers, request);
      switch (code) {
        case "VALIDATION":
          // Route schemas go through checked() and throw our AppError instead; never read this error's
          // message or `.all` (both serialize the submitted value).
          return errorBody(400, "The request is invalid", set, {}, request);
        case "PARSE":
          return errorBody(400, "Request body could not be parsed", set, {}, request);
        case "NOT_FOUND":
          return errorBody(404, `No route for ${request.method} ${new URL(request.url).pathname}`, set, {}, request);
        case "INVALID_COOKIE_SIGNATURE":
          return errorBody(400, "Invalid cookie", set, {}, request);
        default: {
          const info = requests.get(request);
          logger.error("unhandled error", {
            requestId: info?.id,
            error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
            stack: error instanceof Error ? error.stack : undefined,
          });
          return errorBody(500, "Something went wrong on our side; quote the X-Request-Id if it persists", set, {}, request);
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
