// A fake Stripe API for tests: a Bun.serve on port 0 that the real `stripe` client talks to (STRIPE_API_URL).
// It records every request (form-decoded, as Stripe's API takes them) and answers the endpoints Holdfast uses.
import type { Server } from "bun";
import type { StripeApi } from "../../src/config.ts";

export interface RecordedRequest {
  method: string;
  path: string;
  /** The form body (or query string for GETs) as flat bracketed keys: `metadata[workspace_id]` → value. */
  params: Record<string, string>;
  authorization: string | null;
  idempotencyKey: string | null;
}

export interface FakeStripe {
  url: string;
  api: StripeApi;
  requests: RecordedRequest[];
  /** Requests to one path, e.g. "/v1/checkout/sessions". */
  calls(path: string): RecordedRequest[];
  /** Every answer becomes this status with a Stripe error body (null: behave normally). */
  failWith: number | null;
  stop(): Promise<void>;
}

function stripeError(status: number, message: string, type = "invalid_request_error") {
  return Response.json({ error: { type, message } }, { status, headers: { "request-id": `req_fake_${crypto.randomUUID().slice(0, 8)}` } });
}

const PRICES = [
  { id: "price_fake_core", object: "price", lookup_key: "holdfast_core", unit_amount: 4900, currency: "usd", recurring: { interval: "month" } },
  { id: "price_fake_advanced", object: "price", lookup_key: "holdfast_advanced", unit_amount: 14900, currency: "usd", recurring: { interval: "month" } },
];

export async function startFakeStripe(): Promise<FakeStripe> {
  const requests: RecordedRequest[] = [];
  let counter = 0;
  const next = (prefix: string) => `${prefix}_fake_${++counter}`;

  const fake: FakeStripe = {
    url: "",
    api: { host: "127.0.0.1", port: 0, protocol: "http" },
    requests,
    calls: (path) => requests.filter((r) => r.path === path),
    failWith: null,
    async stop() {
      await server.stop(true);
    },
  };

  const server: Server<undefined> = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const url = new URL(request.url);
      // Pages the Checkout and portal URLs point at, so a browser following the redirect lands somewhere.
      if (request.method === "GET" && /^\/(checkout|portal)\//.test(url.pathname)) {
        const title = url.pathname.startsWith("/checkout") ? "Fake Stripe Checkout" : "Fake Stripe customer portal";
        return new Response(`<!doctype html><html lang="en"><head><title>${title}</title></head><body><main><h1>${title}</h1></main></body></html>`, {
          headers: { "content-type": "text/html; charset=utf-8" },
        });
      }
      const body = request.method === "GET" || request.method === "DELETE" ? url.searchParams : new URLSearchParams(await request.text());
      const params = Object.fromEntries(body.entries());
      requests.push({
        method: request.method,
        path: url.pathname,
        params,
        authorization: request.headers.get("authorization"),
        idempotencyKey: request.headers.get("idempotency-key"),
      });
      if (!request.headers.get("authorization")?.startsWith("Bearer sk_")) return stripeError(401, "Invalid API Key provided");
      if (fake.failWith !== null) return stripeError(fake.failWith, "The fake is set to fail", "api_error");
      const json = (value: unknown) => Response.json(value, { headers: { "request-id": `req_fake_${counter}` } });
      const now = Math.floor(Date.now() / 1000);

      switch (`${request.method} ${url.pathname}`) {
        case "GET /v1/balance":
          return json({ object: "balance", available: [{ amount: 0, currency: "usd" }], pending: [], livemode: false });
        case "POST /v1/customers":
          return json({ id: next("cus"), object: "customer", created: now, email: params.email ?? null, name: params.name ?? null, metadata: metadataOf(params) });
        case "GET /v1/prices": {
          const wanted = body.getAll("lookup_keys[]").concat(Object.entries(params).filter(([k]) => k.startsWith("lookup_keys[")).map(([, v]) => v));
          const data = PRICES.filter((p) => wanted.length === 0 || wanted.includes(p.lookup_key));
          return json({ object: "list", data, has_more: false, url: "/v1/prices" });
        }
        case "POST /v1/checkout/sessions": {
          const id = next("cs_test");
          return json({
            id,
            object: "checkout.session",
            mode: params.mode,
            customer: params.customer ?? null,
            client_reference_id: params.client_reference_id ?? null,
            success_url: params.success_url,
            cancel_url: params.cancel_url,
            url: `${fake.url}/checkout/${id}`,
            metadata: metadataOf(params),
          });
        }
        case "POST /v1/billing_portal/sessions": {
          const id = next("bps");
          return json({ id, object: "billing_portal.session", customer: params.customer, return_url: params.return_url, url: `${fake.url}/portal/${id}` });
        }
        default:
          return stripeError(404, `Unrecognized request URL (${request.method}: ${url.pathname})`);
      }
    },
  });

  fake.url = `http://127.0.0.1:${server.port}`;
  fake.api = { host: "127.0.0.1", port: server.port!, protocol: "http" };
  return fake;
}

function metadataOf(params: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    const m = /^metadata\[(.+)\]$/.exec(k);
    if (m) out[m[1]] = v;
  }
  return out;
}
