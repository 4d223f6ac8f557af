// `npm run bench`: POST /api/v1/cancel-link, then POST /api/v1/cancellations, on Holdfast against the bare-Bun floor
// (../shared/bench/floor.ts, which stores any JSON body with a userId), with wrk.
// Prints requests/s, p50/p99 latency for both and the ratio holdfast/floor per case (closer to 1 or above is better).
//   BENCH_DURATION=10 BENCH_WARMUP=3 BENCH_CONNECTIONS=32 BENCH_THREADS=2 BENCH_ROUNDS=2 npm run bench
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Subprocess } from "bun";

const root = path.resolve(import.meta.dir, "..", "..");
const bun = path.join(root, "node_modules", ".bin", "bun");
const floorScript = path.resolve(root, "..", "shared", "bench", "floor.ts");

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const THREADS = Number(process.env.BENCH_THREADS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const BODY = JSON.stringify({ userId: "user_123", context: { plan: "pro" } });
const FLOOR_KEY = "hf_floor_key";

const children: Subprocess[] = [];
const work = mkdtempSync(path.join(tmpdir(), "hf-bench-"));

function cleanUp(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
}
function fail(message: string): never {
  console.error(`bench: ${message}`);
  cleanUp();
  process.exit(1);
}
process.on("SIGINT", () => fail("interrupted"));
process.on("SIGTERM", () => fail("terminated"));
// However it goes, the bench ends: warm-ups, rounds, start-up, plus slack.
const budgetSeconds = 2 * (2 * WARMUP + 2 * ROUNDS * (DURATION + 5)) + 90;
setTimeout(() => fail(`did not finish within ${budgetSeconds} s`), budgetSeconds * 1000).unref();

// WRK=/path/to/wrk picks another build.
const wrkCandidate = process.env.WRK ?? Bun.which("wrk") ?? "/usr/bin/wrk";
const wrk = existsSync(wrkCandidate) ? wrkCandidate : null;
if (!wrk) fail("wrk is not installed; install it with:\n  apt-get install -y wrk        (Debian/Ubuntu)\n  brew install wrk              (macOS)");
if (!existsSync(floorScript)) fail(`the floor server is missing: ${floorScript}`);

function freePort(): number {
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port!;
  probe.stop(true);
  return port;
}

async function waitUntilUp(name: string, child: Subprocess, url: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) fail(`${name} exited with ${child.exitCode} before answering`);
    if (Date.now() > deadline) fail(`${name} did not answer ${url} within 20 s`);
    if (await fetch(url).then(() => true, () => false)) return;
    await Bun.sleep(100);
  }
}

/** One request by hand, so a misconfigured target fails loudly instead of benchmarking 401s. */
async function checkTarget(name: string, url: string, key: string, body: string, expect: { status: number[]; field: string }): Promise<void> {
  const res = await fetch(url, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body });
  const text = await res.text();
  if (!expect.status.includes(res.status) || !text.includes(`"${expect.field}"`)) fail(`${name} answered ${res.status}: ${text.slice(0, 300)}`);
}

/**
 * One benchmarked endpoint. `body` is fixed, or — for an endpoint idempotent by a client id — a Lua expression
 * building a new body per request, so every request is a first write, never a replay.
 */
interface BenchCase {
  title: string;
  path: string;
  body: string;
  luaBody?: string;
  expect: { status: number[]; field: string };
}

const CASES: BenchCase[] = [
  { title: "POST /api/v1/cancel-link", path: "/api/v1/cancel-link", body: BODY, expect: { status: [200], field: "sessionId" } },
  {
    title: "POST /api/v1/cancellations (a new eventId every request)",
    path: "/api/v1/cancellations",
    body: JSON.stringify({ eventId: "evt_check", userId: "user_123", status: "canceled", reason: "too expensive", context: { plan: "pro", mrr: 49 } }),
    // run id, wrk thread and per-thread counter: unique across threads, rounds and warm-ups.
    luaBody: `string.format('{"eventId":"evt_%s_%d_%d","userId":"user_123","status":"canceled","reason":"too expensive","context":{"plan":"pro","mrr":49}}', run, tid, counter)`,
    expect: { status: [200, 201], field: "eventId" },
  },
];

interface Target {
  name: string;
  url: string;
  /** A fresh script per wrk run (a case with per-request bodies starts a new run id each time). */
  lua: () => string;
}

interface WrkResult {
  requests: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  socketErrors: number;
}

let luaFiles = 0;
function luaFor(name: string, key: string, bench: BenchCase): string {
  const file = path.join(work, `${name}-${++luaFiles}.lua`);
  const perRequest = bench.luaBody
    ? `local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
run = "${luaFiles}x${Date.now().toString(36)}"
counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, nil, nil, ${bench.luaBody})
end
`
    : `wrk.body = ${JSON.stringify(bench.body)}
`;
  writeFileSync(
    file,
    `wrk.method = "POST"
${perRequest}wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = ${JSON.stringify(`Bearer ${key}`)}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
`,
  );
  return file;
}

