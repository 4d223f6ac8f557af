// holdfast flow …: export → import round trips, publishing, versions, and every mistake, on a real data dir.
import { afterAll, beforeEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Database } from "bun:sqlite";
import { runCli } from "./index.ts";
import type { Io } from "./context.ts";
import { everyKindSteps } from "../../tests/flow-fixtures.ts";

// Each command boots the app on a real data dir: seconds apiece on a busy box.
setDefaultTimeout(60_000);

const temps: string[] = [];
let dir = "";
let dataDir = "";

async function run(argv: string[], stdin?: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    readStdin: async () => {
      if (stdin === undefined) throw new Error("the command read stdin unexpectedly");
      return stdin;
    },
    env: { HOLDFAST_DATA_DIR: dataDir },
  };
  const code = await runCli(argv, io);
  return { code, out: out.join(""), err: err.join("\n") };
}

async function ok(argv: string[], stdin?: string): Promise<string> {
  const r = await run(argv, stdin);
  if (r.code !== 0) throw new Error(`holdfast ${argv.join(" ")} exited ${r.code}: ${r.err}`);
  expect(r.err).toBe("");
  return r.out;
}

async function workspace(name = "Acme"): Promise<string> {
  return JSON.parse(await ok(["workspace", "create", "--name", name, "--json"])).id;
}

async function defaultFlowId(ws: string): Promise<string> {
  const flows = JSON.parse(await ok(["flow", "list", "--workspace", ws, "--json"]));
  return flows.find((f: { isDefault: boolean }) => f.isDefault).id;
}

function file(name: string, content: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}

function versionsInDb(): number {
  const db = new Database(path.join(dataDir, "holdfast.db"), { readonly: true });
  try {
    return (db.query("select count(*) as n from flow_versions").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "hf-flow-cli-"));
  temps.push(dir);
  dataDir = path.join(dir, "data");
});
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

describe("holdfast flow export / import", () => {
  test("export → import into another workspace → export gives the same bytes", async () => {
    const a = await workspace("A");
    const b = await workspace("B");
    const original = JSON.stringify({ name: "Win-back", slug: "win-back", steps: everyKindSteps() }, null, 2) + "\n";
    expect(await ok(["flow", "import", file("in.json", original), "--workspace", a, "--publish"])).toMatch(/^Created flow [0-9a-f-]{36} \(win-back\) in workspace .*: published version 1\n?$/);
    const flows = JSON.parse(await ok(["flow", "list", "--workspace", a, "--json"]));
    const id = flows.find((f: { slug: string }) => f.slug === "win-back").id;

    const exported = await ok(["flow", "export", id]);
    expect(exported).toBe(original);
    await ok(["flow", "import", file("exported.json", exported), "--workspace", b, "--publish"]);
    const idB = JSON.parse(await ok(["flow", "list", "--workspace", b, "--json"])).find((f: { slug: string }) => f.slug === "win-back").id;
    expect(idB).not.toBe(id);
    expect(await ok(["flow", "export", idB])).toBe(exported);

    // The default flow round-trips too.
    const def = await ok(["flow", "export", await defaultFlowId(a)]);
    await ok(["flow", "import", "-", "--workspace", b, "--publish"], def.replace('"slug": "default"', '"slug": "default-copy"'));
    const copyId = JSON.parse(await ok(["flow", "list", "--workspace", b, "--json"])).find((f: { slug: string }) => f.slug === "default-copy").id;
    expect(await ok(["flow", "export", copyId])).toBe(def.replace('"slug": "default"', '"slug": "default-copy"'));
  });

  test("re-importing updates the flow by slug; --publish makes a version only when the steps changed", async () => {
    const ws = await workspace();
    const doc = { name: "Win-back", slug: "win-back", steps: everyKindSteps() };
    const path1 = file("flow.json", JSON.stringify(doc));
    expect(await ok(["flow", "import", path1])).toContain("saved as a draft"); // one workspace: --workspace may be left out
    const id = JSON.parse(await ok(["flow", "list", "--workspace", ws, "--json"])).find((f: { slug: string }) => f.slug === "win-back").id;
    const before = versionsInDb();
    expect(await ok(["flow", "import", path1, "--publish"])).toContain("published version 1");
    expect(await ok(["flow", "import", path1, "--publish"])).toContain("unchanged: version 1 is already these steps");
    expect(versionsInDb()).toBe(before + 1);

    doc.steps[1].config.percentOff = 45;
    expect(await ok(["flow", "import", file("flow2.json", JSON.stringify(doc)), "--publish"])).toContain(`Updated flow ${id} (win-back)`);
    expect(JSON.parse(await ok(["flow", "export", id])).steps[1].config.percentOff).toBe(45);
    expect(JSON.parse(await ok(["flow", "export", id, "--version", "1"])).steps[1].config.percentOff).toBe(30);

    expect(await ok(["flow", "diff", id, "1", "2"])).toBe("~ steps[1].config.percentOff: 30 → 45");
    expect(await ok(["flow", "publish", id, "--version", "1"])).toBe("Published version 3 (a copy of version 1)");
    const versions = JSON.parse(await ok(["flow", "versions", id, "--json"]));
    expect(versions.map((v: { version: number; current: boolean; restoredFrom: number | null }) => [v.version, v.current, v.restoredFrom])).toEqual([
      [3, true, 1],
      [2, false, null],
      [1, false, null],
    ]);
    expect(versions.map((v: { publishedBy: string | null }) => v.publishedBy)).toEqual(["command line", "command line", "command line"]);
    expect(await ok(["flow", "publish", id])).toBe("Unchanged: version 3 is already these steps");
  });

  test("mistakes: exit non-zero with a message on stderr naming the file and field; nothing is written", async () => {
    const ws = await workspace();
    const flowId = await defaultFlowId(ws);
    const bad = { name: "Bad", steps: everyKindSteps() };
    bad.steps[1].config.percentOff = 0;
    const cases: [string[], string, string?][] = [
      [["flow", "import", file("bad.json", JSON.stringify(bad))], "bad.json: steps[1].config.percentOff must be between 1 and 100"],
      [["flow", "import", file("broken.json", "{ nope")], "broken.json is not valid JSON"],
      [["flow", "import", path.join(dir, "missing.json")], "Cannot read"],
      [["flow", "import"], "flow import needs a FILE"],
      [["flow", "import", file("ok.json", JSON.stringify({ ...bad, steps: everyKindSteps() })), "--workspace", "nope"], "No workspace with id nope"],
      [["flow", "export"], "flow export needs the flow ID"],
      [["flow", "export", "00000000-0000-0000-0000-000000000000"], "No flow with id"],
      [["flow", "export", flowId, "--version", "x"], "--version must be a positive whole number"],
      [["flow", "export", flowId, "--version", "9"], "version 9 does not exist for this flow"],
      [["flow", "diff", flowId, "1"], "flow diff needs ID FROM TO"],
      [["flow", "bogus"], "Unknown flow command: bogus"],
    ];
    const before = versionsInDb();
    for (const [argv, message] of cases) {
      const r = await run(argv);
      expect(r.code).not.toBe(0);
      expect(r.err).toContain(message);
      expect(r.out).toBe("");
    }
    expect(versionsInDb()).toBe(before);
    await workspace("Second");
    const r = await run(["flow", "import", path.join(dir, "ok.json")]);
    expect(r.err).toContain("--workspace is required when there is more than one workspace");
    expect((await run(["flow", "--help"])).out).toContain("holdfast flow export ID");
  });
});
