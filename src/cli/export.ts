// holdfast export sessions: the same filtered, batched iteration as the dashboard's CSV download, to stdout.
import { groupUsage, oneOf, parse } from "./args.ts";
import { CliError, withDeps, type Io } from "./context.ts";
import { csvHeader, csvRow, jsonlRow } from "../modules/sessions/session-export.ts";
import { parseFilters } from "../modules/sessions/session-search.service.ts";
import { AppError } from "../lib/app-error.ts";

export const EXPORT_HELP = `Usage:
  holdfast export sessions --workspace ID [--format csv|jsonl] [--from YYYY-MM-DD] [--to YYYY-MM-DD]

Writes the workspace's sessions, newest first, to standard output: CSV (the default, the same columns as
the dashboard's download) or JSON Lines. --from and --to are UTC days, both included. Rows are read and
written a batch at a time, so a million sessions never sit in memory at once.`;

const FORMATS = ["csv", "jsonl"] as const;

export async function exportCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const usage = groupUsage(sub, EXPORT_HELP, io);
  if (usage !== null) return usage;
  if (sub !== "sessions") throw new CliError(`Unknown export: ${sub} (see holdfast export --help)`);
  const { values } = parse(rest, { workspace: { type: "string" }, format: { type: "string" }, from: { type: "string" }, to: { type: "string" } });
  if (values.help) return io.out(EXPORT_HELP), 0;
  if (!values.workspace) throw new CliError("--workspace is required");
  const format = oneOf("format", values.format, FORMATS) ?? "csv";
  let filters;
  try {
    filters = parseFilters({ from: values.from, to: values.to });
  } catch (error) {
    if (error instanceof AppError) throw new CliError(`--${error.message}`);
    throw error;
  }
  return withDeps(io, async (deps) => {
    if (!(await deps.workspaceService.get(values.workspace!))) throw new CliError(`No workspace with id ${values.workspace}`);
    if (format === "csv") io.out(csvHeader());
    const row = format === "csv" ? csvRow : jsonlRow;
    for await (const batch of deps.sessionSearchService.all(values.workspace!, filters)) io.out(batch.map(row).join(""));
    return 0;
  });
}
