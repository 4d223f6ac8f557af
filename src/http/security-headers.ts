// Response headers for pages: a strict CSP (no inline script or style) and friends.
export interface PageSecurity {
  /** Origins a form on the page may send the browser to (the return URL's origin). */
  formTargets?: string[];
  /** Origins allowed to frame the page; none by default. */
  frameAncestors?: string[];
  /** Origins images may come from besides this server (a workspace logo). */
  imageOrigins?: string[];
  /** CSP hashes of the page's own inline <style> elements. */
  styleHashes?: string[];
}

export function pageHeaders(opts: PageSecurity = {}): Record<string, string> {
  const formAction = ["'self'", ...(opts.formTargets ?? [])].join(" ");
  const frames = opts.frameAncestors?.length ? opts.frameAncestors.join(" ") : "'none'";
  const images = ["'self'", "data:", ...(opts.imageOrigins ?? [])].join(" ");
  return {
    "content-type": "text/html; charset=utf-8",
    "content-security-policy": [
      "default-src 'none'",
      "script-src 'self'",
      ["style-src 'self'", ...(opts.styleHashes ?? [])].join(" "),
      `img-src ${images}`,
      "connect-src 'self'",
      "font-src 'self'",
      "base-uri 'none'",
      `form-action ${formAction}`,
      `frame-ancestors ${frames}`,
    ].join("; "),
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "cache-control": "no-store",
    ...(opts.frameAncestors?.length ? {} : { "x-frame-options": "DENY" }),
  };
}

export function originOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
