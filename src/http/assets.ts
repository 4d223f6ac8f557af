// Static files embedded in the binary: imported as files so `bun build --compile` carries them.
import css from "../../public/holdfast.css" with { type: "file" };
import flowJs from "../../public/flow.js" with { type: "file" };
import dashboardCss from "../../public/dashboard.css" with { type: "file" };
import dashboardJs from "../../public/dashboard.js" with { type: "file" };
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
  "/assets/favicon.svg": { path: favicon, type: "image/svg+xml" },
  "/swagger/scalar.js": { path: scalar, type: "text/javascript; charset=utf-8" },
};

type LoadedAssets = Map<string, { body: ArrayBuffer; type: string; etag: string }>;

// The files are part of the binary and never change while it runs: every app in the process (tests boot many)
// shares one read.
let loaded: Promise<LoadedAssets> | null = null;

/** Reads each asset once into memory: they are small (the viewer is the largest, ~3.5 MB). */
export function loadAssets(): Promise<LoadedAssets> {
  loaded ??= readAssets();
  return loaded;
}

async function readAssets(): Promise<LoadedAssets> {
  const out = new Map<string, { body: ArrayBuffer; type: string; etag: string }>();
  for (const [url, asset] of Object.entries(ASSETS)) {
    const body = await Bun.file(asset.path).arrayBuffer();
    const etag = `"${new Bun.CryptoHasher("sha1").update(body).digest("hex").slice(0, 16)}"`;
    out.set(url, { body, type: asset.type, etag });
  }
  return out;
}
