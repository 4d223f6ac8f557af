// HTTP basics through the real app: 404s, request ids, body limits, content types, auth, validation, request logs.
import { beforeEach, describe, expect, test } from "bun:test";
import { makeTestApp, seedWorkspace, BASE, type SeededWorkspace, type TestApp } from "../../tests/helpers.ts";
import { openApp } from "../boot.ts";
import { testConfig } from "../config.ts";
import { createFixedClock } from "../lib/clock.ts";
import { createLogger } from "./logger.ts";

const CANCEL_LINK = "/api/v1/cancel-link";
const LIMIT = 64 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let t: TestApp;
let ws: SeededWorkspace;
beforeEach(async () => {
  t = await makeTestApp();
  ws = await seedWorkspace(t);
});

const sessionCount = () => (t.deps.db.query("select count(*) as n from sessions").get() as { n: number }).n;

/** An error answer: exactly `{ error }`, JSON, with a request id, no stack trace. Returns the message. */
async function expectError(res: Response, status: number): Promise<string> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text}`);
  expect(res.headers.get("content-type")).toStartWith("application/json");
  expect(res.headers.get("x-request-id")).toMatch(UUID);
  expect(text).not.toMatch(/\n\s+at |\.ts:\d+|stack/i);
  const body = JSON.parse(text);
  expect(Object.keys(body)).toEqual(["error"]);
  expect(body.error).toBeString();
  return body.error;
}

function post(body: BodyInit, headers: Record<string, string> = {}, path = CANCEL_LINK): Request {
  return new Request(`${BASE}${path}`, { method: "POST", headers, body });
}

/** A body sent in chunks with no Content-Length, as a chunked upload arrives. */
function streamed(text: string, headers: Record<string, string>): Request {
  const bytes = new TextEncoder().encode(text);
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < bytes.length; i += 8192) controller.enqueue(bytes.slice(i, i + 8192));
      controller.close();
    },
  });
  const request = new Request(`${BASE}${CANCEL_LINK}`, { method: "POST", headers, body: stream, duplex: "half" } as RequestInit);
  expect(request.headers.get("content-length")).toBeNull();
  return request;
}

describe("unknown routes", () => {
  for (const [method, path] of [
    ["GET", "/nope"],
    ["GET", "/api/v1/nope"],
    ["POST", "/api/v2/cancel-link"],
    ["GET", CANCEL_LINK],
    ["DELETE", "/api/health"],
  ] as const)
    test(`${method} ${path} → 404 JSON naming the route`, async () => {
      const res = await t.request(method, path, { key: ws.liveKey, body: method === "POST" ? { userId: "user_123" } : undefined });
      expect(await expectError(res, 404)).toBe(`No route for ${method} ${path}`);
    });

  test("a 404 does not echo a query string", async () => {
    const res = await t.request("GET", "/nope?token=ZZQ_SECRET_QUERY");
    expect(await expectError(res, 404)).toBe("No route for GET /nope");
  });
});

describe("X-Request-Id", () => {
  test("every answer carries one: 200, 400, 401, 403, 404, 413, 415", async () => {
    const answers = [
      await t.request("GET", "/api/health"),
      await t.request("POST", CANCEL_LINK, { key: ws.liveKey, body: { userId: "user_123" } }),
      await t.request("POST", CANCEL_LINK, { key: ws.liveKey, body: {} }),
      await t.request("POST", CANCEL_LINK, { body: { userId: "user_123" } }),
      await t.request("POST", CANCEL_LINK, { key: ws.readKey, body: { userId: "user_123" } }),
      await t.request("GET", "/nope"),
      await t.request("POST", CANCEL_LINK, { key: ws.liveKey, raw: "x".repeat(LIMIT + 1), headers: { "content-type": "application/json" } }),
      await t.request("POST", CANCEL_LINK, { key: ws.liveKey, raw: "userId=u", headers: { "content-type": "text/plain" } }),
      await t.request("GET", "/assets/holdfast.css"),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 400, 401, 403, 404, 413, 415, 200]);
    const ids = answers.map((r) => r.headers.get("x-request-id"));
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test("a sane incoming id is echoed, on success and on errors", async () => {
    const id = "req_ABC-123.xyz";
    const ok = await t.request("GET", "/api/health", { headers: { "x-request-id": id } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("x-request-id")).toBe(id);
    const missing = await t.request("GET", "/nope", { headers: { "x-request-id": id } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("x-request-id")).toBe(id);
    const unauthorized = await t.request("POST", CANCEL_LINK, { body: { userId: "u" }, headers: { "x-request-id": id } });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get("x-request-id")).toBe(id);
  });

  for (const [name, incoming] of [
    ["too short", "abc"],
    ["with spaces and markup", "bad id <script>"],
    ["too long", "a".repeat(129)],
    ["with a header-splitting attempt", "abcdefgh%0d%0aset-cookie:x"],
  ] as const)
    test(`an incoming id ${name} is replaced by a fresh one`, async () => {
      const res = await t.request("GET", "/api/health", { headers: { "x-request-id": incoming } });
      expect(res.status).toBe(200);
      expect(res.headers.get("x-request-id")).toMatch(UUID);
    });
});

describe("request bodies", () => {
  test("413 for a body over 64 KiB with Content-Length, before the key is even looked at", async () => {
    const body = JSON.stringify({ userId: "user_123", metadata: { pad: "x".repeat(LIMIT) } });
    const req = post(body, { "content-type": "application/json", authorization: `Bearer ${ws.liveKey}`, "content-length": String(body.length) });
    expect(await expectError(await t.app.handle(req), 413)).toBe(`Request body must be at most ${LIMIT} bytes`);
    const anonymous = post(body, { "content-type": "application/json", "content-length": String(body.length) });
    expect(await expectError(await t.app.handle(anonymous), 413)).toBe(`Request body must be at most ${LIMIT} bytes`);
    expect(sessionCount()).toBe(0);
  });

  test("413 for a streamed body over 64 KiB without Content-Length", async () => {
    const body = JSON.stringify({ userId: "user_123", metadata: { pad: "x".repeat(LIMIT) } });
    const res = await t.app.handle(streamed(body, { "content-type": "application/json", authorization: `Bearer ${ws.liveKey}` }));
    expect(await expectError(res, 413)).toBe(`Request body must be at most ${LIMIT} bytes`);
    expect(sessionCount()).toBe(0);
  });

  // The limit counts bytes, not characters: 40 000 "€" are 120 000 bytes.
  test("413 for a streamed body over 64 KiB of multi-byte characters", async () => {
    const body = JSON.stringify({ userId: "user_123", pad: "€".repeat(40_000) });
    expect(body.length).toBeLessThan(LIMIT);
    expect(new TextEncoder().encode(body).length).toBeGreaterThan(LIMIT);
    const res = await t.app.handle(streamed(body, { "content-type": "application/json", authorization: `Bearer ${ws.liveKey}` }));
    expect(await expectError(res, 413)).toBe(`Request body must be at most ${LIMIT} bytes`);
    expect(sessionCount()).toBe(0);
  });

  test("a body just under the limit is read (and then validated)", async () => {
    // metadata strings are capped at 500 characters, so this is a 400 naming the field, not a 413.
    const body = JSON.stringify({ userId: "user_123", metadata: { pad: "x".repeat(LIMIT - 100) } });
    expect(new TextEncoder().encode(body).length).toBeLessThanOrEqual(LIMIT);
    const res = await t.app.handle(streamed(body, { "content-type": "application/json", authorization: `Bearer ${ws.liveKey}` }));
    expect(await expectError(res, 400)).toStartWith("metadata.pad: ");
  });

  test("a streamed body within the limit creates the session", async () => {
    const res = await t.app.handle(streamed(JSON.stringify({ userId: "user_123" }), { "content-type": "application/json", "x-api-key": ws.liveKey }));
    expect(res.status).toBe(200);
    expect(sessionCount()).toBe(1);
  });

  for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml"])
    test(`415 for Content-Type ${type}`, async () => {
      const res = await t.request("POST", CANCEL_LINK, { key: ws.liveKey, raw: '{"userId":"user_123"}', headers: { "content-type": type } });
      expect(await expectError(res, 415)).toBe("Content-Type must be application/json");
      expect(sessionCount()).toBe(0);
    });

  test("415 when Content-Type is missing", async () => {
    const res = await t.app.handle(post(new Blob(['{"userId":"user_123"}']), { authorization: `Bearer ${ws.liveKey}` }));
    expect(await expectError(res, 415)).toBe("Content-Type must be application/json");
  });

  test("application/json with a charset is accepted", async () => {
    const res = await t.request("POST", CANCEL_LINK, { key: ws.liveKey, raw: '{"userId":"user_123"}', headers: { "content-type": "application/json; charset=utf-8" } });
    expect(res.status).toBe(200);
    expect(sessionCount()).toBe(1);
  });

  for (const [name, raw] of [
    ["truncated JSON", '{"userId":'],
    ["a trailing comma", '{"userId":"user_123",}'],
    ["single quotes", "{'userId':'user_123'}"],
    ["plain words", "hello"],
  ] as const)
    test(`400 for malformed JSON: ${name}`, async () => {
      const res = await t.request("POST", CANCEL_LINK, { key: ws.liveKey, raw, headers: { "content-type": "application/json" } });
      expect(await expectError(res, 400)).toBe("Request body is not valid JSON");
      expect(sessionCount()).toBe(0);
    });

  test("400 for an empty body and for a body that is not an object", async () => {
    const empty = await t.request("POST", CANCEL_LINK, { key: ws.liveKey, raw: "", headers: { "content-type": "application/json" } });
    expect(await expectError(empty, 400)).toBe("Request body must be a JSON object");
    for (const value of [[{ userId: "ZZQ_1" }], "ZZQ_2", 42, null]) {
      const res = await t.request("POST", CANCEL_LINK, { key: ws.liveKey, body: value });
      const error = await expectError(res, 400);
      // Names the body as the culprit ("Request body must be …" or "Request body: expected object, …"), echoes nothing.
      expect({ value, error: error.startsWith("Request body") && !error.includes("ZZQ") }).toEqual({ value, error: true });
    }
    expect(sessionCount()).toBe(0);
  });
});

describe("API keys", () => {
  const body = { userId: "user_123" };

  test("a valid key works as Authorization: Bearer and as x-api-key", async () => {
    const bearer = await t.request("POST", CANCEL_LINK, { key: ws.liveKey, body });
    expect(bearer.status).toBe(200);
    const header = await t.request("POST", CANCEL_LINK, { headers: { "x-api-key": ws.liveKey }, body });
    expect(header.status).toBe(200);
    expect(sessionCount()).toBe(2);
  });

  test("a non-Bearer Authorization header does not hide a valid x-api-key", async () => {
    const res = await t.request("POST", CANCEL_LINK, { headers: { authorization: "Basic dXNlcjpwYXNz", "x-api-key": ws.liveKey }, body });
    expect(res.status).toBe(200);
  });

  test("401 without a key", async () => {
    const res = await t.request("POST", CANCEL_LINK, { body });
    expect(await expectError(res, 401)).toBe("Missing API key: send Authorization: Bearer <key> or x-api-key");
    expect(sessionCount()).toBe(0);
  });

  test("401 without a key even when the body is also wrong", async () => {
    const res = await t.request("POST", CANCEL_LINK, { body: { userId: 42, environment: "ZZQ" } });
    expect(await expectError(res, 401)).toBe("Missing API key: send Authorization: Bearer <key> or x-api-key");
  });

  const invalid = ["hf_live_notarealkeynotarealkey00", "hf_live_", "sk_live_123", `${"hf_live_"}${"A".repeat(300)}`];
  for (const key of invalid) {
    test(`401 for an invalid key ${key.slice(0, 20)}… as Bearer`, async () => {
      const res = await t.request("POST", CANCEL_LINK, { headers: { authorization: `Bearer ${key}` }, body });
      expect(await expectError(res, 401)).toBe("Invalid or revoked API key");
    });
    test(`401 for an invalid key ${key.slice(0, 20)}… as x-api-key`, async () => {
      const res = await t.request("POST", CANCEL_LINK, { headers: { "x-api-key": key }, body });
      expect(await expectError(res, 401)).toBe("Invalid or revoked API key");
    });
  }

  test("401 for a revoked key, both ways", async () => {
    const { key, secret } = await t.deps.keyService.create(ws.id, "read_write", "live");
    expect((await t.request("POST", CANCEL_LINK, { key: secret, body })).status).toBe(200);
    await t.deps.keyService.revoke(key.id);
    expect(await expectError(await t.request("POST", CANCEL_LINK, { key: secret, body }), 401)).toBe("Invalid or revoked API key");
    expect(await expectError(await t.request("POST", CANCEL_LINK, { headers: { "x-api-key": secret }, body }), 401)).toBe(
      "Invalid or revoked API key",
    );
    expect(sessionCount()).toBe(1);
  });

  test("a read key on POST /api/v1/cancel-link → 403, both ways", async () => {
    const bearer = await t.request("POST", CANCEL_LINK, { key: ws.readKey, body });
    expect(await expectError(bearer, 403)).toBe("This API key is read-only; use a read_write key for this request");
    const header = await t.request("POST", CANCEL_LINK, { headers: { "x-api-key": ws.readKey }, body });
    expect(await expectError(header, 403)).toBe("This API key is read-only; use a read_write key for this request");
    expect(sessionCount()).toBe(0);
  });
});

describe("validation errors", () => {
  const MARK = "ZZQ_DISTINCT_7f3a";
  const cases: { name: string; body: Record<string, unknown>; field: string }[] = [
    { name: "missing userId", body: { context: { plan: "pro" } }, field: "userId" },
    { name: "userId of the wrong type", body: { userId: { nested: MARK } }, field: "userId" },
    { name: "userId too long", body: { userId: MARK.repeat(20) }, field: "userId" },
    { name: "blank userId", body: { userId: "   " }, field: "userId" },
    { name: "unknown environment", body: { userId: "user_123", environment: MARK }, field: "environment" },
    { name: "flowId not a uuid", body: { userId: "user_123", flowId: MARK }, field: "flowId" },
    { name: "context.mrr not a number", body: { userId: "user_123", context: { mrr: MARK } }, field: "context.mrr" },
    { name: "context.plan too long", body: { userId: "user_123", context: { plan: MARK.repeat(10) } }, field: "context.plan" },
    { name: "context.tenureDays negative", body: { userId: "user_123", context: { tenureDays: -7 } }, field: "context.tenureDays" },
    { name: "metadata value too long", body: { userId: "user_123", metadata: { note: MARK.repeat(40) } }, field: "metadata.note" },
    { name: "metadata value an object", body: { userId: "user_123", metadata: { note: { deep: MARK } } }, field: "metadata.note" },
    { name: "returnUrl too long", body: { userId: "user_123", returnUrl: `https://app.example.com/${MARK.repeat(150)}` }, field: "returnUrl" },
  ];
  for (const c of cases)
    test(`${c.name} → 400 naming ${c.field}, without echoing the value`, async () => {
      const res = await t.request("POST", CANCEL_LINK, { key: ws.liveKey, body: c.body });
      const message = await expectError(res, 400);
      expect(message).toStartWith(`${c.field}: `);
      expect(message).not.toContain(MARK);
      expect(message).not.toContain("ZZQ");
      expect(sessionCount()).toBe(0);
    });

  test("the snake_case alias user_id is accepted where userId is required", async () => {
    const res = await t.request("POST", CANCEL_LINK, { key: ws.liveKey, body: { user_id: "user_123" } });
    expect(res.status).toBe(200);
    expect(t.deps.db.query("select customer_id from sessions").all()).toEqual([{ customer_id: "user_123" }]);
  });
});

