// Liveness, and the deep check: database, migrations, Stripe billing, notifications and the webhook pipeline.
import type { Clock } from "../../lib/clock.ts";
import { VERSION } from "../../lib/version.ts";
import type { HealthStore } from "./health.store.ts";
import type { NotificationsService } from "../notifications/notifications.service.ts";
import type { BillingService } from "../billing/billing.service.ts";

export function createHealthService(deps: {
  healthStore: HealthStore;
  clock: Clock;
  startedAt: number;
  expectedMigrations: number;
  notifications: Pick<NotificationsService, "health" | "failing">;
  billing: Pick<BillingService, "health">;
}) {
  const { healthStore, clock, startedAt, expectedMigrations } = deps;
  const base = () => ({ version: VERSION, uptimeSeconds: Math.floor((clock.now() - startedAt) / 1000) });
  return {
    async live() {
      await healthStore.ping();
      return { status: "ok" as const, ...base() };
    },
    async deep() {
      const [{ database, appliedMigrations }, notifications, billing] = await Promise.all([
        healthStore.deepCheck(),
        deps.notifications.health(),
        deps.billing.health(),
      ]);
      const checks = {
        database,
        migrations: { applied: appliedMigrations, expected: expectedMigrations },
        stripe: billing.stripe,
        notifications,
        webhookPipeline: billing.webhookPipeline,
      };
      // A configured part that fails degrades the check; a part that is simply off (no SMTP, no Stripe) does not.
      const ok =
        checks.database === "ok" &&
        checks.migrations.applied === checks.migrations.expected &&
        !deps.notifications.failing(notifications) &&
        billing.ok;
      return { status: ok ? ("ok" as const) : ("degraded" as const), ...base(), checks };
    },
  };
}

export type HealthService = ReturnType<typeof createHealthService>;
