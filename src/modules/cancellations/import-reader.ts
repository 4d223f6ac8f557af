// The main thread's side of the import's reader thread (import-worker.ts): batches of prepared items, in file order.
import { workerUrl } from "../../lib/worker-url.ts";
import type { Environment } from "../sessions/sessions.schemas.ts";
import type { Workspace } from "../workspaces/workspaces.store.ts";
import type { PreparedBatch } from "./cancellations.service.ts";
import { ImportFileError, type ImportFormat } from "./import-file.ts";

export interface ReaderStart {
  type: "start";
  file: string;
  format: ImportFormat;
  workspace: Workspace;
  environment: Environment;
  batchSize: number;
  /** How many batches the reader may prepare ahead of the writes. */
  credits: number;
  now: number;
}
/** Every command carries the clock's time: a reader thread has no clock of its own (tests pass theirs). */
export type ReaderCommand = ReaderStart | { type: "more"; now: number };
export type ReaderMessage = { type: "batch"; batch: PreparedBatch } | { type: "done" } | { type: "failed"; message: string; fileError: boolean };

// The import's garbage grows a thread's heap faster than the collector shrinks it on its own (on a box with RAM to
// spare it lets the process pass 250 MB); past this heap size a full collection runs, checked after each batch, in
// the writer's thread and in the reader's. Measured at 1 M rows: 20 MB keeps the peak RSS under the 200 MB goal; 16 MB cost
// 4 s more, 24 MB passed 200 MB.
export const COLLECT_ABOVE_BYTES = 20 * 1024 * 1024;

// Two batches prepared ahead keep the writer busy while the reader works on the third.
const AHEAD = 2;

/**
 * Yields the file's prepared batches; each `next()` after the first lets the reader start one more. Throws
 * ImportFileError for a file that cannot be imported at all, Error for anything else the reader met.
 */
export async function* preparedBatches(options: Omit<ReaderStart, "type" | "credits" | "now"> & { now: () => number }): AsyncGenerator<PreparedBatch> {
  const worker = new Worker(workerUrl("modules/cancellations/import-worker.ts"));
  const inbox: ReaderMessage[] = [];
  let waiting: (() => void) | null = null;
  const deliver = (message: ReaderMessage) => {
    inbox.push(message);
    waiting?.();
    waiting = null;
  };
  worker.onmessage = (event: MessageEvent<ReaderMessage>) => deliver(event.data);
  worker.onerror = (event) => deliver({ type: "failed", message: event.message || "the import reader stopped", fileError: false });
  const { now, ...rest } = options;
  worker.postMessage({ type: "start", ...rest, credits: AHEAD, now: now() } satisfies ReaderStart);
  try {
    for (;;) {
      while (inbox.length === 0) await new Promise<void>((resolve) => (waiting = resolve));
      const message = inbox.shift()!;
      if (message.type === "done") return;
      if (message.type === "failed") throw message.fileError ? new ImportFileError(message.message) : new Error(message.message);
      worker.postMessage({ type: "more", now: now() } satisfies ReaderCommand);
      yield message.batch;
    }
  } finally {
    worker.terminate();
  }
}
