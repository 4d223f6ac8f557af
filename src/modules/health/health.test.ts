import { describe, expect, test } from "bun:test";
import { makeTestApp, seedWorkspace } from "../../../tests/helpers.ts";
import { VERSION } from "../../lib/version.ts";
import { migrations } from "../../db/migrations/index.ts";

describe("GET /api/health", () => {
  test("liveness needs no key", async () => {
    const t = await makeTestApp();
    t.clock.advance(5_000);
    const res = await t.request("GET", "/api/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", version: VERSION, uptimeSeconds: 5 });
  });

  test("?deep=1 needs an API key and reports the database and migrations", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    expect((await t.request("GET", "/api/health?deep=1")).status).toBe(401);
    expect((await t.request("GET", "/api/health?deep=1", { key: "hf_live_nopenopenopenopenope" })).status).toBe(401);
    const res = await t.request("GET", "/api/health?deep=1", { key: ws.readKey });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", checks: { database: "ok", migrations: { applied: migrations.length, expected: migrations.length } } });
  });

  test("a deep check on a database missing migrations answers 503 degraded", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    t.deps.db.run("delete from schema_migrations");
    const res = await t.request("GET", "/api/health?deep=1", { key: ws.liveKey });
    expect(res.status).toBe(503);
    expect((await res.json()).status).toBe("degraded");
  });
});
