// Where a worker thread's entry is. Run from source it is the .ts file under src/; in a compiled binary it is the
// entry Bun embedded for it (scripts/build.ts lists every worker as an entrypoint), which Bun keeps under
// /$bunfs/root/ by its path under src/, as .js. A relative `new URL(…, import.meta.url)` would not find it there:
// every bundled module's import.meta.url is the binary's own.
import path from "node:path";

const EMBEDDED = "/$bunfs/root/";

export function workerUrl(pathUnderSrc: string): string {
  if (import.meta.path.startsWith(EMBEDDED)) return EMBEDDED + pathUnderSrc.replace(/\.ts$/, ".js");
  return path.join(import.meta.dir, "..", pathUnderSrc);
}
