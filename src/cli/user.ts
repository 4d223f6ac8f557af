// holdfast user create
import { groupUsage, oneOf, parse } from "./args.ts";
import { CliError, EXIT, unknown, withDeps, type Io } from "./context.ts";
import { ROLES } from "../modules/users/users.store.ts";

export const USER_HELP = `Usage:
  holdfast user create --email EMAIL [--workspace ID --role owner|admin|viewer] [--password-stdin]

Creates a dashboard login. The password (12 to 256 characters) is read from standard input with
--password-stdin; otherwise a strong one is generated and printed once. With --workspace and --role the
user becomes a member of that workspace; for an existing e-mail only the membership is added or changed.`;

export async function userCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const usage = groupUsage(sub, USER_HELP, io);
  if (usage !== null) return usage;
  if (sub !== "create") throw unknown("user command", sub, ["create"], "holdfast user --help");
  const { values } = parse(rest, {
    email: { type: "string" },
    "password-stdin": { type: "boolean" },
    workspace: { type: "string" },
    role: { type: "string" },
  });
  if (values.help) return io.out(USER_HELP), 0;
  if (!values.email) throw new CliError("--email is required");
  const role = oneOf("role", values.role, ROLES);
  if ((values.workspace === undefined) !== (role === undefined)) throw new CliError("--workspace and --role go together");
  return withDeps(io, async (deps) => {
    if (values.workspace && !(await deps.workspaceService.get(values.workspace))) throw new CliError(`No workspace with id ${values.workspace}`, EXIT.failed);
    const existing = values.workspace ? await deps.userService.findByEmail(values.email!) : null;
    if (existing) {
      await deps.userService.addMembership(existing.id, values.workspace!, role!);
      io.out(`Linked user ${existing.email} (${existing.id}) to workspace ${values.workspace} as ${role}`);
      return 0;
    }
    let password: string;
    let generated = false;
    if (values["password-stdin"]) {
      password = (await io.readStdin()).replace(/\r?\n$/, "");
      if (!password) throw new CliError("No password on standard input");
    } else {
      password = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64url");
      generated = true;
    }
    const user = await deps.userService.create(values.email!, password);
    io.out(`Created user ${user.email} (${user.id})`);
    if (values.workspace) {
      await deps.userService.addMembership(user.id, values.workspace, role!);
      io.out(`  member of ${values.workspace} as ${role}`);
    }
    if (generated) io.out(`  password: ${password}\nIt is shown once: store it now.`);
    return 0;
  });
}
