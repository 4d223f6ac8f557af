// Every CLI command and its mistakes, run in-process through runCli with captured output on a fresh data dir.
import { afterAll, afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Database } from "bun:sqlite";
import { runCli } from "./index.ts";
import type { Io } from "./context.ts";
import { loadConfig } from "../config.ts";
import { openApp, type Booted, type Deps } from "../boot.ts";
import { VERSION } from "../lib/version.ts";

const repoRoot = path.resolve(import.meta.dir, "..", "..");
// Argon2id hashing and spawning node + bun take seconds on a busy shared box; the default 5 s is too tight for them.
const SLOW_MS = 30_000;
const temps: string[] = [];
let dataDir = "";
let opened: Database[] = [];
let booting: Booted[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

interface Run {
  code: number | null;
  out: string;
  err: string;
}

async function run(argv: string[], opts: { stdin?: string; env?: Record<string, string> } = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    readStdin: async () => {
      if (opts.stdin === undefined) throw new Error("the command read stdin unexpectedly");
      return opts.stdin;
    },
    // The lightest argon2id cost: these tests check the commands, not the hash's strength.
    env: { HOLDFAST_DATA_DIR: dataDir, HOLDFAST_PASSWORD_MEMORY_KIB: "1024", ...opts.env },
  };
  const code = await runCli(argv, io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** Runs a command that must succeed and returns its stdout. */
async function ok(argv: string[], opts?: { stdin?: string }): Promise<string> {
  const r = await run(argv, opts);
  if (r.code !== 0) throw new Error(`holdfast ${argv.join(" ")} exited ${r.code}: ${r.err}`);
  expect(r.err).toBe("");
  return r.out;
}

/** The same services the server would use, on the CLI's database file. */
async function depsOnDisk(): Promise<Deps> {
  const booted = await openApp({ config: loadConfig({ HOLDFAST_DATA_DIR: dataDir, LOG_LEVEL: "silent" }) });
  booting.push(booted);
  return booted.deps;
}

function rawDb(): Database {
  const db = new Database(path.join(dataDir, "holdfast.db"), { readonly: true });
  opened.push(db);
  return db;
}

interface Created {
  id: string;
  name: string;
  plan: string;
  liveKey: string;
  testKey: string;
  signingSecret: string;
}

async function createWorkspace(...extra: string[]): Promise<Created> {
  return JSON.parse(await ok(["workspace", "create", "--name", "Acme", "--json", ...extra]));
}

beforeEach(() => {
  dataDir = path.join(tempDir("hf-cli-"), "data");
});
afterEach(async () => {
  for (const db of opened) db.close();
  opened = [];
  for (const booted of booting) await booted.close();
  booting = [];
});
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe("help", () => {
  const cases: [string[], string][] = [
    [["--help"], "holdfast workspace …"],
    [["-h"], "holdfast workspace …"],
    [["help"], "holdfast workspace …"],
    [["serve", "--help"], "holdfast serve"],
    [["workspace", "--help"], "holdfast workspace create --name NAME"],
    [["workspace", "create", "--help"], "holdfast workspace create --name NAME"],
    [["workspace", "update", "--help"], "holdfast workspace update ID"],
    [["workspace", "list", "--help"], "holdfast workspace list"],
    [["workspace", "rotate-secret", "--help"], "holdfast workspace rotate-secret ID"],
    [["key", "--help"], "holdfast key create --workspace ID --scope read|read_write"],
    [["key", "create", "--help"], "holdfast key create"],
    [["key", "list", "--help"], "holdfast key list"],
    [["key", "revoke", "--help"], "holdfast key revoke KEY_ID"],
    [["user", "--help"], "holdfast user create --email EMAIL"],
    [["user", "create", "--help"], "holdfast user create --email EMAIL"],
    [["backup", "--help"], "holdfast backup FILE"],
    [["health", "--help"], "holdfast health"],
  ];
  for (const [argv, expected] of cases)
    test(`holdfast ${argv.join(" ")} prints usage and exits 0`, async () => {
      const r = await run(argv);
      expect(r).toEqual({ code: 0, out: expect.stringContaining(expected), err: "" });
      expect(r.out).toContain("Usage:");
      // Help never touches the data directory.
      expect(existsSync(dataDir)).toBe(false);
    });

  test("--version prints the package version", async () => {
    expect(await run(["--version"])).toEqual({ code: 0, out: VERSION, err: "" });
  });

  test("npx holdfast --help (bin/holdfast.mjs through node) prints the usage", () => {
    const r = Bun.spawnSync(["node", path.join(repoRoot, "bin", "holdfast.mjs"), "--help"], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOLDFAST_DATA_DIR: dataDir },
    });
    expect(r.stderr.toString()).toBe("");
    expect(r.exitCode).toBe(0);
    const out = r.stdout.toString();
    expect(out).toStartWith(`holdfast ${VERSION}: a self-hosted cancellation platform`);
    expect(out).toContain("Usage:");
    expect(out).toContain("holdfast backup FILE");
  }, SLOW_MS);
});

