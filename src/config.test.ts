import { describe, expect, test } from "bun:test";
import path from "node:path";
import { ConfigError, loadConfig } from "./config.ts";

describe("loadConfig", () => {
  test("defaults when nothing is set", () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.host).toBe("0.0.0.0");
    expect(c.dbPath).toBe(path.resolve("./data/holdfast.db"));
    expect(c.publicUrl).toBe("http://localhost:3000");
    expect(c.cancelUrl).toBe("http://localhost:3000");
    expect(c.rateLimitPerMinute).toBe(600);
    expect(Object.isFrozen(c)).toBe(true);
  });

  test("reads every variable", () => {
    const c = loadConfig({
      PORT: "8080",
      HOST: "127.0.0.1",
      HOLDFAST_DATA_DIR: "/tmp/x",
      HOLDFAST_PUBLIC_URL: "https://hf.example.com/",
      HOLDFAST_CANCEL_URL: "https://cancel.example.com",
      HOLDFAST_RATE_LIMIT: "5",
      LOG_LEVEL: "warn",
    });
    expect(c).toMatchObject({ port: 8080, host: "127.0.0.1", dbPath: "/tmp/x/holdfast.db", publicUrl: "https://hf.example.com", cancelUrl: "https://cancel.example.com", rateLimitPerMinute: 5, logLevel: "warn" });
  });

  test.each([
    ["PORT", "abc"],
    ["PORT", "70000"],
    ["HOLDFAST_PUBLIC_URL", "not a url"],
    ["HOLDFAST_CANCEL_URL", "ftp://x.example.com"],
    ["HOLDFAST_RATE_LIMIT", "-1"],
    ["LOG_LEVEL", "loud"],
  ])("a bad %s stops the start and names the variable", (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});

describe("HOLDFAST_TRUST_PROXY", () => {
  test.each([
    [undefined, 0],
    ["false", 0],
    ["0", 0],
    ["true", 1],
    ["TRUE", 1],
    ["2", 2],
  ])("%s → trust %d proxy hops", (value, hops) => {
    expect(loadConfig(value === undefined ? {} : { HOLDFAST_TRUST_PROXY: value }).trustProxyHops).toBe(hops);
  });

  test.each(["yes", "-1", "11", "1.5"])("%s is refused, naming the variable", (value) => {
    expect(() => loadConfig({ HOLDFAST_TRUST_PROXY: value })).toThrow("HOLDFAST_TRUST_PROXY");
  });
});
