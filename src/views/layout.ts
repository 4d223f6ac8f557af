// The page shell for hosted pages: brand header, one stylesheet, optional enhancement script.
import { html, raw, type SafeHtml } from "./html.ts";

export interface Brand {
  name: string;
  accentColor: string;
  logoUrl: string | null;
}

export const DEFAULT_ACCENT = "#4f46e5";

/** Black or white, whichever reads better on the accent (WCAG relative luminance). */
export function textOn(hex: string): "#000000" | "#ffffff" {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) ? "#000000" : "#ffffff";
}

/** The one inline style a page carries (the brand colours); its hash goes into the CSP. */
export function brandStyle(brand: Brand): string {
  return `:root{--accent:${brand.accentColor};--on-accent:${textOn(brand.accentColor)}}`;
}

export function styleHash(style: string): string {
  return `'sha256-${new Bun.CryptoHasher("sha256").update(style).digest("base64")}'`;
}

export interface LayoutOptions {
  title: string;
  /** Without a brand (an unknown link: nobody to speak for) the page names no one, not even the vendor. */
  brand: Brand | null;
  body: SafeHtml;
  script?: boolean;
  /** The page's language (BCP 47), for screen readers and hyphenation. */
  lang?: string;
  /** The footer line, in the page's language. */
  footer?: string;
  /** Where the page sends the browser after 5 seconds (the completion URL of a finished flow). */
  refreshUrl?: string | null;
  /** Inside the dashboard's preview frame: names the page's landmarks so they differ from the dashboard's own. */
  landmarkPrefix?: string;
}

export function layout(opts: LayoutOptions): string {
  const { title, body } = opts;
  const brand = opts.brand ?? { name: "", accentColor: DEFAULT_ACCENT, logoUrl: null };
  const named = Boolean(opts.brand);
  return `<!doctype html>${html`<html lang="${opts.lang ?? "en"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
${opts.refreshUrl ? html`<meta http-equiv="refresh" content="5;url=${opts.refreshUrl}">` : ""}
<title>${named ? `${title} · ${brand.name}` : title}</title>
<link rel="icon" href="/assets/favicon.svg">
<link rel="stylesheet" href="/assets/holdfast.css">
<style>${raw(brandStyle(brand))}</style>
${opts.script ? raw('<script src="/assets/flow.js" defer></script>') : ""}
</head>
<body>
${named ? html`<header class="brand"${opts.landmarkPrefix ? html` aria-label="${opts.landmarkPrefix}: brand"` : ""}>
${brand.logoUrl ? html`<img class="brand-logo" src="${brand.logoUrl}" alt="" width="32" height="32">` : html`<span class="brand-mark" aria-hidden="true">${brand.name.slice(0, 1).toUpperCase()}</span>`}
<span class="brand-name">${brand.name}</span>
</header>` : ""}
<main id="main" class="card"${opts.landmarkPrefix ? html` aria-label="${opts.landmarkPrefix}: page"` : ""}>
${body}
</main>
${named ? html`<footer class="foot">${opts.footer ?? `Cancellation handled securely for ${brand.name}`}</footer>` : ""}
</body>
</html>`}`;
}
