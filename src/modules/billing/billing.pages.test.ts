// The billing page through the dashboard shell (cookie, CSRF, roles), the banner on every page, deep health
// for a signed-in operator, and the owners' payment-failure mail wired through boot.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { makeTestApp, seedWorkspace } from "../../../tests/helpers.ts";
import { DashboardClient, csrfOf, seedMember, signedIn } from "../../../tests/dashboard-client.ts";
import { startFakeStripe, type FakeStripe } from "../../../tests/helpers/fake-stripe.ts";
import { checkoutSession, deliver, event, invoice, stripeConfig, subscription } from "../../../tests/helpers/stripe-events.ts";
import { parseMail, startSmtpServer } from "../../../tests/smtp.ts";
import { parseMailFrom, parseSmtpUrl } from "../../lib/smtp-url.ts";

let fake: FakeStripe;
beforeAll(async () => {
  fake = await startFakeStripe();
});
afterAll(async () => {
  await fake.stop();
});

async function setup(stripe = true) {
  const t = await makeTestApp(stripe ? { stripe: stripeConfig(fake), passwordMemoryKiB: 1024 } : { passwordMemoryKiB: 1024 });
  const ws = await seedWorkspace(t, { plan: "core" });
  return { t, ws, now: Math.floor(t.clock.now() / 1000) };
}

