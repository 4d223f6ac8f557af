// The main thread's side of the import's reader thread (import-worker.ts): batches of prepared items, in file order.
import type { Environment } from "../sessions/sessions.schemas.ts";
import type { Workspace } from "../workspaces/workspaces.store.ts";
import type { PreparedItem } from "./cancellations.service.ts";
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
export type ReaderMessage = { type: "batch"; items: string } | { type: "done" } | { type: "failed"; message: string; fileError: boolean };

// Two batches prepared ahead keep the writer busy while the reader works on the third.
const AHEAD = 2;

/**
 * Yields the file's prepared batches; each `next()` after the first lets the reader start one more. Throws
 * ImportFileError for a file that cannot be imported at all, Error for anything else the reader met.
 */
export async function* preparedBatches(options: Omit<ReaderStart, "type" | "credits" | "now"> & { now: () => number }): AsyncGenerator<PreparedItem[]> {
  const worker = new Worker(new URL("./import-worker.ts", import.meta.url));
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
      const items = JSON.parse(message.items) as PreparedItem[];
      worker.postMessage({ type: "more", now: now() } satisfies ReaderCommand);
      yield items;
    }
  } finally {
    worker.terminate();
  }
}
