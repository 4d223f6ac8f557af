// Named rate-limit policies through the real app: per key, per IP (result checks, hosted pages, failed keys),
// the injected clock, and where the client IP comes from (socket, or X-Forwarded-For behind trusted proxies).
import { describe, expect, test } from "bun:test";
import { makeTestApp, seedWorkspace, type TestApp } from "../../tests/helpers.ts";
import { openApp } from "../boot.ts";
import { testConfig, type Config } from "../config.ts";
import { createClientIp } from "./client-ip.ts";
import { createRateLimiter } from "./rate-limit.ts";

const LIMITS = { failedKey: 3, result: 2, hosted: 2, login: 2 };
const BAD_KEY = `hf_live_${"Q".repeat(40)}`;

async function appWith(overrides: Partial<Config> = {}): Promise<TestApp> {
  return makeTestApp({ ipRateLimitsPerMinute: LIMITS, ...overrides });
}

async function cancelLink(t: TestApp, key: string): Promise<string> {
  const res = await t.request("POST", "/api/v1/cancel-link", { key, body: { userId: "u1" } });
  expect(res.status).toBe(200);
  return new URL(((await res.json()) as { url: string }).url).pathname;
}

describe("per-IP policies", () => {
  test("POST /api/public/cancel/result: 429 past the limit for that address only, until the window passes", async () => {
    const t = await appWith();
    const check = (ip: string) => t.request("POST", "/api/public/cancel/result", { body: { token: "x.y.z" }, ip });
    expect((await check("203.0.113.5")).status).toBe(400);
    const second = await check("203.0.113.5");
    expect(second.status).toBe(400);
    expect(second.headers.get("ratelimit-policy")).toBe('"per-ip-result";q=2;w=60');
    expect(second.headers.get("ratelimit")).toBe('"per-ip-result";r=0;t=60');
    const third = await check("203.0.113.5");
    expect(third.status).toBe(429);
    expect(await third.json()).toEqual({ error: "Rate limit exceeded: retry in 60 s" });
    expect(third.headers.get("retry-after")).toBe("60");
    // Another address has its own window.
    expect((await check("203.0.113.6")).status).toBe(400);
    t.clock.advance(60_000);
    expect((await check("203.0.113.5")).status).toBe(400);
  });

  test("hosted pages: 429 past the limit per address, across /c/ and /flow/", async () => {
    const t = await appWith();
    const ws = await seedWorkspace(t);
    const link = await cancelLink(t, ws.liveKey);
    expect((await t.request("GET", link, { ip: "198.51.100.1" })).status).toBe(200);
    expect((await t.request("GET", `/flow/${ws.id}/${ws.defaultFlowId}`, { ip: "198.51.100.1" })).status).toBe(403);
    expect((await t.request("GET", link, { ip: "198.51.100.1" })).status).toBe(429);
    expect((await t.request("GET", link, { ip: "198.51.100.2" })).status).toBe(200);
  });

  test("failed keys: an address sending bad keys is cut off; real keys from elsewhere are not starved", async () => {
    const t = await appWith();
    const ws = await seedWorkspace(t);
    const attacker = "192.0.2.66";
    const flows = (key: string, ip: string) => t.request("GET", "/api/v1/flows", { key, ip });
    for (let i = 0; i < 3; i++) expect((await flows(BAD_KEY, attacker)).status).toBe(401);
    const cut = await flows(BAD_KEY, attacker);
    expect(cut.status).toBe(429);
    expect(cut.headers.get("ratelimit-policy")).toBe('"per-ip-failed-key";q=3;w=60');
    // A missing key counts as a failed attempt too.
    expect((await t.request("GET", "/api/v1/flows", { ip: attacker })).status).toBe(429);
    // Someone else with a real key is untouched, and many of their requests do not count as failures.
    for (let i = 0; i < 5; i++) expect((await flows(ws.readKey, "192.0.2.10")).status).toBe(200);
    t.clock.advance(60_000);
    expect((await flows(BAD_KEY, attacker)).status).toBe(401);
  });

  test("the per-key limit still counts per key, whatever the address", async () => {
    const t = await appWith({ rateLimitPerMinute: 2 });
    const ws = await seedWorkspace(t);
    expect((await t.request("GET", "/api/v1/flows", { key: ws.readKey, ip: "192.0.2.1" })).status).toBe(200);
    expect((await t.request("GET", "/api/v1/flows", { key: ws.readKey, ip: "192.0.2.2" })).status).toBe(200);
    const third = await t.request("GET", "/api/v1/flows", { key: ws.readKey, ip: "192.0.2.3" });
    expect(third.status).toBe(429);
    expect(third.headers.get("ratelimit-policy")).toBe('"per-key";q=2;w=60');
  });

  test("a real server passes the socket's address: 127.0.0.1 gets its own window", async () => {
    const booted = await openApp({ config: testConfig({ ipRateLimitsPerMinute: LIMITS }) });
    const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (request, socket) => booted.fetch(request, socket) });
    try {
      const post = () =>
        fetch(`http://127.0.0.1:${server.port}/api/public/cancel/result`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ token: "x.y.z" }),
        });
      expect((await post()).status).toBe(400);
      expect((await post()).status).toBe(400);
      expect((await post()).status).toBe(429);
      // Requests without a socket (app.handle) are another bucket: the socket's address was what counted.
      const direct = await booted.app.handle(
        new Request("http://localhost/api/public/cancel/result", { method: "POST", headers: { "content-type": "application/json" }, body: '{"token":"x"}' }),
      );
      expect(direct.status).toBe(400);
    } finally {
      await server.stop(true);
      await booted.close();
    }
  });
});

