// Request bodies: the JSON depth bound, validation that never serializes input, and byte limits enforced
// while streaming, through the real app and a real server on port 0.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { connect } from "node:net";
import { Elysia } from "elysia";
import { z } from "zod";
import { makeTestApp, seedWorkspace, BASE, type SeededWorkspace, type TestApp } from "../../tests/helpers.ts";
import { listen } from "../server.ts";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "./body.ts";
import { httpCore } from "./core.ts";
import { silentLogger } from "./logger.ts";
import { checked, isChecked } from "./validation.ts";

const RESULT = "/api/public/cancel/result";
const LIMIT = 64 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const encode = (s: string) => new TextEncoder().encode(s);
const nested = (depth: number, inner = "") => "[".repeat(depth) + inner + "]".repeat(depth);

let t: TestApp;
let ws: SeededWorkspace;
let server: ReturnType<typeof listen> | null = null;
beforeEach(async () => {
  t = await makeTestApp();
  ws = await seedWorkspace(t);
});
afterEach(() => {
  server?.stop(true);
  server = null;
});

function serve(): string {
  server = listen(t.booted, 0, "127.0.0.1");
  return `http://127.0.0.1:${server.port}`;
}

/** An error answer: exactly `{ error }` as JSON, with a request id. Returns the message. */
async function expectError(res: Response, status: number): Promise<string> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text}`);
  expect(res.headers.get("content-type")).toStartWith("application/json");
  expect(res.headers.get("x-request-id")).toMatch(UUID);
  const body = JSON.parse(text);
  expect(Object.keys(body)).toEqual(["error"]);
  return body.error;
}

describe("the JSON depth pre-scan", () => {
  test("counts arrays and objects, and refuses one level past the bound", () => {
    expect(nestsDeeperThan(encode(nested(32)), 32)).toBe(false);
    expect(nestsDeeperThan(encode(nested(33)), 32)).toBe(true);
    expect(nestsDeeperThan(encode('{"a":'.repeat(32) + "1" + "}".repeat(32)), 32)).toBe(false);
    expect(nestsDeeperThan(encode('{"a":'.repeat(33) + "1" + "}".repeat(33)), 32)).toBe(true);
    // Siblings do not add up: depth, not count.
    expect(nestsDeeperThan(encode(`[${Array(1000).fill(nested(30)).join(",")}]`), 32)).toBe(false);
  });

  test("ignores brackets inside strings, escaped quotes included", () => {
    const inString = JSON.stringify({ a: "[".repeat(100), b: '\\"[[[[' + "{".repeat(100), c: "€[".repeat(50) });
    expect(nestsDeeperThan(encode(inString), 2)).toBe(false);
    // An escaped backslash ends the escape: the quote after it closes the string, and the brackets count again.
    expect(nestsDeeperThan(encode('["\\\\",' + nested(3) + "]"), 3)).toBe(true);
    expect(nestsDeeperThan(encode('["\\"' + nested(3) + '"]'), 3)).toBe(false);
  });
});

describe("deeply nested JSON", () => {
  test("one level past the bound is a 400 naming the problem, before any parse or validation", async () => {
    const res = await t.request("POST", RESULT, { raw: nested(MAX_JSON_DEPTH + 1), headers: { "content-type": "application/json" } });
    expect(await expectError(res, 400)).toBe(`Request body nests deeper than ${MAX_JSON_DEPTH} levels`);
    const keyed = await t.request("POST", "/api/v1/cancel-link", { key: ws.liveKey, raw: `{"userId":"u","metadata":${nested(40)}}`, headers: { "content-type": "application/json" } });
    expect(await expectError(keyed, 400)).toBe(`Request body nests deeper than ${MAX_JSON_DEPTH} levels`);
  });

  test("a 64 KB [[[…]]] body is refused at once, and a concurrent /api/health is not held up", async () => {
    const base = serve();
    const body = nested(32_000);
    expect(body.length).toBe(64_000);
    const started = performance.now();
    const nestedAnswer = fetch(`${base}${RESULT}`, { method: "POST", headers: { "content-type": "application/json" }, body }).then(async (r) => ({
      status: r.status,
      error: (await r.json()).error,
      ms: performance.now() - started,
    }));
    const health = fetch(`${base}/api/health`).then(async (r) => ({ status: r.status, body: await r.json(), ms: performance.now() - started }));
    const [n, h] = await Promise.all([nestedAnswer, health]);
    expect(n).toMatchObject({ status: 400, error: "Request body nests deeper than 32 levels" });
    expect(h.status).toBe(200);
    expect(h.body.status).toBe("ok");
    // Generous bounds, not a benchmark: before the fix the nested body took ~13 s and health waited behind it.
    expect(h.ms).toBeLessThan(1000);
    expect(n.ms).toBeLessThan(1000);
  });

  test("a body inside the bound that fails validation is refused by our check: the framework never serializes it", async () => {
    // 31 levels around ~30,000 numbers where a string belongs; the marker must never be serialized or echoed.
    const body = `{"token":${nested(31, Array(30_000).fill(0).join(","))},"marker":"ZZQ-marker"}`;
    expect(body.length).toBeLessThan(LIMIT);
    const original = JSON.stringify;
    const serialized: unknown[] = [];
    JSON.stringify = ((value: unknown, ...rest: unknown[]) => {
      // Elysia's ValidationError message is JSON.stringify({ type: "validation", …, found: value }).
      if (value && typeof value === "object" && "found" in value) serialized.push(value);
      return (original as (...a: unknown[]) => string)(value, ...rest);
    }) as typeof JSON.stringify;
    let res: Response;
    try {
      res = await t.request("POST", RESULT, { raw: body, headers: { "content-type": "application/json" } });
    } finally {
      JSON.stringify = original;
    }
    const error = await expectError(res, 400);
    expect(error).toBe("token: expected string, received array");
    expect(serialized).toEqual([]);
  });

  test("every route's body, query and params schema goes through checked()", () => {
    const unchecked: string[] = [];
    let schemas = 0;
    for (const route of t.app.routes as { method: string; path: string; hooks: Record<string, unknown> }[])
      for (const part of ["body", "query", "params", "headers", "cookie"]) {
        const schema = route.hooks?.[part];
        if (schema === undefined) continue;
        schemas++;
        if (!isChecked(schema)) unchecked.push(`${route.method} ${route.path} ${part}`);
      }
    expect(schemas).toBeGreaterThanOrEqual(7);
    expect(unchecked).toEqual([]);
  });

  test("checked() messages name the field or the whole value, and carry no value", async () => {
    const app = new Elysia()
      .use(httpCore({ logger: silentLogger, bodyLimits: { default: 1024 } }))
      .post("/x", ({ body }) => body, { body: checked(z.object({ a: z.object({ b: z.number() }) })) })
      .get("/q", ({ query }) => query, { query: checked(z.object({ n: z.enum(["one", "two"]) }), "Query") });
    const send = (body: string) => app.handle(new Request("http://localhost/x", { method: "POST", headers: { "content-type": "application/json" }, body }));
    expect(await expectError(await send('{"a":{"b":"SECRET"}}'), 400)).toBe("a.b: expected number, received string");
    expect(await expectError(await send('["SECRET"]'), 400)).toBe("Request body: expected object, received array");
    expect(await expectError(await app.handle(new Request("http://localhost/q?n=SECRET")), 400)).toStartWith("n: ");
    expect((await send('{"a":{"b":1}}')).status).toBe(200);
  });
});

/** One raw HTTP/1.1 exchange: `head` and `bodyStart` are written, then the answer is read until it is complete. */
function rawExchange(port: number, head: string, bodyStart: string): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let received = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within 5 s: ${JSON.stringify(received.slice(0, 300))}`));
    }, 5000);
    socket.on("connect", () => socket.write(head + bodyStart));
    socket.on("data", (chunk) => {
      received += chunk.toString("utf8");
      const split = received.indexOf("\r\n\r\n");
      if (split === -1) return;
      const lines = received.slice(0, split).split("\r\n");
      const headers = Object.fromEntries(lines.slice(1).map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
      const body = received.slice(split + 4);
      if (Buffer.byteLength(body) < Number(headers["content-length"] ?? Infinity)) return;
      clearTimeout(timer);
      socket.destroy();
      resolve({ status: Number(lines[0].split(" ")[1]), headers, body });
    });
    socket.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** A body of `total` bytes in `chunk`-byte pieces with no Content-Length; counts what the reader pulled. */
function chunkedBody(total: number, chunk = 16 * 1024) {
  const counter = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (counter.pulled >= total) return controller.close();
      counter.pulled += chunk;
      controller.enqueue(new Uint8Array(chunk).fill(0x61));
    },
  });
  return { stream, counter };
}

