// Checkpoints on another thread, for a long run of writes (the import). SQLite's own checkpoints run inside a
// commit on the writer's thread, and with synchronous=normal each one waits for two fsyncs: at a million rows that
// was about 5 µs of every row's 18. Here the writer's connection stops checkpointing and a second connection, on
// its own thread, checkpoints while the writer goes on. Durability is unchanged: the WAL is synced before its frames
// are copied and the database after, by whichever connection checkpoints.
//
// The thread lets the WAL gather GATHER_MS of writes between two checkpoints: a checkpoint copies each page once,
// in its latest version, and the import writes the same pages again and again (its random-order customer index
// dirties about one page a row, each batch), so copying less often copies fewer pages. Measured at 1 M rows,
// alternating runs on the 2-core box: 22.5 s on average copying continuously, 20.7 s gathering 200 ms.
//
// The WAL only starts over from its beginning when a checkpoint has copied all of it before the next write, which
// a checkpointer running beside the writer never quite does; so once it has grown past RESTART_FRAMES the writer
// itself checkpoints between two of its transactions (cheap: the thread has already copied nearly everything).
import type { Database } from "bun:sqlite";
import { workerUrl } from "../lib/worker-url.ts";

/** The shared Int32Array's slots: the WAL's size in frames (as the thread last saw it), and the stop flag. */
export const STATE = { log: 0, stop: 1 } as const;
export type CheckpointStart = { file: string; state: SharedArrayBuffer; gatherMs: number };

// 32,768 frames of 4 KiB: the WAL stays near 128 MB during an import (SQLite's own default keeps it near 4 MB).
const RESTART_FRAMES = 32_768;
const GATHER_MS = 200;

export interface Checkpointer {
  /** Call after each commit of the writer's connection: restarts the WAL once it has grown long. */
  afterCommit(): void;
  /** Stops the thread and gives the writer's connection its own checkpoints back. */
  close(): Promise<void>;
}

export function startCheckpointer(db: Database, file: string, { restartFrames = RESTART_FRAMES, gatherMs = GATHER_MS } = {}): Checkpointer {
  const { wal_autocheckpoint: before } = db.query("pragma wal_autocheckpoint").get() as { wal_autocheckpoint: number };
  const shared = new SharedArrayBuffer(4 * 2);
  const state = new Int32Array(shared);
  const worker = new Worker(workerUrl("db/checkpoint-worker.ts"));
  let failed = false;
  const closed = new Promise<void>((resolve) => {
    worker.onmessage = () => resolve();
    worker.onerror = () => {
      // Without the thread, the writer's connection checkpoints as SQLite does by default.
      failed = true;
      db.run(`pragma wal_autocheckpoint = ${before}`);
      resolve();
    };
  });
  db.run("pragma wal_autocheckpoint = 0");
  worker.postMessage({ file, state: shared, gatherMs } satisfies CheckpointStart);

  return {
    afterCommit() {
      if (failed || Atomics.load(state, STATE.log) <= restartFrames) return;
      // Between two transactions nothing is newer than this connection's last commit: a checkpoint here copies all
      // that is left (unless the thread holds the checkpoint just now: then the next commit tries again), and the
      // next write starts the WAL over.
      const { busy } = db.query("pragma wal_checkpoint(passive)").get() as { busy: number };
      if (!busy) Atomics.store(state, STATE.log, 0);
    },
    async close() {
      Atomics.store(state, STATE.stop, 1);
      await closed;
      worker.terminate();
      db.run(`pragma wal_autocheckpoint = ${before}`);
    },
  };
}
