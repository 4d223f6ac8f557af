// Static files embedded in the binary: imported as files so `bun build --compile` carries them.
import css from "../../public/holdfast.css" with { type: "file" };
import flowJs from "../../public/flow.js" with { type: "file" };
import dashboardCss from "../../public/dashboard.css" with { type: "file" };
import dashboardJs from "../../public/dashboard.js" with { type: "file" };
import flowEditorJs from "../../public/flow-editor.js" with { type: "file" };
import favicon from "../../public/favicon.svg" with { type: "file" };
import scalar from "../../node_modules/@scalar/api-reference/dist/browser/standalone.js" with { type: "file" };

export interface Asset {
  path: string;
  type: string;
}

export const ASSETS: Record<string, Asset> = {
  "/assets/holdfast.css": { path: css, type: "text/css; charset=utf-8" },
  "/assets/flow.js": { path: flowJs, type: "text/javascript; charset=utf-8" },
  "/assets/dashboard.css": { path: dashboardCss, type: "text/css; charset=utf-8" },
  "/assets/dashboard.js": { path: dashboardJs, type: "text/javascript; charset=utf-8" },
  "/assets/flow-editor.js": { path: flowEditorJs, type: "text/javascript; charset=utf-8" },
  "/assets/favicon.svg": { path: favicon, type: "image/svg+xml" },
  "/swagger/scalar.js": { path: scalar, type: "text/javascript; charset=utf-8" },
};

interface LoadedAsset {
  type: string;
  body: Uint8Array<ArrayBuffer>;
  etag: string;
  /** The gzip form, for text (the OpenAPI viewer's ~3.5 MB script shrinks to under a third); made once, on first need. */
  gzip: (() => { body: Uint8Array<ArrayBuffer>; etag: string }) | null;
}
type LoadedAssets = Map<string, LoadedAsset>;

// The files are part of the binary and never change while it runs: every app in the process (tests boot many)
// shares one read and one compression, done on first use.
let loaded: Promise<LoadedAssets> | null = null;

/** Reads each asset once into memory; `compress` also makes every gzip form now (the server does, before listening). */
export async function loadAssets(opts: { compress?: boolean } = {}): Promise<LoadedAssets> {
  loaded ??= readAssets();
  const assets = await loaded;
  if (opts.compress) for (const asset of assets.values()) asset.gzip?.();
  return assets;
}

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

async function readAssets(): Promise<LoadedAssets> {
  const out: LoadedAssets = new Map();
  for (const [url, asset] of Object.entries(ASSETS)) {
    const body = new Uint8Array(await Bun.file(asset.path).arrayBuffer());
    const hash = new Bun.CryptoHasher("sha1").update(body).digest("hex").slice(0, 16);
    const text = /^text\/|javascript|svg|json/.test(asset.type);
    out.set(url, {
      type: asset.type,
      body,
      etag: `"${hash}"`,
      gzip: text ? once(() => ({ body: new Uint8Array(Bun.gzipSync(body, { level: 9 })), etag: `"${hash}-gz"` })) : null,
    });
  }
  return out;
}

/** True when the client takes gzip (Accept-Encoding lists gzip or *, without q=0). */
export function acceptsGzip(header: string | null): boolean {
  if (!header) return false;
  return header.split(",").some((part) => {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (name.trim() !== "gzip" && name.trim() !== "*") return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return !q || Number(q.slice(2)) > 0;
  });
}

/** Serves an embedded file: gzip when the client accepts it, an ETag per form, 304 on a revisit. */
export async function serveAsset(request: Request): Promise<Response> {
  const asset = (await loadAssets()).get(new URL(request.url).pathname);
  if (!asset) return Response.json({ error: "No such asset" }, { status: 404 });
  const form = asset.gzip && acceptsGzip(request.headers.get("accept-encoding")) ? asset.gzip() : null;
  const etag = form?.etag ?? asset.etag;
  // Caches must key on Accept-Encoding: the same URL has two bodies.
  const vary: Record<string, string> = asset.gzip ? { vary: "Accept-Encoding" } : {};
  if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers: { etag, ...vary } });
  return new Response(form?.body ?? asset.body, {
    headers: {
      "content-type": asset.type,
      etag,
      "cache-control": "public, max-age=3600",
      "x-content-type-options": "nosniff",
      ...vary,
      ...(form ? { "content-encoding": "gzip" } : {}),
    },
  });
}
