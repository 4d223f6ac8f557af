// The checkpointer's thread: copies the WAL back into the database file on its own connection, fsyncs included,
// while the writer goes on appending (SQLite lets one checkpoint run beside one writer). It keeps going on its own:
// the writer's thread may be too busy to hand it messages, so they share their state through shared memory.
import { Database } from "bun:sqlite";
import { STATE, type CheckpointStart } from "./checkpointer.ts";

declare const self: Worker;

// When nothing is left to copy, look again this much later (otherwise after the start's gatherMs).
const IDLE_MS = 5;

self.onmessage = async (event: MessageEvent<CheckpointStart>) => {
  const state = new Int32Array(event.data.state);
  const db = new Database(event.data.file, { strict: true });
  db.run("pragma busy_timeout = 5000");
  // PASSIVE: as much as it can without waiting for the writer or any reader; the next round takes the rest.
  const checkpoint = db.query("pragma wal_checkpoint(passive)");
  try {
    while (Atomics.load(state, STATE.stop) === 0) {
      const row = checkpoint.get() as { busy: number; log: number; checkpointed: number };
      Atomics.store(state, STATE.log, row.log);
      await Bun.sleep(row.checkpointed >= row.log ? IDLE_MS : event.data.gatherMs);
    }
  } finally {
    checkpoint.finalize();
    db.close();
    self.postMessage("closed");
  }
};
