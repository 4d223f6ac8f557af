// The dashboard's HTTP safety: the login cookie, the CSRF checks (origin + synchronizer token), and page headers.
import { safeEqual } from "../../lib/crypto.ts";

export interface CookieNames {
  session: string;
  /** The pre-login CSRF cookie (double submit) for the login, setup and invitation forms. */
  preAuth: string;
  secure: boolean;
}

/** `__Host-` names and Secure when the public URL is https; plain names otherwise (and the shell shows a warning). */
export function cookieNames(publicUrl: string): CookieNames {
  const secure = publicUrl.startsWith("https://");
  return secure
    ? { session: "__Host-holdfast_session", preAuth: "__Host-holdfast_csrf", secure }
    : { session: "holdfast_session", preAuth: "holdfast_csrf", secure };
}

export function setCookie(names: CookieNames, name: string, value: string, maxAgeSeconds: number): string {
  return [`${name}=${value}`, "Path=/", "HttpOnly", "SameSite=Lax", `Max-Age=${maxAgeSeconds}`, ...(names.secure ? ["Secure"] : [])].join("; ");
}

export function clearCookie(names: CookieNames, name: string): string {
  return setCookie(names, name, "", 0);
}

export function readCookie(request: Request, name: string): string | null {
  const header = request.headers.get("cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

/**
 * A state-changing request must come from our own pages: the browser's Origin (or, failing that,
 * Sec-Fetch-Site) must name the public origin. A request with neither is refused too: every browser
 * sends one of them on a form POST, and anything else has no business posting dashboard forms.
 */
export function sameOrigin(request: Request, publicOrigin: string): boolean {
  const origin = request.headers.get("origin");
  if (origin !== null) return origin === publicOrigin;
  const site = request.headers.get("sec-fetch-site");
  return site === "same-origin";
}

export function tokenMatches(sent: unknown, expected: string): boolean {
  return typeof sent === "string" && sent.length > 0 && safeEqual(sent, expected);
}

/** Headers of every dashboard page: strict CSP, never framed, never cached, same-origin referrers only. */
/** `formActions`: origins a page's forms may lead to besides this one (a 303 to Stripe Checkout counts). */
/** `frames`: the page shows our own pages in an iframe (the flow editor's preview); no other page may frame anything. */
export function dashboardHeaders(extra: Record<string, string> = {}, formActions: string[] = [], frames = false): Record<string, string> {
  return {
    "content-type": "text/html; charset=utf-8",
    "content-security-policy": [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "connect-src 'self'",
      ...(frames ? ["frame-src 'self'"] : []),
      "base-uri 'none'",
      ["form-action 'self'", ...formActions].join(" "),
      "frame-ancestors 'none'",
    ].join("; "),
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "x-content-type-options": "nosniff",
    "cache-control": "no-store",
    ...extra,
  };
}
