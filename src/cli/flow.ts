// holdfast flow list | export | import | versions | publish | diff: flows as code from the command line.
import { readFileSync } from "node:fs";
import { AppError } from "../lib/app-error.ts";
import type { Deps } from "../boot.ts";
import { groupUsage, parse, table } from "./args.ts";
import { CliError, withDeps, type Io } from "./context.ts";

export const FLOW_HELP = `Usage:
  holdfast flow list --workspace ID [--json]
  holdfast flow export ID [--draft | --version N]       print the flow as JSON (to keep in git)
  holdfast flow import FILE [--workspace ID] [--publish]
  holdfast flow versions ID [--json]
  holdfast flow publish ID [--version N]                 publish the draft, or roll back to version N
  holdfast flow diff ID FROM TO                          FROM and TO: version numbers or "draft"

export prints { name, slug, steps } of the published version (--draft: the unpublished draft).
import reads such a file (FILE "-" reads stdin) and updates the workspace's flow with that slug, or
creates it; the steps become the draft, and with --publish a new numbered version (none when they
already are the published version). --workspace may be left out when there is only one workspace.
The JSON round-trips exactly: export, import, export again prints the same bytes.`;

function positiveInt(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^[1-9][0-9]{0,8}$/.test(raw)) throw new CliError(`--${name} must be a positive whole number`);
  return Number(raw);
}

async function workspaceOfFlow(deps: Deps, id: string): Promise<string> {
  const workspaceId = await deps.flowService.workspaceOf(id);
  if (!workspaceId) throw new CliError(`No flow with id ${id}`);
  return workspaceId;
}

