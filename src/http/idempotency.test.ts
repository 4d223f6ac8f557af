import { beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { makeTestApp, seedWorkspace, type SeededWorkspace, type TestApp } from "../../tests/helpers.ts";
import { IDEMPOTENCY_TTL_MS } from "./idempotency.ts";

const LINK = "/api/v1/cancel-link";
const body = { userId: "user_1", context: { plan: "pro" } };

describe("Idempotency-Key on POSTs", () => {
  let t: TestApp;
  let ws: SeededWorkspace;
  const sessionCount = () => (t.deps.db.query("select count(*) as n from sessions where workspace_id = ?").get(ws.id) as { n: number }).n;
  const keyRows = () => (t.deps.db.query("select count(*) as n from idempotency_keys where workspace_id = ?").get(ws.id) as { n: number }).n;
  const post = (path: string, b: unknown, key: string | null, apiKey = ws.liveKey) =>
    t.request("POST", path, { key: apiKey, body: b, headers: key === null ? {} : { "idempotency-key": key } });

  // One app for the file (starting one costs far more than a test); each test gets its own workspace.
  beforeAll(async () => {
    t = await makeTestApp();
  });
  beforeEach(async () => {
    ws = await seedWorkspace(t);
  });

  test("the same key and body replays the first answer with Idempotent-Replayed: true, creating nothing new", async () => {
    const first = await post(LINK, body, "key-1");
    expect(first.status).toBe(200);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const firstBody = await first.json();
    // Keys in another order are the same request.
    const again = await post(LINK, { context: { plan: "pro" }, userId: "user_1" }, "key-1");
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.headers.get("x-request-id")).toBeTruthy();
    expect(await again.json()).toEqual(firstBody);
    expect(sessionCount()).toBe(1);
  });

  test("the same key with another body answers 422 and runs nothing", async () => {
    expect((await post(LINK, body, "key-2")).status).toBe(200);
    const other = await post(LINK, { ...body, userId: "user_2" }, "key-2");
    expect(other.status).toBe(422);
    expect((await other.json()).error).toContain("Idempotency-Key");
    // Another endpoint with the same key is another request too.
    expect((await post("/api/v1/sessions", body, "key-2")).status).toBe(422);
    expect(sessionCount()).toBe(1);
  });

  test("a second request while the first is in flight answers 409", async () => {
    const [a, b] = await Promise.all([post(LINK, body, "key-3"), post(LINK, body, "key-3")]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const conflict = a.status === 409 ? a : b;
    expect((await conflict.json()).error).toContain("still in progress");
    expect(sessionCount()).toBe(1);
    // Once the first has finished, the retry replays it.
    const retry = await post(LINK, body, "key-3");
    expect(retry.status).toBe(200);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
  });

  test("keys are scoped to the API key's workspace", async () => {
    const other = await seedWorkspace(t, { name: "Other" });
    const mine = await (await post(LINK, body, "shared-key")).json();
    const theirs = await post(LINK, body, "shared-key", other.liveKey);
    expect(theirs.status).toBe(200);
    expect(theirs.headers.get("idempotent-replayed")).toBeNull();
    expect((await theirs.json()).sessionId).not.toBe(mine.sessionId);
    expect(sessionCount()).toBe(1);
    expect((t.deps.db.query("select count(*) as n from sessions where workspace_id = ?").get(other.id) as { n: number }).n).toBe(1);
  });

  test("a record lasts 24 hours (the injected clock), then the key is free again", async () => {
    const first = await (await post(LINK, body, "key-4")).json();
    t.clock.advance(IDEMPOTENCY_TTL_MS - 1);
    const replay = await post(LINK, body, "key-4");
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect((await replay.json()).sessionId).toBe(first.sessionId);
    t.clock.advance(1);
    const fresh = await post(LINK, { ...body, userId: "user_9" }, "key-4");
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get("idempotent-replayed")).toBeNull();
    expect(sessionCount()).toBe(2);
  });

  test("expired records are pruned", async () => {
    await post(LINK, body, "old-1");
    await post(LINK, body, "old-2");
    expect(keyRows()).toBe(2);
    t.clock.advance(IDEMPOTENCY_TTL_MS + 60_000);
    await post(LINK, body, "new-1");
    expect(t.deps.db.query("select key from idempotency_keys where workspace_id = ?").all(ws.id)).toEqual([{ key: "new-1" }]);
  });

  test("an error the endpoint answered is replayed; a validation failure is not kept", async () => {
    const refused = await post(LINK, { ...body, returnUrl: "https://evil.example.com/" }, "key-5");
    expect(refused.status).toBe(400);
    const replay = await post(LINK, { ...body, returnUrl: "https://evil.example.com/" }, "key-5");
    expect(replay.status).toBe(400);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await replay.json()).toEqual(await refused.json());

    const invalid = await post(LINK, { userId: "" }, "key-6");
    expect(invalid.status).toBe(400);
    expect((await post(LINK, body, "key-6")).status).toBe(200);
  });

  test("without the header nothing is stored; a malformed key answers 400", async () => {
    await post(LINK, body, null);
    await post(LINK, body, null);
    expect(keyRows()).toBe(0);
    expect(sessionCount()).toBe(2);
    const bad = await post(LINK, body, "x".repeat(256));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toContain("Idempotency-Key");
  });

  test("POST /api/v1/sessions honours it too (RetainRabbit dialect)", async () => {
    const a = await post("/api/v1/sessions", { customerId: "cus_1" }, "rr-1");
    const b = await post("/api/v1/sessions", { customerId: "cus_1" }, "rr-1");
    expect(b.headers.get("idempotent-replayed")).toBe("true");
    expect(await b.json()).toEqual(await a.json());
    expect(sessionCount()).toBe(1);
  });
});
