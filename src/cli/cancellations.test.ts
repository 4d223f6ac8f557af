// holdfast cancellations import: JSONL and CSV files on a real data dir, through runCli with captured output.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runCli } from "./index.ts";
import type { Io } from "./context.ts";
import { loadConfig } from "../config.ts";
import { openApp, type Booted } from "../boot.ts";

const root = mkdtempSync(path.join(tmpdir(), "hf-import-"));
const dataDir = path.join(root, "data");
let booted: Booted;
let advanced: { id: string; liveKey: string; testKey: string };
let fileCount = 0;

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const progress: string[] = [];
  const io: Io = {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    readStdin: async () => "",
    env: { HOLDFAST_DATA_DIR: dataDir },
    progress: (t) => void progress.push(t),
  };
  const code = await runCli(argv, io);
  return { code, out: out.join("\n"), err: err.join("\n"), progress };
}

function file(name: string, text: string): string {
  const p = path.join(root, `${++fileCount}-${name}`);
  writeFileSync(p, text);
  return p;
}

const jsonl = (...rows: unknown[]) => rows.map((r) => (typeof r === "string" ? r : JSON.stringify(r))).join("\n") + "\n";
const summary = (r: { out: string }) => {
  const n = (label: string) => Number(new RegExp(`${label}\\s+(\\d+)`).exec(r.out)?.[1]);
  return { created: n("created"), unchanged: n("unchanged"), conflicting: n("conflicting"), invalid: n("invalid") };
};

async function api(pathname: string, key = advanced.liveKey) {
  const res = await booted.fetch(new Request(`http://localhost${pathname}`, { headers: { authorization: `Bearer ${key}` } }));
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  const created = await run(["workspace", "create", "--name", "Importer", "--plan", "advanced", "--json"]);
  advanced = JSON.parse(created.out);
  booted = await openApp({ config: loadConfig({ HOLDFAST_DATA_DIR: dataDir, LOG_LEVEL: "silent" }) });
});

afterAll(async () => {
  await booted.close();
  rmSync(root, { recursive: true, force: true });
});

describe("holdfast cancellations import (JSONL)", () => {
  test("imports the valid rows, names each bad one by line and field, exits 1; a second run changes nothing", async () => {
    const path1 = file("history.jsonl", jsonl(
      { eventId: "j1", userId: "u1", status: "saved", occurredAt: "2025-06-01T10:00:00Z", context: { plan: "pro", mrr: 49 } },
      { event_id: "j2", user_id: "u2", reason: "Too expensive", offer: { kind: "pause", months: 2 } },
      "",
      { eventId: "j3" },
      "{not json",
      { eventId: "j1", userId: "someone else" },
      { eventId: "j2", userId: "u2", reason: "Too expensive", offer: { kind: "pause", months: 2 } },
      { eventId: "j4", userId: "u4", context: { mrr: -5 } },
      { eventId: "j5", userId: "u5", occurredAt: "2999-01-01T00:00:00Z" },
    ));
    const r = await run(["cancellations", "import", path1, "--workspace", advanced.id]);
    expect(r.code).toBe(1);
    expect(summary(r)).toEqual({ created: 2, unchanged: 1, conflicting: 1, invalid: 4 });
    // In line order, whatever found the problem (the reader or the checks).
    expect(r.err.split("\n")).toEqual([
      "line 4: invalid: userId: is required",
      "line 5: invalid: not valid JSON",
      "line 6: conflicting: eventId exists with a different payload (change it with PATCH)",
      "line 8: invalid: context.mrr: Too small: expected number to be >=0",
      "line 9: invalid: occurredAt: must be at most 5 minutes in the future",
    ]);
    const j1 = await api("/api/v1/cancellations/j1");
    expect(j1.body).toMatchObject({ eventId: "j1", status: "saved", recoveredMrrCents: 4900, occurredAt: "2025-06-01T10:00:00.000Z", environment: "prod" });
    expect((await api("/api/v1/cancellations/j2")).body).toMatchObject({ reason: "too expensive", offer: { kind: "pause", months: 2 } });

    const again = await run(["cancellations", "import", path1, "--workspace", advanced.id]);
    expect(summary(again)).toEqual({ created: 0, unchanged: 3, conflicting: 1, invalid: 4 });
  });

  test("a clean file exits 0; --test records sandbox events whatever the rows say", async () => {
    const clean = file("clean.jsonl", jsonl({ eventId: "t1", userId: "u", environment: "prod" }, { eventId: "t2", userId: "u" }));
    const r = await run(["cancellations", "import", clean, "--workspace", advanced.id, "--test"]);
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    expect(summary(r)).toEqual({ created: 2, unchanged: 0, conflicting: 0, invalid: 0 });
    expect(r.out).toContain("(sandbox)");
    const listed = await api("/api/v1/cancellations", advanced.testKey);
    expect(listed.body.data.map((e: { eventId: string; environment: string }) => [e.eventId, e.environment]).sort()).toEqual([
      ["t1", "sandbox"],
      ["t2", "sandbox"],
    ]);
    // A progress line per batch, cleared at the end (shown only on a terminal by the real Io).
    expect(r.progress.at(-1)).toBe("");
    expect(r.progress[0]).toContain("imported 2 rows");
  });

  test("thousands of rows span several transactions; duplicates across batches are still caught", async () => {
    const lines: string[] = [];
    for (let i = 0; i < 4500; i++) lines.push(JSON.stringify({ eventId: `bulk_${i}`, userId: `u${i % 50}`, status: i % 3 ? "canceled" : "saved", context: { mrr: 10 } }));
    lines.push(JSON.stringify({ eventId: "bulk_12", userId: "u12", status: "saved", context: { mrr: 10 } }));
    lines.push(JSON.stringify({ eventId: "bulk_11", userId: "changed" }));
    lines.push(JSON.stringify({ eventId: "bulk_new", userId: "u", occurredAt: "2999-01-01T00:00:00Z" }));
    const r = await run(["cancellations", "import", file("bulk.jsonl", lines.join("\n")), "--workspace", advanced.id]);
    expect(summary(r)).toEqual({ created: 4500, unchanged: 1, conflicting: 1, invalid: 1 });
    expect(r.err.split("\n")).toEqual(["line 4502: conflicting: eventId exists with a different payload (change it with PATCH)", "line 4503: invalid: occurredAt: must be at most 5 minutes in the future"]);
    expect(r.progress.filter((p) => p !== "")).toHaveLength(3);
  }, 30_000);
});

