// The Stripe webhook end to end: the real `stripe` package signs and verifies, the app applies, SQLite records.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { makeTestApp, seedWorkspace, type TestApp } from "../../../tests/helpers.ts";
import { startFakeStripe, type FakeStripe } from "../../../tests/helpers/fake-stripe.ts";
import { checkoutSession, deliver, event, invoice, sign, stripeConfig, subscription } from "../../../tests/helpers/stripe-events.ts";

let fake: FakeStripe;
beforeAll(async () => {
  fake = await startFakeStripe();
});
afterAll(async () => {
  await fake.stop();
});

async function setup() {
  const t = await makeTestApp({ stripe: stripeConfig(fake) });
  const ws = await seedWorkspace(t, { plan: "core" });
  const now = Math.floor(t.clock.now() / 1000);
  return { t, ws, now };
}

const workspace = async (t: TestApp, id: string) => (await t.deps.workspaceService.get(id))!;
const eventRow = (t: TestApp, id: string) =>
  t.deps.db.query("select status, attempts, error, workspace_id as workspaceId from stripe_events where id = ?").get(id) as
    | { status: string; attempts: number; error: string | null; workspaceId: string | null }
    | null;

describe("POST /api/stripe/webhook: mapping", () => {
  test("checkout.session.completed links the customer and subscription to the workspace in client_reference_id", async () => {
    const { t, ws, now } = await setup();
    const e = event({ type: "checkout.session.completed", created: now, object: checkoutSession({ workspaceId: ws.id, customer: "cus_A", subscription: "sub_A" }) });
    const res = await deliver(t, e);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true, status: "applied" });
    const billing = t.deps.db.query("select customer_id, subscription_id from workspace_billing where workspace_id = ?").get(ws.id);
    expect(billing).toEqual({ customer_id: "cus_A", subscription_id: "sub_A" });
    expect(eventRow(t, e.id)).toEqual({ status: "applied", attempts: 1, error: null, workspaceId: ws.id });
    // Later events name only the customer or the subscription: they find the workspace through the link.
    const paid = await deliver(t, event({ type: "customer.subscription.updated", created: now + 1, object: subscription({ id: "sub_A", customer: "cus_A", status: "active", lookupKey: "holdfast_advanced" }) }));
    expect((await paid.json()).status).toBe("applied");
    expect((await workspace(t, ws.id)).plan).toBe("advanced");
  });

  test.each([
    ["holdfast_core", "active", "core", "active"],
    ["holdfast_advanced", "active", "advanced", "active"],
    ["holdfast_advanced", "trialing", "advanced", "active"],
    ["holdfast_core", "past_due", "core", "active"],
    ["holdfast_advanced", "unpaid", "advanced", "read_only"],
    ["holdfast_core", "canceled", "core", "read_only"],
    ["holdfast_advanced", "incomplete_expired", "advanced", "read_only"],
  ])("customer.subscription.created|updated with %s and status %s → plan %s, access %s", async (lookupKey, status, plan, access) => {
    const { t, ws, now } = await setup();
    // Start from the opposite state so every column has to change.
    t.deps.workspaceService.applyBilling(ws.id, { plan: plan === "core" ? "advanced" : "core", access: access === "active" ? "read_only" : "active" });
    for (const [i, type] of ["customer.subscription.created", "customer.subscription.updated"].entries()) {
      const sub = subscription({ id: `sub_${type}`, customer: `cus_${type}`, status, lookupKey, workspaceId: ws.id });
      const res = await deliver(t, event({ type, created: now + i, object: sub }));
      expect(await res.json()).toEqual({ received: true, status: "applied" });
      const w = await workspace(t, ws.id);
      expect({ plan: w.plan, access: w.access }).toEqual({ plan: plan as "core", access: access as "active" });
      t.deps.workspaceService.applyBilling(ws.id, { plan: plan === "core" ? "advanced" : "core", access: access === "active" ? "read_only" : "active" });
      t.deps.db.run("delete from workspace_billing");
    }
  });

  test("a status outside the mapping (incomplete) keeps access but still sets the plan", async () => {
    const { t, ws, now } = await setup();
    await deliver(t, event({ type: "customer.subscription.created", created: now, object: subscription({ id: "sub_i", customer: "cus_i", status: "incomplete", lookupKey: "holdfast_advanced", workspaceId: ws.id }) }));
    const w = await workspace(t, ws.id);
    expect({ plan: w.plan, access: w.access }).toEqual({ plan: "advanced", access: "active" });
  });

  test("customer.subscription.deleted → read_only, plan kept; the next invoice date is cleared", async () => {
    const { t, ws, now } = await setup();
    await deliver(t, event({ type: "customer.subscription.created", created: now, object: subscription({ id: "sub_d", customer: "cus_d", status: "active", lookupKey: "holdfast_advanced", workspaceId: ws.id, periodEnd: now + 86400 }) }));
    expect((await t.deps.billingService.overview(ws.id)).nextInvoiceAt).toBe((now + 86400) * 1000);
    const res = await deliver(t, event({ type: "customer.subscription.deleted", created: now + 5, object: subscription({ id: "sub_d", customer: "cus_d", status: "canceled", lookupKey: "holdfast_advanced" }) }));
    expect((await res.json()).status).toBe("applied");
    const w = await workspace(t, ws.id);
    expect({ plan: w.plan, access: w.access }).toEqual({ plan: "advanced", access: "read_only" });
    expect(await t.deps.billingService.overview(ws.id)).toMatchObject({ subscriptionStatus: "canceled", nextInvoiceAt: null });
    // The read-only workspace answers 402 on the API.
    const link = await t.request("POST", "/api/v1/cancel-link", { key: ws.liveKey, body: { userId: "u1" } });
    expect(link.status).toBe(402);
  });

  test("invoice.payment_failed raises the banner; invoice.paid → active and clears it", async () => {
    const { t, ws, now } = await setup();
    await deliver(t, event({ type: "customer.subscription.created", created: now, object: subscription({ id: "sub_p", customer: "cus_p", status: "past_due", workspaceId: ws.id }) }));
    t.deps.workspaceService.applyBilling(ws.id, { access: "read_only" });
    const failed = await deliver(t, event({ type: "invoice.payment_failed", created: now + 10, object: invoice({ customer: "cus_p", subscription: "sub_p" }) }));
    expect((await failed.json()).status).toBe("applied");
    expect((await t.deps.billingService.overview(ws.id)).paymentFailedAt).toBe((now + 10) * 1000);
    const paid = await deliver(t, event({ type: "invoice.paid", created: now + 20, object: invoice({ customer: "cus_p", subscription: "sub_p" }) }));
    expect((await paid.json()).status).toBe("applied");
    expect((await workspace(t, ws.id)).access).toBe("active");
    expect((await t.deps.billingService.overview(ws.id)).paymentFailedAt).toBeNull();
    // A late, older failure does not raise the banner again.
    const late = await deliver(t, event({ type: "invoice.payment_failed", created: now + 15, object: invoice({ customer: "cus_p", subscription: "sub_p" }) }));
    expect((await late.json()).status).toBe("stale");
    expect((await t.deps.billingService.overview(ws.id)).paymentFailedAt).toBeNull();
  });

  test("an unknown event type answers 200 and changes nothing", async () => {
    const { t, ws, now } = await setup();
    const before = await workspace(t, ws.id);
    const e = event({ type: "customer.tax_id.created", created: now, object: { id: "txi_1", object: "tax_id", customer: "cus_x" } });
    const res = await deliver(t, e);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true, status: "ignored" });
    expect(await workspace(t, ws.id)).toEqual(before);
    expect(eventRow(t, e.id)!.status).toBe("ignored");
  });
});

