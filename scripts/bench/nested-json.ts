// The deeply-nested-JSON probe: what one 64,000-byte `[[[[…]]]]` body to POST /api/public/cancel/result
// (no key needed) costs the server, and whether /api/health, sent 50 ms later, waits behind it.
// Prints the time to refuse, the status, the health latency, and the server's peak RSS (VmHWM) before and after.
//   node_modules/.bin/bun scripts/bench/nested-json.ts                 # the server from source
//   node_modules/.bin/bun scripts/bench/nested-json.ts dist/holdfast   # the compiled binary (npm run build first)
//   NESTED_BYTES=64000 NESTED_ROUTE=/api/v1/cancel-link …              # another size or JSON route
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dir, "..", "..");
const bun = path.join(root, "node_modules", ".bin", "bun");
const BYTES = Number(process.env.NESTED_BYTES ?? 64_000);
const ROUTE = process.env.NESTED_ROUTE ?? "/api/public/cancel/result";
const binary = process.argv[2] ? path.resolve(process.argv[2]) : null;

const work = mkdtempSync(path.join(tmpdir(), "hf-nested-"));
const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
const port = probe.port!;
probe.stop(true);

const env = { ...process.env, PORT: String(port), HOST: "127.0.0.1", HOLDFAST_DATA_DIR: work, LOG_LEVEL: "silent" };
const server = Bun.spawn(binary ? [binary, "serve"] : [bun, "src/main.ts", "serve"], { cwd: root, env, stdout: "ignore", stderr: "inherit" });
const base = `http://127.0.0.1:${port}`;

function done(code: number): never {
  server.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
  process.exit(code);
}
setTimeout(() => {
  console.error("nested-json: no answer within 120 s");
  done(1);
}, 120_000).unref();

/** Peak resident memory of the server process so far, in MiB. */
function peakRssMiB(): number {
  const status = readFileSync(`/proc/${server.pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

for (let i = 0; ; i++) {
  if (await fetch(`${base}/api/health`).then((r) => r.ok, () => false)) break;
  if (i > 200 || server.exitCode !== null) {
    console.error("nested-json: the server did not start");
    done(1);
  }
  await Bun.sleep(100);
}
// Warm the route with a small valid-shaped request so the first-call compile is not counted.
await fetch(`${base}${ROUTE}`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"token":"x"}' }).then((r) => r.text());

const depth = Math.floor(BYTES / 2);
const body = "[".repeat(depth) + "]".repeat(depth);
const rssBefore = peakRssMiB();

const start = performance.now();
const nested = fetch(`${base}${ROUTE}`, { method: "POST", headers: { "content-type": "application/json" }, body }).then(async (r) => ({
  status: r.status,
  text: await r.text(),
  ms: performance.now() - start,
}));
await Bun.sleep(50);
const healthStart = performance.now();
const health = fetch(`${base}/api/health`).then(async (r) => ({ status: r.status, ms: performance.now() - healthStart, at: performance.now() - start }));
const [n, h] = await Promise.all([nested, health]);
const rssAfter = peakRssMiB();

// A body inside the depth bound that still fails validation: 31 levels around ~32,000 numbers, in place of the token.
const inner = Math.floor((BYTES - 80) / 2);
const wide = `{"token":${"[".repeat(31)}${"0,".repeat(inner - 1)}0${"]".repeat(31)}}`;
const wideStart = performance.now();
const w = await fetch(`${base}${ROUTE}`, { method: "POST", headers: { "content-type": "application/json" }, body: wide }).then(async (r) => ({
  status: r.status,
  text: await r.text(),
  ms: performance.now() - wideStart,
}));
const rssWide = peakRssMiB();

console.log(`target     ${binary ? path.relative(root, binary) : "src/main.ts"} (NODE_ENV here: ${process.env.NODE_ENV ?? "unset"}; a binary built by npm run build sets production itself)`);
console.log(`body       ${body.length} bytes, nesting depth ${depth}, POST ${ROUTE}`);
console.log(`refused    ${n.status} in ${n.ms.toFixed(1)} ms: ${n.text.slice(0, 120)}`);
const order = n.ms < 50 ? "the nested request was refused before it was sent" : h.at < n.ms ? "answered before the nested request" : "waited behind the nested request";
console.log(`health     ${h.status} in ${h.ms.toFixed(1)} ms (sent 50 ms after; ${order})`);
console.log(`peak RSS   ${rssBefore.toFixed(0)} MiB before, ${rssAfter.toFixed(0)} MiB after`);
console.log(`wide       ${wide.length} bytes, depth 32, a bad token field: ${w.status} in ${w.ms.toFixed(1)} ms: ${w.text.slice(0, 120)}`);
console.log(`peak RSS   ${rssWide.toFixed(0)} MiB after the wide body`);
done(0);