async function runWrk(target: Target, seconds: number): Promise<WrkResult> {
  const args = [wrk!, `-t${THREADS}`, `-c${CONNECTIONS}`, `-d${seconds}s`, "--timeout", "5s", "-s", target.lua(), target.url];
  const proc = Bun.spawn(args, { stdout: "pipe", stderr: "pipe" });
  children.push(proc);
  const killer = setTimeout(() => proc.kill("SIGKILL"), (seconds + 15) * 1000);
  const [code, out, err] = await Promise.all([proc.exited, new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  clearTimeout(killer);
  const line = /^BENCH (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$/m.exec(out);
  if (code !== 0 || !line) fail(`wrk on ${target.name} exited ${code}:\n${out}\n${err}`);
  const [requests, micros, p50, p99, non2xx, socketErrors] = line.slice(1).map(Number);
  return { requests, seconds: micros / 1e6, rps: requests / (micros / 1e6), p50Ms: p50 / 1000, p99Ms: p99 / 1000, non2xx, socketErrors };
}

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// ---- start both servers ----
const dataDir = path.join(work, "holdfast-data");
const holdfastPort = freePort();
const holdfastEnv = {
  PATH: process.env.PATH ?? "/usr/bin:/bin",
  HOME: process.env.HOME ?? work,
  HOLDFAST_DATA_DIR: dataDir,
  PORT: String(holdfastPort),
  HOST: "127.0.0.1",
  // The request log stays on, as in production: it is part of the cost of a request (stdout is discarded).
  LOG_LEVEL: "info",
  // The default 600 a minute per key would turn the bench into a 429 benchmark.
  HOLDFAST_RATE_LIMIT: "1000000",
};

const create = Bun.spawnSync(
  [bun, "src/main.ts", "workspace", "create", "--name", "Bench", "--plan", "advanced", "--default-return-url", "https://app.example.com/billing/cancelled", "--json"],
  { cwd: root, env: holdfastEnv },
);
if (create.exitCode !== 0) fail(`workspace create failed: ${create.stderr.toString()}`);
const liveKey: string = JSON.parse(create.stdout.toString()).liveKey;

const holdfast = Bun.spawn([bun, "src/main.ts", "serve"], { cwd: root, env: holdfastEnv, stdout: "ignore", stderr: "inherit" });
children.push(holdfast);
const floorPort = freePort();
const floor = Bun.spawn([bun, floorScript], {
  cwd: work,
  env: { PATH: holdfastEnv.PATH, HOME: holdfastEnv.HOME, PORT: String(floorPort), DB: path.join(work, "floor.db") },
  stdout: "ignore",
  stderr: "inherit",
});
children.push(floor);

await waitUntilUp("holdfast", holdfast, `http://127.0.0.1:${holdfastPort}/api/health`);
await waitUntilUp("floor", floor, `http://127.0.0.1:${floorPort}/`);

let bad = 0;
const ratios: string[] = [];
for (const bench of CASES) {
  const targets: Target[] = [
    { name: "holdfast", url: `http://127.0.0.1:${holdfastPort}${bench.path}`, lua: () => luaFor("holdfast", liveKey, bench) },
    { name: "floor", url: `http://127.0.0.1:${floorPort}${bench.path}`, lua: () => luaFor("floor", FLOOR_KEY, bench) },
  ];
  await checkTarget("holdfast", targets[0].url, liveKey, bench.body, bench.expect);
  await checkTarget("floor", targets[1].url, FLOOR_KEY, bench.body, { status: [200], field: "sessionId" });

  console.log(
    `\n${bench.title}\n  body ${bench.body}\nwrk -t${THREADS} -c${CONNECTIONS} -d${DURATION}s, ${ROUNDS} rounds after a ${WARMUP} s warm-up each, alternating\n`,
  );

  // ---- warm up (JIT, SQLite page cache), then alternate, switching who goes first each round ----
  for (const t of targets) await runWrk(t, WARMUP);
  const results: Record<string, WrkResult[]> = { holdfast: [], floor: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    const order = round % 2 ? targets : [...targets].reverse();
    for (const t of order) {
      const r = await runWrk(t, DURATION);
      results[t.name].push(r);
      const problems = r.non2xx || r.socketErrors ? `  (!) ${r.non2xx} non-2xx, ${r.socketErrors} socket errors` : "";
      console.log(
        `round ${round}  ${t.name.padEnd(8)} ${fmt(r.rps).padStart(8)} req/s   p50 ${fmt(r.p50Ms, 2).padStart(6)} ms   p99 ${fmt(r.p99Ms, 2).padStart(6)} ms${problems}`,
      );
    }
  }

  const summary = Object.fromEntries(
    Object.entries(results).map(([name, rs]) => [
      name,
      {
        rps: rs.reduce((s, r) => s + r.requests, 0) / rs.reduce((s, r) => s + r.seconds, 0),
        p50Ms: median(rs.map((r) => r.p50Ms)),
        p99Ms: median(rs.map((r) => r.p99Ms)),
        bad: rs.reduce((s, r) => s + r.non2xx + r.socketErrors, 0),
      },
    ]),
  );
  console.log("\nsummary (requests/s over all rounds; latency: median of the rounds)");
  for (const [name, s] of Object.entries(summary))
    console.log(`  ${name.padEnd(8)} ${fmt(s.rps).padStart(8)} req/s   p50 ${fmt(s.p50Ms, 2).padStart(6)} ms   p99 ${fmt(s.p99Ms, 2).padStart(6)} ms`);
  const ratio = (summary.holdfast.rps / summary.floor.rps).toFixed(2);
  console.log(`  ratio holdfast/floor: ${ratio}`);
  ratios.push(`${bench.path} ${ratio}`);
  bad += summary.holdfast.bad + summary.floor.bad;
}
console.log(`\nratios holdfast/floor: ${ratios.join(", ")}`);

holdfast.kill("SIGTERM");
floor.kill("SIGTERM");
await Promise.race([Promise.all([holdfast.exited, floor.exited]), Bun.sleep(5000)]);
cleanUp();
if (bad) {
  console.error(`bench: ${bad} requests failed (non-2xx or socket errors): the figures above are not trustworthy`);
  process.exit(1);
}
process.exit(0);
