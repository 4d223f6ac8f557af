// Text that is safe to store and show: no control characters, no lone UTF-16 surrogates. zod helpers for schemas.
import { z } from "zod";

// C0 controls, DEL and C1 controls. Free text may still carry tab, line feed and carriage return.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** Why a string is not acceptable text, or null when it is. Never mentions the value itself. */
export function textProblem(value: string, opts: { multiline?: boolean } = {}): string | null {
  if (!value.isWellFormed()) return "must be valid Unicode text (it contains a lone surrogate)";
  if ((opts.multiline ? CONTROL_EXCEPT_LINES : CONTROL).test(value)) return "must not contain control characters";
  return null;
}

function checked(schema: z.ZodString, multiline: boolean) {
  return schema.superRefine((value, ctx) => {
    const problem = textProblem(value, { multiline });
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
}

/** An id or a one-line value: no control characters at all. */
export const plainText = (schema: z.ZodString = z.string()) => checked(schema, false);

/** Free text (feedback, metadata values): line breaks and tabs allowed, other controls not. */
export const freeText = (schema: z.ZodString = z.string()) => checked(schema, true);
