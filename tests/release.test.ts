// The release smoke test: build the single binary, run it alone from an empty folder, and use it.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Subprocess } from "bun";
import { Database } from "bun:sqlite";
import pkg from "../package.json";

const root = path.resolve(import.meta.dir, "..");
const bun = path.join(root, "node_modules", ".bin", "bun");
const BUILD_TIMEOUT = 240_000;

const temps: string[] = [];
const children: Subprocess[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

function freePort(): number {
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port!;
  probe.stop(true);
  return port;
}

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe("release binary", () => {
  // Shared by the steps below, in order.
  let folder = "";
  let binary = "";
  let dataDir = "";
  let port = 0;
  let server: Subprocess<"ignore", "pipe", "pipe"> | null = null;
  // Only what a bare box would have: no repo paths, no NODE_PATH, nothing from this checkout.
  let env: Record<string, string> = {};
  const url = (p: string) => `http://127.0.0.1:${port}${p}`;

  test(
    "npm run build writes dist/holdfast, with no path of the build machine inside",
    async () => {
      const build = Bun.spawn([bun, "scripts/build.ts"], { cwd: root, stdout: "pipe", stderr: "pipe" });
      const [code, out, err] = await Promise.all([build.exited, new Response(build.stdout).text(), new Response(build.stderr).text()]);
      if (code !== 0) throw new Error(`build failed (${code}):\n${out}\n${err}`);
      const built = path.join(root, "dist", "holdfast");
      expect(statSync(built).size).toBeGreaterThan(10 * 1024 * 1024);
      expect(statSync(built).mode & 0o111).not.toBe(0);
      // A path to this checkout baked into the binary would break it on any other machine.
      const bytes = Buffer.from(await Bun.file(built).arrayBuffer());
      expect(bytes.indexOf(`${root}/`)).toBe(-1);

      folder = tempDir("hf-release-");
      binary = path.join(folder, "holdfast");
      copyFileSync(built, binary);
      chmodSync(binary, 0o755);
      expect(readdirSync(folder)).toEqual(["holdfast"]);
    },
    BUILD_TIMEOUT,
  );

  test(
    "serves health, the OpenAPI viewer and embedded assets from an empty folder",
    async () => {
      expect(binary).not.toBe("");
      // A folder that does not exist yet: the binary creates it and the database in it.
      dataDir = path.join(tempDir("hf-release-data-"), "nested", "data");
      port = freePort();
      env = { PATH: "/usr/bin:/bin", HOME: folder, HOLDFAST_DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "info" };
      server = Bun.spawn([binary, "serve"], { cwd: folder, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
      children.push(server);

      const deadline = Date.now() + 15_000;
      let health: Response | null = null;
      while (!health) {
        if (server.exitCode !== null) throw new Error(`holdfast exited with ${server.exitCode}: ${await new Response(server.stderr).text()}`);
        if (Date.now() > deadline) throw new Error("holdfast did not answer /api/health within 15 s");
        health = await fetch(url("/api/health")).catch(() => null);
        if (!health) await Bun.sleep(100);
      }
      expect(health.status).toBe(200);
      expect(health.headers.get("x-request-id")).toBeTruthy();
      const body = await health.json();
      expect(body).toEqual({ status: "ok", version: pkg.version, uptimeSeconds: expect.any(Number) });

      const viewer = await fetch(url("/swagger"));
      expect(viewer.status).toBe(200);
      expect(viewer.headers.get("content-type")).toStartWith("text/html");
      const html = await viewer.text();
      expect(html).toContain('<script src="/swagger/scalar.js"></script>');
      expect(html).toContain('data-url="/swagger/json"');
      // Served entirely by the binary: no CDN, no absolute URL to any other host.
      expect(html).not.toMatch(/https?:\/\/|\/\/cdn|jsdelivr|unpkg/);

      const doc = await fetch(url("/swagger/json"));
      expect(doc.status).toBe(200);
      const openapi = await doc.json();
      expect(openapi.info.version).toBe(pkg.version);
      expect(Object.keys(openapi.paths)).toContain("/api/v1/cancel-link");

      const scalar = await fetch(url("/swagger/scalar.js"));
      expect(scalar.status).toBe(200);
      expect(scalar.headers.get("content-type")).toStartWith("text/javascript");
      const js = await scalar.text();
      expect(js.length).toBeGreaterThan(1_000_000);
      expect(js).toBe(await Bun.file(path.join(root, "node_modules/@scalar/api-reference/dist/browser/standalone.js")).text());

      const css = await fetch(url("/assets/holdfast.css"));
      expect(css.status).toBe(200);
      expect(css.headers.get("content-type")).toStartWith("text/css");
      expect(await css.text()).toBe(await Bun.file(path.join(root, "public/holdfast.css")).text());

      const missing = await fetch(url("/no/such/page"));
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({ error: "No route for GET /no/such/page" });

      expect(existsSync(path.join(dataDir, "holdfast.db"))).toBe(true);
      // Nothing lands in the folder it was started from.
      expect(readdirSync(folder)).toEqual(["holdfast"]);
    },
    60_000,
  );

  test(
    "the binary's CLI creates a workspace whose key works against the running server",
    async () => {
      expect(server).not.toBeNull();
      const cli = Bun.spawn([binary, "workspace", "create", "--name", "Release Co", "--default-return-url", "https://app.example.com/billing/done", "--json"], { cwd: folder, env, stdout: "pipe", stderr: "pipe" });
      const [code, out, err] = await Promise.all([cli.exited, new Response(cli.stdout).text(), new Response(cli.stderr).text()]);
      expect({ code, err }).toEqual({ code: 0, err: "" });
      const created = JSON.parse(out);
      expect(Object.keys(created).sort()).toEqual(["id", "liveKey", "name", "plan", "signingSecret", "testKey"]);
      expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(created.name).toBe("Release Co");
      expect(created.plan).toBe("core");
      expect(created.liveKey).toMatch(/^hf_live_[0-9A-Za-z]{16,64}$/);
      expect(created.testKey).toMatch(/^hf_test_[0-9A-Za-z]{16,64}$/);
      expect(created.signingSecret.length).toBeGreaterThanOrEqual(43);

      const link = await fetch(url("/api/v1/cancel-link"), {
        method: "POST",
        headers: { authorization: `Bearer ${created.liveKey}`, "content-type": "application/json" },
        body: JSON.stringify({ userId: "user_123", context: { plan: "pro" } }),
      });
      expect(link.status).toBe(200);
      const session = await link.json();
      expect(session.environment).toBe("prod");
      expect(session.sessionId).toBe(session.session_id);
      expect(session.url).toStartWith(`http://localhost:${port}/c/`);

      // The hosted flow page behind the link renders from the binary, with its embedded stylesheet.
      const page = await fetch(session.url.replace("http://localhost:", "http://127.0.0.1:"));
      expect(page.status).toBe(200);
      expect(page.headers.get("content-type")).toStartWith("text/html");
      expect(await page.text()).toContain('<link rel="stylesheet" href="/assets/holdfast.css">');

      const db = new Database(path.join(dataDir, "holdfast.db"), { readonly: true });
      try {
        expect(db.query("select id, name from workspaces").all()).toEqual([{ id: created.id, name: "Release Co" }]);
        expect(db.query("select count(*) as n from sessions where workspace_id = ?").get(created.id)).toEqual({ n: 1 });
      } finally {
        db.close();
      }
    },
    60_000,
  );

  test(
    "the binary's import runs its reader and checkpointer threads from the embedded entries, beside the server",
    async () => {
      expect(server).not.toBeNull();
      const cli = (...args: string[]) => Bun.spawn([binary, ...args], { cwd: folder, env, stdout: "pipe", stderr: "pipe" });
      const created = cli("workspace", "create", "--name", "Importer", "--plan", "advanced", "--json");
      const workspace = JSON.parse(await new Response(created.stdout).text());
      expect(await created.exited).toBe(0);
      // Enough rows for several batches, and so several commits for the checkpointer thread to follow.
      const file = path.join(tempDir("hf-release-import-"), "history.jsonl");
      const rows = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ eventId: `rel_${i}`, userId: `u${i % 70}`, status: i % 4 ? "canceled" : "saved", context: { mrr: 20 } }));
      await Bun.write(file, [...rows, '{"eventId": "rel_bad"}'].join("\n") + "\n");
      const run = cli("cancellations", "import", file, "--workspace", workspace.id);
      const [code, out, err] = await Promise.all([run.exited, new Response(run.stdout).text(), new Response(run.stderr).text()]);
      expect({ code, err }).toEqual({ code: 1, err: "line 5001: invalid: userId: is required\n" });
      expect(out).toMatch(/created\s+5000\n\s+unchanged\s+0\n\s+conflicting\s+0\n\s+invalid\s+1/);
      const listed = await fetch(url("/api/v1/cancellations/rel_4999"), { headers: { authorization: `Bearer ${workspace.liveKey}` } });
      expect(listed.status).toBe(200);
      expect((await listed.json()).recoveredMrrCents).toBe(0);
    },
    60_000,
  );

  test(
    "SIGTERM stops the server with exit code 0 and folds the WAL into the file",
    async () => {
      expect(server).not.toBeNull();
      server!.kill("SIGTERM");
      const code = await Promise.race([server!.exited, Bun.sleep(5_000).then(() => "timeout" as const)]);
      expect(code).toBe(0);
      const log = await new Response(server!.stdout).text();
      const lines = log.trim().split("\n").map((l) => JSON.parse(l));
      expect(lines.at(-1)).toMatchObject({ level: "info", msg: "stopped" });
      // The binary runs with the production settings the build bakes in (NODE_ENV=production, precompile).
      expect(lines.find((l) => l.msg === "holdfast started")).toMatchObject({ production: true });
      // …and keeps its secrets to itself: the data folder it created is 0700, the database 0600.
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(statSync(path.join(dataDir, "holdfast.db")).mode & 0o777).toBe(0o600);
      const wal = path.join(dataDir, "holdfast.db-wal");
      expect(existsSync(wal) ? statSync(wal).size : 0).toBe(0);
      await expect(fetch(url("/api/health"))).rejects.toThrow();
    },
    30_000,
  );
});
