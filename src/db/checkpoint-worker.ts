// The checkpointer's thread: copies the WAL back into the database file on its own connection, fsyncs included,
// while the writer goes on appending (SQLite lets one checkpoint run beside one writer).
import { Database } from "bun:sqlite";
import type { CheckpointCommand, CheckpointReply } from "./checkpointer.ts";

declare const self: Worker;

let db: Database | null = null;

self.onmessage = (event: MessageEvent<CheckpointCommand>) => {
  const command = event.data;
  if (command.type === "open") {
    db = new Database(command.file, { strict: true });
    db.run("pragma busy_timeout = 5000");
    return;
  }
  if (command.type === "close") {
    db?.close();
    db = null;
    self.postMessage({ type: "closed" } satisfies CheckpointReply);
    return;
  }
  // PASSIVE: as much as it can without waiting for the writer or any reader; the next call takes the rest.
  const row = db!.query("pragma wal_checkpoint(passive)").get() as { busy: number; log: number; checkpointed: number };
  self.postMessage({ type: "checkpointed", log: row.log, checkpointed: row.checkpointed } satisfies CheckpointReply);
};
