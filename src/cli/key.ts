// holdfast key create | list | revoke
import { groupUsage, parse, oneOf, table } from "./args.ts";
import { CliError, EXIT, unknown, withDeps, type Io } from "./context.ts";
import { SCOPES } from "../modules/keys/keys.schemas.ts";

export const KEY_HELP = `Usage:
  holdfast key create --workspace ID --scope read|read_write [--test] [--json]
  holdfast key list --workspace ID [--json]
  holdfast key revoke KEY_ID

A key is shown once, at creation; only its hash is stored. --test makes an hf_test_ key, which only
ever creates and sees sandbox sessions.`;

export async function keyCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const usage = groupUsage(sub, KEY_HELP, io);
  if (usage !== null) return usage;
  switch (sub) {
    case "create": {
      const { values } = parse(rest, { workspace: { type: "string" }, scope: { type: "string" }, test: { type: "boolean" }, json: { type: "boolean" } });
      if (values.help) return io.out(KEY_HELP), 0;
      if (!values.workspace) throw new CliError("--workspace is required");
      const scope = oneOf("scope", values.scope, SCOPES);
      if (!scope) throw new CliError("--scope is required (read or read_write)");
      return withDeps(io, async (deps) => {
        if (!(await deps.workspaceService.get(values.workspace!))) throw new CliError(`No workspace with id ${values.workspace}`, EXIT.failed);
        const { key, secret } = await deps.keyService.create(values.workspace!, scope, values.test ? "test" : "live");
        if (values.json) io.out(JSON.stringify({ id: key.id, key: secret, scope: key.scope, mode: key.mode }, null, 2));
        else io.out(`Created ${key.mode} ${key.scope} key ${key.id}\n  key: ${secret}\nIt is shown once: store it now.`);
        return 0;
      });
    }
    case "list": {
      const { values } = parse(rest, { workspace: { type: "string" }, json: { type: "boolean" } });
      if (values.help) return io.out(KEY_HELP), 0;
      if (!values.workspace) throw new CliError("--workspace is required");
      return withDeps(io, async (deps) => {
        const keys = await deps.keyService.list(values.workspace!);
        const rows = keys.map((k) => ({
          ...k,
          createdAt: new Date(k.createdAt).toISOString(),
          lastUsedAt: k.lastUsedAt ? new Date(k.lastUsedAt).toISOString() : null,
          revokedAt: k.revokedAt ? new Date(k.revokedAt).toISOString() : null,
        }));
        if (values.json) io.out(JSON.stringify(rows, null, 2));
        else io.out(table(rows, ["id", "prefix", "scope", "mode", "createdAt", "lastUsedAt", "revokedAt"]));
        return 0;
      });
    }
    case "revoke": {
      const { values, positionals } = parse(rest, {});
      if (values.help) return io.out(KEY_HELP), 0;
      const id = positionals[0];
      if (!id) throw new CliError("key revoke needs the KEY_ID (see holdfast key list)");
      return withDeps(io, async (deps) => {
        const key = await deps.keyService.revoke(id);
        io.out(`Revoked key ${key.id} (${key.prefix}…)`);
        return 0;
      });
    }
    default:
      throw unknown("key command", sub, ["create", "list", "revoke"], "holdfast key --help");
  }
}
