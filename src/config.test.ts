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

  test("mail is off without SMTP_URL", () => {
    const c = loadConfig({ HOLDFAST_MAIL_FROM: "reports@example.com" });
    expect(c.smtp).toBeNull();
  });

  test.each([
    ["smtp://user:p%40ss@mail.example.com:2525", { secure: false, host: "mail.example.com", port: 2525, user: "user", pass: "p@ss" }],
    ["smtps://user:pw@mail.example.com", { secure: true, host: "mail.example.com", port: 465, user: "user", pass: "pw" }],
    ["smtp://mail.example.com", { secure: false, host: "mail.example.com", port: 587, user: null, pass: null }],
  ])("SMTP_URL %s", (url, expected) => {
    const c = loadConfig({ SMTP_URL: url, HOLDFAST_MAIL_FROM: "Holdfast <reports@example.com>" });
    expect(c.smtp).toEqual(expected);
    expect(c.mailFrom).toEqual({ name: "Holdfast", address: "reports@example.com" });
  });

  test.each([
    [{ SMTP_URL: "http://mail.example.com", HOLDFAST_MAIL_FROM: "a@example.com" }, "SMTP_URL"],
    [{ SMTP_URL: "smtp://", HOLDFAST_MAIL_FROM: "a@example.com" }, "SMTP_URL"],
    [{ SMTP_URL: "smtp://mail.example.com:99999", HOLDFAST_MAIL_FROM: "a@example.com" }, "SMTP_URL"],
    [{ SMTP_URL: "smtp://mail.example.com/x?y=1", HOLDFAST_MAIL_FROM: "a@example.com" }, "SMTP_URL"],
    [{ SMTP_URL: "smtp://mail.example.com" }, "HOLDFAST_MAIL_FROM"],
    [{ SMTP_URL: "smtp://mail.example.com", HOLDFAST_MAIL_FROM: "not an address" }, "HOLDFAST_MAIL_FROM"],
    [{ HOLDFAST_MAIL_FROM: "Holdfast <nope>" }, "HOLDFAST_MAIL_FROM"],
  ])("a bad mail setting stops the start naming the variable (%#)", (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(`Invalid ${name}`);
  });

  test("a bad SMTP_URL never echoes its password", () => {
    expect(() => loadConfig({ SMTP_URL: "smtp://user:hunter2@mail.example.com/path", HOLDFAST_MAIL_FROM: "a@example.com" })).not.toThrow("hunter2");
  });

  test("Stripe is off without a key, and its API URL is split for the client", () => {
    expect(loadConfig({}).stripe).toBeNull();
    const on = loadConfig({ STRIPE_SECRET_KEY: "sk_test_abc123", STRIPE_WEBHOOK_SECRET: "whsec_xyz" });
    expect(on.stripe).toEqual({ secretKey: "sk_test_abc123", webhookSecret: "whsec_xyz", api: { host: "api.stripe.com", port: 443, protocol: "https" } });
    const mock = loadConfig({ STRIPE_SECRET_KEY: "sk_test_abc123", STRIPE_WEBHOOK_SECRET: "whsec_xyz", STRIPE_API_URL: "http://127.0.0.1:12111/" });
    expect(mock.stripe!.api).toEqual({ host: "127.0.0.1", port: 12111, protocol: "http" });
  });

  test.each([
    [{ STRIPE_SECRET_KEY: "pk_test_abc" , STRIPE_WEBHOOK_SECRET: "whsec_x" }, "STRIPE_SECRET_KEY"],
    [{ STRIPE_SECRET_KEY: "sk_test_abc" }, "STRIPE_WEBHOOK_SECRET"],
    [{ STRIPE_WEBHOOK_SECRET: "whsec_x" }, "STRIPE_SECRET_KEY"],
    [{ STRIPE_SECRET_KEY: "sk_test_abc", STRIPE_WEBHOOK_SECRET: "nope" }, "STRIPE_WEBHOOK_SECRET"],
    [{ STRIPE_SECRET_KEY: "sk_test_abc", STRIPE_WEBHOOK_SECRET: "whsec_x", STRIPE_API_URL: "stripe.local" }, "STRIPE_API_URL"],
  ])("a bad Stripe setting names the variable and never echoes the key (%#)", (env, name) => {
    let message = "";
    try {
      loadConfig(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toContain(name);
    expect(message).not.toContain("abc");
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
