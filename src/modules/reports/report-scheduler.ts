// Wakes once a minute (and at start) to send due weekly reports. Started by the server only: CLI commands
// and tests never run it unless they ask. Time comes from the injected clock; the timer is only a wake-up.
import type { Logger } from "../../http/logger.ts";
import type { ReportService } from "./reports.service.ts";

export interface ReportScheduler {
  start(): void;
  /** Stops waking up and waits for a pass in progress (so shutdown never cuts a send in half). */
  stop(): Promise<void>;
  /** One pass now; a pass already running is awaited instead of overlapped. */
  tick(): Promise<void>;
  /** Whether start() was called (and not stopped): only the server does. */
  readonly started: boolean;
}

export function createReportScheduler(deps: { reportService: ReportService; logger: Logger; intervalMs?: number }): ReportScheduler {
  const intervalMs = deps.intervalMs ?? 60_000;
  let timer: ReturnType<typeof setInterval> | null = null;
  let running: Promise<void> | null = null;

  const tick = (): Promise<void> => {
    if (running) return running;
    running = (async () => {
      try {
        const result = await deps.reportService.runDue();
        if (result.sent.length || result.failed.length)
          deps.logger.info("report pass", { week: result.week, sent: result.sent.length, failed: result.failed.length });
      } catch (error) {
        deps.logger.error("report pass failed", { error: (error as Error).message });
      } finally {
        running = null;
      }
    })();
    return running;
  };

  return {
    start() {
      if (timer) return;
      timer = setInterval(() => void tick(), intervalMs);
      // A week missed while the server was down goes out now, not at the next wake-up.
      void tick();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      if (running) await running;
    },
    tick,
    get started() {
      return timer !== null;
    },
  };
}