describe("body limits, enforced while streaming", () => {
  test("over the limit with Content-Length: 413 JSON with X-Request-Id from the real server", async () => {
    const base = serve();
    const body = JSON.stringify({ token: "x".repeat(LIMIT) });
    const res = await fetch(`${base}${RESULT}`, { method: "POST", headers: { "content-type": "application/json" }, body });
    expect(await expectError(res, 413)).toBe(`Request body must be at most ${LIMIT} bytes`);
  });

  test("chunked with no length: 413 JSON with X-Request-Id once the stream passes the limit", async () => {
    const base = serve();
    const { stream } = chunkedBody(4 * 1024 * 1024);
    const res = await fetch(`${base}${RESULT}`, { method: "POST", headers: { "content-type": "application/json" }, body: stream, duplex: "half" } as RequestInit);
    expect(await expectError(res, 413)).toBe(`Request body must be at most ${LIMIT} bytes`);
  });

  test("a declared length past Bun's own maxRequestBodySize (128 MiB by default): still our 413 JSON", async () => {
    serve();
    const head = `POST ${RESULT} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${2 ** 30}\r\n\r\n`;
    const res = await rawExchange(server!.port!, head, '{"token":"');
    expect(res.status).toBe(413);
    expect(res.headers["content-type"]).toStartWith("application/json");
    expect(res.headers["x-request-id"]).toMatch(UUID);
    expect(JSON.parse(res.body)).toEqual({ error: `Request body must be at most ${LIMIT} bytes` });
  });

  test("never reads more than the limit (plus a chunk or two in flight) of an endless stream", async () => {
    const { stream, counter } = chunkedBody(1024 * 1024 * 1024);
    const res = await t.app.handle(new Request(`${BASE}${RESULT}`, { method: "POST", headers: { "content-type": "application/json" }, body: stream, duplex: "half" } as RequestInit));
    expect(await expectError(res, 413)).toBe(`Request body must be at most ${LIMIT} bytes`);
    expect(counter.pulled).toBeLessThanOrEqual(LIMIT + 3 * 16 * 1024);
  });

  test("hosted form posts share the 64 KiB limit (they used to be capped only by Bun)", async () => {
    const link = await t.request("POST", "/api/v1/cancel-link", { key: ws.liveKey, body: { userId: "u" } });
    const path = new URL((await link.json()).url).pathname;
    const { stream } = chunkedBody(200 * 1024);
    const res = await t.app.handle(new Request(`${BASE}${path}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: stream, duplex: "half" } as RequestInit));
    expect(await expectError(res, 413)).toBe(`Request body must be at most ${LIMIT} bytes`);
    const withLength = new URLSearchParams({ feedback: "x".repeat(LIMIT) }).toString();
    const res2 = await t.app.handle(new Request(`${BASE}${path}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "content-length": String(withLength.length) }, body: withLength }));
    expect(await expectError(res2, 413)).toBe(`Request body must be at most ${LIMIT} bytes`);
  });

  test("a route group opts into a larger limit with one entry; every other path keeps the default", async () => {
    const app = new Elysia()
      .use(httpCore({ logger: silentLogger, bodyLimits: { default: 100, byPrefix: [["/dashboard/", 1000]] } }))
      .post("/dashboard/logo", ({ body }) => ({ bytes: (body as string).length }))
      .post("/c/form", ({ body }) => ({ bytes: (body as string).length }))
      .post("/dashboard/upload", async ({ body }) => {
        const { logo, alt } = body as { logo: File; alt: string };
        return { name: logo.name, type: logo.type, text: await logo.text(), alt };
      });
    const send = (path: string, size: number) => app.handle(new Request(`http://localhost${path}`, { method: "POST", headers: { "content-type": "text/plain" }, body: "a".repeat(size) }));
    expect(await (await send("/dashboard/logo", 900)).json()).toEqual({ bytes: 900 });
    expect(await expectError(await send("/dashboard/logo", 1001), 413)).toBe("Request body must be at most 1000 bytes");
    expect(await (await send("/c/form", 100)).json()).toEqual({ bytes: 100 });
    expect(await expectError(await send("/c/form", 101), 413)).toBe("Request body must be at most 100 bytes");
    // multipart (a logo upload) goes through the same reader and still arrives as fields and files.
    const form = new FormData();
    form.set("logo", new File(["<svg/>"], "logo.svg", { type: "image/svg+xml" }));
    form.set("alt", "Acme");
    const upload = await app.handle(new Request("http://localhost/dashboard/upload", { method: "POST", body: form }));
    expect(await upload.json()).toEqual({ name: "logo.svg", type: "image/svg+xml", text: "<svg/>", alt: "Acme" });
  });
});