describe("request log", () => {
  test("one JSON line per request with method, path, status, ms, requestId, workspaceId; never a key", async () => {
    const chunks: string[] = [];
    const logger = createLogger("info", (chunk) => void chunks.push(chunk));
    const booted = await openApp({ config: testConfig({ publicUrl: BASE, cancelUrl: BASE }), clock: createFixedClock(), logger });
    const { app, deps } = booted;
    const { workspace } = await deps.workspaceService.create({ name: "Logged", defaultReturnUrl: "https://app.example.com/done" });
    const live = await deps.keyService.create(workspace.id, "read_write", "live");
    const read = await deps.keyService.create(workspace.id, "read", "live");
    const wrongKey = `hf_live_${"Q".repeat(40)}`;

    const send = (method: string, path: string, headers: Record<string, string> = {}, body?: unknown) =>
      app.handle(
        new Request(`${BASE}${path}`, {
          method,
          headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      );
    const answers = [
      await send("GET", "/api/health", { "x-request-id": "log-test-0001" }),
      await send("POST", CANCEL_LINK, { authorization: `Bearer ${live.secret}` }, { userId: "user_123" }),
      await send("POST", CANCEL_LINK, { "x-api-key": read.secret }, { userId: "user_123" }),
      await send("POST", CANCEL_LINK, { "x-api-key": wrongKey }, { userId: "user_123" }),
      await send("POST", CANCEL_LINK, { authorization: `Bearer ${live.secret}` }, { userId: "user_123", environment: "ZZQ" }),
      await send("GET", "/nope/hf_live_in_a_path?key=secretquery"),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 403, 401, 400, 404]);

    // The log line is written after the response; give it a moment, then flush the buffer.
    const deadline = Date.now() + 2000;
    const requestLines = () =>
      chunks
        .join("")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l))
        .filter((l) => l.msg === "request");
    while (requestLines().length < answers.length && Date.now() < deadline) {
      await Bun.sleep(10);
      logger.flush();
    }
    const lines = requestLines();
    expect(lines.length).toBe(answers.length);
    // Every line is a single JSON object on its own line.
    for (const raw of chunks.join("").split("\n").filter(Boolean)) expect(() => JSON.parse(raw)).not.toThrow();

    const expected = [
      { method: "GET", path: "/api/health", status: 200, workspaceId: undefined },
      { method: "POST", path: CANCEL_LINK, status: 200, workspaceId: workspace.id },
      { method: "POST", path: CANCEL_LINK, status: 403, workspaceId: workspace.id },
      { method: "POST", path: CANCEL_LINK, status: 401, workspaceId: undefined },
      { method: "POST", path: CANCEL_LINK, status: 400, workspaceId: workspace.id },
      { method: "GET", path: "unmatched", status: 404, workspaceId: undefined },
    ];
    expect(lines.map((l) => ({ method: l.method, path: l.path, status: l.status, workspaceId: l.workspaceId }))).toEqual(expected);
    lines.forEach((line, i) => {
      expect(line.level).toBe("info");
      expect(line.ms).toBeNumber();
      expect(line.ms).toBeGreaterThanOrEqual(0);
      expect(line.requestId).toBe(answers[i].headers.get("x-request-id"));
    });
    expect(lines[0].requestId).toBe("log-test-0001");

    const log = chunks.join("");
    for (const secret of [live.secret, read.secret, wrongKey, "secretquery", "hf_live_in_a_path", "ZZQ"]) expect(log).not.toContain(secret);
    await booted.close();
  });
});

describe("embedded assets", () => {
  test.each(["/assets/holdfast.css", "/assets/flow.js", "/assets/favicon.svg", "/swagger/scalar.js"])("%s answers 200 with an ETag, then 304 on a revisit", async (path) => {
    const first = await t.request("GET", path);
    expect(first.status).toBe(200);
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^"[0-9a-f]{16}"$/);
    expect((await first.arrayBuffer()).byteLength).toBeGreaterThan(0);
    const again = await t.request("GET", path, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
  });

  test("an unknown asset is a 404 JSON error", async () => {
    expect(await expectError(await t.request("GET", "/assets/nope.css"), 404)).toBe("No such asset");
  });
});
