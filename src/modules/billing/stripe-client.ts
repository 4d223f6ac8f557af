// Builds the one Stripe client from configuration (null when billing is off).
import Stripe from "stripe";
import type { StripeConfig } from "../../config.ts";
import { VERSION } from "../../lib/version.ts";

export function createStripeClient(config: StripeConfig | null): Stripe | null {
  if (!config) return null;
  return new Stripe(config.secretKey, {
    host: config.api.host,
    port: config.api.port,
    protocol: config.api.protocol,
    // A page waiting on Checkout should fail within seconds, not hang; retries reuse one idempotency key.
    timeout: 10_000,
    maxNetworkRetries: 1,
    appInfo: { name: "Holdfast", version: VERSION },
  });
}