describe("POST /api/stripe/webhook: signatures", () => {
  const cases: [string, (payload: string, now: number) => Promise<{ body: string; signature?: string }>][] = [
    ["a signature made with another secret", async (p, now) => ({ body: p, signature: await sign(p, now, "whsec_someoneelse") })],
    ["a stale signature (older than 300 s)", async (p, now) => ({ body: p, signature: await sign(p, now - 301) })],
    ["an altered body", async (p, now) => ({ body: p.replace('"active"', '"canceled"'), signature: await sign(p, now) })],
    ["a garbled header", async (p) => ({ body: p, signature: "t=1,v1=deadbeef" })],
    ["no header", async (p) => ({ body: p, signature: "" })],
  ];
  test.each(cases)("%s → 400 and nothing applied or recorded", async (_name, make) => {
    const { t, ws, now } = await setup();
    const e = event({ type: "customer.subscription.created", created: now, object: subscription({ id: "sub_s", customer: "cus_s", status: "active", lookupKey: "holdfast_advanced", workspaceId: ws.id }) });
    const { body, signature } = await make(JSON.stringify(e), now);
    const res = await t.request("POST", "/api/stripe/webhook", { raw: body, headers: { "content-type": "application/json", ...(signature ? { "stripe-signature": signature } : {}) } });
    expect(res.status).toBe(400);
    const json = await res.json();
    expect(Object.keys(json)).toEqual(["error"]);
    expect(json.error).toContain("Stripe-Signature");
    expect((await workspace(t, ws.id)).plan).toBe("core");
    expect(t.deps.db.query("select count(*) as n from stripe_events").get()).toEqual({ n: 0 });
  });

  test("a signature just inside the tolerance verifies", async () => {
    const { t, ws, now } = await setup();
    const e = event({ type: "customer.subscription.created", created: now, object: subscription({ id: "sub_t", customer: "cus_t", status: "active", workspaceId: ws.id }) });
    expect((await deliver(t, e, { timestamp: now - 299 })).status).toBe(200);
  });

  test("the body is read raw: a non-JSON content type is checked by signature, not refused with 415", async () => {
    const { t } = await setup();
    const res = await t.request("POST", "/api/stripe/webhook", { raw: "not json", headers: { "content-type": "text/plain", "stripe-signature": "t=1,v1=00" } });
    expect(res.status).toBe(400);
    // Other API routes still insist on JSON.
    expect((await t.request("POST", "/api/v1/cancel-link", { raw: "x", headers: { "content-type": "text/plain" } })).status).toBe(415);
  });

  test("with Stripe off the webhook answers 404 and says why", async () => {
    const t = await makeTestApp();
    const res = await t.request("POST", "/api/stripe/webhook", { raw: "{}", headers: { "content-type": "application/json", "stripe-signature": "t=1,v1=00" } });
    expect(res.status).toBe(404);
    expect((await res.json()).error).toContain("STRIPE_SECRET_KEY");
  });
});

