// An import file read as batches of records: JSON Lines values, or CSV rows shaped as event bodies by the header's
// (dotted) column names. Streamed: only the batch being filled and a chunk's unfinished tail are ever held.
import { CsvParser, JsonlParser, readRecords } from "../../lib/record-reader.ts";
import type { ImportRecord } from "./cancellations.service.ts";

export const IMPORT_FORMATS = ["jsonl", "csv"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** The file cannot be imported at all (a bad CSV header): nothing of it is recorded. */
export class ImportFileError extends Error {}

// CSV cells are text; these fields are numbers in the event body.
const NUMERIC_COLUMNS = new Set([
  "context.mrr",
  "context.tenureDays",
  "context.tenure",
  "offer.percentOff",
  "offer.durationMonths",
  "offer.months",
  "offer.days",
]);
const NUMBER = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const NESTED = new Set(["context", "metadata", "offer"]);

type Column = { name: string; parent: string | null; key: string; numeric: boolean };

function columnsOf(header: string[]): Column[] {
  const seen = new Set<string>();
  return header.map((raw) => {
    const name = raw.trim();
    if (name === "") throw new ImportFileError("The CSV header has an empty column name");
    if (seen.has(name)) throw new ImportFileError(`The CSV header names the column ${name} twice`);
    seen.add(name);
    const dot = name.indexOf(".");
    const parent = dot > 0 ? name.slice(0, dot) : null;
    if (parent !== null && !NESTED.has(parent))
      throw new ImportFileError(`CSV column ${name}: only context.*, metadata.* and offer.* columns may be dotted`);
    return { name, parent, key: parent ? name.slice(dot + 1) : name, numeric: NUMERIC_COLUMNS.has(name) };
  });
}

/** A CSV row as the event body it spells; an empty cell is an omitted field. */
function rowToBody(columns: Column[], fields: string[]): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (let i = 0; i < columns.length; i++) {
    const cell = fields[i];
    if (cell === undefined || cell === "") continue;
    const column = columns[i];
    const value = column.numeric && NUMBER.test(cell.trim()) ? Number(cell) : cell;
    if (column.parent) ((body[column.parent] ??= {}) as Record<string, unknown>)[column.key] = value;
    else body[column.key] = value;
  }
  return body;
}

/**
 * Yields the file's records `batchSize` at a time, in line order; a line that cannot be read (bad JSON, a CSV row
 * of the wrong width) is a record with its `error`. Throws ImportFileError before the first batch for a bad header.
 */
export async function* importBatches(stream: ReadableStream<Uint8Array>, format: ImportFormat, batchSize: number): AsyncGenerator<ImportRecord[]> {
  let columns: Column[] | null = null;
  let batch: ImportRecord[] = [];
  for await (const chunk of readRecords(stream, format === "csv" ? new CsvParser() : new JsonlParser())) {
    for (const record of chunk) {
      if (record.error !== undefined) batch.push({ line: record.line, error: record.error });
      else if (!record.fields) batch.push({ line: record.line, value: record.value });
      else if (!columns) columns = columnsOf(record.fields);
      else if (record.fields.length !== columns.length)
        batch.push({ line: record.line, error: `the row has ${record.fields.length} fields, the header ${columns.length}` });
      else batch.push({ line: record.line, value: rowToBody(columns, record.fields) });
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length) yield batch;
}
