// The import's reader thread: reads the file, checks each record and builds its event (JSON parse, schema, payload
// hash: half the CPU of a row), and hands the main thread batches ready to insert. It runs ahead of the writes by a
// few batches at most (credits), so a fast reader never piles a file up in memory behind a slow disk.
import { heapSize } from "bun:jsc";
import { prepareImport } from "./cancellations.service.ts";
import { importBatches, ImportFileError } from "./import-file.ts";
import { COLLECT_ABOVE_BYTES, type ReaderCommand, type ReaderMessage, type ReaderStart } from "./import-reader.ts";

declare const self: Worker;

let credits = 0;
let now = 0;
let wake: (() => void) | null = null;
const send = (message: ReaderMessage) => self.postMessage(message);

self.onmessage = (event: MessageEvent<ReaderCommand>) => {
  const command = event.data;
  now = command.now;
  if (command.type === "start") void run(command);
  else {
    credits++;
    wake?.();
    wake = null;
  }
};

async function run(start: ReaderStart): Promise<void> {
  credits = start.credits;
  try {
    for await (const records of importBatches(Bun.file(start.file).stream(), start.format, start.batchSize)) {
      while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
      credits--;
      // One string per batch: the cheapest way across threads (a structured clone of the objects costs the main
      // thread about 4 µs a row, a JSON.parse of one string about 1).
      send({ type: "batch", items: JSON.stringify(prepareImport(start.workspace, start.environment, records, now)) });
      if (heapSize() > COLLECT_ABOVE_BYTES) Bun.gc(true);
    }
    send({ type: "done" });
  } catch (error) {
    // The operator sees the message (a file that cannot be read, say), never a stack of the reader's code.
    const message = error instanceof Error ? error.message : String(error);
    send({ type: "failed", message, fileError: error instanceof ImportFileError });
  }
}
