// holdfast stripe failed | replay: the Stripe events that could not be applied, and applying one again.
import { groupUsage, parse, table } from "./args.ts";
import { CliError, unknown, withDeps, type Io } from "./context.ts";

export const STRIPE_HELP = `Usage:
  holdfast stripe failed [--json]
  holdfast stripe replay EVENT_ID

failed lists the Stripe webhook events kept as failed, newest first, with the error that stopped them.
replay applies one of them again from its stored payload (after you fixed the cause, e.g. linked the
customer by finishing Checkout); an event whose owner mail failed has the mail sent again.
Exit 1 when the event does not exist or fails again, 2 for a usage error or an event that is not failed.`;

export async function stripeCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const usage = groupUsage(sub, STRIPE_HELP, io);
  if (usage !== null) return usage;
  switch (sub) {
    case "failed": {
      const { values, positionals } = parse(rest, { json: { type: "boolean" } });
      if (values.help) return io.out(STRIPE_HELP), 0;
      if (positionals.length) throw new CliError(`Unexpected argument: ${positionals[0]}`);
      return withDeps(io, async (deps) => {
        const rows = deps.billingService.failedEvents().map((e) => ({
          id: e.id,
          type: e.type,
          workspaceId: e.workspaceId,
          attempts: e.attempts,
          receivedAt: new Date(e.receivedAt).toISOString(),
          error: e.error,
        }));
        if (values.json) io.out(JSON.stringify(rows, null, 2));
        else io.out(table(rows, ["id", "type", "workspaceId", "attempts", "receivedAt", "error"]));
        return 0;
      });
    }
    case "replay": {
      const { values, positionals } = parse(rest, {});
      if (values.help) return io.out(STRIPE_HELP), 0;
      const [id, extra] = positionals;
      if (!id) throw new CliError("stripe replay needs the EVENT_ID (see holdfast stripe failed)");
      if (extra) throw new CliError(`Unexpected argument: ${extra}`);
      return withDeps(io, async (deps) => {
        const result = await deps.billingService.replay(id);
        if (result.status === "failed") {
          io.err(`holdfast: event ${id} failed again: ${result.error ?? "unknown error"}`);
          return 1;
        }
        io.out(`Replayed ${id}: ${result.status}`);
        return 0;
      });
    }
    default:
      throw unknown("stripe command", sub, ["failed", "replay"], "holdfast stripe --help");
  }
}
