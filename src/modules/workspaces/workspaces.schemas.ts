// The workspace's value lists, each defined once: zod enums, types and CLI choices derive from them.
import { z } from "zod";
import { AppError } from "../../lib/app-error.ts";
import { plainText } from "../../lib/text.ts";

export const PLANS = ["core", "advanced"] as const;
export type Plan = (typeof PLANS)[number];
export const planSchema = z.enum(PLANS);

/** read_only: the subscription to Holdfast lapsed; reads work, new sessions are refused (402). */
export const ACCESSES = ["active", "read_only"] as const;
export type Access = (typeof ACCESSES)[number];
export const accessSchema = z.enum(ACCESSES);

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** An https URL (http only on loopback) with a host and no credentials; null when it is not one. */
function webUrl(value: string, opts: { httpOnLoopback: boolean }): URL | null {
  if (!/^https?:\/\/[^/\\]/i.test(value)) return null; // refuses //host, relative forms, javascript: and data:
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.username || url.password || !url.hostname) return null;
  if (url.protocol === "https:") return url;
  return url.protocol === "http:" && opts.httpOnLoopback && LOOPBACK.has(url.hostname) ? url : null;
}

// A path on this server: one leading slash, then URL path characters only (no second slash, no backslash, no
// spaces or quotes), so `//evil.example` and `/\evil.example` can never become another host.
const LOCAL_PATH = /^\/(?![/\\])[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*(\?[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*)?$/;

const returnUrl = plainText(z.string().max(2000)).refine(
  (v) => webUrl(v, { httpOnLoopback: true }) !== null,
  "must be an https URL (http only for localhost)",
);

/** `scheme://host[:port]` and nothing else: what a CSP frame-ancestors source may be, with no way to add another. */
const frameOrigin = z
  .string()
  .max(300)
  .refine((v) => {
    if (!/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/.test(v) && !/^http:\/\/\[::1\](:\d{1,5})?$/.test(v)) return false;
    const url = webUrl(v, { httpOnLoopback: true });
    return url !== null && url.origin === v.toLowerCase();
  }, "must be origins only, like https://app.example.com or https://app.example.com:8443 (http only for localhost)")
  .transform((v) => v.toLowerCase());

const logoUrl = plainText(z.string().max(2000)).refine(
  (v) => LOCAL_PATH.test(v) || webUrl(v, { httpOnLoopback: false }) !== null,
  "must be an https://host/… URL or a path on this server like /assets/logo.svg",
);

/**
 * Everything an operator may set on a workspace, checked once: the CLI (through the workspace service) and the
 * dashboard use this schema. Omitted fields are left alone on update; null clears an optional one.
 */
export const workspaceInputSchema = z.object({
  name: plainText(z.string().trim().min(1, "must be 1 to 200 characters").max(200, "must be 1 to 200 characters")).optional(),
  plan: z.enum(PLANS, `must be ${PLANS.join(" or ")}`).optional(),
  access: z.enum(ACCESSES, `must be ${ACCESSES.join(" or ")}`).optional(),
  defaultReturnUrl: returnUrl.nullable().optional(),
  allowedReturnUrls: z.array(returnUrl).max(50, "must list at most 50 prefixes").optional(),
  frameAncestors: z.array(frameOrigin).max(20, "must list at most 20 origins").optional(),
  displayName: plainText(z.string().trim().min(1, "must be 1 to 100 characters").max(100, "must be 1 to 100 characters")).nullable().optional(),
  accentColor: z.string().regex(/^#[0-9a-fA-F]{6}$/, "must be a hex colour like #4f46e5").nullable().optional(),
  logoUrl: logoUrl.nullable().optional(),
  linkTtlMinutes: z.number().int("must be a whole number from 1 to 10080").min(1, "must be a whole number from 1 to 10080").max(7 * 24 * 60, "must be a whole number from 1 to 10080").optional(),
});
export type WorkspaceInput = z.output<typeof workspaceInputSchema>;

/** The input checked and normalised, or an AppError(400) whose message names the field (never its value). */
export function parseWorkspaceInput(input: unknown): WorkspaceInput {
  const parsed = workspaceInputSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue.path.filter((p) => typeof p === "string").join(".") || "workspace";
  throw new AppError(400, `${field} ${issue.message}`);
}
