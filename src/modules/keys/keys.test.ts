import { describe, expect, test } from "bun:test";
import { makeTestApp, seedWorkspace } from "../../../tests/helpers.ts";
import { sha256Hex } from "../../lib/crypto.ts";

describe("API keys", () => {
  test("are stored only as a SHA-256 hash and a display prefix", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const rows = t.deps.db.query("select * from api_keys where workspace_id = ?").all(ws.id) as Record<string, unknown>[];
    expect(rows.length).toBe(3);
    const dump = JSON.stringify(rows);
    for (const key of [ws.liveKey, ws.testKey, ws.readKey]) {
      expect(dump).not.toContain(key);
      expect(rows.some((r) => r.hash === sha256Hex(key))).toBe(true);
    }
    expect(ws.liveKey).toMatch(/^hf_live_[0-9A-Za-z]{33}$/); // 33 base62 symbols ≈ 196 bits
    expect(ws.testKey).toMatch(/^hf_test_/);
    expect(rows.map((r) => r.prefix)).toContain(ws.liveKey.slice(0, 12));
  });

  test("authenticate: unknown, malformed and revoked keys fail; lastUsedAt is kept", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const { keyService } = t.deps;
    expect(await keyService.authenticate("hf_live_nope")).toBeNull();
    expect(await keyService.authenticate(`${ws.liveKey}x`)).toBeNull();
    const key = await keyService.authenticate(ws.liveKey);
    expect(key?.workspaceId).toBe(ws.id);
    expect(key?.lastUsedAt).toBe(t.clock.now());
    await keyService.revoke(key!.id);
    expect(await keyService.authenticate(ws.liveKey)).toBeNull();
  });
});