describe("POST /api/stripe/webhook: once and in order", () => {
  test("a redelivered event is a 200 no-op", async () => {
    const { t, ws, now } = await setup();
    const e = event({ type: "customer.subscription.created", created: now, object: subscription({ id: "sub_r", customer: "cus_r", status: "active", lookupKey: "holdfast_advanced", workspaceId: ws.id }) });
    expect((await (await deliver(t, e)).json()).status).toBe("applied");
    // Something changes the workspace in between: a redelivery must not undo it.
    t.deps.workspaceService.applyBilling(ws.id, { plan: "core" });
    const again = await deliver(t, e);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ received: true, status: "duplicate" });
    expect((await workspace(t, ws.id)).plan).toBe("core");
    expect(eventRow(t, e.id)!.attempts).toBe(1);
  });

  test("an older snapshot delivered after a newer one is not applied", async () => {
    const { t, ws, now } = await setup();
    const newer = event({ type: "customer.subscription.updated", created: now + 60, object: subscription({ id: "sub_o", customer: "cus_o", status: "canceled", lookupKey: "holdfast_advanced", workspaceId: ws.id }) });
    const older = event({ type: "customer.subscription.created", created: now, object: subscription({ id: "sub_o", customer: "cus_o", status: "active", lookupKey: "holdfast_core", workspaceId: ws.id }) });
    expect((await (await deliver(t, newer)).json()).status).toBe("applied");
    expect((await (await deliver(t, older)).json()).status).toBe("stale");
    const w = await workspace(t, ws.id);
    expect({ plan: w.plan, access: w.access }).toEqual({ plan: "advanced", access: "read_only" });
    expect(eventRow(t, older.id)!.status).toBe("stale");
    // Same second: updated outranks created, deleted outranks updated.
    const sameSecondCreated = event({ type: "customer.subscription.created", created: now + 60, object: subscription({ id: "sub_o", customer: "cus_o", status: "active", workspaceId: ws.id }) });
    expect((await (await deliver(t, sameSecondCreated)).json()).status).toBe("stale");
  });

  test("an ended subscription's late invoice.paid does not reopen the workspace", async () => {
    const { t, ws, now } = await setup();
    await deliver(t, event({ type: "customer.subscription.deleted", created: now + 100, object: subscription({ id: "sub_e", customer: "cus_e", status: "canceled", workspaceId: ws.id }) }));
    const res = await deliver(t, event({ type: "invoice.paid", created: now, object: invoice({ customer: "cus_e", subscription: "sub_e" }) }));
    expect((await res.json()).status).toBe("stale");
    expect((await workspace(t, ws.id)).access).toBe("read_only");
  });

  test("an old subscription ending does not lock a workspace that moved to a new one", async () => {
    const { t, ws, now } = await setup();
    await deliver(t, event({ type: "customer.subscription.created", created: now, object: subscription({ id: "sub_old", customer: "cus_n", status: "active", workspaceId: ws.id }) }));
    await deliver(t, event({ type: "customer.subscription.created", created: now + 10, object: subscription({ id: "sub_new", customer: "cus_n", status: "active", lookupKey: "holdfast_advanced", workspaceId: ws.id }) }));
    await deliver(t, event({ type: "customer.subscription.deleted", created: now + 20, object: subscription({ id: "sub_old", customer: "cus_n", status: "canceled", workspaceId: ws.id }) }));
    const w = await workspace(t, ws.id);
    expect({ plan: w.plan, access: w.access }).toEqual({ plan: "advanced", access: "active" });
  });

  test("20 concurrent deliveries of one event apply it once", async () => {
    const { t, ws, now } = await setup();
    const e = event({ type: "invoice.paid", created: now, object: invoice({ customer: "cus_c", subscription: "sub_c" }) });
    await deliver(t, event({ type: "checkout.session.completed", created: now - 5, object: checkoutSession({ workspaceId: ws.id, customer: "cus_c", subscription: "sub_c" }) }));
    const payload = JSON.stringify(e);
    const signature = await sign(payload, now);
    let applies = 0;
    const original = t.deps.workspaceService.applyBilling;
    t.deps.workspaceService.applyBilling = (id, change) => {
      applies++;
      return original(id, change);
    };
    const responses = await Promise.all(Array.from({ length: 20 }, () => deliver(t, payload, { signature })));
    const statuses = await Promise.all(responses.map(async (r) => [r.status, (await r.json()).status]));
    expect(statuses.filter(([code]) => code === 200)).toHaveLength(20);
    expect(statuses.filter(([, s]) => s === "applied")).toHaveLength(1);
    expect(statuses.filter(([, s]) => s === "duplicate")).toHaveLength(19);
    expect(applies).toBe(1);
    expect(eventRow(t, e.id)).toMatchObject({ status: "applied", attempts: 1 });
  });
});

