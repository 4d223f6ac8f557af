// HTTP for billing: Stripe's webhook (raw body, verified signature).
import { Elysia } from "elysia";
import { z } from "zod";
import type { Deps } from "../../boot.ts";
import { responses } from "../../http/openapi-docs.ts";

export const STRIPE_WEBHOOK_PATH = "/api/stripe/webhook";

const receivedSchema = z.object({
  received: z.literal(true),
  status: z.enum(["applied", "stale", "ignored", "failed", "duplicate"]),
});

export function billingRoutes(deps: Deps) {
  const { billingService } = deps;
  return new Elysia({ name: "billing-routes" }).post(
    STRIPE_WEBHOOK_PATH,
    // httpCore hands this path its body as the exact text received: the signature covers those bytes.
    async ({ body, request }) => {
      const raw = typeof body === "string" ? body : "";
      const { status } = await billingService.receiveWebhook(raw, request.headers.get("stripe-signature"));
      // A failed event is kept for a replay from the dashboard; answering 2xx stops Stripe retrying a
      // delivery that would fail the same way.
      return { received: true as const, status };
    },
    {
      detail: {
        tags: ["Billing"],
        summary: "Stripe webhook",
        description:
          "Stripe events for workspace billing, verified with `Stripe-Signature` and `STRIPE_WEBHOOK_SECRET` (300 s tolerance). " +
          "Each event id is applied once; unknown types answer 200. Subscribe `checkout.session.completed`, `customer.subscription.*`, " +
          "`invoice.paid` and `invoice.payment_failed`.",
        security: [{}],
        responses: responses({ 200: [receivedSchema, "Received (applied, a duplicate, stale, ignored, or kept as failed)"], 400: "The signature does not verify", 404: "Stripe billing is off" }),
      },
    },
  );
}
