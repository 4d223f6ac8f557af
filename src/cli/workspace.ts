// holdfast workspace create | update | list | rotate-secret
import { groupUsage, parse, oneOf, table } from "./args.ts";
import { CliError, unknown, withDeps, type Io } from "./context.ts";
import { ACCESSES, PLANS } from "../modules/workspaces/workspaces.schemas.ts";
import type { Workspace } from "../modules/workspaces/workspaces.store.ts";

export const WORKSPACE_HELP = `Usage:
  holdfast workspace create --name NAME [--plan core|advanced] [--default-return-url URL]
                            [--allow-return-url PREFIX]... [--display-name NAME] [--accent-color #RRGGBB]
                            [--logo-url URL] [--frame-ancestor ORIGIN]... [--json]
  holdfast workspace update ID [--name NAME] [--plan core|advanced] [--access active|read_only]
                            [--default-return-url URL] [--allow-return-url PREFIX]... [--display-name NAME]
                            [--accent-color #RRGGBB] [--logo-url URL] [--frame-ancestor ORIGIN]...
                            [--link-ttl-minutes N] [--json]
  holdfast workspace list [--json]
  holdfast workspace rotate-secret ID [--json]

create prints the workspace id, a live and a test API key (both read_write) and the signing secret.
Keys and the secret are shown once: store them now. --allow-return-url and --frame-ancestor may be
repeated; on update each replaces its list. --logo-url is an https URL or a path on this server;
--frame-ancestor is an origin only (https://app.example.com[:port]) allowed to embed the hosted pages.
update prints each field it changed. rotate-secret keeps the previous secret verifying for 7 days.`;

const shared = {
  name: { type: "string" },
  plan: { type: "string" },
  "default-return-url": { type: "string" },
  "allow-return-url": { type: "string", multiple: true },
  "display-name": { type: "string" },
  "accent-color": { type: "string" },
  "logo-url": { type: "string" },
  "frame-ancestor": { type: "string", multiple: true },
  json: { type: "boolean" },
} as const;

// What `workspace update` reports and `list --json` prints: timestamps as ISO 8601, as the API writes them.
const CHANGEABLE = ["name", "plan", "access", "defaultReturnUrl", "allowedReturnUrls", "frameAncestors", "displayName", "accentColor", "logoUrl", "linkTtlMinutes"] as const;

function show(value: unknown): string {
  if (value === null || value === undefined) return "-";
  return Array.isArray(value) ? (value.length ? value.join(", ") : "(none)") : String(value);
}

/** One line per field that differs: "  plan: core → advanced". */
export function describeChanges(before: Workspace, after: Workspace): string[] {
  return CHANGEABLE.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).map((k) => `  ${k}: ${show(before[k])} → ${show(after[k])}`);
}

/** The settings create and update both take, from their flags (checked by the workspace schema in the service). */
function sharedSettings(values: { [K in keyof typeof shared]?: (typeof shared)[K] extends { multiple: true } ? string[] : (typeof shared)[K] extends { type: "boolean" } ? boolean : string }) {
  return {
    name: values.name,
    plan: oneOf("plan", values.plan, PLANS),
    defaultReturnUrl: values["default-return-url"],
    allowedReturnUrls: values["allow-return-url"],
    displayName: values["display-name"],
    accentColor: values["accent-color"],
    logoUrl: values["logo-url"],
    frameAncestors: values["frame-ancestor"],
  };
}

const withIsoTimes = (w: Workspace) => ({ ...w, createdAt: new Date(w.createdAt).toISOString(), updatedAt: new Date(w.updatedAt).toISOString() });

export async function workspaceCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const usage = groupUsage(sub, WORKSPACE_HELP, io);
  if (usage !== null) return usage;
  switch (sub) {
    case "create": {
      const { values, positionals } = parse(rest, shared);
      if (values.help) return io.out(WORKSPACE_HELP), 0;
      if (positionals.length) throw new CliError(`Unexpected argument: ${positionals[0]}`);
      if (!values.name) throw new CliError("--name is required");
      return withDeps(io, async (deps) => {
        const { workspace, signingSecret } = await deps.workspaceService.create({ ...sharedSettings(values), name: values.name! });
        const live = await deps.keyService.create(workspace.id, "read_write", "live");
        const test = await deps.keyService.create(workspace.id, "read_write", "test");
        const result = {
          id: workspace.id,
          name: workspace.name,
          plan: workspace.plan,
          liveKey: live.secret,
          testKey: test.secret,
          signingSecret: signingSecret.secret,
        };
        if (values.json) io.out(JSON.stringify(result, null, 2));
        else
          io.out(
            [
              `Created workspace ${workspace.name} (${workspace.plan})`,
              `  id:             ${result.id}`,
              `  live key:       ${result.liveKey}`,
              `  test key:       ${result.testKey}`,
              `  signing secret: ${result.signingSecret}`,
              "Keys and the signing secret are shown once: store them now.",
            ].join("\n"),
          );
        return 0;
      });
    }
    case "update": {
      const { values, positionals } = parse(rest, {
        ...shared,
        access: { type: "string" },
        "link-ttl-minutes": { type: "string" },
      });
      if (values.help) return io.out(WORKSPACE_HELP), 0;
      const id = positionals[0];
      if (!id) throw new CliError("workspace update needs the workspace ID");
      const ttl = values["link-ttl-minutes"];
      if (ttl !== undefined && !/^\d+$/.test(ttl)) throw new CliError("--link-ttl-minutes must be a whole number");
      return withDeps(io, async (deps) => {
        const before = await deps.workspaceService.get(id);
        const ws = await deps.workspaceService.update(id, {
          ...sharedSettings(values),
          access: oneOf("access", values.access, ACCESSES),
          linkTtlMinutes: ttl === undefined ? undefined : Number(ttl),
        });
        const changes = before ? describeChanges(before, ws) : [];
        if (values.json) io.out(JSON.stringify(withIsoTimes(ws), null, 2));
        else if (changes.length === 0) io.out(`Workspace ${ws.id} (${ws.name}) unchanged`);
        else io.out([`Updated workspace ${ws.id} (${ws.name}):`, ...changes].join("\n"));
        return 0;
      });
    }
    case "list": {
      const { values } = parse(rest, { json: { type: "boolean" } });
      if (values.help) return io.out(WORKSPACE_HELP), 0;
      return withDeps(io, async (deps) => {
        const all = await deps.workspaceService.list();
        if (values.json) io.out(JSON.stringify(all.map(withIsoTimes), null, 2));
        else io.out(table(all.map((w) => ({ ...w, defaultReturnUrl: w.defaultReturnUrl })), ["id", "name", "plan", "access", "defaultReturnUrl"]));
        return 0;
      });
    }
    case "rotate-secret": {
      const { values, positionals } = parse(rest, { json: { type: "boolean" } });
      if (values.help) return io.out(WORKSPACE_HELP), 0;
      const id = positionals[0];
      if (!id) throw new CliError("workspace rotate-secret needs the workspace ID");
      return withDeps(io, async (deps) => {
        const secret = await deps.workspaceService.rotateSecret(id);
        if (values.json) io.out(JSON.stringify({ id, kid: secret.id, signingSecret: secret.secret }, null, 2));
        else io.out(`New signing secret for ${id}: ${secret.secret}\nThe previous secret still verifies tokens for 7 days.`);
        return 0;
      });
    }
    default:
      throw unknown("workspace command", sub, ["create", "update", "list", "rotate-secret"], "holdfast workspace --help");
  }
}
