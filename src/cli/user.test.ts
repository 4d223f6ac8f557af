// holdfast user create --workspace --role: a login linked to a workspace, through the real CLI on a temp data dir.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Database } from "bun:sqlite";
import { runCli } from "./index.ts";
import type { Io } from "./context.ts";

const dataDir = mkdtempSync(path.join(tmpdir(), "holdfast-user-cli-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function run(argv: string[], stdin?: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    readStdin: async () => stdin ?? "",
    env: { HOLDFAST_DATA_DIR: dataDir, LOG_LEVEL: "silent", HOLDFAST_PASSWORD_MEMORY_KIB: "1024" },
  };
  return { code: await runCli(argv, io), out: out.join("\n"), err: err.join("\n") };
}

test("user create --workspace --role makes a member; again for an existing e-mail only changes the membership", async () => {
  const ws = JSON.parse((await run(["workspace", "create", "--name", "Acme", "--json"])).out) as { id: string };
  const created = await run(["user", "create", "--email", "ops@example.com", "--workspace", ws.id, "--role", "admin", "--password-stdin"], "correct horse battery\n");
  expect(created.code).toBe(0);
  expect(created.out).toContain(`member of ${ws.id} as admin`);
  const linked = await run(["user", "create", "--email", "OPS@example.com", "--workspace", ws.id, "--role", "viewer"]);
  expect(linked.code).toBe(0);
  expect(linked.out).toMatch(/^Linked user ops@example\.com \(.+\) to workspace .+ as viewer$/);
  const db = new Database(path.join(dataDir, "holdfast.db"), { readonly: true });
  expect(db.query("select u.email, m.role from memberships m join users u on u.id = m.user_id").all()).toEqual([{ email: "ops@example.com", role: "viewer" }]);
  db.close();

  expect(await run(["user", "create", "--email", "x@example.com", "--workspace", ws.id, "--role", "boss"])).toMatchObject({ code: 2, err: "holdfast: --role must be one of: owner, admin, viewer" });
  expect(await run(["user", "create", "--email", "x@example.com", "--workspace", ws.id])).toMatchObject({ code: 2, err: "holdfast: --workspace and --role go together" });
  expect(await run(["user", "create", "--email", "x@example.com", "--workspace", "nope", "--role", "admin"])).toMatchObject({ code: 1, err: "holdfast: No workspace with id nope" }); // not found: 1 (the CLI exit-code rule)
});
