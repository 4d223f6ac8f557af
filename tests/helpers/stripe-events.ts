// Builders for Stripe webhook events and signed deliveries, signed by the real `stripe` package.
import Stripe from "stripe";
import type { TestApp } from "../helpers.ts";
import type { FakeStripe } from "./fake-stripe.ts";

export const WEBHOOK_SECRET = "whsec_holdfasttestsecret";
export const SECRET_KEY = "sk_test_holdfastFAKEkey123";

const signer = new Stripe(SECRET_KEY);
let counter = 0;

export function stripeConfig(fake: FakeStripe) {
  return { secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET, api: fake.api };
}

export interface EventInput {
  id?: string;
  type: string;
  /** Stripe's event.created, seconds. */
  created: number;
  object: Record<string, unknown>;
}

export function event(input: EventInput) {
  return {
    id: input.id ?? `evt_test_${++counter}_${crypto.randomUUID().slice(0, 8)}`,
    object: "event",
    api_version: "2026-10-28.endive",
    created: input.created,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: input.type,
    data: { object: input.object },
  };
}

export function subscription(opts: {
  id: string;
  customer: string;
  status: string;
  lookupKey?: string | null;
  workspaceId?: string;
  periodEnd?: number;
  cancelAtPeriodEnd?: boolean;
}) {
  return {
    id: opts.id,
    object: "subscription",
    customer: opts.customer,
    status: opts.status,
    cancel_at_period_end: opts.cancelAtPeriodEnd ?? false,
    metadata: opts.workspaceId ? { holdfast_workspace_id: opts.workspaceId } : {},
    items: {
      object: "list",
      data: [
        {
          id: `si_${opts.id}`,
          object: "subscription_item",
          current_period_end: opts.periodEnd ?? 1_800_000_000,
          price: { id: "price_x", object: "price", lookup_key: opts.lookupKey === undefined ? "holdfast_core" : opts.lookupKey },
        },
      ],
    },
  };
}

export function invoice(opts: { id?: string; customer: string; subscription: string; amountDue?: number; currency?: string }) {
  return {
    id: opts.id ?? `in_${++counter}`,
    object: "invoice",
    customer: opts.customer,
    amount_due: opts.amountDue ?? 4900,
    currency: opts.currency ?? "usd",
    parent: { type: "subscription_details", subscription_details: { subscription: opts.subscription, metadata: {} } },
  };
}

export function checkoutSession(opts: { workspaceId: string | null; customer: string; subscription: string }) {
  return {
    id: `cs_test_${++counter}`,
    object: "checkout.session",
    mode: "subscription",
    client_reference_id: opts.workspaceId,
    customer: opts.customer,
    subscription: opts.subscription,
    metadata: {},
  };
}

/** A Stripe-Signature header for the payload; `timestamp` in seconds (defaults to the app clock's now). */
export function sign(payload: string, timestamp: number, secret = WEBHOOK_SECRET): Promise<string> {
  return signer.webhooks.generateTestHeaderStringAsync({ payload, secret, timestamp, cryptoProvider: Stripe.createSubtleCryptoProvider() });
}

/** POSTs a signed delivery of the event to the webhook, as Stripe does. */
export async function deliver(t: TestApp, body: object | string, opts: { signature?: string; timestamp?: number } = {}): Promise<Response> {
  const payload = typeof body === "string" ? body : JSON.stringify(body, null, 2);
  const signature = opts.signature ?? (await sign(payload, opts.timestamp ?? Math.floor(t.clock.now() / 1000)));
  return t.request("POST", "/api/stripe/webhook", {
    raw: payload,
    headers: { "content-type": "application/json; charset=utf-8", "stripe-signature": signature, "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)" },
  });
}
