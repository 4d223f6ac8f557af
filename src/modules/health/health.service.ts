// Liveness and the deep check (database integrity, every migration applied).
import type { Clock } from "../../lib/clock.ts";
import { VERSION } from "../../lib/version.ts";
import type { HealthStore } from "./health.store.ts";
import type { NotificationsService } from "../notifications/notifications.service.ts";

export function createHealthService(deps: {
  healthStore: HealthStore;
  clock: Clock;
  startedAt: number;
  expectedMigrations: number;
  notifications: Pick<NotificationsService, "health" | "failing">;
}) {
  const { healthStore, clock, startedAt, expectedMigrations } = deps;
  const base = () => ({ version: VERSION, uptimeSeconds: Math.floor((clock.now() - startedAt) / 1000) });
  return {
    async live() {
      await healthStore.ping();
      return { status: "ok" as const, ...base() };
    },
    async deep() {
      const { database, appliedMigrations } = await healthStore.deepCheck();
      const notifications = await deps.notifications.health();
      const checks = { database, migrations: { applied: appliedMigrations, expected: expectedMigrations }, notifications };
      // A configured SMTP server that does not answer is a failing part; mail that is simply off is not.
      const ok =
        checks.database === "ok" && checks.migrations.applied === checks.migrations.expected && !deps.notifications.failing(notifications);
      return { status: ok ? ("ok" as const) : ("degraded" as const), ...base(), checks };
    },
  };
}

export type HealthService = ReturnType<typeof createHealthService>;
