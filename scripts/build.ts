// `npm run build`: compiles src/main.ts, public/, the migrations and the OpenAPI viewer into one binary, dist/holdfast.
import { mkdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dir, "..");
export const OUTFILE = path.join(root, "dist", "holdfast");

// The arguments are the whole recipe; the Dockerfile runs this same script, and tests/release.test.ts runs the result.
export const BUILD_ARGS = [
  "build",
  "--compile",
  "--minify",
  "--sourcemap",
  // A bunfig.toml in whatever folder the binary is started from must not change how it runs.
  "--no-compile-autoload-bunfig",
  // Production mode for Elysia and the app (see src/production-mode.ts): aot handlers precompiled at start-up.
  "--define",
  'process.env.NODE_ENV="production"',
  "src/main.ts",
  // The import's threads (see src/cli/cancellations.ts): a compiled binary holds a worker only when it is an entrypoint.
  "src/modules/cancellations/import-worker.ts",
  "src/db/checkpoint-worker.ts",
  "--outfile",
  OUTFILE,
];

export async function build(): Promise<string> {
  mkdirSync(path.dirname(OUTFILE), { recursive: true });
  rmSync(OUTFILE, { force: true });
  // process.execPath is the Bun running this script: the pinned one from node_modules under `npm run build`.
  const proc = Bun.spawn([process.execPath, ...BUILD_ARGS], { cwd: root, stdout: "inherit", stderr: "inherit" });
  const code = await proc.exited;
  if (code !== 0) throw new Error(`bun build exited with ${code}`);
  const size = statSync(OUTFILE).size;
  console.log(`built ${path.relative(root, OUTFILE)} (${(size / 1024 / 1024).toFixed(1)} MB)`);
  return OUTFILE;
}

if (import.meta.main) {
  try {
    await build();
  } catch (error) {
    console.error(`build failed: ${(error as Error).message}`);
    process.exit(1);
  }
}
