// Return-URL safety: only absolute http(s) URLs, no userinfo, plain http only on loopback.
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** The parsed URL when it is a safe absolute return URL, otherwise null. */
export function parseReturnUrl(value: string): URL | null {
  if (!/^https?:\/\//i.test(value)) return null; // refuses javascript:, data:, //evil and relative forms
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.username || url.password) return null;
  if (url.protocol === "https:") return url;
  if (url.protocol === "http:" && LOOPBACK.has(url.hostname)) return url;
  return null;
}

/** True when the URL's origin equals a prefix's origin exactly and its path sits under the prefix's path. */
export function isAllowlisted(value: string, prefixes: readonly string[]): boolean {
  const url = parseReturnUrl(value);
  if (!url) return false;
  return prefixes.some((prefix) => {
    const allowed = parseReturnUrl(prefix);
    if (!allowed || allowed.origin !== url.origin) return false;
    const base = allowed.pathname;
    if (base === "/" || base.endsWith("/")) return url.pathname.startsWith(base);
    return url.pathname === base || url.pathname.startsWith(`${base}/`);
  });
}
