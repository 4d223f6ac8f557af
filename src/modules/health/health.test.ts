import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { makeTestApp, seedWorkspace } from "../../../tests/helpers.ts";
import { startSmtpServer, type TestSmtpServer } from "../../../tests/smtp.ts";
import { startFakeStripe, type FakeStripe } from "../../../tests/helpers/fake-stripe.ts";
import { deliver, event, SECRET_KEY, stripeConfig, subscription, WEBHOOK_SECRET } from "../../../tests/helpers/stripe-events.ts";
import { parseMailFrom, parseSmtpUrl } from "../../lib/smtp-url.ts";
import { VERSION } from "../../lib/version.ts";
import { migrations } from "../../db/migrations/index.ts";

const SMTP_USER = "mailer";
const SMTP_PASSWORD = "smtpPa55wordNeverShown";

describe("GET /api/health", () => {
  test("liveness needs no key", async () => {
    const t = await makeTestApp();
    t.clock.advance(5_000);
    const res = await t.request("GET", "/api/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", version: VERSION, uptimeSeconds: 5 });
  });

  test("?deep=1 needs an API key and reports every part in SPEC's shape; Stripe and SMTP off are not failures", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    expect((await t.request("GET", "/api/health?deep=1")).status).toBe(401);
    expect((await t.request("GET", "/api/health?deep=1", { key: "hf_live_nopenopenopenopenope" })).status).toBe(401);
    const res = await t.request("GET", "/api/health?deep=1", { key: ws.readKey });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: "ok",
      version: VERSION,
      uptimeSeconds: 0,
      checks: {
        database: "ok",
        migrations: { applied: migrations.length, expected: migrations.length },
        stripe: { configured: false, lastEventAt: null, failedEvents: 0, api: "not configured" },
        notifications: { configured: false, smtp: "not configured", lastReportAt: null, failedReports: 0 },
        webhookPipeline: { pending: 0, failed: 0, oldestPendingAt: null },
      },
    });
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

describe("GET /api/health?deep=1 with Stripe and SMTP configured", () => {
  let fake: FakeStripe;
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    fake = await startFakeStripe();
    smtp = await startSmtpServer({ auth: { user: SMTP_USER, pass: SMTP_PASSWORD } });
  });
  afterAll(async () => {
    await fake.stop();
    await smtp.close();
  });

  async function setup(opts: { smtpPort?: number; password?: string } = {}) {
    const password = opts.password ?? SMTP_PASSWORD;
    const t = await makeTestApp({
      stripe: stripeConfig(fake),
      smtp: parseSmtpUrl(`smtp://${SMTP_USER}:${password}@127.0.0.1:${opts.smtpPort ?? smtp.port}`),
      mailFrom: parseMailFrom("Holdfast <billing@holdfast.test>"),
    });
    const ws = await seedWorkspace(t);
    const check = async () => {
      const res = await t.request("GET", "/api/health?deep=1", { key: ws.readKey });
      const text = await res.text();
      // Never a secret in the body, whatever the state.
      for (const secret of [SECRET_KEY, WEBHOOK_SECRET, SMTP_PASSWORD, password]) expect(text).not.toContain(secret);
      return { status: res.status, body: JSON.parse(text) };
    };
    return { t, ws, check };
  }

  test("green; the Stripe check is cached; the last event shows", async () => {
    const { t, ws, check } = await setup();
    fake.requests.length = 0;
    const green = await check();
    expect(green.status).toBe(200);
    expect(green.body.status).toBe("ok");
    expect(green.body.checks.stripe).toEqual({ configured: true, lastEventAt: null, failedEvents: 0, api: "ok" });
    expect(green.body.checks.notifications).toEqual({ configured: true, smtp: "ok", lastReportAt: null, failedReports: 0 });
    expect(green.body.checks.webhookPipeline).toEqual({ pending: 0, failed: 0, oldestPendingAt: null });
    expect(fake.calls("/v1/balance")).toHaveLength(1);

    // A second poll within the minute costs Stripe nothing.
    t.clock.advance(30_000);
    await check();
    expect(fake.calls("/v1/balance")).toHaveLength(1);

    const now = Math.floor(t.clock.now() / 1000);
    await deliver(t, event({ type: "customer.subscription.created", created: now, object: subscription({ id: "sub_h", customer: "cus_h", status: "active", workspaceId: ws.id }) }));
    expect((await check()).body.checks.stripe.lastEventAt).toBe(new Date(t.clock.now()).toISOString());
  });

  test("degraded with SMTP down", async () => {
    const down = await startSmtpServer();
    const port = down.port;
    await down.close();
    const { check } = await setup({ smtpPort: port });
    const res = await check();
    expect(res.status).toBe(503);
    expect(res.body.status).toBe("degraded");
    expect(res.body.checks.notifications.smtp).toStartWith("error: ");
    expect(res.body.checks.stripe.api).toBe("ok");
  });

  test("SMTP refusing the login is an error that never shows the password", async () => {
    const { check } = await setup({ password: `wrong${SMTP_PASSWORD}` });
    const res = await check();
    expect(res.status).toBe(503);
    expect(res.body.checks.notifications.smtp).toStartWith("error: ");
  });

  test("degraded with a failed Stripe event, which shows in the pipeline", async () => {
    const { t, ws, check } = await setup();
    const now = Math.floor(t.clock.now() / 1000);
    const bad = event({ type: "customer.subscription.created", created: now, object: subscription({ id: "sub_f", customer: "cus_f", status: "active", lookupKey: "gold", workspaceId: ws.id }) });
    await deliver(t, bad);
    const degraded = await check();
    expect(degraded.status).toBe(503);
    expect(degraded.body.status).toBe("degraded");
    expect(degraded.body.checks.stripe.failedEvents).toBe(1);
    expect(degraded.body.checks.webhookPipeline).toEqual({ pending: 0, failed: 1, oldestPendingAt: null });
  });

  test("Stripe's API refusing the key degrades the check, naming the kind of error only; it recovers after the cache", async () => {
    const { t, check } = await setup();
    fake.failWith = 401;
    try {
      const res = await check();
      expect(res.status).toBe(503);
      expect(res.body.checks.stripe.api).toBe("error: StripeAuthenticationError (HTTP 401)");
    } finally {
      fake.failWith = null;
    }
    t.clock.advance(61_000);
    expect((await check()).status).toBe(200);
  });
});