describe("failed events and replay", () => {
  test("an event that cannot be applied is kept with its error (200), and a replay applies it once fixed", async () => {
    const { t, ws, now } = await setup();
    // An invoice for a customer no workspace is linked to yet (Stripe does not order deliveries).
    const e = event({ type: "invoice.paid", created: now + 5, object: invoice({ customer: "cus_late", subscription: "sub_late" }) });
    t.deps.workspaceService.applyBilling(ws.id, { access: "read_only" });
    const res = await deliver(t, e);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true, status: "failed" });
    expect(eventRow(t, e.id)).toMatchObject({ status: "failed", attempts: 1 });
    expect(eventRow(t, e.id)!.error).toContain("cus_late");
    expect((await t.deps.billingService.overview(ws.id)).access).toBe("read_only");

    await deliver(t, event({ type: "checkout.session.completed", created: now, object: checkoutSession({ workspaceId: ws.id, customer: "cus_late", subscription: "sub_late" }) }));
    expect(await t.deps.billingService.replay(e.id)).toEqual({ status: "applied" });
    expect(eventRow(t, e.id)).toMatchObject({ status: "applied", attempts: 2, error: null, workspaceId: ws.id });
    expect((await workspace(t, ws.id)).access).toBe("active");
    await expect(t.deps.billingService.replay(e.id)).rejects.toThrow("not failed");
    await expect(t.deps.billingService.replay("evt_nope")).rejects.toThrow("No Stripe event");
  });

  test("a price without a Holdfast lookup_key fails the event and names what was found", async () => {
    const { t, ws, now } = await setup();
    const e = event({ type: "customer.subscription.created", created: now, object: subscription({ id: "sub_k", customer: "cus_k", status: "active", lookupKey: "pro_monthly", workspaceId: ws.id }) });
    expect((await (await deliver(t, e)).json()).status).toBe("failed");
    expect(eventRow(t, e.id)!.error).toBe("Subscription sub_k has no price with lookup_key holdfast_core or holdfast_advanced (found pro_monthly)");
    expect((await workspace(t, ws.id)).plan).toBe("core");
    // Stripe's own redelivery of a failed event tries again (and fails again, counted).
    await deliver(t, e);
    expect(eventRow(t, e.id)).toMatchObject({ status: "failed", attempts: 2 });
    expect((await t.deps.billingService.overview(ws.id)).failedEvents.map((f) => f.id)).toEqual([e.id]);
  });

  test("a Checkout for a workspace that does not exist fails without touching any workspace", async () => {
    const { t, now } = await setup();
    const e = event({ type: "checkout.session.completed", created: now, object: checkoutSession({ workspaceId: "00000000-0000-4000-8000-000000000000", customer: "cus_z", subscription: "sub_z" }) });
    expect((await (await deliver(t, e)).json()).status).toBe("failed");
    expect(t.deps.db.query("select count(*) as n from workspace_billing").get()).toEqual({ n: 0 });
  });

  test("one Stripe customer cannot be linked to two workspaces", async () => {
    const { t, ws, now } = await setup();
    const other = await seedWorkspace(t, { name: "Other" });
    await deliver(t, event({ type: "checkout.session.completed", created: now, object: checkoutSession({ workspaceId: ws.id, customer: "cus_dup", subscription: "sub_1" }) }));
    const e = event({ type: "checkout.session.completed", created: now + 1, object: checkoutSession({ workspaceId: other.id, customer: "cus_dup", subscription: "sub_2" }) });
    expect((await (await deliver(t, e)).json()).status).toBe("failed");
    expect(eventRow(t, e.id)!.error).toBe("Stripe customer cus_dup is already linked to another workspace");
  });
});