describe("holdfast cancellations import (CSV)", () => {
  test("a header row, dotted columns, quoted commas and newlines; line numbers count the header as 1", async () => {
    const csv = [
      "eventId,userId,status,reason,feedback,occurredAt,context.plan,context.mrr,context.tenureDays,metadata.source,offer.kind,offer.percentOff,offer.durationMonths",
      'c1,u1,saved,Too expensive,"Cheaper, please",2025-01-02T03:04:05Z,pro,129,42,csv,discount,30,3',
      'c2,u2,canceled,,"line one\nline two with ""quotes""",,basic,9.5,,,,,',
      "c3,,canceled,,,,,,,,,,",
      "c4,u4,maybe,,,,,,,,,,",
      "c5,u5,canceled,,,,,lots,,,,,",
      "c6,u6",
      "c7,u7,canceled,,,,,,,,discount,300,1",
    ].join("\r\n");
    const r = await run(["cancellations", "import", file("history.csv", csv), "--workspace", advanced.id]);
    expect(r.code).toBe(1);
    expect(summary(r)).toEqual({ created: 2, unchanged: 0, conflicting: 0, invalid: 5 });
    const errors = r.err.split("\n").sort();
    expect(errors).toEqual([
      "line 5: invalid: userId: is required",
      "line 6: invalid: status: must be one of pending, saved, canceled",
      "line 7: invalid: context.mrr: expected number, received string",
      "line 8: invalid: the row has 2 fields, the header 13",
      "line 9: invalid: offer.percentOff: must be between 1 and 100",
    ]);
    const c1 = await api("/api/v1/cancellations/c1");
    expect(c1.body).toMatchObject({
      status: "saved",
      reason: "too expensive",
      feedback: "Cheaper, please",
      occurredAt: "2025-01-02T03:04:05.000Z",
      context: { plan: "pro", mrr: 129, tenureDays: 42 },
      metadata: { source: "csv" },
      offer: { kind: "discount", percentOff: 30, durationMonths: 3 },
      recoveredMrrCents: 12900,
    });
    expect((await api("/api/v1/cancellations/c2")).body).toMatchObject({ feedback: 'line one\nline two with "quotes"', context: { plan: "basic", mrr: 9.5 } });
  });

  test("a header with an unknown dotted column or a duplicate is refused before anything is imported", async () => {
    const r = await run(["cancellations", "import", file("bad-header.csv", "eventId,userId,foo.bar\nx,y,z\n"), "--workspace", advanced.id]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("foo.bar");
    expect((await api("/api/v1/cancellations/x")).status).toBe(404);
  });
});

describe("holdfast cancellations import: refusals", () => {
  test("usage, unknown workspace, missing file, Core plan", async () => {
    const some = file("some.jsonl", jsonl({ eventId: "r1", userId: "u" }));
    expect((await run(["cancellations"])).code).toBe(2);
    const help = await run(["cancellations", "--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toContain("cancellations import FILE --workspace ID");
    expect(await run(["cancellations", "import", some])).toMatchObject({ code: 2, err: "holdfast: --workspace is required" });
    expect(await run(["cancellations", "import", "--workspace", advanced.id])).toMatchObject({ code: 2 });
    expect(await run(["cancellations", "import", file("x.txt", ""), "--workspace", advanced.id])).toMatchObject({ code: 2, err: expect.stringContaining("--format") });
    expect(await run(["cancellations", "import", some, "--workspace", "nope"])).toMatchObject({ code: 1, err: "holdfast: No workspace with id nope" });
    expect(await run(["cancellations", "import", path.join(root, "missing.jsonl"), "--workspace", advanced.id])).toMatchObject({ code: 1, err: expect.stringContaining("No such file") });
    const core = JSON.parse((await run(["workspace", "create", "--name", "Small", "--plan", "core", "--json"])).out);
    expect(await run(["cancellations", "import", some, "--workspace", core.id])).toMatchObject({ code: 1, err: expect.stringContaining("Advanced plan") });
  });
});
