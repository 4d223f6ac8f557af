// HTTP for billing: Stripe's webhook (raw body, verified signature) and the dashboard's billing page.
import { Elysia } from "elysia";
import { z } from "zod";
import type { Deps } from "../../boot.ts";
import { responses } from "../../http/openapi-docs.ts";
import { atLeast, seeOther, type DashboardShell } from "../dashboard/dashboard.shell.ts";
import { billingPage } from "./billing.views.ts";

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

/** The billing page: everyone reads it; owners start Checkout, open the portal and replay failed events. */
export function billingPages(deps: Deps, shell: DashboardShell) {
  const { billingService } = deps;
  const NOTICES: Record<string, string> = {
    done: "Thanks: Stripe is confirming the subscription. The plan updates here as soon as Stripe tells Holdfast (usually seconds).",
    canceled: "Checkout was canceled; nothing changed.",
  };
  return shell.area("billing-pages", (area) =>
    area
      .get("/dashboard/billing", { nav: "billing", role: "viewer" }, async (ctx) => {
        const workspace = ctx.operator.workspace;
        const overview = await billingService.overview(workspace.id);
        const notice = NOTICES[ctx.query.get("checkout") ?? ""] ?? null;
        return ctx.render({
          title: "Billing",
          nav: "billing",
          body: billingPage({ overview, workspaceId: workspace.id, csrfToken: ctx.csrf, canManage: atLeast(ctx.operator.role, "owner"), notice }),
          // The forms answer with a 303 to Stripe: the browser checks that redirect against form-action.
          formActions: billingService.redirectOrigins(),
        });
      })
      .post("/dashboard/billing/checkout", { role: "owner", nav: "billing" }, async (ctx) => {
        const plan = ctx.form.plan;
        if (plan !== "core" && plan !== "advanced") return ctx.redirect("/dashboard/billing", { kind: "error", message: "Choose a plan: Core or Advanced." });
        const url = await billingService.startCheckout(ctx.operator.workspace.id, plan, { email: ctx.operator.user.email });
        return seeOther(url);
      })
      .post("/dashboard/billing/portal", { role: "owner", nav: "billing" }, async (ctx) => seeOther(await billingService.openPortal(ctx.operator.workspace.id)))
      .post("/dashboard/billing/events/:id/replay", { role: "owner", nav: "billing" }, async (ctx) => {
        // Another workspace's event answers 404, like every foreign id.
        const result = await billingService.replay(ctx.params.id, ctx.operator.workspace.id);
        return ctx.redirect(
          "/dashboard/billing",
          result.status === "failed"
            ? { kind: "error", message: `The event failed again: ${result.error ?? "unknown error"}` }
            : { kind: "success", message: `Event ${ctx.params.id} replayed: ${result.status}.` },
        );
      }),
  );
}