describe("Checkout and the customer portal through the real stripe client", () => {
  test("Checkout creates the customer once, reuses it, and names the workspace", async () => {
    const { t, ws } = await setup();
    fake.requests.length = 0;
    const url = await t.deps.billingService.startCheckout(ws.id, "advanced", { email: "owner@example.com" });
    expect(url).toStartWith(`${fake.url}/checkout/cs_test_`);
    const [customer] = fake.calls("/v1/customers");
    expect(customer.params).toMatchObject({ name: "Acme", email: "owner@example.com", "metadata[holdfast_workspace_id]": ws.id });
    expect(customer.authorization).toBe("Bearer sk_test_holdfastFAKEkey123");
    const [prices] = fake.calls("/v1/prices");
    expect(prices.params["lookup_keys[0]"]).toBe("holdfast_advanced");
    const [session] = fake.calls("/v1/checkout/sessions");
    expect(session.params).toMatchObject({
      mode: "subscription",
      client_reference_id: ws.id,
      "line_items[0][price]": "price_fake_advanced",
      "line_items[0][quantity]": "1",
      success_url: "http://localhost:3000/dashboard/billing?checkout=done",
      cancel_url: "http://localhost:3000/dashboard/billing?checkout=canceled",
      "subscription_data[metadata][holdfast_workspace_id]": ws.id,
    });
    expect(session.params.customer).toStartWith("cus_fake_");
    expect((await t.deps.billingService.overview(ws.id)).customerLinked).toBe(true);

    await t.deps.billingService.startCheckout(ws.id, "core");
    expect(fake.calls("/v1/customers")).toHaveLength(1);
    expect(fake.calls("/v1/checkout/sessions")[1].params.customer).toBe(session.params.customer);
  });

  test("the portal returns to the billing page; without a customer it says to subscribe first", async () => {
    const { t, ws } = await setup();
    await expect(t.deps.billingService.openPortal(ws.id)).rejects.toThrow("subscribe first");
    await t.deps.billingService.startCheckout(ws.id, "core");
    fake.requests.length = 0;
    const url = await t.deps.billingService.openPortal(ws.id);
    expect(url).toStartWith(`${fake.url}/portal/bps_fake_`);
    expect(fake.calls("/v1/billing_portal/sessions")[0].params).toMatchObject({ return_url: "http://localhost:3000/dashboard/billing" });
  });

  test("a Stripe failure is a 502 naming the kind of failure, never the key", async () => {
    const { t, ws } = await setup();
    fake.failWith = 500;
    try {
      const error = await t.deps.billingService.startCheckout(ws.id, "core").catch((e) => e);
      expect(error.status).toBe(502);
      expect(error.message).toContain("Stripe could not create the customer");
      expect(error.message).not.toContain("sk_test");
    } finally {
      fake.failWith = null;
    }
  });

  test("with Stripe off, Checkout says plans are set with the CLI", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    await expect(t.deps.billingService.startCheckout(ws.id, "core")).rejects.toThrow("holdfast workspace update");
  });
});

