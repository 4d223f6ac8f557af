// Group commit: writes queued in the same turn of the event loop share one transaction.
// Each commit costs far more than the insert itself (WAL append and header), so under concurrent load
// many small commits become one; a lone request waits only until the end of the current tick.
import type { Database } from "bun:sqlite";

interface PendingWrite {
  run: () => void;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export function createWriteQueue(db: Database) {
  let pending: PendingWrite[] = [];
  let scheduled = false;

  function flush() {
    scheduled = false;
    const batch = pending;
    pending = [];
    try {
      db.transaction(() => {
        for (const write of batch) write.run();
      })();
    } catch {
      // The batch rolled back whole: run each alone so one bad write fails only its own caller.
      for (const write of batch) {
        try {
          write.run();
          write.resolve();
        } catch (error) {
          write.reject(error);
        }
      }
      return;
    }
    for (const write of batch) write.resolve();
  }

  return {
    /** Runs `write` inside the next group commit; resolves once it is committed. */
    enqueue(write: () => void): Promise<void> {
      return new Promise((resolve, reject) => {
        pending.push({ run: write, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
  };
}

export type WriteQueue = ReturnType<typeof createWriteQueue>;
