// The import's reader thread, driven from this thread as the CLI drives it: batches in file order, and the two ways
// it can stop (a file that cannot be imported at all, a file that cannot be read).
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Workspace } from "../workspaces/workspaces.store.ts";
import type { PreparedBatch, PreparedItem } from "./cancellations.service.ts";
import { decodeImportRows, encodeImportRow, eventOfImportRow, joinImportRows, type CancellationEvent, type ImportRow } from "./cancellations.store.ts";
import { ImportFileError } from "./import-file.ts";
import { preparedBatches } from "./import-reader.ts";

const dir = mkdtempSync(path.join(tmpdir(), "hf-import-reader-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const workspace = { id: "0f8f1c1e-5d7a-4c52-9a43-8c1b2f3e4d5a", plan: "advanced" } as Workspace;
const NOW = Date.UTC(2026, 11, 1, 12);

async function readAll(file: string, format: "jsonl" | "csv", batchSize = 3): Promise<PreparedBatch[]> {
  const batches: PreparedBatch[] = [];
  for await (const batch of preparedBatches({ file, format, workspace, environment: "prod", batchSize, now: () => NOW })) batches.push(batch);
  return batches;
}

/** A batch's records in file order, runs unpacked (each run's rows cross as one text). */
function itemsOf(batch: PreparedBatch): PreparedItem[] {
  return batch.flatMap((part) => {
    if ("items" in part) return part.items;
    const rows = Array.from(decodeImportRows(part.run), (row) => row.slice() as typeof row);
    expect(rows.length).toBe(part.run.count);
    // The run's rollup facts, summed on the reader as if every row were new: one session each.
    expect(part.run.summed.reduce((n, entry) => n + entry.m[0], 0)).toBe(part.run.count);
    return rows.map((row, i) => ({ line: part.lines[i], row }));
  });
}

describe("preparedBatches", () => {
  test("batches of the asked size, in line order, each row checked and built on the reader's thread", async () => {
    const file = path.join(dir, "rows.jsonl");
    const rows = [
      { eventId: "a", userId: "u1", status: "saved", context: { mrr: 12.5 } },
      { eventId: "b", userId: "u2", reason: "Too expensive" },
      "{oops",
      { eventId: "c" },
      { eventId: "d", userId: "u4", occurredAt: "2026-11-30T08:00:00Z" },
      "",
      { eventId: "e", userId: "u5", occurredAt: "2999-01-01T00:00:00Z" },
    ];
    writeFileSync(file, rows.map((r) => (typeof r === "string" ? r : JSON.stringify(r))).join("\n") + "\n");
    const batches = await readAll(file, "jsonl");
    // Runs of valid rows, and the other records one by one between them.
    expect(batches.map((b) => b.map((part) => ("run" in part ? `run ${part.run.count}` : `items ${part.items.length}`)))).toEqual([
      ["run 2", "items 1"],
      ["items 1", "run 1", "items 1"],
    ]);
    const items = batches.flatMap(itemsOf);
    expect(items.map((i) => i.line)).toEqual([1, 2, 3, 4, 5, 7]);
    const events = items.map((i) => ("error" in i ? i.error : eventOfImportRow(i.row)));
    expect(events.map((e) => (typeof e === "string" ? e : e.eventId))).toEqual([
      "a",
      "b",
      "not valid JSON",
      "userId: is required",
      "d",
      "occurredAt: must be at most 5 minutes in the future",
    ]);
    const [a, b, , , d] = events as CancellationEvent[];
    expect(a).toMatchObject({ workspaceId: workspace.id, outcome: "saved", recoveredMrrCents: 1250, context: { mrr: 12.5 }, occurredAt: NOW, recordedAt: NOW });
    expect(a.eventHash).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toMatchObject({ outcome: "canceled", reason: "too expensive", offer: null, metadata: {} });
    expect(d.occurredAt).toBe(Date.UTC(2026, 10, 30, 8));
  });

  test("a CSV header that cannot be imported stops it with ImportFileError, before any batch", async () => {
    const file = path.join(dir, "bad.csv");
    writeFileSync(file, "eventId,userId,eventId\nx,y,z\n");
    const error = await readAll(file, "csv").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportFileError);
    expect((error as Error).message).toBe("The CSV header names the column eventId twice");
  });

  test("a file that cannot be read stops it with the reason, and no stack of the reader's code", async () => {
    const error = await readAll(path.join(dir, "gone.jsonl"), "jsonl").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(ImportFileError);
    expect((error as Error).message).toMatch(/no such file|ENOENT/i);
    expect((error as Error).message).not.toContain("import-worker");
  });
});

describe("a run's text", () => {
  const row = (over: Partial<Record<number, unknown>> = {}): ImportRow => {
    const r: unknown[] = ["id-1", workspace.id, "user_1", null, "prod", '{"mrr":12.5}', "{}", "saved", "too expensive", "Line one\nline two", '{"kind":"pause","months":2}', 1250, NOW, "evt_1", "ab".repeat(32), NOW, NOW, null, "pro", 1250, 30, "pause", true, "completed", NOW];
    for (const [i, v] of Object.entries(over)) r[Number(i)] = v;
    return r as ImportRow;
  };

  test("rows come back field for field: text, numbers, booleans, nulls and empty strings", () => {
    const rows = [row(), row({ 0: "id-2", 3: "", 8: null, 9: "", 19: null, 20: 0.5, 22: false, 24: null })];
    const fields: string[] = [];
    for (const r of rows) expect(encodeImportRow(r, fields)).toBe(true);
    const decoded = Array.from(decodeImportRows({ fields: joinImportRows(fields), count: 2, summed: [] }), (r) => r.slice());
    expect(decoded).toEqual(rows);
  });

  test("a text field holding a separator or the null mark is refused, and adds nothing (the row goes by itself)", () => {
    const fields: string[] = [];
    expect(encodeImportRow(row(), fields)).toBe(true);
    const before = [...fields];
    expect(encodeImportRow(row({ 2: "user\u0000x" }), fields)).toBe(false);
    expect(encodeImportRow(row({ 8: "\u0001" }), fields)).toBe(false);
    expect(fields).toEqual(before);
    // A count that does not match the text is a bug, not a row to guess at.
    expect(() => [...decodeImportRows({ fields: joinImportRows(fields), count: 2, summed: [] })]).toThrow("an import run of 2 rows has 25 fields");
  });
});
