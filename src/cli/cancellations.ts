// holdfast cancellations import FILE --workspace ID [--test]: a team's history from a hosted product, streamed.
import path from "node:path";
import { groupUsage, parse, oneOf } from "./args.ts";
import { CliError, withDeps, type Io } from "./context.ts";
import { heapSize } from "bun:jsc";
import { AppError } from "../lib/app-error.ts";
import { startCheckpointer } from "../db/checkpointer.ts";
import type { ImportOutcome } from "../modules/cancellations/cancellations.service.ts";
import { IMPORT_FORMATS, ImportFileError } from "../modules/cancellations/import-file.ts";
import { COLLECT_ABOVE_BYTES, preparedBatches } from "../modules/cancellations/import-reader.ts";

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
  const format = oneOf("format", values.format, IMPORT_FORMATS) ?? (extension === ".csv" ? "csv" : extension === ".jsonl" || extension === ".ndjson" ? "jsonl" : null);
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

    // A reader thread reads, checks and builds each batch while this one writes the one before, and a checkpointer
    // thread copies the WAL back meanwhile: the three parts of a row's cost run side by side.
    const checkpointer = startCheckpointer(deps.db, deps.config.dbPath);
    try {
      const batches = preparedBatches({ file, format, workspace, environment, batchSize: BATCH_SIZE, now: deps.clock.now });
      for await (const batch of batches) {
        const outcomes = deps.cancellationService.recordImport(batch);
        for (const outcome of outcomes) tally(outcome);
        checkpointer.afterCommit();
        rows += outcomes.length;
        if (heapSize() > COLLECT_ABOVE_BYTES) Bun.gc(true);
        const seconds = (performance.now() - started) / 1000;
        io.progress?.(`imported ${rows.toLocaleString("en-US")} rows (${Math.round(rows / Math.max(seconds, 0.001)).toLocaleString("en-US")}/s)`);
      }
    } catch (error) {
      if (error instanceof ImportFileError) throw new CliError(error.message);
      throw error;
    } finally {
      await checkpointer.close();
    }
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
