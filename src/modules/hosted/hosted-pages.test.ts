// Error pages a leaving customer may see: an unknown link names nobody (not the vendor either); a known workspace's
// pages speak in its name only.
import { describe, expect, test } from "bun:test";
import { makeTestApp, seedWorkspace } from "../../../tests/helpers.ts";

describe("brand-neutral error pages", () => {
  test.each(["/c/abcdefghijklmnopqrstuvwxyz0123456", "/c/0123456789abcdef0123456789abcdefAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "/flow/nope/nope", `/flow/${crypto.randomUUID()}/${crypto.randomUUID()}`])(
    "%s: 404 without the vendor's name",
    async (path) => {
      const t = await makeTestApp();
      const res = await t.request("GET", path);
      expect(res.status).toBe(404);
      const html = await res.text();
      expect(html).toContain("<h1>");
      expect(html).not.toContain("Holdfast");
      expect(html).not.toContain('class="brand"');
      expect(html).not.toContain("Cancellation handled securely for");
    },
  );

  test("an expired link's 410 and a bad signature's 403 speak for the workspace, not the vendor", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t, { name: "Acme Widgets" });
    const res = await t.request("POST", "/api/v1/cancel-link", { key: ws.liveKey, body: { userId: "u" } });
    const path = new URL((await res.json()).url).pathname;
    t.clock.advance(2 * 60 * 60_000);
    const expired = await t.request("GET", path);
    expect(expired.status).toBe(410);
    const gone = await expired.text();
    expect(gone).toContain("Acme Widgets");
    expect(gone).not.toContain("Holdfast");
    const forbidden = await t.request("GET", `/flow/${ws.id}/${ws.defaultFlowId}?customerId=c&ts=1&sig=${"0".repeat(64)}`);
    expect(forbidden.status).toBe(403);
    const text = await forbidden.text();
    expect(text).toContain("Acme Widgets");
    expect(text).not.toContain("Holdfast");
  });
});