describe("mistakes", () => {
  test("an unknown command exits non-zero with a message on stderr", async () => {
    const r = await run(["frobnicate"]);
    expect(r).toEqual({ code: 2, out: "", err: "holdfast: Unknown command: frobnicate (see holdfast --help)" });
  });

  test("unknown subcommands and options name themselves", async () => {
    expect(await run(["workspace", "delete"])).toEqual({ code: 2, out: "", err: expect.stringContaining("Unknown workspace command: delete") });
    expect(await run(["key", "rotate"])).toEqual({ code: 2, out: "", err: expect.stringContaining("Unknown key command: rotate") });
    expect(await run(["user", "delete"])).toEqual({ code: 2, out: "", err: expect.stringContaining("Unknown user command: delete") });
    const bad = await run(["workspace", "list", "--colour"]);
    expect(bad.code).not.toBe(0);
    expect(bad.out).toBe("");
    expect(bad.err).toContain("--colour");
  });

  test("serve refuses stray arguments", async () => {
    expect(await run(["serve", "now"])).toEqual({ code: 2, out: "", err: "holdfast: Unexpected argument: now" });
  });

  test("a bad environment variable stops a command with a message naming it", async () => {
    const r = await run(["workspace", "list"], { env: { PORT: "eighty" } });
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toStartWith("holdfast: Invalid PORT");
  });
});

