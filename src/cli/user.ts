// holdfast user create
import { groupUsage, parse } from "./args.ts";
import { CliError, withDeps, type Io } from "./context.ts";

export const USER_HELP = `Usage:
  holdfast user create --email EMAIL [--password-stdin]

Creates a dashboard login. The password (at least 12 characters) is read from standard input with
--password-stdin; otherwise a strong one is generated and printed once.`;

export async function userCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const usage = groupUsage(sub, USER_HELP, io);
  if (usage !== null) return usage;
  if (sub !== "create") throw new CliError(`Unknown user command: ${sub} (see holdfast user --help)`);
  const { values } = parse(rest, { email: { type: "string" }, "password-stdin": { type: "boolean" } });
  if (values.help) return io.out(USER_HELP), 0;
  if (!values.email) throw new CliError("--email is required");
  let password: string;
  let generated = false;
  if (values["password-stdin"]) {
    password = (await io.readStdin()).replace(/\r?\n$/, "");
    if (!password) throw new CliError("No password on standard input");
  } else {
    password = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64url");
    generated = true;
  }
  return withDeps(io, async (deps) => {
    const user = await deps.userService.create(values.email!, password);
    io.out(`Created user ${user.email} (${user.id})`);
    if (generated) io.out(`  password: ${password}\nIt is shown once: store it now.`);
    return 0;
  });
}