describe("invoice.payment_failed mails the owners (real SMTP on loopback)", () => {
  test("the mail is queued with the event, sent after it, and a failed send can be replayed", async () => {
    const { startSmtpServer, parseMail } = await import("../../../tests/smtp.ts");
    const { parseMailFrom, parseSmtpUrl } = await import("../../lib/smtp-url.ts");
    const { createBillingService } = await import("./billing.service.ts");
    const { createBillingStore } = await import("./billing.store.ts");
    const smtp = await startSmtpServer();
    try {
      const t = await makeTestApp({
        stripe: stripeConfig(fake),
        smtp: parseSmtpUrl(`smtp://127.0.0.1:${smtp.port}`),
        mailFrom: parseMailFrom("Holdfast <billing@holdfast.test>"),
        publicUrl: "https://holdfast.example.com",
      });
      const ws = await seedWorkspace(t, { plan: "core" });
      const now = Math.floor(t.clock.now() / 1000);
      // Owners come from the dashboard's members; here they are given directly.
      const billing = createBillingService({
        billingStore: createBillingStore({ db: t.deps.db }),
        workspaceService: t.deps.workspaceService,
        stripe: t.deps.stripe,
        stripeConfig: t.deps.config.stripe,
        clock: t.clock,
        logger: t.deps.logger,
        publicUrl: t.deps.config.publicUrl,
        notifications: t.deps.notificationsService,
        ownerEmails: async (id) => (id === ws.id ? ["owner@acme.example", "second-owner@acme.example"] : []),
      });
      const signed = async (e: object) => {
        const payload = JSON.stringify(e);
        return billing.receiveWebhook(payload, await sign(payload, now));
      };
      await signed(event({ type: "checkout.session.completed", created: now - 1, object: checkoutSession({ workspaceId: ws.id, customer: "cus_m", subscription: "sub_m" }) }));
      const failed = event({ type: "invoice.payment_failed", created: now, object: invoice({ customer: "cus_m", subscription: "sub_m", amountDue: 14900 }) });

      smtp.failWith("550 mailbox unavailable");
      expect(await signed(failed)).toEqual({ status: "applied" });
      await billing.idle();
      // The SMTP server refused: the event stays applied, its mail failed and shows in health.
      const row = () => t.deps.db.query("select status, mail_status as mail, mail_error as mailError from stripe_events where id = ?").get(failed.id);
      expect(row()).toMatchObject({ status: "applied", mail: "failed" });
      expect((await billing.health()).webhookPipeline.failed).toBe(1);
      expect(smtp.received).toHaveLength(0);

      smtp.failWith(null);
      expect(await billing.replay(failed.id)).toEqual({ status: "applied" });
      expect(row()).toEqual({ status: "applied", mail: "sent", mailError: null });
      expect(smtp.received).toHaveLength(1);
      expect(smtp.received[0].to.sort()).toEqual(["owner@acme.example", "second-owner@acme.example"]);
      const { headers, parts } = parseMail(smtp.received[0].raw);
      expect(headers.subject).toBe("Payment failed for Acme");
      expect(parts[0].body).toContain("Stripe could not collect $149.00.");
      expect(parts[0].body).toContain("https://holdfast.example.com/dashboard/billing");
      // A redelivery does not mail again.
      await signed(failed);
      await billing.idle();
      expect(smtp.received).toHaveLength(1);
      expect((await billing.health()).webhookPipeline).toEqual({ pending: 0, failed: 0, oldestPendingAt: null });
    } finally {
      await smtp.close();
    }
  });
});

describe("changing plan while subscribed", () => {
  test("a workspace with a live subscription changes plan in the portal's update flow, not a second Checkout", async () => {
    const { t, ws, now } = await setup();
    await t.deps.billingService.startCheckout(ws.id, "core");
    const customer = fake.calls("/v1/checkout/sessions").at(-1)!.params.customer;
    await deliver(t, event({ type: "customer.subscription.created", created: now, object: subscription({ id: "sub_live", customer, status: "active", workspaceId: ws.id }) }));
    const checkouts = fake.calls("/v1/checkout/sessions").length;
    const url = await t.deps.billingService.startCheckout(ws.id, "advanced");
    expect(url).toStartWith(`${fake.url}/portal/`);
    expect(fake.calls("/v1/checkout/sessions")).toHaveLength(checkouts);
    expect(fake.calls("/v1/billing_portal/sessions").at(-1)!.params).toMatchObject({
      customer,
      "flow_data[type]": "subscription_update",
      "flow_data[subscription_update][subscription]": "sub_live",
      return_url: "http://localhost:3000/dashboard/billing",
    });
  });
});