describe("/dashboard/billing", () => {
  test("an owner sees plan, status and next invoice; Subscribe goes to Checkout (303) and Manage billing to the portal", async () => {
    const { t, ws, now } = await setup();
    const owner = await signedIn(t, ws.id, "owner");
    const page = await owner.get("/dashboard/billing");
    expect(page.status).toBe(200);
    expect(page.html).toContain("Subscribe / change plan");
    expect(page.html).toContain("None yet");
    expect(page.html).not.toContain("Manage billing"); // no customer yet
    // The forms 303 to Stripe: the page's CSP lets a form lead there (and nowhere else).
    expect(page.headers.get("content-security-policy")).toContain(`form-action 'self' https://checkout.stripe.com https://billing.stripe.com ${fake.url};`);

    fake.requests.length = 0;
    const checkout = await owner.post("/dashboard/billing/checkout", { _csrf: csrfOf(page.html), plan: "advanced" });
    expect(checkout.status).toBe(303);
    expect(checkout.location).toStartWith(`${fake.url}/checkout/cs_test_`);
    const [session] = fake.calls("/v1/checkout/sessions");
    expect(session.params).toMatchObject({ mode: "subscription", client_reference_id: ws.id, "line_items[0][price]": "price_fake_advanced" });
    expect(fake.calls("/v1/customers")[0].params.email).toBe(owner.email);

    // Stripe reports the subscription: the page shows it, and the portal opens for the linked customer.
    const customer = session.params.customer;
    await deliver(t, event({ type: "customer.subscription.created", created: now, object: subscription({ id: "sub_p", customer, status: "active", lookupKey: "holdfast_advanced", workspaceId: ws.id, periodEnd: Date.UTC(2026, 1, 15) / 1000 }) }));
    const after = await owner.get("/dashboard/billing?checkout=done");
    expect(after.html).toContain("Advanced");
    expect(after.html).toContain("2026-02-15");
    expect(after.html).toContain("Stripe is confirming the subscription");
    const portal = await owner.post("/dashboard/billing/portal", { _csrf: csrfOf(after.html) });
    expect(portal.status).toBe(303);
    expect(portal.location).toStartWith(`${fake.url}/portal/bps_fake_`);
    expect(fake.calls("/v1/billing_portal/sessions").at(-1)!.params).toMatchObject({ customer, return_url: "http://localhost:3000/dashboard/billing" });
  });

  test("admins and viewers read the page but cannot start Checkout, open the portal or replay (403)", async () => {
    const { t, ws } = await setup();
    for (const role of ["admin", "viewer"] as const) {
      const client = await signedIn(t, ws.id, role);
      const page = await client.get("/dashboard/billing");
      expect(page.status).toBe(200);
      expect(page.html).toContain("Only the workspace's owners can change the plan");
      expect(page.html).not.toContain("Subscribe / change plan");
      const refused = await client.post("/dashboard/billing/checkout", { _csrf: csrfOf(page.html), plan: "core" });
      expect(refused.status).toBe(403);
      expect((await client.post("/dashboard/billing/portal", { _csrf: csrfOf(page.html) })).status).toBe(403);
    }
    expect(fake.calls("/v1/checkout/sessions").filter((c) => c.params.client_reference_id === ws.id)).toHaveLength(0);
  });

  test("a form without the CSRF token or from another site changes nothing; a bad plan says what to choose", async () => {
    const { t, ws } = await setup();
    const owner = await signedIn(t, ws.id, "owner");
    const before = fake.calls("/v1/checkout/sessions").length;
    expect((await owner.post("/dashboard/billing/checkout", { plan: "core" })).status).toBe(403);
    const page = await owner.get("/dashboard/billing");
    expect((await owner.post("/dashboard/billing/checkout", { _csrf: csrfOf(page.html), plan: "core" }, { origin: "https://evil.example" })).status).toBe(403);
    const bad = await owner.post("/dashboard/billing/checkout", { _csrf: csrfOf(page.html), plan: "platinum" });
    expect(bad.status).toBe(303);
    expect((await owner.get("/dashboard/billing")).html).toContain("Choose a plan: Core or Advanced.");
    expect(fake.calls("/v1/checkout/sessions")).toHaveLength(before);
  });

  test("failed events are listed with a replay button that applies them; another workspace's event answers 404", async () => {
    const { t, ws, now } = await setup();
    const other = await seedWorkspace(t, { name: "Other" });
    const owner = await signedIn(t, ws.id, "owner");
    await deliver(t, event({ type: "checkout.session.completed", created: now, object: checkoutSession({ workspaceId: ws.id, customer: "cus_r", subscription: "sub_r" }) }));
    const bad = event({ type: "customer.subscription.updated", created: now + 1, object: subscription({ id: "sub_r", customer: "cus_r", status: "active", lookupKey: "gold" }) });
    await deliver(t, bad);
    const foreign = event({ type: "customer.subscription.updated", created: now + 1, object: subscription({ id: "sub_o", customer: "cus_o", status: "active", lookupKey: "gold", workspaceId: other.id }) });
    await deliver(t, foreign);

    const page = await owner.get("/dashboard/billing");
    expect(page.html).toContain(bad.id);
    expect(page.html).toContain("has no price with lookup_key holdfast_core or holdfast_advanced (found gold)");
    expect(page.html).not.toContain(foreign.id);

    // The payload cannot change, so the replay fails again and says so.
    const again = await owner.post(`/dashboard/billing/events/${bad.id}/replay`, { _csrf: csrfOf(page.html) });
    expect(again.status).toBe(303);
    expect((await owner.get("/dashboard/billing")).html).toContain("The event failed again");
    const notOurs = await owner.post(`/dashboard/billing/events/${foreign.id}/replay`, { _csrf: csrfOf(page.html) });
    expect(notOurs.status).toBe(404);
    expect(t.deps.db.query("select attempts from stripe_events where id = ?").get(foreign.id)).toEqual({ attempts: 1 });
  });

  test("with Stripe off the page says so and how plans are set; Checkout answers 409 in the page", async () => {
    const { t, ws } = await setup(false);
    const owner = await signedIn(t, ws.id, "owner");
    const page = await owner.get("/dashboard/billing");
    expect(page.html).toContain("Billing through Stripe is off");
    expect(page.html).toContain(`holdfast workspace update ${ws.id} --plan advanced`);
    expect(page.html).not.toContain("Subscribe / change plan");
    const res = await owner.post("/dashboard/billing/checkout", { _csrf: csrfOf(page.html), plan: "core" });
    expect(res.status).toBe(409);
  });
});

