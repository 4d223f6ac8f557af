// The import's per-row check and hash, in process: µs of CPU per row (process.cpuUsage, honest on a busy box) for
// zod's cancellationBody vs fastEventBody, and the first payloadHash vs the current one, over ROWS importEvent rows
// (already JSON-parsed). Each part runs ROUNDS rounds; the least disturbed (minimum) is the figure, median beside it.
//   bun scripts/bench/event-check.ts     EVENT_CHECK_ROWS=200000 EVENT_CHECK_ROUNDS=3
import { applyEventAliases, cancellationBody, type CancellationBody } from "../../src/modules/cancellations/cancellations.schemas.ts";
import { payloadHash } from "../../src/modules/cancellations/cancellations.service.ts";
import { fastEventBody } from "../../src/modules/cancellations/event-body-fast.ts";
import { payloadHashV1 } from "../../src/modules/cancellations/payload-hash-v1.ts";
import { importEvent } from "./import-event.ts";

const ROWS = Number(process.env.EVENT_CHECK_ROWS ?? 200_000);
const ROUNDS = Number(process.env.EVENT_CHECK_ROUNDS ?? 3);

const values: unknown[] = Array.from({ length: ROWS }, (_, i) => JSON.parse(importEvent(i, "evt_")));
for (const value of values) applyEventAliases(value);
const bodies: CancellationBody[] = values.map((value) => cancellationBody.parse(value));
const instants = bodies.map((body) => (body.occurredAt === undefined ? undefined : Date.parse(body.occurredAt)));

function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** µs of CPU per row: [minimum, median] over the rounds (the first, warm-up round is dropped). */
function measure(run: () => number): [number, number] {
  run();
  const perRow: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = cpuMicros();
    const done = run();
    perRow.push((cpuMicros() - start) / done);
  }
  perRow.sort((a, b) => a - b);
  return [perRow[0], perRow[Math.floor(perRow.length / 2)]];
}

let sink = 0;
const zod = measure(() => {
  for (const value of values) if (cancellationBody.safeParse(value).success) sink++;
  return values.length;
});
let accepted = 0;
const fast = measure(() => {
  accepted = 0;
  for (const value of values) if (fastEventBody(value) !== null) accepted++;
  return values.length;
});
const hashV1 = measure(() => {
  for (let i = 0; i < bodies.length; i++) sink += payloadHashV1(bodies[i], instants[i], "prod").length;
  return bodies.length;
});
const hash = measure(() => {
  for (let i = 0; i < bodies.length; i++) sink += payloadHash(bodies[i], instants[i], "prod").length;
  return bodies.length;
});

const show = ([min, median]: [number, number]) => `${min.toFixed(2)} µs/row (median ${median.toFixed(2)})`;
console.log(`${ROWS} importEvent rows, ${ROUNDS} rounds, CPU time (minimum, median)`);
console.log(`check  zod cancellationBody.safeParse  ${show(zod)}`);
console.log(`check  fastEventBody                   ${show(fast)}  accepted ${accepted}/${ROWS}  ×${(zod[0] / fast[0]).toFixed(1)}`);
console.log(`hash   payloadHash (first version)     ${show(hashV1)}`);
console.log(`hash   payloadHash                     ${show(hash)}  ×${(hashV1[0] / hash[0]).toFixed(1)}`);
if (sink < 0) console.log(sink);
