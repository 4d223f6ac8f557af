import { describe, expect, test } from "bun:test";
import { CsvParser, JsonlParser, readRecords, type LineRecord } from "./record-reader.ts";

function streamOf(text: string, chunkSize: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
}

async function readAll(text: string, parser: () => CsvParser | JsonlParser, chunkSize: number): Promise<LineRecord[]> {
  const out: LineRecord[] = [];
  for await (const batch of readRecords(streamOf(text, chunkSize), parser())) out.push(...batch);
  return out;
}

const CSV = [
  "eventId,userId,feedback,metadata.note",
  'evt_1,u1,"Too pricey, honestly",plain',
  'evt_2,u2,"two\nlines and ""quotes""",""',
  "",
  "evt_3,u3,,é ünïcödé ✓",
  'evt_4,u4,"ends with a quote """,x',
].join("\r\n");

describe("CSV", () => {
  // Every chunk size, down to one byte, must give the same rows: quotes, CRLF and multi-byte characters may be split.
  for (const size of [1, 2, 3, 7, 64, 1 << 16]) {
    test(`quoted commas, newlines and escaped quotes; line numbers count the header as 1 (chunks of ${size})`, async () => {
      expect(await readAll(CSV, () => new CsvParser(), size)).toEqual([
        { line: 1, fields: ["eventId", "userId", "feedback", "metadata.note"] },
        { line: 2, fields: ["evt_1", "u1", "Too pricey, honestly", "plain"] },
        { line: 3, fields: ["evt_2", "u2", 'two\nlines and "quotes"', ""] },
        { line: 6, fields: ["evt_3", "u3", "", "é ünïcödé ✓"] },
        { line: 7, fields: ["evt_4", "u4", 'ends with a quote "', "x"] },
      ]);
    });
  }

  test("a byte-order mark and a missing final newline are fine; an unclosed quote is reported at its row", async () => {
    expect(await readAll("\uFEFFa,b\n1,2", () => new CsvParser(), 3)).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 2, fields: ["1", "2"] },
    ]);
    expect(await readAll('a,b\n1,"open\n\n', () => new CsvParser(), 4)).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 2, error: "a quoted field is never closed" },
    ]);
  });
});

describe("JSONL", () => {
  for (const size of [1, 5, 1 << 16]) {
    test(`one value per line, blank lines skipped, bad JSON reported with its line (chunks of ${size})`, async () => {
      const text = '{"eventId":"a","note":"ü✓"}\n\n{"eventId":"b"}\r\n{oops\n{"eventId":"c"}';
      expect(await readAll(text, () => new JsonlParser(), size)).toEqual([
        { line: 1, value: { eventId: "a", note: "ü✓" } },
        { line: 3, value: { eventId: "b" } },
        { line: 4, error: "not valid JSON" },
        { line: 5, value: { eventId: "c" } },
      ]);
    });
  }
});