describe("the billing banner on every dashboard page", () => {
  test("a lapsed subscription shows why the workspace is read-only and links to billing; a payment failure warns", async () => {
    const { t, ws, now } = await setup();
    const viewer = await signedIn(t, ws.id, "viewer");
    expect((await viewer.get("/dashboard/keys")).html).not.toContain("banner-error");

    await deliver(t, event({ type: "customer.subscription.created", created: now, object: subscription({ id: "sub_b", customer: "cus_b", status: "active", workspaceId: ws.id }) }));
    await deliver(t, event({ type: "invoice.payment_failed", created: now + 1, object: invoice({ customer: "cus_b", subscription: "sub_b" }) }));
    const warned = await viewer.get("/dashboard/sessions");
    expect(warned.html).toContain("The last payment failed");
    expect(warned.html).toContain('href="/dashboard/billing">Update payment method</a>');

    await deliver(t, event({ type: "customer.subscription.updated", created: now + 2, object: subscription({ id: "sub_b", customer: "cus_b", status: "unpaid", workspaceId: ws.id }) }));
    for (const path of ["/dashboard", "/dashboard/keys", "/dashboard/settings", "/dashboard/billing"]) {
      const page = await viewer.get(path);
      expect(page.html).toContain("This workspace is read-only because its subscription is unpaid");
      expect(page.html).toContain('href="/dashboard/billing">Go to billing</a>');
    }
  });

  test("without Stripe a read-only workspace names the CLI command that turns it back on", async () => {
    const { t, ws } = await setup(false);
    t.deps.workspaceService.applyBilling(ws.id, { access: "read_only" });
    const viewer = await signedIn(t, ws.id, "viewer");
    expect((await viewer.get("/dashboard/keys")).html).toContain(`holdfast workspace update ${ws.id} --access active`);
  });
});

describe("deep health for a signed-in operator", () => {
  test("a dashboard session may run the deep check; a stranger may not", async () => {
    const { t, ws } = await setup();
    const viewer = await signedIn(t, ws.id, "viewer");
    const res = await viewer.get("/api/health?deep=1");
    expect(res.status).toBe(200);
    expect(JSON.parse(res.html).checks.stripe.configured).toBe(true);
    expect((await new DashboardClient(t).get("/api/health?deep=1")).status).toBe(401);
  });
});

describe("invoice.payment_failed mails the workspace's owners", () => {
  test("owners (not admins or viewers) get the mail over SMTP, once", async () => {
    const smtp = await startSmtpServer();
    try {
      const t = await makeTestApp({
        stripe: stripeConfig(fake),
        smtp: parseSmtpUrl(`smtp://127.0.0.1:${smtp.port}`),
        mailFrom: parseMailFrom("Holdfast <billing@holdfast.test>"),
        passwordMemoryKiB: 1024,
      });
      const ws = await seedWorkspace(t);
      const now = Math.floor(t.clock.now() / 1000);
      await seedMember(t, ws.id, "owner", "owner@acme.test");
      await seedMember(t, ws.id, "admin", "admin@acme.test");
      await seedMember(t, ws.id, "viewer", "viewer@acme.test");
      await deliver(t, event({ type: "checkout.session.completed", created: now, object: checkoutSession({ workspaceId: ws.id, customer: "cus_mail", subscription: "sub_mail" }) }));
      const failed = event({ type: "invoice.payment_failed", created: now + 1, object: invoice({ customer: "cus_mail", subscription: "sub_mail", amountDue: 4900 }) });
      await deliver(t, failed);
      await deliver(t, failed);
      await t.deps.billingService.idle();
      expect(smtp.received).toHaveLength(1);
      expect(smtp.received[0].to).toEqual(["owner@acme.test"]);
      expect(parseMail(smtp.received[0].raw).parts[0].body).toContain("Stripe could not collect $49.00.");
    } finally {
      await smtp.close();
    }
  });
});
