// holdfast cancellations import FILE --workspace ID [--test]: a team's history from a hosted product, streamed.
import path from "node:path";
import { groupUsage, parse, oneOf } from "./args.ts";
import { CliError, withDeps, type Io } from "./context.ts";
import { AppError } from "../lib/app-error.ts";
import { CsvParser, JsonlParser, readRecords } from "../lib/record-reader.ts";
import type { ImportOutcome } from "../modules/cancellations/cancellations.service.ts";

export const CANCELLATIONS_HELP = `Usage:
  holdfast cancellations import FILE --workspace ID [--test] [--format jsonl|csv]

Records cancellation events from a JSON Lines or CSV file (by its extension, or --format) with the rules of
POST /api/v1/cancellations: idempotent by eventId, so a file can be imported again safely. --test records
sandbox events. CSV: a header row of field names; nested fields dotted (context.plan, context.mrr,
context.tenureDays, metadata.<key>, offer.kind, offer.percentOff, …).

Prints created, unchanged, conflicting and invalid counts; each conflicting or invalid row is named by its
line (the CSV header is line 1) and field. Exits 0 when every row was created or unchanged, 1 otherwise
(after importing the valid rows).`;

// Rows are recorded a few thousand at a time: one transaction (and one commit) per batch.
const BATCH_SIZE = 2000;
const FORMATS = ["jsonl", "csv"] as const;
// The import's garbage grows the heap faster than the collector shrinks it on its own; past this resident size a full
// collection runs (checked after each batch). Collecting on a fixed schedule instead cost a quarter of the CPU at 1 M
// rows; this keeps the peak under the 200 MB goal and collects only when it has to.
const COLLECT_ABOVE_BYTES = 150 * 1024 * 1024;
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
    if (name === "") throw new CliError("The CSV header has an empty column name");
    if (seen.has(name)) throw new CliError(`The CSV header names the column ${name} twice`);
    seen.add(name);
    const dot = name.indexOf(".");
    const parent = dot > 0 ? name.slice(0, dot) : null;
    if (parent !== null && !NESTED.has(parent))
      throw new CliError(`CSV column ${name}: only context.*, metadata.* and offer.* columns may be dotted`);
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

export async function cancellationsCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const usage = groupUsage(sub, CANCELLATIONS_HELP, io);
  if (usage !== null) return usage;
  if (sub !== "import") throw new CliError(`Unknown cancellations command: ${sub} (see holdfast cancellations --help)`);
  const { values, positionals } = parse(rest, { workspace: { type: "string" }, test: { type: "boolean" }, format: { type: "string" } });
  if (values.help) return io.out(CANCELLATIONS_HELP), 0;
  const file = positionals[0];
  if (!file) throw new CliError("cancellations import needs the FILE to read");
  if (positionals.length > 1) throw new CliError(`Unexpected argument: ${positionals[1]}`);
  if (!values.workspace) throw new CliError("--workspace is required");
  const extension = path.extname(file).toLowerCase();
  const format = oneOf("format", values.format, FORMATS) ?? (extension === ".csv" ? "csv" : extension === ".jsonl" || extension === ".ndjson" ? "jsonl" : null);
  if (!format) throw new CliError("Cannot tell the format from the file name: pass --format jsonl or --format csv");
  const source = Bun.file(file);
  if (!(await source.exists())) {
    io.err(`holdfast: No such file: ${file}`);
    return 1;
  }

  return withDeps(io, async (deps) => {
    const workspace = await deps.workspaceService.get(values.workspace!);
    if (!workspace) {
      io.err(`holdfast: No workspace with id ${values.workspace}`);
      return 1;
    }
    try {
      deps.cancellationService.assertCanIngest(workspace);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      io.err(`holdfast: ${error.message}`);
      return 1;
    }
    const environment = values.test ? "sandbox" : "prod";
    const counts = { created: 0, unchanged: 0, conflicting: 0, invalid: 0 };
    const started = performance.now();
    let rows = 0;
    const report = (line: number, what: string) => io.err(`line ${line}: ${what}`);
    const tally = (outcome: ImportOutcome) => {
      counts[outcome.kind]++;
      if (outcome.kind === "conflicting") report(outcome.line, "conflicting: eventId exists with a different payload (change it with PATCH)");
      else if (outcome.kind === "invalid") report(outcome.line, `invalid: ${outcome.message}`);
    };

    let pending: { line: number; value: unknown }[] = [];
    const flush = () => {
      if (pending.length === 0) return;
      for (const outcome of deps.cancellationService.importBatch(workspace, environment, pending)) tally(outcome);
      rows += pending.length;
      pending = [];
      if (process.memoryUsage.rss() > COLLECT_ABOVE_BYTES) Bun.gc(true);
      const seconds = (performance.now() - started) / 1000;
      io.progress?.(`imported ${rows.toLocaleString("en-US")} rows (${Math.round(rows / Math.max(seconds, 0.001)).toLocaleString("en-US")}/s)`);
    };

    let columns: Column[] | null = null;
    const parser = format === "csv" ? new CsvParser() : new JsonlParser();
    for await (const batch of readRecords(source.stream(), parser)) {
      for (const record of batch) {
        if (record.error !== undefined) {
          tally({ kind: "invalid", line: record.line, message: record.error });
          continue;
        }
        let value = record.value;
        if (record.fields) {
          if (!columns) {
            columns = columnsOf(record.fields);
            continue;
          }
          if (record.fields.length !== columns.length) {
            tally({ kind: "invalid", line: record.line, message: `the row has ${record.fields.length} fields, the header ${columns.length}` });
            continue;
          }
          value = rowToBody(columns, record.fields);
        }
        pending.push({ line: record.line, value });
        if (pending.length >= BATCH_SIZE) flush();
      }
    }
    flush();
    io.progress?.("");

    const seconds = (performance.now() - started) / 1000;
    io.out(
      [
        `Imported ${file} into workspace ${workspace.id} (${environment}) in ${seconds.toFixed(1)} s:`,
        `  created      ${counts.created}`,
        `  unchanged    ${counts.unchanged}`,
        `  conflicting  ${counts.conflicting}`,
        `  invalid      ${counts.invalid}`,
      ].join("\n"),
    );
    return counts.conflicting + counts.invalid === 0 ? 0 : 1;
  });
}
