// Checkpoints on another thread, for a long run of writes (the import). SQLite's own checkpoints run inside a
// commit on the writer's thread, and with synchronous=normal each one waits for two fsyncs: at a million rows that
// was about 5 µs of every row's 18. Here the writer's connection stops checkpointing and a second connection, on
// its own thread, checkpoints after each commit while the writer goes on. Durability is unchanged: the WAL is
// synced before its frames are copied and the database after, by whichever connection checkpoints.
//
// The WAL only starts over from its beginning when a checkpoint has copied all of it before the next write, which
// a checkpointer running beside the writer never quite does; so once it has grown past RESTART_FRAMES the writer
// itself checkpoints between two of its transactions (cheap: the thread has already copied nearly everything).
import type { Database } from "bun:sqlite";

export type CheckpointCommand = { type: "open"; file: string } | { type: "checkpoint" } | { type: "close" };
export type CheckpointReply = { type: "checkpointed"; log: number; checkpointed: number } | { type: "closed" };

// 8,192 frames of 4 KiB: the WAL stays under about 32 MB (SQLite's own default keeps it near 4 MB).
const RESTART_FRAMES = 8192;

export interface Checkpointer {
  /** Call after each commit of the writer's connection. */
  afterCommit(): void;
  /** Waits for the thread, stops it and gives the writer's connection its own checkpoints back. */
  close(): Promise<void>;
}

export function startCheckpointer(db: Database, file: string): Checkpointer {
  const { wal_autocheckpoint: before } = db.query("pragma wal_autocheckpoint").get() as { wal_autocheckpoint: number };
  db.run("pragma wal_autocheckpoint = 0");
  const worker = new Worker(new URL("./checkpoint-worker.ts", import.meta.url));
  let busy = false;
  let walFrames = 0;
  let idle: (() => void) | null = null;
  let failure: Error | null = null;
  worker.onmessage = (event: MessageEvent<CheckpointReply>) => {
    if (event.data.type !== "checkpointed") return;
    busy = false;
    walFrames = event.data.log;
    idle?.();
    idle = null;
  };
  worker.onerror = (event) => {
    // Without the thread, the writer's connection checkpoints as SQLite does by default.
    failure = new Error(event.message);
    busy = false;
    db.run(`pragma wal_autocheckpoint = ${before}`);
    idle?.();
    idle = null;
  };
  worker.postMessage({ type: "open", file } satisfies CheckpointCommand);

  return {
    afterCommit() {
      if (busy || failure) return;
      if (walFrames > RESTART_FRAMES) {
        // Between two transactions nothing is newer than this connection's last commit: this copies all that is
        // left, so the next write starts the WAL over. The thread takes the turn after.
        db.run("pragma wal_checkpoint(passive)");
        walFrames = 0;
        return;
      }
      busy = true;
      worker.postMessage({ type: "checkpoint" } satisfies CheckpointCommand);
    },
    async close() {
      while (busy) await new Promise<void>((resolve) => (idle = resolve));
      if (!failure) {
        const closed = new Promise<void>((resolve) => worker.addEventListener("message", () => resolve(), { once: true }));
        worker.postMessage({ type: "close" } satisfies CheckpointCommand);
        await closed;
      }
      worker.terminate();
      db.run(`pragma wal_autocheckpoint = ${before}`);
    },
  };
}
