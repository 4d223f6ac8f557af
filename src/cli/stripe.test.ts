// holdfast stripe failed | replay against a data directory a server (the test app) wrote failed events into.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runCli } from "./index.ts";
import type { Io } from "./context.ts";
import { makeTestApp, seedWorkspace } from "../../tests/helpers.ts";
import { startFakeStripe, type FakeStripe } from "../../tests/helpers/fake-stripe.ts";
import { checkoutSession, deliver, event, invoice, stripeConfig } from "../../tests/helpers/stripe-events.ts";

let fake: FakeStripe;
let dir = "";
beforeAll(async () => {
  fake = await startFakeStripe();
  dir = mkdtempSync(path.join(tmpdir(), "hf-stripe-cli-"));
});
afterAll(async () => {
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (t) => void out.push(t), err: (t) => void err.push(t), readStdin: async () => "", env: { HOLDFAST_DATA_DIR: dir } };
  const code = await runCli(argv, io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

test("holdfast stripe failed lists a failed event; replay applies it once its cause is fixed", async () => {
  const t = await makeTestApp({ stripe: stripeConfig(fake) }, path.join(dir, "holdfast.db"));
  const ws = await seedWorkspace(t);
  t.deps.workspaceService.applyBilling(ws.id, { access: "read_only" });
  const now = Math.floor(t.clock.now() / 1000);
  const paid = event({ type: "invoice.paid", created: now + 5, object: invoice({ customer: "cus_cli", subscription: "sub_cli" }) });
  expect((await (await deliver(t, paid)).json()).status).toBe("failed");

  const listed = await run(["stripe", "failed", "--json"]);
  expect(listed.code).toBe(0);
  const rows = JSON.parse(listed.out);
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ id: paid.id, type: "invoice.paid", workspaceId: null, attempts: 1 });
  expect(rows[0].error).toContain("cus_cli");

  // Still unlinked: the replay fails again, exit 1, the error on stderr.
  const again = await run(["stripe", "replay", paid.id]);
  expect(again.code).toBe(1);
  expect(again.err).toContain("failed again");

  await deliver(t, event({ type: "checkout.session.completed", created: now, object: checkoutSession({ workspaceId: ws.id, customer: "cus_cli", subscription: "sub_cli" }) }));
  expect(await run(["stripe", "replay", paid.id])).toEqual({ code: 0, out: `Replayed ${paid.id}: applied`, err: "" });
  expect((await t.deps.workspaceService.get(ws.id))!.access).toBe("active");
  expect(JSON.parse((await run(["stripe", "failed", "--json"])).out)).toEqual([]);

  const twice = await run(["stripe", "replay", paid.id]);
  expect(twice.code).toBe(1); // refused (the CLI's exit-code rule: 1 not done, 2 usage)
  expect(twice.err).toContain("not failed");
  expect((await run(["stripe", "replay", "evt_missing"])).code).toBe(1);
  expect((await run(["stripe", "replay"])).code).toBe(2);
  expect((await run(["stripe", "--help"])).out).toContain("holdfast stripe replay EVENT_ID");
  t.deps.db.close();
});
