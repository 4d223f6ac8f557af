// Import benchmark: `holdfast cancellations import` of a generated JSONL file (1 M events by default) into a fresh
// data dir, as a child process. Prints events/s and the importer's peak RSS (VmHWM) against the goals, with the
// load average (on a shared box the figure says as much about the neighbours as about the importer).
// The file is generated once into the temp dir and reused by later runs (BENCH_IMPORT_FILE names another place).
//   BENCH_IMPORT_EVENTS=1000000 bun scripts/bench/import.ts
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { importEvent } from "./import-event.ts";

const root = path.resolve(import.meta.dir, "..", "..");
const bun = path.join(root, "node_modules", ".bin", "bun");
const EVENTS = Number(process.env.BENCH_IMPORT_EVENTS ?? 1_000_000);
const GOAL_EVENTS_PER_SECOND = 50_000;
const GOAL_RSS_MB = 200;

const work = mkdtempSync(path.join(tmpdir(), "hf-bench-import-"));
const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? work, HOLDFAST_DATA_DIR: path.join(work, "data"), LOG_LEVEL: "silent" };
const cleanUp = () => rmSync(work, { recursive: true, force: true });
function fail(message: string): never {
  console.error(`bench: ${message}`);
  cleanUp();
  process.exit(1);
}
const loadAverage = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

// ---- the file: realistic rows (every field the guide names), written in chunks, never held whole ----
const file = process.env.BENCH_IMPORT_FILE ?? path.join(tmpdir(), `holdfast-bench-import-${EVENTS}.jsonl`);

/** Written under another name and renamed when complete, so an interrupted run never leaves a short file to reuse. */
async function generate(target: string): Promise<void> {
  const partial = `${target}.partial`;
  const writer = Bun.file(partial).writer();
  for (let i = 0; i < EVENTS; i++) {
    writer.write(importEvent(i, "evt_") + "\n");
    if (i % 50_000 === 0) await writer.flush();
  }
  await writer.end();
  renameSync(partial, target);
}
if (!existsSync(file)) await generate(file);
const sizeMb = Bun.file(file).size / 1024 / 1024;

const created = Bun.spawnSync([bun, "src/main.ts", "workspace", "create", "--name", "Bench", "--plan", "advanced", "--json"], { cwd: root, env });
if (created.exitCode !== 0) fail(`workspace create failed: ${created.stderr}`);
const workspaceId: string = JSON.parse(created.stdout.toString()).id;

// ---- the import, watched from outside: wall time and the kernel's peak RSS for the process ----
const loadBefore = loadAverage();
const began = performance.now();
const child = Bun.spawn([bun, "src/main.ts", "cancellations", "import", file, "--workspace", workspaceId], { cwd: root, env, stdout: "pipe", stderr: "pipe" });
let peakKb = 0;
const watcher = setInterval(() => {
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
    if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
  } catch {
    // The process has just exited.
  }
}, 20);
const [code, out, err] = await Promise.all([child.exited, new Response(child.stdout).text(), new Response(child.stderr).text()]);
clearInterval(watcher);
const seconds = (performance.now() - began) / 1000;
if (code !== 0) fail(`import exited ${code}:\n${out}\n${err.slice(0, 2000)}`);
if (!out.includes(`created      ${EVENTS}`)) fail(`unexpected summary:\n${out}`);

const rate = EVENTS / seconds;
// CPU time says what the importer costs whatever the neighbours do (wall time on a shared box does not).
const cpu = child.resourceUsage()?.cpuTime;
const cpuSeconds = cpu ? Number(cpu.total) / 1e6 : null;
const rssMb = peakKb / 1024;
console.log(`holdfast cancellations import: ${EVENTS.toLocaleString("en-US")} events from a ${sizeMb.toFixed(0)} MB JSONL file (${file})`);
console.log(`  wall time        ${seconds.toFixed(1)} s (process start, migrations and the final commit included)`);
console.log(`  throughput       ${Math.round(rate).toLocaleString("en-US")} events/s   (goal ≥ ${GOAL_EVENTS_PER_SECOND.toLocaleString("en-US")}: ${rate >= GOAL_EVENTS_PER_SECOND ? "met" : "NOT met"})`);
if (cpuSeconds !== null)
  console.log(`  CPU time         ${cpuSeconds.toFixed(1)} s user + system: ${((cpuSeconds * 1e6) / EVENTS).toFixed(1)} µs a row, ${Math.round(EVENTS / cpuSeconds).toLocaleString("en-US")} events per CPU second`);
console.log(`  peak RSS         ${rssMb.toFixed(0)} MB   (goal < ${GOAL_RSS_MB}: ${rssMb > 0 && rssMb < GOAL_RSS_MB ? "met" : rssMb === 0 ? "not measured (no /proc)" : "NOT met"})`);
console.log(`  load average     ${loadBefore} before, ${loadAverage()} after (1, 5, 15 min; ${navigator.hardwareConcurrency} cores)`);
cleanUp();
