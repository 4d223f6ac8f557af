// holdfast analytics rebuild
import { groupUsage, parse } from "./args.ts";
import { CliError, EXIT, unknown, withDeps, type Io } from "./context.ts";

export const ANALYTICS_HELP = `Usage:
  holdfast analytics rebuild [--workspace ID]

Recounts the analytics rollups from the stored sessions (every workspace, or one). The rollups are kept
up to date by every write; rebuild after restoring a backup made by another version, or to check them.
It runs in one transaction: while it runs, the API answers from the previous figures.`;

export async function analyticsCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const usage = groupUsage(sub, ANALYTICS_HELP, io);
  if (usage !== null) return usage;
  switch (sub) {
    case "rebuild": {
      const { values, positionals } = parse(rest, { workspace: { type: "string" } });
      if (values.help) return io.out(ANALYTICS_HELP), 0;
      if (positionals.length) throw new CliError(`Unexpected argument: ${positionals[0]}`);
      return withDeps(io, async (deps) => {
        if (values.workspace !== undefined && !(await deps.workspaceService.get(values.workspace)))
          throw new CliError(`No workspace with id ${values.workspace}`, EXIT.failed);
        const started = performance.now();
        const counted = deps.analyticsService.rebuild(values.workspace ?? null);
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        io.out(`Rebuilt analytics from ${counted} session${counted === 1 ? "" : "s"}${values.workspace ? ` of workspace ${values.workspace}` : ""} in ${seconds} s`);
        return 0;
      });
    }
    default:
      throw unknown("analytics command", sub, ["rebuild"], "holdfast analytics --help");
  }
}
