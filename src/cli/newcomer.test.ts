// What a newcomer meets at the command line: "did you mean", configuration as environment, the exit-code rule,
// a health check that names its URL, ISO timestamps, an update that says what changed, and branding rules.
import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runCli } from "./index.ts";
import type { Io } from "./context.ts";

const temps: string[] = [];
let dataDir = "";
beforeEach(() => {
  const dir = mkdtempSync(path.join(tmpdir(), "hf-cli-new-"));
  temps.push(dir);
  dataDir = path.join(dir, "data");
});
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

async function run(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (t) => void out.push(t), err: (t) => void err.push(t), readStdin: async () => "", env: { HOLDFAST_DATA_DIR: dataDir, ...env } };
  const code = await runCli(argv, io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

async function workspace(...extra: string[]): Promise<string> {
  const r = await run(["workspace", "create", "--name", "Acme", "--json", ...extra]);
  expect(r.code).toBe(0);
  return JSON.parse(r.out).id;
}

describe("did you mean", () => {
  test.each([
    [["workspce"], "Unknown command: workspce (did you mean workspace?)"],
    [["workspace", "creat"], "Unknown workspace command: creat (did you mean create?)"],
    [["key", "lst"], "Unknown key command: lst (did you mean list?)"],
    [["user", "craete"], "Unknown user command: craete (did you mean create?)"],
    [["workspace", "list", "--jsn"], "Unknown option '--jsn' (did you mean --json?)"],
    [["workspace", "create", "--nmae", "x"], "Unknown option '--nmae' (did you mean --name?)"],
  ])("%j → exit 2, %s", async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
  });
});

describe("configuration is the environment's", () => {
  test.each([
    ["--port", "PORT"],
    ["--port=8080", "PORT"],
    ["--host", "HOST"],
    ["--data-dir", "HOLDFAST_DATA_DIR"],
  ])("serve %s → exit 2, says to use %s", async (flag, variable) => {
    const r = await run(["serve", flag, "8080"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`set the environment variable ${variable}`);
  });

  test("a data directory that cannot be created names HOLDFAST_DATA_DIR, not a bare ENOENT", async () => {
    const r = await run(["workspace", "list"], { HOLDFAST_DATA_DIR: "/proc/holdfast-cannot-be-here" });
    expect(r.code).toBe(2);
    expect(r.err).toStartWith("holdfast: Invalid HOLDFAST_DATA_DIR: cannot open /proc/holdfast-cannot-be-here/holdfast.db");
  });
});

describe("health", () => {
  test("names the URL it tried when nothing answers (exit 1)", async () => {
    const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
    const port = probe.port!;
    await probe.stop(true);
    const r = await run(["health"], { PORT: String(port) });
    expect(r.code).toBe(1);
    expect(r.err).toBe(`unhealthy: http://127.0.0.1:${port}/api/health: connection refused (is the server running on this PORT?)`);
  });

  test("names the URL and the status when the answer is not ok", async () => {
    const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => Response.json({ status: "degraded" }, { status: 503 }) });
    try {
      const r = await run(["health"], { PORT: String(server.port) });
      expect(r).toEqual({ code: 1, out: "", err: `unhealthy: http://127.0.0.1:${server.port}/api/health answered HTTP 503` });
    } finally {
      await server.stop(true);
    }
  });
});

describe("workspace output", () => {
  test("list --json writes ISO 8601 timestamps", async () => {
    await workspace();
    const [listed] = JSON.parse((await run(["workspace", "list", "--json"])).out);
    expect(listed.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(listed.updatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  test("update prints each field it changed, or that nothing changed", async () => {
    const id = await workspace();
    const changed = await run(["workspace", "update", id, "--name", "Acme Inc", "--logo-url", "/assets/favicon.svg", "--frame-ancestor", "https://App.Example.com"]);
    expect(changed).toEqual({
      code: 0,
      out: [`Updated workspace ${id} (Acme Inc):`, "  name: Acme → Acme Inc", "  frameAncestors: (none) → https://app.example.com", "  logoUrl: - → /assets/favicon.svg"].join("\n"),
      err: "",
    });
    expect(await run(["workspace", "update", id, "--name", "Acme Inc"])).toEqual({ code: 0, out: `Workspace ${id} (Acme Inc) unchanged`, err: "" });
  });

  test.each([
    ["--logo-url", "//evil.example/logo.png", "logoUrl must be"],
    ["--logo-url", "/\\evil.example/logo.png", "logoUrl must be"],
    ["--logo-url", "http://cdn.example.com/logo.png", "logoUrl must be"],
    ["--logo-url", "javascript:alert(1)", "logoUrl must be"],
    ["--frame-ancestor", "https://app.example.com/path", "frameAncestors must be origins only"],
    ["--frame-ancestor", "https://a.example.com; script-src *", "frameAncestors must be origins only"],
    ["--frame-ancestor", "https://a.example.com https://b.example.com", "frameAncestors must be origins only"],
    ["--frame-ancestor", "https://*.example.com", "frameAncestors must be origins only"],
    ["--default-return-url", "https://app.example.com/\u0000", "defaultReturnUrl must not contain control characters"],
  ])("update %s %j → exit 2 naming the field, nothing changed", async (flag, value, message) => {
    const id = await workspace();
    const r = await run(["workspace", "update", id, flag, value]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`holdfast: ${message}${r.err.slice(`holdfast: ${message}`.length)}`);
    expect(r.err).toContain(message);
    expect(r.err).not.toContain("evil");
    const [listed] = JSON.parse((await run(["workspace", "list", "--json"])).out);
    expect(listed).toMatchObject({ logoUrl: null, frameAncestors: [], defaultReturnUrl: null });
  });
});
