// The dashboard's sessions page and CSV export over a workspace with 1 M sessions (a temp database, the real
// migrations and app). Prints the median time of several sessions-page requests (first page, filtered, a customer,
// a deep keyset page) and the CSV export's rows/s with the process's peak RSS growth while it streams.
//   BENCH_SESSIONS=1000000 BENCH_RUNS=15 node_modules/.bin/bun scripts/bench/dashboard-sessions.ts
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openApp } from "../../src/boot.ts";
import { loadConfig } from "../../src/config.ts";

const TOTAL = Number(process.env.BENCH_SESSIONS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const BATCH = 10_000;
const dir = mkdtempSync(path.join(tmpdir(), "hf-bench-dash-"));
const PUBLIC = "http://localhost:3000";

try {
  const booted = await openApp({ config: loadConfig({ HOLDFAST_DATA_DIR: dir, LOG_LEVEL: "silent", HOLDFAST_PUBLIC_URL: PUBLIC }) });
  const { deps, db } = booted;
  const { workspace } = await deps.workspaceService.create({ name: "Bench" });
  const other = (await deps.workspaceService.create({ name: "Neighbour" })).workspace;
  const flowId = (await deps.flowService.getDefaultId(workspace.id))!;
  const user = await deps.userService.create("bench@example.com", "bench passphrase 123");
  await deps.userService.addMembership(user.id, workspace.id, "viewer");

  // Load: one prepared insert, 10 000 rows a transaction; a second workspace gets a tenth as many, interleaved.
  const t0 = performance.now();
  const insert = db.prepare(
    `insert into sessions (id, workspace_id, flow_id, source, customer_id, environment, context, metadata, csrf_token,
       state, step, outcome, reason, recovered_mrr_cents, created_at, opened_at, completed_at, expires_at)
     values (?, ?, ?, ?, ?, ?, ?, '{}', 'x', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const start = Date.UTC(2025, 0, 1);
  const sources = ["cancel_link", "api", "hosted_url"];
  const reasons = ["too expensive", "not using it enough", "missing a feature", null];
  const load = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const created = start + i * 30_000; // one every 30 s: ~1 year for 1 M
      const ws = i % 10 === 9 ? other.id : workspace.id;
      const outcome = i % 4 === 0 ? "saved" : i % 4 === 1 ? "canceled" : "pending";
      const done = outcome !== "pending";
      insert.run(
        Bun.randomUUIDv7("hex", created), ws, flowId, sources[i % 3], `cus_${i % 50_000}`, i % 7 === 0 ? "sandbox" : "prod",
        '{"plan":"pro","mrr":49}', done ? "completed" : "created", done ? "done" : "survey", outcome, reasons[i % 4],
        outcome === "saved" ? 4900 : 0, created, created + 5_000, done ? created + 60_000 : null, created + 3_600_000,
      );
    }
  });
  for (let i = 0; i < TOTAL; i += BATCH) load(i, Math.min(TOTAL, i + BATCH));
  db.run("analyze");
  const loadSeconds = (performance.now() - t0) / 1000;
  console.log(`loaded ${TOTAL.toLocaleString("en-US")} sessions in ${loadSeconds.toFixed(1)} s (${Math.round(TOTAL / loadSeconds).toLocaleString("en-US")} rows/s)`);

  const { token } = await deps.authService.startSession(user, workspace.id);
  const get = (p: string) => booted.fetch(new Request(`${PUBLIC}${p}`, { headers: { cookie: `holdfast_session=${token}` } }));

  async function median(label: string, p: string): Promise<number> {
    const times: number[] = [];
    let html = "";
    for (let r = 0; r < RUNS + 2; r++) {
      const t = performance.now();
      const res = await get(p);
      html = await res.text();
      if (res.status !== 200) throw new Error(`${p}: ${res.status}`);
      if (r >= 2) times.push(performance.now() - t); // two warm-up requests
    }
    times.sort((a, b) => a - b);
    const m = times[Math.floor(times.length / 2)];
    const rows = (html.match(/href="\/dashboard\/sessions\/[0-9a-f-]{36}"/g) ?? []).length;
    console.log(`  ${label.padEnd(44)} median ${m.toFixed(2)} ms  (p90 ${times[Math.floor(times.length * 0.9)].toFixed(2)} ms, ${rows} rows)`);
    return m;
  }

  console.log(`sessions page (${RUNS} runs each, after 2 warm-ups):`);
  await median("first page, no filter", "/dashboard/sessions");
  await median("outcome=saved&environment=prod", "/dashboard/sessions?outcome=saved&environment=prod");
  await median("source=hosted_url&outcome=canceled", "/dashboard/sessions?source=hosted_url&outcome=canceled");
  await median("customer=cus_4242", "/dashboard/sessions?customer=cus_4242");
  await median("date range (one day)", "/dashboard/sessions?from=2025-06-01&to=2025-06-01");
  // A deep page: follow the cursor from the middle of the data.
  const mid = db.query("select created_at, id from sessions where workspace_id = ? order by created_at desc, id desc limit 1 offset ?").get(workspace.id, Math.floor(TOTAL * 0.45)) as { created_at: number; id: string };
  const cursor = Buffer.from(`${mid.created_at}.${mid.id}`).toString("base64url");
  await median("keyset page in the middle (after=…)", `/dashboard/sessions?after=${cursor}`);

  // Export: the whole workspace's CSV, streamed.
  Bun.gc(true);
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const t1 = performance.now();
  const res = await get("/dashboard/sessions/export.csv");
  const reader = res.body!.getReader();
  let bytes = 0;
  let newlines = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    for (let i = 0; i < value.length; i++) if (value[i] === 10) newlines++;
    const rss = process.memoryUsage().rss;
    if (rss > peak) peak = rss;
  }
  const seconds = (performance.now() - t1) / 1000;
  const rows = newlines - 1;
  console.log(`CSV export: ${rows.toLocaleString("en-US")} rows, ${(bytes / 1e6).toFixed(0)} MB in ${seconds.toFixed(1)} s = ${Math.round(rows / seconds).toLocaleString("en-US")} rows/s; peak RSS growth ${((peak - rssBefore) / 1e6).toFixed(0)} MB`);
  await booted.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
