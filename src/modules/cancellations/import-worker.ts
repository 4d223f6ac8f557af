// The import's reader thread: reads the file, checks each record and builds its event (JSON parse, schema, payload
// hash: half the CPU of a row), and hands the main thread batches ready to insert. It runs ahead of the writes by a
// few batches at most (credits), so a fast reader never piles a file up in memory behind a slow disk.
import { heapSize } from "bun:jsc";
import { prepareBatch } from "./cancellations.service.ts";
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
      // The rows cross as one text a run (see PlainRows) that the main thread splits in one call (a JSON.parse of
      // the same rows cost it ~3.6 µs a row, a structured clone of the objects ~4), their rollups already summed.
      send({ type: "batch", batch: prepareBatch(start.workspace, start.environment, records, now) });
      if (heapSize() > COLLECT_ABOVE_BYTES) Bun.gc(true);
    }
    send({ type: "done" });
  } catch (error) {
    // The operator sees the message (a file that cannot be read, say), never a stack of the reader's code.
    const message = error instanceof Error ? error.message : String(error);
    send({ type: "failed", message, fileError: error instanceof ImportFileError });
  }
}
