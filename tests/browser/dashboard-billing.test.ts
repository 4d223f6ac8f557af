// The billing page in a real Chromium: an owner starts Checkout and opens the customer portal (both land on
// the fake Stripe's pages, reached through 303s), the read-only banner, axe-core at 390 px and 1280 px.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, BrowserContext } from "playwright-core";
import { launchChromium, openPage, printAxeSummary, startHoldfast, type Holdfast } from "./harness.ts";
import { assertClean, checkPage, dashContext, member, signIn } from "./dashboard-harness.ts";
import { startFakeStripe, type FakeStripe } from "../helpers/fake-stripe.ts";
import { event, sign, stripeConfig, subscription } from "../helpers/stripe-events.ts";

const T = 240_000;
let hf: Holdfast;
let fake: FakeStripe;
let browser: Browser;
const contexts: BrowserContext[] = [];
let workspaceId = "";
let owner: { email: string; password: string };

beforeAll(async () => {
  fake = await startFakeStripe();
  hf = await startHoldfast({ stripe: stripeConfig(fake), passwordMemoryKiB: 1024 });
  const { workspace } = await hf.deps.workspaceService.create({ name: "Acme", plan: "core" });
  workspaceId = workspace.id;
  owner = await member(hf, workspaceId, "owner", "owner@example.com");
  browser = await launchChromium();
}, 30_000);

afterAll(async () => {
  printAxeSummary("dashboard: billing");
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await hf?.stop();
  await fake?.stop();
}, 30_000);

/** A signed delivery to the running server, as Stripe sends it. */
async function deliver(e: object): Promise<void> {
  const payload = JSON.stringify(e);
  const res = await fetch(`${hf.url}/api/stripe/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", "stripe-signature": await sign(payload, Math.floor(Date.now() / 1000)) },
    body: payload,
  });
  expect(res.status).toBe(200);
}

describe("billing", () => {
  test(
    "an owner subscribes through Checkout and manages billing in the portal; a lapsed workspace says why on every page",
    async () => {
      const made = await dashContext(browser);
      contexts.push(made.context);
      const page = await openPage(made.context);
      await signIn(page, hf, owner.email, owner.password);
      await page.getByRole("link", { name: "Billing" }).click();
      await page.getByRole("heading", { name: "Subscribe or change plan" }).waitFor();
      await checkPage(page, "billing");

      await page.getByRole("radio", { name: "Advanced" }).check();
      await page.getByRole("button", { name: "Subscribe / change plan" }).click();
      await page.getByRole("heading", { name: "Fake Stripe Checkout" }).waitFor();
      expect(page.url()).toStartWith(`${fake.url}/checkout/cs_test_`);
      const session = fake.calls("/v1/checkout/sessions").at(-1)!;
      expect(session.params).toMatchObject({ mode: "subscription", client_reference_id: workspaceId, "line_items[0][price]": "price_fake_advanced" });

      // Stripe tells Holdfast; the owner comes back to the success URL.
      const now = Math.floor(Date.now() / 1000);
      await deliver(event({ type: "customer.subscription.created", created: now, object: subscription({ id: "sub_browser", customer: session.params.customer, status: "active", lookupKey: "holdfast_advanced", workspaceId }) }));
      await page.goto(session.params.success_url);
      await page.getByText("Stripe is confirming the subscription").waitFor();
      await expect(page.getByText("Advanced", { exact: true }).first().isVisible()).resolves.toBe(true);
      await checkPage(page, "billing-subscribed");

      await page.getByRole("button", { name: "Manage billing" }).click();
      await page.getByRole("heading", { name: "Fake Stripe customer portal" }).waitFor();
      expect(page.url()).toStartWith(`${fake.url}/portal/bps_fake_`);
      expect(fake.calls("/v1/billing_portal/sessions").at(-1)!.params.return_url).toBe(`${hf.url}/dashboard/billing`);

      // The subscription lapses: every page says why and links to billing.
      await deliver(event({ type: "customer.subscription.updated", created: now + 1, object: subscription({ id: "sub_browser", customer: session.params.customer, status: "unpaid", lookupKey: "holdfast_advanced", workspaceId }) }));
      await page.goto(`${hf.url}/dashboard/keys`);
      await page.getByText("This workspace is read-only because its subscription is unpaid").waitFor();
      await page.getByRole("link", { name: "Go to billing" }).click();
      await page.getByRole("heading", { name: "Billing", level: 1 }).waitFor();
      await checkPage(page, "billing-read-only");
      assertClean(made.watch, "billing");
    },
    T,
  );
});
