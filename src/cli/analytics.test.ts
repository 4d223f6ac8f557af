// holdfast analytics rebuild, in-process on a fresh data dir.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runCli } from "./index.ts";
import type { Io } from "./context.ts";
import { loadConfig } from "../config.ts";
import { openApp } from "../boot.ts";

const dir = mkdtempSync(path.join(tmpdir(), "hf-cli-analytics-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (t) => void out.push(t), err: (t) => void err.push(t), readStdin: async () => "", env: { HOLDFAST_DATA_DIR: dir } };
  const code = await runCli(argv, io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

test("rebuild recounts the rollups from the sessions, for all workspaces or one", async () => {
  const config = loadConfig({ HOLDFAST_DATA_DIR: dir, LOG_LEVEL: "silent" });
  const booted = await openApp({ config });
  const { deps, db } = booted;
  const { workspace } = await deps.workspaceService.create({ name: "Acme", plan: "advanced", defaultReturnUrl: "https://app.example.com/r", allowedReturnUrls: [] });
  for (const customerId of ["a", "b", "c"]) {
    const { session } = await deps.sessionService.start(workspace, { source: "api", customerId, environment: "prod", context: { mrr: 12.5 } });
    if (customerId !== "c") await deps.sessionService.complete(session, customerId === "a" ? "saved" : "canceled", null);
  }
  const rows = () => db.query("select * from analytics_rollups where sessions != 0 order by facet, value, outcome").all();
  const before = rows();
  expect(before.length).toBeGreaterThan(0);
  db.run("delete from analytics_rollups");

  const all = await run(["analytics", "rebuild"]);
  expect(all.code).toBe(0);
  expect(all.out).toMatch(/^Rebuilt analytics from 3 sessions in \d+\.\d s$/);
  expect(rows()).toEqual(before);

  db.run("update analytics_rollups set sessions = 99");
  const one = await run(["analytics", "rebuild", "--workspace", workspace.id]);
  expect(one.out).toMatch(new RegExp(`^Rebuilt analytics from 3 sessions of workspace ${workspace.id} in`));
  expect(rows()).toEqual(before);
  await booted.close();
});

test("mistakes: an unknown workspace, an unknown subcommand, no subcommand; --help", async () => {
  // The CLI's exit-code rule: not found is 1, usage (unknown subcommand, none at all) is 2.
  expect(await run(["analytics", "rebuild", "--workspace", "nope"])).toEqual({ code: 1, out: "", err: "holdfast: No workspace with id nope" });
  expect(await run(["analytics", "recount"])).toEqual({ code: 2, out: "", err: "holdfast: Unknown analytics command: recount (see holdfast analytics --help)" });
  const bare = await run(["analytics"]);
  expect([bare.code, bare.out]).toEqual([2, ""]);
  expect(bare.err).toContain("holdfast analytics rebuild [--workspace ID]");
  const help = await run(["analytics", "rebuild", "--help"]);
  expect([help.code, help.err]).toEqual([0, ""]);
  expect(help.out).toContain("Recounts the analytics rollups");
});
