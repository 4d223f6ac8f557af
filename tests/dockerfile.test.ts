// No Docker engine runs here: parse the Dockerfile and check it builds the way `npm run build` does.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import path from "node:path";
import { OUTFILE } from "../scripts/build.ts";
import { runCli } from "../src/cli/index.ts";

const root = path.resolve(import.meta.dir, "..");

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  from: string;
  name: string | null;
  instructions: Instruction[];
}

/** Instructions grouped by stage; comments dropped, `\` continuations joined. */
function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trimEnd();
    if (!pending && (line.trim() === "" || line.trim().startsWith("#"))) continue;
    if (pending && line.trim().startsWith("#")) continue;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push((pending + line.trim()).trim());
    pending = "";
  }
  if (pending) logical.push(pending.trim());
  const stages: Stage[] = [];
  for (const line of logical) {
    const [keyword, ...rest] = line.split(/\s+/);
    const args = rest.join(" ");
    if (keyword.toUpperCase() === "FROM") {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!m) throw new Error(`Unreadable FROM: ${line}`);
      stages.push({ from: m[1], name: m[2] ?? null, instructions: [] });
      continue;
    }
    if (stages.length === 0) throw new Error(`${keyword} before FROM`);
    stages.at(-1)!.instructions.push({ keyword: keyword.toUpperCase(), args });
  }
  return stages;
}

const all = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
const last = (stage: Stage, keyword: string) => all(stage, keyword).at(-1);

/** `--chown=… --from=build src dest` → { flags, sources, dest }. */
function parseCopy(args: string) {
  const words = args.split(/\s+/);
  const flags = Object.fromEntries(words.filter((w) => w.startsWith("--")).map((w) => w.slice(2).split("=") as [string, string]));
  const paths = words.filter((w) => !w.startsWith("--"));
  return { flags, sources: paths.slice(0, -1), dest: paths.at(-1)! };
}

/** Whether a .dockerignore line keeps `file` out of the build context (the plain forms we use: names, folders, *.ext). */
function ignored(patterns: string[], file: string): boolean {
  return patterns.some((p) => {
    if (p.startsWith("*.")) return file.endsWith(p.slice(1));
    const clean = p.replace(/^\/+|\/+$/g, "");
    return file === clean || file.startsWith(`${clean}/`);
  });
}

const dockerfile = readFileSync(path.join(root, "Dockerfile"), "utf8");
const stages = parseDockerfile(dockerfile);
const build = stages[0];
const runtime = stages.at(-1)!;
const BINARY = "/usr/local/bin/holdfast";

describe("Dockerfile", () => {
  test("package.json's build script is scripts/build.ts, which writes dist/holdfast", () => {
    const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
    expect(pkg.scripts.build).toBe("bun scripts/build.ts");
    expect(path.relative(root, OUTFILE)).toBe(path.join("dist", "holdfast"));
  });

  test("has a build stage and a separate runtime stage", () => {
    expect(stages.length).toBe(2);
    expect(build.name).toBe("build");
    expect(build.from).toMatch(/^node:20[\w.-]*-bookworm-slim$/);
    expect(runtime.from).toMatch(/^(gcr\.io\/distroless\/cc-debian12(:[\w.-]+)?|debian:bookworm-slim)$/);
  });

  test("the build stage installs from the lock file and runs npm run build", () => {
    const runs = all(build, "RUN");
    const ci = runs.findIndex((r) => /\bnpm ci\b/.test(r));
    const npmBuild = runs.findIndex((r) => /\bnpm run build\b/.test(r));
    expect(ci).toBeGreaterThanOrEqual(0);
    expect(npmBuild).toBeGreaterThan(ci);
    // Nothing else compiles: the only recipe is the one package.json points at.
    expect(runs.some((r) => /bun build|--compile/.test(r))).toBe(false);
    const copies = all(build, "COPY").map(parseCopy);
    expect(copies[0].sources).toEqual(["package.json", "package-lock.json"]);
    expect(copies.some((c) => c.sources.length === 1 && c.sources[0] === ".")).toBe(true);
  });

  test("the runtime stage copies the build stage's dist/holdfast and nothing from node_modules", () => {
    const workdir = last(build, "WORKDIR");
    expect(workdir).toBe("/src");
    const copies = all(runtime, "COPY").map(parseCopy);
    const binary = copies.find((c) => c.dest === BINARY);
    expect(binary).toBeDefined();
    expect(binary!.flags.from).toBe("build");
    expect(binary!.sources).toEqual([path.posix.join(workdir!, "dist", "holdfast")]);
    expect(copies.every((c) => c.flags.from === "build")).toBe(true);
    expect(copies.some((c) => c.sources.some((s) => s.includes("node_modules")))).toBe(false);
  });

  test("runs as a non-root user with /data as the volume and data dir", () => {
    const user = last(runtime, "USER");
    expect(user).toBeDefined();
    expect(user!.split(":")[0]).not.toMatch(/^(root|0)$/);
    expect(all(runtime, "VOLUME")).toEqual(["/data"]);
    expect(all(runtime, "ENV").join(" ")).toMatch(/(^|\s)HOLDFAST_DATA_DIR=\/data(\s|$)/);
    // The volume's mount point belongs to that user, or a fresh volume would not be writable.
    const data = all(runtime, "COPY").map(parseCopy).find((c) => c.dest === "/data");
    expect(data?.flags.chown).toBe(user);
    // …and closed to everyone else: the database holds the signing secrets in plaintext.
    expect(data?.flags.chmod).toBe("700");
  });

  test("exposes 3000 and checks its health with the binary's own command", async () => {
    expect(all(runtime, "EXPOSE")).toEqual(["3000"]);
    const healthcheck = last(runtime, "HEALTHCHECK")!;
    const cmd = /\bCMD\s+(\[.*\])$/.exec(healthcheck);
    expect(cmd).not.toBeNull();
    expect(JSON.parse(cmd![1])).toEqual([BINARY, "health"]);
    expect(JSON.parse(last(runtime, "ENTRYPOINT")!)).toEqual([BINARY]);
    expect(JSON.parse(last(runtime, "CMD")!)).toEqual(["serve"]);
    // Both are real commands of the binary.
    const out: string[] = [];
    const io = { out: (t: string) => void out.push(t), err: (t: string) => void out.push(t), readStdin: async () => "", env: {} };
    expect(await runCli(["health", "--help"], io)).toBe(0);
    expect(await runCli(["serve", "--help"], io)).toBe(0);
    expect(out.join("\n")).toContain("holdfast health");
  });

  test(".dockerignore keeps host builds out and what the build needs in", () => {
    const patterns = readFileSync(path.join(root, ".dockerignore"), "utf8")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#"));
    for (const out of ["node_modules/bun/package.json", "dist/holdfast", "data/holdfast.db", ".git/HEAD"])
      expect({ file: out, ignored: ignored(patterns, out) }).toEqual({ file: out, ignored: true });
    for (const keep of ["package.json", "package-lock.json", "scripts/build.ts", "src/main.ts", "src/db/migrations/0001-init.sql", "public/holdfast.css", "tsconfig.json"])
      expect({ file: keep, ignored: ignored(patterns, keep) }).toEqual({ file: keep, ignored: false });
  });
});