describe("workspace", () => {
  test("create --json prints exactly id, name, plan, liveKey, testKey, signingSecret, and the keys work", async () => {
    const created = await createWorkspace("--plan", "advanced");
    expect(Object.keys(created)).toEqual(["id", "name", "plan", "liveKey", "testKey", "signingSecret"]);
    expect(created.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(created.name).toBe("Acme");
    expect(created.plan).toBe("advanced");
    expect(created.liveKey).toMatch(/^hf_live_[0-9A-Za-z]{16,64}$/);
    expect(created.testKey).toMatch(/^hf_test_[0-9A-Za-z]{16,64}$/);
    expect(Buffer.from(created.signingSecret, "base64url").length).toBeGreaterThanOrEqual(32);

    expect(existsSync(path.join(dataDir, "holdfast.db"))).toBe(true);
    const deps = await depsOnDisk();
    const live = await deps.keyService.authenticate(created.liveKey);
    const testKey = await deps.keyService.authenticate(created.testKey);
    expect(live).toMatchObject({ workspaceId: created.id, scope: "read_write", mode: "live", revokedAt: null });
    expect(testKey).toMatchObject({ workspaceId: created.id, scope: "read_write", mode: "test", revokedAt: null });
    expect((await deps.workspaceService.currentSecret(created.id))?.secret).toBe(created.signingSecret);
    // Every new workspace comes with its default flow.
    expect(await deps.flowService.getDefault(created.id)).toMatchObject({ workspaceId: created.id, status: "active" });
    // Keys are stored only as hashes.
    const stored = rawDb().query("select * from api_keys").all() as Record<string, unknown>[];
    expect(stored.length).toBe(2);
    expect(JSON.stringify(stored)).not.toContain(created.liveKey);
    expect(JSON.stringify(stored)).not.toContain(created.testKey);
  });

  test("create without --json prints the values for a person", async () => {
    const out = await ok(["workspace", "create", "--name", "Plain"]);
    expect(out).toStartWith("Created workspace Plain (core)");
    expect(out).toMatch(/live key: +hf_live_/);
    expect(out).toMatch(/test key: +hf_test_/);
    expect(out).toContain("shown once");
  });

  test("create stores the return URLs it is given", async () => {
    const created = await createWorkspace(
      "--default-return-url",
      "https://app.example.com/billing/done",
      "--allow-return-url",
      "https://app.example.com/billing/",
      "--allow-return-url",
      "https://admin.example.com/",
    );
    expect(await (await depsOnDisk()).workspaceService.get(created.id)).toMatchObject({
      plan: "core",
      access: "active",
      defaultReturnUrl: "https://app.example.com/billing/done",
      allowedReturnUrls: ["https://app.example.com/billing/", "https://admin.example.com/"],
    });
  });

  test("create without --name fails and says --name is required", async () => {
    expect(await run(["workspace", "create", "--json"])).toEqual({ code: 2, out: "", err: "holdfast: --name is required" });
    expect(existsSync(path.join(dataDir, "holdfast.db"))).toBe(false);
  });

  test("create with a bad --plan fails and lists the plans", async () => {
    expect(await run(["workspace", "create", "--name", "Acme", "--plan", "gold"])).toEqual({
      code: 2,
      out: "",
      err: "holdfast: --plan must be one of: core, advanced",
    });
  });

  test("create with an http return URL fails naming it", async () => {
    const r = await run(["workspace", "create", "--name", "Acme", "--default-return-url", "http://app.example.com/x"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("defaultReturnUrl must be an https URL");
    expect(rawDb().query("select count(*) as n from workspaces").get()).toEqual({ n: 0 });
  });

  test("update changes plan, access, default and allowed return URLs", async () => {
    const created = await createWorkspace();
    const out = await ok([
      "workspace",
      "update",
      created.id,
      "--plan",
      "advanced",
      "--access",
      "read_only",
      "--default-return-url",
      "https://app.example.com/after-cancel",
      "--allow-return-url",
      "https://app.example.com/",
      "--allow-return-url",
      "https://billing.example.com/return/",
    ]);
    expect(out).toBe(
      [
        `Updated workspace ${created.id} (Acme):`,
        "  plan: core → advanced",
        "  access: active → read_only",
        "  defaultReturnUrl: - → https://app.example.com/after-cancel",
        "  allowedReturnUrls: (none) → https://app.example.com/, https://billing.example.com/return/",
      ].join("\n"),
    );
    const row = rawDb().query("select plan, access, default_return_url, allowed_return_urls from workspaces where id = ?").get(created.id);
    expect(row).toEqual({
      plan: "advanced",
      access: "read_only",
      default_return_url: "https://app.example.com/after-cancel",
      allowed_return_urls: JSON.stringify(["https://app.example.com/", "https://billing.example.com/return/"]),
    });

    // Fields not passed are left alone; --allow-return-url replaces the list.
    await ok(["workspace", "update", created.id, "--access", "active", "--allow-return-url", "https://only.example.com/"]);
    expect(await (await depsOnDisk()).workspaceService.get(created.id)).toMatchObject({
      plan: "advanced",
      access: "active",
      defaultReturnUrl: "https://app.example.com/after-cancel",
      allowedReturnUrls: ["https://only.example.com/"],
    });
  });

  test("update --json prints the workspace without its secret", async () => {
    const created = await createWorkspace();
    const out = await ok(["workspace", "update", created.id, "--plan", "advanced", "--json"]);
    const ws = JSON.parse(out);
    expect(ws).toMatchObject({ id: created.id, name: "Acme", plan: "advanced", access: "active" });
    expect(out).not.toContain(created.signingSecret);
  });

  test("update mistakes: unknown id, no id, bad --access, bad --plan, bad ttl", async () => {
    const created = await createWorkspace();
    const unknown = "00000000-0000-4000-8000-000000000000";
    expect(await run(["workspace", "update", unknown, "--plan", "advanced"])).toEqual({
      code: 1,
      out: "",
      err: `holdfast: No workspace with id ${unknown}`,
    });
    expect(await run(["workspace", "update", "--plan", "advanced"])).toEqual({
      code: 2,
      out: "",
      err: "holdfast: workspace update needs the workspace ID",
    });
    expect(await run(["workspace", "update", created.id, "--access", "frozen"])).toEqual({
      code: 2,
      out: "",
      err: "holdfast: --access must be one of: active, read_only",
    });
    expect(await run(["workspace", "update", created.id, "--plan", "gold"])).toEqual({
      code: 2,
      out: "",
      err: "holdfast: --plan must be one of: core, advanced",
    });
    expect(await run(["workspace", "update", created.id, "--link-ttl-minutes", "soon"])).toEqual({
      code: 2,
      out: "",
      err: "holdfast: --link-ttl-minutes must be a whole number",
    });
    // None of them changed anything.
    expect(rawDb().query("select plan, access from workspaces").all()).toEqual([{ plan: "core", access: "active" }]);
  });

  test("list --json lists every workspace and no secret; list prints a table", async () => {
    const a = await createWorkspace();
    const b = JSON.parse(await ok(["workspace", "create", "--name", "Globex", "--plan", "advanced", "--json"])) as Created;
    const out = await ok(["workspace", "list", "--json"]);
    const list = JSON.parse(out) as Record<string, unknown>[];
    expect(list.map((w) => [w.id, w.name, w.plan, w.access]).sort()).toEqual(
      [
        [a.id, "Acme", "core", "active"],
        [b.id, "Globex", "advanced", "active"],
      ].sort(),
    );
    for (const secret of [a.signingSecret, b.signingSecret, a.liveKey, b.liveKey]) expect(out).not.toContain(secret);

    const text = await ok(["workspace", "list"]);
    expect(text.split("\n")[0]).toMatch(/^id +name +plan +access +defaultReturnUrl$/);
    expect(text).toContain(a.id);
    expect(text).toContain(b.id);
  });

  test("list on a fresh data dir prints (none) and [] with --json", async () => {
    expect(await ok(["workspace", "list"])).toBe("(none)");
    expect(JSON.parse(await ok(["workspace", "list", "--json"]))).toEqual([]);
  });

  test("rotate-secret issues a new current secret; the old one keeps verifying", async () => {
    const created = await createWorkspace();
    const rotated = JSON.parse(await ok(["workspace", "rotate-secret", created.id, "--json"]));
    expect(Object.keys(rotated)).toEqual(["id", "kid", "signingSecret"]);
    expect(rotated.id).toBe(created.id);
    expect(rotated.kid).toMatch(/^kid_/);
    expect(rotated.signingSecret).not.toBe(created.signingSecret);
    const deps = await depsOnDisk();
    expect(await deps.workspaceService.currentSecret(created.id)).toMatchObject({ id: rotated.kid, secret: rotated.signingSecret });
    const active = (await deps.workspaceService.activeSecrets(created.id)).map((s) => s.secret);
    expect(active.sort()).toEqual([created.signingSecret, rotated.signingSecret].sort());

    const text = await ok(["workspace", "rotate-secret", created.id]);
    expect(text).toStartWith(`New signing secret for ${created.id}: `);
    expect(await run(["workspace", "rotate-secret"])).toEqual({ code: 2, out: "", err: "holdfast: workspace rotate-secret needs the workspace ID" });
    const unknown = "00000000-0000-4000-8000-000000000000";
    expect(await run(["workspace", "rotate-secret", unknown])).toEqual({ code: 1, out: "", err: `holdfast: No workspace with id ${unknown}` });
  });
});

describe("key", () => {
  test("create --json prints exactly id, key, scope, mode; the key authenticates with that scope", async () => {
    const ws = await createWorkspace();
    const created = JSON.parse(await ok(["key", "create", "--workspace", ws.id, "--scope", "read", "--json"]));
    expect(Object.keys(created)).toEqual(["id", "key", "scope", "mode"]);
    expect(created.key).toMatch(/^hf_live_[0-9A-Za-z]{16,64}$/);
    expect(created.scope).toBe("read");
    expect(created.mode).toBe("live");
    const key = await (await depsOnDisk()).keyService.authenticate(created.key);
    expect(key).toMatchObject({ id: created.id, workspaceId: ws.id, scope: "read", mode: "live" });
  });

  test("create --test gives an hf_test_ key", async () => {
    const ws = await createWorkspace();
    const created = JSON.parse(await ok(["key", "create", "--workspace", ws.id, "--scope", "read_write", "--test", "--json"]));
    expect(created.key).toStartWith("hf_test_");
    expect(created).toMatchObject({ scope: "read_write", mode: "test" });
    expect(await (await depsOnDisk()).keyService.authenticate(created.key)).toMatchObject({ id: created.id, mode: "test" });
  });

  test("create without --json shows the key once, for a person", async () => {
    const ws = await createWorkspace();
    const out = await ok(["key", "create", "--workspace", ws.id, "--scope", "read"]);
    expect(out).toMatch(/^Created live read key [0-9a-f-]{36}\n {2}key: hf_live_[0-9A-Za-z]+\nIt is shown once/);
  });

  test("create mistakes: missing --scope, bad scope, missing or unknown workspace", async () => {
    const ws = await createWorkspace();
    expect(await run(["key", "create", "--workspace", ws.id])).toEqual({
      code: 2,
      out: "",
      err: "holdfast: --scope is required (read or read_write)",
    });
    expect(await run(["key", "create", "--workspace", ws.id, "--scope", "admin"])).toEqual({
      code: 2,
      out: "",
      err: "holdfast: --scope must be one of: read, read_write",
    });
    expect(await run(["key", "create", "--scope", "read"])).toEqual({ code: 2, out: "", err: "holdfast: --workspace is required" });
    const unknown = "00000000-0000-4000-8000-000000000000";
    expect(await run(["key", "create", "--workspace", unknown, "--scope", "read"])).toEqual({
      code: 1,
      out: "",
      err: `holdfast: No workspace with id ${unknown}`,
    });
    // Only the two keys from workspace create exist.
    expect(rawDb().query("select count(*) as n from api_keys").get()).toEqual({ n: 2 });
  });

  test("list shows prefixes, scopes and modes, never the key or its hash", async () => {
    const ws = await createWorkspace();
    const read = JSON.parse(await ok(["key", "create", "--workspace", ws.id, "--scope", "read", "--json"]));
    const out = await ok(["key", "list", "--workspace", ws.id, "--json"]);
    const keys = JSON.parse(out) as Record<string, unknown>[];
    expect(keys.length).toBe(3);
    expect(keys.map((k) => `${k.mode}:${k.scope}`).sort()).toEqual(["live:read", "live:read_write", "test:read_write"]);
    expect(keys.find((k) => k.id === read.id)).toMatchObject({ prefix: read.key.slice(0, 12), revokedAt: null });
    for (const k of keys) expect(k).not.toHaveProperty("hash");
    for (const secret of [ws.liveKey, ws.testKey, read.key]) expect(out).not.toContain(secret);
    const hashes = (rawDb().query("select hash from api_keys").all() as { hash: string }[]).map((r) => r.hash);
    for (const hash of hashes) expect(out).not.toContain(hash);

    const text = await ok(["key", "list", "--workspace", ws.id]);
    expect(text.split("\n")[0]).toMatch(/^id +prefix +scope +mode +createdAt +lastUsedAt +revokedAt$/);
    expect(text.split("\n").length).toBe(4);
    expect(await run(["key", "list"])).toEqual({ code: 2, out: "", err: "holdfast: --workspace is required" });
  });

  test("revoke: the key stops authenticating and list shows when", async () => {
    const ws = await createWorkspace();
    const created = JSON.parse(await ok(["key", "create", "--workspace", ws.id, "--scope", "read_write", "--json"]));
    expect(await (await depsOnDisk()).keyService.authenticate(created.key)).not.toBeNull();
    expect(await ok(["key", "revoke", created.id])).toBe(`Revoked key ${created.id} (${created.key.slice(0, 12)}…)`);
    expect(await (await depsOnDisk()).keyService.authenticate(created.key)).toBeNull();
    // The other keys are untouched.
    expect(await (await depsOnDisk()).keyService.authenticate(ws.liveKey)).not.toBeNull();
    const row = rawDb().query("select revoked_at from api_keys where id = ?").get(created.id) as { revoked_at: number | null };
    expect(row.revoked_at).toBeNumber();
    const listed = JSON.parse(await ok(["key", "list", "--workspace", ws.id, "--json"])) as { id: string; revokedAt: string | null }[];
    expect(listed.find((k) => k.id === created.id)?.revokedAt).toBe(new Date(row.revoked_at!).toISOString());
    // Revoking again is harmless.
    expect((await run(["key", "revoke", created.id])).code).toBe(0);
  });

  test("revoke mistakes: no id, unknown id", async () => {
    await createWorkspace();
    expect(await run(["key", "revoke"])).toEqual({ code: 2, out: "", err: "holdfast: key revoke needs the KEY_ID (see holdfast key list)" });
    const unknown = "00000000-0000-4000-8000-000000000000";
    expect(await run(["key", "revoke", unknown])).toEqual({ code: 1, out: "", err: `holdfast: No API key with id ${unknown}` });
  });
});

describe("user", () => {
  const password = "correct horse battery staple";

  test("create --password-stdin stores a login whose password verifies", async () => {
    const out = await ok(["user", "create", "--email", "Ops@Example.com", "--password-stdin"], { stdin: `${password}\n` });
    expect(out).toMatch(/^Created user ops@example\.com \([0-9a-f-]{36}\)$/);
    expect(out).not.toContain(password);
    const deps = await depsOnDisk();
    expect(await deps.userService.verify("ops@example.com", password)).toMatchObject({ email: "ops@example.com" });
    expect(await deps.userService.verify("ops@example.com", `${password}!`)).toBeNull();
    const row = rawDb().query("select email, password_hash from users").get() as { email: string; password_hash: string };
    expect(row.email).toBe("ops@example.com");
    expect(row.password_hash).toStartWith("$argon2id$");
  }, SLOW_MS);

  test("create without --password-stdin generates a password and prints it once", async () => {
    const out = await ok(["user", "create", "--email", "gen@example.com"]);
    const generated = /password: (\S+)/.exec(out)?.[1];
    expect(generated?.length).toBeGreaterThanOrEqual(12);
    expect(await (await depsOnDisk()).userService.verify("gen@example.com", generated!)).not.toBeNull();
  }, SLOW_MS);

  test("create mistakes: short password, empty stdin, duplicate email, bad or missing email", async () => {
    expect(await run(["user", "create", "--email", "a@example.com", "--password-stdin"], { stdin: "short\n" })).toEqual({
      code: 2,
      out: "",
      err: "holdfast: password must be at least 12 characters",
    });
    expect(await run(["user", "create", "--email", "a@example.com", "--password-stdin"], { stdin: "" })).toEqual({
      code: 2,
      out: "",
      err: "holdfast: No password on standard input",
    });
    await ok(["user", "create", "--email", "a@example.com", "--password-stdin"], { stdin: password });
    expect(await run(["user", "create", "--email", "A@example.com", "--password-stdin"], { stdin: password })).toEqual({
      code: 1,
      out: "",
      err: "holdfast: A user with email a@example.com already exists",
    });
    expect(await run(["user", "create", "--email", "not-an-email", "--password-stdin"], { stdin: password })).toEqual({
      code: 2,
      out: "",
      err: "holdfast: email must be an e-mail address",
    });
    expect(await run(["user", "create", "--password-stdin"], { stdin: password })).toEqual({ code: 2, out: "", err: "holdfast: --email is required" });
    expect(rawDb().query("select email from users").all()).toEqual([{ email: "a@example.com" }]);
  }, SLOW_MS);
});

describe("backup", () => {
  test("writes a copy that passes the integrity check and holds the data", async () => {
    const ws = await createWorkspace();
    const target = path.join(tempDir("hf-cli-backup-"), "copy.db");
    const out = await ok(["backup", target]);
    expect(out).toBe(`Backed up ${path.join(dataDir, "holdfast.db")} to ${target}`);
    expect(existsSync(target)).toBe(true);
    const copy = new Database(target, { readonly: true });
    opened.push(copy);
    expect(copy.query("pragma integrity_check").all()).toEqual([{ integrity_check: "ok" }]);
    expect(copy.query("select id, name from workspaces").all()).toEqual([{ id: ws.id, name: "Acme" }]);
    expect(copy.query("select count(*) as n from api_keys").get()).toEqual({ n: 2 });
  });

  test("mistakes: no FILE, an existing FILE, a missing folder, no database yet", async () => {
    expect(await run(["backup"])).toEqual({ code: 2, out: "", err: "holdfast: backup needs a FILE to write (see holdfast backup --help)" });
    const dir = tempDir("hf-cli-backup-");
    const target = path.join(dir, "copy.db");
    expect(await run(["backup", target])).toEqual({
      code: 1,
      out: "",
      err: `holdfast: No database at ${path.join(dataDir, "holdfast.db")} (check HOLDFAST_DATA_DIR)`,
    });
    await createWorkspace();
    writeFileSync(target, "precious");
    expect(await run(["backup", target])).toEqual({ code: 1, out: "", err: `holdfast: ${target} already exists; choose a new file` });
    expect(await Bun.file(target).text()).toBe("precious");
    const nowhere = path.join(dir, "missing", "copy.db");
    expect(await run(["backup", nowhere])).toEqual({ code: 1, out: "", err: `holdfast: Folder ${path.dirname(nowhere)} does not exist` });
  });
});

describe("a command group without a subcommand", () => {
  test.each(["workspace", "key", "user"])("holdfast %s prints its usage to stderr and exits 2 (usage)", async (group) => {
    const r = await run([group]);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toContain(`holdfast ${group}`);
  });
});
