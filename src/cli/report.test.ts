// holdfast report send / settings, in-process through runCli on a fresh data dir, against a real loopback SMTP server.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Database } from "bun:sqlite";
import { runCli } from "./index.ts";
import type { Io } from "./context.ts";
import { loadConfig } from "../config.ts";
import { openDatabase } from "../db/open.ts";
import { openApp } from "../boot.ts";
import { createFixedClock } from "../lib/clock.ts";
import { lastCompletePeriod } from "../modules/reports/report-period.ts";
import { deadPort, parseMail, startSmtpServer, type TestSmtpServer } from "../../tests/smtp.ts";

let root = "";
let dataDir = "";
let smtp: TestSmtpServer;
let opened: Database[] = [];

async function run(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    readStdin: async () => {
      throw new Error("the command read stdin unexpectedly");
    },
    env: { HOLDFAST_DATA_DIR: dataDir, SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, HOLDFAST_MAIL_FROM: "Holdfast <reports@holdfast.test>", ...env },
  };
  const code = await runCli(argv, io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** A workspace with production and sandbox sessions in the last complete week (by the real clock the CLI uses). */
async function seed(): Promise<{ id: string; week: string }> {
  const config = loadConfig({ HOLDFAST_DATA_DIR: dataDir, LOG_LEVEL: "silent" });
  const week = lastCompletePeriod(Date.now());
  const clock = createFixedClock(week.start + 36 * 3_600_000); // Tuesday noon of that week
  const booted = await openApp({ config, clock });
  const { deps } = booted;
  const { workspace } = await deps.workspaceService.create({ name: "Acme", plan: "advanced" });
  const start = (environment: "prod" | "sandbox", reason: string, mrr: number) =>
    deps.sessionService.start(workspace, { source: "api", customerId: `cus_${reason}`, environment, context: { mrr }, reason });
  const saved = await start("prod", "too expensive", 40);
  await deps.sessionService.complete(saved.session, "saved", { kind: "discount", percentOff: 30, durationMonths: 3 });
  const canceled = await start("prod", "switching to another product", 25);
  await deps.sessionService.complete(canceled.session, "canceled", null);
  const sandbox = await start("sandbox", "too expensive", 999);
  await deps.sessionService.complete(sandbox.session, "saved", null);
  await booted.close();
  return { id: workspace.id, week: week.week };
}

const deliveries = (workspaceId: string) => {
  const db = openDatabase(path.join(dataDir, "holdfast.db"));
  opened.push(db);
  return db.query("select week, status, trigger from report_deliveries where workspace_id = ?").all(workspaceId);
};

beforeEach(async () => {
  root = mkdtempSync(path.join(tmpdir(), "hf-report-cli-"));
  dataDir = path.join(root, "data");
  smtp = await startSmtpServer();
});
afterEach(async () => {
  for (const db of opened) db.close();
  opened = [];
  await smtp.close();
  rmSync(root, { recursive: true, force: true });
});

describe("holdfast report send", () => {
  test("--dry-run prints the text part with the week's production figures and sends nothing", async () => {
    const ws = await seed();
    const r = await run(["report", "send", "--workspace", ws.id, "--dry-run"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`${ws.week} (`);
    expect(r.out).toContain("Sessions: 2 (+2 vs 0 the week before)");
    expect(r.out).toContain("Save rate: 50.0% (+50.0 pts vs 0.0%; 1 saved of 2 decided)");
    expect(r.out).toContain("Recovered MRR: $40.00 (+$40.00 vs $0.00)");
    expect(r.out).toContain("Lost MRR: $25.00 (+$25.00 vs $0.00)");
    expect(r.err).toContain("Dry run: nothing sent");
    expect(smtp.received).toHaveLength(0);
    expect(deliveries(ws.id)).toEqual([]);
  });

  test("--dry-run works without any SMTP settings", async () => {
    const ws = await seed();
    const r = await run(["report", "send", "--workspace", ws.id, "--dry-run"], { SMTP_URL: "", HOLDFAST_MAIL_FROM: "" });
    expect(r.code).toBe(0);
    expect(r.out).toContain("Sessions: 2");
  });

  test("--to is a manual send: always sent, never claims the week; the claimed send then goes once", async () => {
    const ws = await seed();
    const manual = await run(["report", "send", "--workspace", ws.id, "--to", "me@acme.test"]);
    expect(manual).toMatchObject({ code: 0, err: "" });
    expect(manual.out).toContain("a manual send");
    expect(smtp.received.map((m) => m.to)).toEqual([["me@acme.test"]]);
    expect(parseMail(smtp.received[0].raw).parts[0].body).toContain("Sessions: 2");
    expect(deliveries(ws.id)).toEqual([]);

    const noRecipients = await run(["report", "send", "--workspace", ws.id]);
    expect(noRecipients.code).toBe(1); // refused, not a usage mistake (the CLI's exit-code rule)
    expect(noRecipients.err).toContain("no report recipients");

    expect((await run(["report", "settings", "--workspace", ws.id, "--recipients", "Owner@acme.test, cfo@acme.test"])).code).toBe(0);
    const claimed = await run(["report", "send", "--workspace", ws.id, "--week", ws.week]);
    expect(claimed).toMatchObject({ code: 0, out: `Sent the ${ws.week} report to owner@acme.test, cfo@acme.test`, err: "" });
    expect(smtp.received).toHaveLength(2);
    expect(deliveries(ws.id)).toEqual([{ week: ws.week, status: "sent", trigger: "cli" }]);

    const again = await run(["report", "send", "--workspace", ws.id, "--week", ws.week]);
    expect(again.code).toBe(1);
    expect(again.err).toContain(`the ${ws.week} report was already sent at `);
    expect(smtp.received).toHaveLength(2);

    // A manual copy still goes.
    expect((await run(["report", "send", "--workspace", ws.id, "--week", ws.week, "--to", "me@acme.test"])).code).toBe(0);
    expect(smtp.received).toHaveLength(3);
  });

  test("a failed send exits 1 naming SMTP and claims nothing; the week can be sent once SMTP works", async () => {
    const ws = await seed();
    await run(["report", "settings", "--workspace", ws.id, "--recipients", "owner@acme.test"]);
    const port = await deadPort();
    const failed = await run(["report", "send", "--workspace", ws.id], { SMTP_URL: `smtp://127.0.0.1:${port}` });
    expect(failed.code).toBe(1);
    expect(failed.err).toStartWith(`holdfast: SMTP send via 127.0.0.1:${port} failed:`);
    expect(deliveries(ws.id)).toEqual([]);

    const unconfigured = await run(["report", "send", "--workspace", ws.id], { SMTP_URL: "", HOLDFAST_MAIL_FROM: "" });
    expect(unconfigured.code).toBe(1);
    expect(unconfigured.err).toContain("SMTP is not configured");
    expect(deliveries(ws.id)).toEqual([]);

    expect((await run(["report", "send", "--workspace", ws.id])).code).toBe(0);
    expect(smtp.received).toHaveLength(1);
  });

  test.each([
    [["report", "send"], 2, "--workspace is required"],
    [["report", "send", "--workspace", "x", "--to", "nope"], 2, "--to must be an email address"],
    [["report", "send", "--workspace", "00000000-0000-0000-0000-000000000000", "--dry-run"], 1, "No workspace"],
    [["report", "settings", "--workspace", "x", "--schedule", "daily"], 2, "--schedule must be one of: weekly, off"],
    [["report", "frobnicate"], 2, "Unknown report command"],
  ])("mistakes: holdfast %p exits %p", async (argv, code, message) => {
    const r = await run(argv as string[]);
    expect(r.code).toBe(code as number);
    expect(r.err).toContain(message as string);
  });

  test("a week that has not ended is refused", async () => {
    const ws = await seed();
    const r = await run(["report", "send", "--workspace", ws.id, "--week", "2099-W01", "--dry-run"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("complete week");
  });
});

describe("holdfast report settings", () => {
  test("shows and changes the schedule and recipients", async () => {
    const ws = await seed();
    expect(JSON.parse((await run(["report", "settings", "--workspace", ws.id, "--json"])).out)).toEqual({
      schedule: "weekly",
      recipients: [],
      lastReportAt: null,
      failedReports: 0,
    });
    const changed = await run(["report", "settings", "--workspace", ws.id, "--schedule", "off", "--recipients", "a@acme.test"]);
    expect(changed.code).toBe(0);
    expect(changed.out).toContain("schedule:   off");
    expect(changed.out).toContain("recipients: a@acme.test");
    const bad = await run(["report", "settings", "--workspace", ws.id, "--recipients", "a@acme.test, nope"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("recipients must be email addresses");
  });
});