describe("client IP", () => {
  const req = (xff?: string) => new Request("http://localhost/", { headers: xff ? { "x-forwarded-for": xff } : {} });
  const socket = { requestIP: () => ({ address: "10.0.0.1" }) };

  test("without HOLDFAST_TRUST_PROXY, X-Forwarded-For is ignored", () => {
    const ip = createClientIp(0);
    const r = req("203.0.113.9");
    ip.remember(r, socket);
    expect(ip.of(r)).toBe("10.0.0.1");
  });

  test.each([
    [1, "198.51.100.7, 203.0.113.9", "203.0.113.9"],
    [2, "198.51.100.7, 203.0.113.9", "198.51.100.7"],
    [1, "6.6.6.6, 198.51.100.7, 203.0.113.9", "203.0.113.9"], // a forged leftmost entry changes nothing
    [3, "203.0.113.9", "203.0.113.9"], // fewer entries than hops: the leftmost
    [1, "not-an-ip", "10.0.0.1"],
    [1, undefined, "10.0.0.1"],
  ])("trusting %d hop(s), X-Forwarded-For %s → %s", (hops, xff, expected) => {
    const ip = createClientIp(hops);
    const r = req(xff);
    ip.remember(r, socket);
    expect(ip.of(r)).toBe(expected);
  });
});

describe("the limiter", () => {
  test("windows are per policy and per key, and follow the injected clock", () => {
    let now = 0;
    const limiter = createRateLimiter(
      { apiKey: { limit: 1, windowSeconds: 60 }, failedKey: { limit: 1, windowSeconds: 60 }, result: { limit: 1, windowSeconds: 10 }, hosted: { limit: 1, windowSeconds: 60 }, login: { limit: 1, windowSeconds: 60 } },
      { now: () => now },
    );
    expect(limiter.hit("result", "a").allowed).toBe(true);
    expect(limiter.hit("hosted", "a").allowed).toBe(true);
    expect(limiter.hit("result", "b").allowed).toBe(true);
    expect(limiter.peek("result", "a").allowed).toBe(false);
    expect(limiter.hit("result", "a").allowed).toBe(false);
    now = 9_999;
    expect(limiter.hit("result", "a").allowed).toBe(false);
    now = 10_000;
    expect(limiter.peek("result", "a").allowed).toBe(true);
    expect(limiter.hit("result", "a").allowed).toBe(true);
  });
});
