// Per-IP limits through the app, from the outside: X-Forwarded-For buys nothing unless HOLDFAST_TRUST_PROXY
// says a proxy writes it, and a bad key on the keyless result check counts as a failed key.
import { describe, expect, test } from "bun:test";
import { makeTestApp, seedWorkspace } from "../../tests/helpers.ts";
import { loadConfig } from "../config.ts";

const LIMITS = { failedKey: 3, result: 2, hosted: 2, login: 2 };
const BAD_KEY = `hf_live_${"Q".repeat(40)}`;

describe("X-Forwarded-For and the per-IP limits", () => {
  test("without HOLDFAST_TRUST_PROXY a forged X-Forwarded-For per request does not escape the limit", async () => {
    const t = await makeTestApp({ ipRateLimitsPerMinute: LIMITS });
    const check = (i: number) =>
      t.request("POST", "/api/public/cancel/result", { body: { token: "x.y.z" }, ip: "203.0.113.5", headers: { "x-forwarded-for": `198.51.100.${i}` } });
    expect([(await check(1)).status, (await check(2)).status, (await check(3)).status]).toEqual([400, 400, 429]);
    // Hosted pages and failed keys alike.
    const ws = await seedWorkspace(t);
    const link = new URL((await (await t.request("POST", "/api/v1/cancel-link", { key: ws.liveKey, body: { userId: "u" } })).json()).url).pathname;
    const page = (i: number) => t.request("GET", link, { ip: "203.0.113.7", headers: { "x-forwarded-for": `198.51.100.${i}` } });
    expect([(await page(1)).status, (await page(2)).status, (await page(3)).status]).toEqual([200, 200, 429]);
    const flows = (i: number) => t.request("GET", "/api/v1/flows", { key: BAD_KEY, ip: "203.0.113.8", headers: { "x-forwarded-for": `198.51.100.${i}` } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await flows(i)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  test("with HOLDFAST_TRUST_PROXY=true the proxy's X-Forwarded-For entry is the client: each address has its own window", async () => {
    expect(loadConfig({ HOLDFAST_TRUST_PROXY: "true" }).trustProxyHops).toBe(1);
    const t = await makeTestApp({ ipRateLimitsPerMinute: LIMITS, trustProxyHops: 1 });
    // All through one proxy socket; the client in front of the proxy is the rightmost entry.
    const check = (client: string) =>
      t.request("POST", "/api/public/cancel/result", { body: { token: "x.y.z" }, ip: "10.0.0.2", headers: { "x-forwarded-for": `6.6.6.6, ${client}` } });
    expect([(await check("198.51.100.1")).status, (await check("198.51.100.1")).status, (await check("198.51.100.1")).status]).toEqual([400, 400, 429]);
    expect((await check("198.51.100.2")).status).toBe(400);
  });

  test("a bad API key on POST /api/public/cancel/result is a failed key: 401, then cut off per address", async () => {
    const t = await makeTestApp({ ipRateLimitsPerMinute: { ...LIMITS, result: 100 } });
    const check = () => t.request("POST", "/api/public/cancel/result", { key: BAD_KEY, body: { token: "x.y.z" }, ip: "192.0.2.66" });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await check()).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    // Without a key the same address can still verify (the failed-key budget only gates keys).
    expect((await t.request("POST", "/api/public/cancel/result", { body: { token: "x.y.z" }, ip: "192.0.2.66" })).status).toBe(400);
  });
});