const pretty = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export async function flowCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const usage = groupUsage(sub, FLOW_HELP, io);
  if (usage !== null) return usage;
  switch (sub) {
    case "list": {
      const { values } = parse(rest, { workspace: { type: "string" }, json: { type: "boolean" } });
      if (values.help) return io.out(FLOW_HELP), 0;
      if (!values.workspace) throw new CliError("--workspace is required");
      return withDeps(io, async (deps) => {
        if (!(await deps.workspaceService.get(values.workspace!))) throw new CliError(`No workspace with id ${values.workspace}`);
        const rows = (await deps.flowService.list(values.workspace!)).map((f) => ({
          id: f.id,
          name: f.name,
          slug: f.slug,
          status: f.status,
          isDefault: f.isDefault,
          version: f.version,
          updatedAt: new Date(f.updatedAt).toISOString(),
        }));
        io.out(values.json ? pretty(rows) : table(rows, ["id", "slug", "status", "isDefault", "version", "name"]));
        return 0;
      });
    }
    case "export": {
      const { values, positionals } = parse(rest, { draft: { type: "boolean" }, version: { type: "string" } });
      if (values.help) return io.out(FLOW_HELP), 0;
      const id = positionals[0];
      if (!id) throw new CliError("flow export needs the flow ID (see holdfast flow list)");
      const version = positiveInt("version", values.version);
      if (version !== undefined && values.draft) throw new CliError("--draft and --version cannot be used together");
      return withDeps(io, async (deps) => {
        const workspaceId = await workspaceOfFlow(deps, id);
        const doc = await deps.flowService.exportDocument(workspaceId, id, { draft: values.draft });
        if (version !== undefined) doc.steps = await deps.flowService.versionSteps(workspaceId, id, version);
        // Written whole, not through io.out's line handling: the bytes are the file.
        io.out(pretty(doc));
        return 0;
      });
    }
    case "import": {
      const { values, positionals } = parse(rest, { workspace: { type: "string" }, publish: { type: "boolean" } });
      if (values.help) return io.out(FLOW_HELP), 0;
      const file = positionals[0];
      if (!file) throw new CliError("flow import needs a FILE (or - for stdin)");
      let text: string;
      try {
        text = file === "-" ? await io.readStdin() : readFileSync(file, "utf8");
      } catch {
        throw new CliError(`Cannot read ${file}`);
      }
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch {
        throw new CliError(`${file} is not valid JSON`);
      }
      return withDeps(io, async (deps) => {
        let workspaceId = values.workspace;
        if (workspaceId) {
          if (!(await deps.workspaceService.get(workspaceId))) throw new CliError(`No workspace with id ${workspaceId}`);
        } else {
          const all = await deps.workspaceService.list();
          if (all.length !== 1) throw new CliError(all.length ? "--workspace is required when there is more than one workspace" : "No workspace yet: create one first");
          workspaceId = all[0]!.id;
        }
        try {
          const result = await deps.flowService.importDocument(workspaceId, doc, { publish: Boolean(values.publish), publishedBy: "command line" });
          const what = result.created ? "Created" : "Updated";
          const version = result.published
            ? `published version ${result.flow.version}`
            : values.publish
              ? `unchanged: version ${result.flow.version} is already these steps`
              : "saved as a draft (publish with --publish or holdfast flow publish)";
          io.out(`${what} flow ${result.flow.id} (${result.flow.slug}) in workspace ${workspaceId}: ${version}`);
          return 0;
        } catch (error) {
          if (error instanceof AppError && error.status < 500) throw new CliError(`${file}: ${error.message}`);
          throw error;
        }
      });
    }
    case "versions": {
      const { values, positionals } = parse(rest, { json: { type: "boolean" } });
      if (values.help) return io.out(FLOW_HELP), 0;
      const id = positionals[0];
      if (!id) throw new CliError("flow versions needs the flow ID");
      return withDeps(io, async (deps) => {
        const workspaceId = await workspaceOfFlow(deps, id);
        const flow = await deps.flowService.get(workspaceId, id);
        const rows = (await deps.flowService.listVersions(workspaceId, id)).map((v) => ({
          version: v.version,
          publishedAt: new Date(v.publishedAt).toISOString(),
          restoredFrom: v.restoredFrom,
          publishedBy: v.publishedBy,
          current: v.version === flow?.version,
        }));
        io.out(values.json ? pretty(rows) : table(rows, ["version", "publishedAt", "restoredFrom", "publishedBy", "current"]));
        return 0;
      });
    }
    case "publish": {
      const { values, positionals } = parse(rest, { version: { type: "string" } });
      if (values.help) return io.out(FLOW_HELP), 0;
      const id = positionals[0];
      if (!id) throw new CliError("flow publish needs the flow ID");
      const version = positiveInt("version", values.version);
      return withDeps(io, async (deps) => {
        const workspaceId = await workspaceOfFlow(deps, id);
        const result = version === undefined ? await deps.flowService.publishDraft(workspaceId, id, "command line") : await deps.flowService.rollback(workspaceId, id, version, "command line");
        io.out(result.published ? `Published version ${result.flow.version}${version ? ` (a copy of version ${version})` : ""}` : `Unchanged: version ${result.flow.version} is already these steps`);
        return 0;
      });
    }
    case "diff": {
      const { values, positionals } = parse(rest, {});
      if (values.help) return io.out(FLOW_HELP), 0;
      const [id, fromRaw, toRaw] = positionals;
      if (!id || !fromRaw || !toRaw) throw new CliError("flow diff needs ID FROM TO (version numbers or draft)");
      const side = (name: string, raw: string) => (raw === "draft" ? ("draft" as const) : positiveInt(name, raw)!);
      const from = side("FROM", fromRaw);
      const to = side("TO", toRaw);
      return withDeps(io, async (deps) => {
        const workspaceId = await workspaceOfFlow(deps, id);
        const changes = await deps.flowService.diff(workspaceId, id, from, to);
        const show = (v: unknown) => (v === undefined ? "" : JSON.stringify(v));
        io.out(
          changes.length
            ? changes.map((c) => (c.change === "added" ? `+ ${c.path}: ${show(c.after)}` : c.change === "removed" ? `- ${c.path}: ${show(c.before)}` : `~ ${c.path}: ${show(c.before)} → ${show(c.after)}`)).join("\n")
            : "No changes",
        );
        return 0;
      });
    }
    default:
      throw new CliError(`Unknown flow command: ${sub} (see holdfast flow --help)`);
  }
}
