// Route schemas that refuse bad input with our own 400 and never let the framework build its error.
// Elysia's ValidationError serializes the whole submitted value into its message (pretty-printed outside
// production, which is quadratic in the nesting depth) and re-validates for `.all`; we would discard all of
// it. A schema passed through `checked` throws an AppError from its Standard Schema `validate`, naming the
// first failing field from the issue path and never echoing a value, so that constructor is never reached.
import type { z } from "zod";
import { AppError } from "../lib/app-error.ts";

const CHECKED = Symbol.for("holdfast.checked-schema");

interface Issue {
  path?: readonly (PropertyKey | { key: PropertyKey })[];
  message?: string;
}

/** "field.sub: message", or "<where>: message" when the whole value is wrong. Never the value itself. */
export function issueMessage(issue: Issue | undefined, where: string): string {
  if (!issue) return `${where}: is invalid`;
  const path = (issue.path ?? []).map((p) => String(typeof p === "object" && p !== null ? p.key : p)).join(".");
  const message = (issue.message ?? "is invalid").replace(/^Invalid input: /, "");
  return path ? `${path}: ${message}` : `${where}: ${message}`;
}

/**
 * `schema` for a route's body, query or params: same validation, types and OpenAPI document, but a failure
 * is a 400 AppError thrown from validation itself. `where` names the whole value in messages.
 */
export function checked<T extends z.ZodType>(schema: T, where = "Request body"): T {
  const wrapped = schema.clone() as T;
  const standard = schema["~standard"];
  const validate = (value: unknown) => {
    const result = standard.validate(value);
    if (result instanceof Promise) throw new AppError(500, "Route schemas must validate synchronously");
    if (result.issues) throw new AppError(400, issueMessage(result.issues[0], where));
    return result;
  };
  // zod lets a schema's Standard Schema surface be replaced (it has a setter for exactly this).
  Object.defineProperty(wrapped, "~standard", { value: { ...standard, validate }, enumerable: false, configurable: true });
  Object.defineProperty(wrapped, CHECKED, { value: true });
  return wrapped;
}

export function isChecked(schema: unknown): boolean {
  return typeof schema === "object" && schema !== null && (schema as Record<symbol, unknown>)[CHECKED] === true;
}
