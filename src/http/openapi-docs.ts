// Documents responses in the OpenAPI document without validating them at run time (they are built by our code).
import { z } from "zod";

export const errorSchema = z.object({ error: z.string().describe("A message a person can act on") });

const STATUS_TEXT: Record<number, string> = {
  400: "Invalid input; the message names the field",
  401: "Missing or invalid API key",
  402: "Workspace is read-only due to expired subscription access",
  403: "Forbidden: read-only key, or the plan lacks this endpoint",
  404: "Not found in your workspace",
  409: "Conflict",
  410: "Gone",
  413: "Request body over 64 KiB",
  415: "Content-Type must be application/json",
  422: "Idempotency-Key already used with a different request",
  429: "Rate limit exceeded (see Retry-After)",
};

/** A schema, what it is, and optionally an example answer. */
type Described = [z.ZodType, string] | [z.ZodType, string, unknown];

/** `{ 200: [schema, "what"], 400: "why", … }` → an OpenAPI responses object. */
// The shape Elysia's `detail.responses` expects (OpenAPI's ResponsesObject); JSON Schema is opaque to it.
type ResponsesObject = Record<string, { description: string; content: Record<string, { schema: any; example?: unknown }> }>;

export function responses(spec: Record<number, Described | string>): ResponsesObject {
  const out: ResponsesObject = {};
  for (const [status, value] of Object.entries(spec)) {
    const [schema, description, example] = typeof value === "string" ? [errorSchema, value, undefined] : value;
    const media: { schema: any; example?: unknown } = { schema: z.toJSONSchema(schema, { io: "output", unrepresentable: "any" }) };
    if (example !== undefined) media.example = example;
    out[status] = { description: description || STATUS_TEXT[Number(status)] || "", content: { "application/json": media } };
  }
  return out;
}

export const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, STATUS_TEXT[s] ?? "Error"])) as Record<number, string>;

export const BOTH_KEYS: Record<string, string[]>[] = [{ bearerKey: [] }, { headerKey: [] }];
