// Group commit that never blocks the event loop: writes queued in the same turn share one transaction, and
// when another connection (the CLI, a backup, a second process) holds the write lock, the queue waits on a
// timer instead of in SQLite's busy handler, which would sleep the whole process for up to busy_timeout.
// Each commit costs far more than the write itself (WAL append and header), so under concurrent load many
// small commits become one; a lone request waits only until the end of the current tick.
import type { Database } from "bun:sqlite";
import { AppError } from "../lib/app-error.ts";

interface PendingWrite {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Wraps the writes of one transaction (a group commit, or a single write retried alone): runs `writes` and may
 * do more work before they commit, in the same transaction (the analytics rollups write their summed deltas so).
 * If `writes` throws, the wrapper must let it through and keep nothing of what it gathered.
 */
export type BatchWrapper = <T>(writes: () => T) => T;

export interface WriteQueueOptions {
  /** How long writes may wait for another connection's lock before they fail with 503. */
  maxWaitMs?: number;
  /** The connection's busy_timeout to restore after each flush (what openDatabase sets). */
  busyTimeoutMs?: number;
}

const FIRST_RETRY_MS = 2;
const MAX_RETRY_MS = 50;

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"));
}

export function createWriteQueue(db: Database, options: WriteQueueOptions = {}) {
  const maxWaitMs = options.maxWaitMs ?? 30_000;
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  // While the queue writes, SQLite must answer SQLITE_BUSY at once rather than sleep; other users of the
  // connection keep the usual timeout. Not prepared statements: SQLite applies busy_timeout when the pragma
  // is compiled, not when it is stepped, so a prepared one would only ever take effect once.
  const failFast = { run: () => db.run("pragma busy_timeout = 0") };
  const restore = { run: () => db.run(`pragma busy_timeout = ${Math.trunc(busyTimeoutMs)}`) };
  let pending: PendingWrite[] = [];
  let scheduled = false;
  let waitingSince: number | null = null;
  let retryMs = FIRST_RETRY_MS;
  const wrappers: BatchWrapper[] = [];

  /** Runs `writes` in one BEGIN IMMEDIATE transaction: the lock is taken up front, so BUSY means nothing ran. */
  function commit(writes: PendingWrite[]): unknown[] {
    let run = () => writes.map((w) => w.run());
    for (const wrap of wrappers) {
      const inner = run;
      run = () => wrap(inner);
    }
    return db.transaction(run).immediate();
  }

  function retryLater(batch: PendingWrite[]) {
    pending = batch.concat(pending);
    const now = performance.now();
    waitingSince ??= now;
    if (now - waitingSince > maxWaitMs) {
      const failed = pending;
      pending = [];
      waitingSince = null;
      retryMs = FIRST_RETRY_MS;
      const error = new AppError(503, "The database is busy (a backup or another process holds it); try again shortly");
      for (const w of failed) w.reject(error);
      return;
    }
    scheduled = true;
    setTimeout(flush, retryMs);
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
  }

  function flush() {
    scheduled = false;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    try {
      failFast.run();
    } catch (error) {
      // The connection is gone (closed at shutdown): nothing can be written; say so to every caller.
      for (const write of batch) write.reject(error);
      return;
    }
    try {
      let results: unknown[];
      try {
        results = commit(batch);
      } catch (error) {
        if (isBusy(error)) return retryLater(batch);
        // The batch rolled back whole: run each alone so one bad write fails only its own caller.
        const busy: PendingWrite[] = [];
        for (const write of batch) {
          try {
            write.resolve(commit([write])[0]);
          } catch (e) {
            if (isBusy(e)) busy.push(write);
            else write.reject(e);
          }
        }
        if (busy.length) return retryLater(busy);
        waitingSince = null;
        retryMs = FIRST_RETRY_MS;
        return;
      }
      waitingSince = null;
      retryMs = FIRST_RETRY_MS;
      batch.forEach((write, i) => write.resolve(results[i]));
    } finally {
      try {
        restore.run();
      } catch {
        // Closed mid-flush: the callers above have already been answered.
      }
    }
  }

  return {
    /** Adds a wrapper around every transaction this queue commits (see BatchWrapper). */
    wrapBatches(wrap: BatchWrapper): void {
      wrappers.push(wrap);
    },
    /** Runs `write` inside the next group commit; resolves with its result once it is committed. */
    enqueue<T>(write: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        pending.push({ run: write, resolve: resolve as (value: unknown) => void, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
  };
}

export type WriteQueue = ReturnType<typeof createWriteQueue>;

// One queue per connection: every store of a boot shares it, so their writes share commits and never interleave.
const queues = new WeakMap<Database, WriteQueue>();

export function writeQueueFor(db: Database): WriteQueue {
  let queue = queues.get(db);
  if (!queue) {
    queue = createWriteQueue(db);
    queues.set(db, queue);
  }
  return queue;
}
