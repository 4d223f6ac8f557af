// A flow's signed hosted URL (/flow/:workspaceId/:flowId?customerId&subscriptionId&ts&sig) in Chromium:
// it starts a session, walks like a cancel link, returns with rb_session, and the RetainRabbit API
// (GET /api/v1/sessions/:id) shows the outcome. A tampered or stale signature gets a friendly 403 page.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { buildHostedUrl } from "../../src/modules/hosted/hosted-url.ts";
import {
  formatViolations,
  openPage,
  readReturn,
  runAxe,
  TIMED_RETURN,
  screenshot,
  type Holdfast,
  type ReturnApp,
  type SeededWorkspace,
  type Watch,
  startHostedStage,
  type HostedStage,
} from "./harness.ts";

const TIMEOUT = 120_000; // generous: a shared 2-core box
let hf: Holdfast;
let customer: ReturnApp;
let ws: SeededWorkspace;
let flowId: string;
let stage: HostedStage;

beforeAll(async () => {
  stage = await startHostedStage("hosted URL");
  ({ hf, customer, ws } = stage);
  flowId = (await hf.deps.flowService.getDefault(ws.id))!.id;
}, 30_000);

afterAll(() => stage?.stop(), 30_000);

async function newPage(js = true): Promise<{ page: Page; watch: Watch }> {
  const { context, watch } = await stage.context({ javaScriptEnabled: js });
  return { page: await openPage(context), watch };
}

/** A hosted URL signed the way the README tells a team's backend to sign it. */
async function signedUrl(customerId: string, subscriptionId: string | null, ts = Math.floor(Date.now() / 1000)): Promise<string> {
  const secret = await hf.deps.workspaceService.currentSecret(ws.id);
  return buildHostedUrl(hf.config.publicUrl, secret!.secret, ws.id, flowId, { customerId, subscriptionId, ts });
}

async function rabbitSession(id: string) {
  const res = await hf.api("GET", `/api/v1/sessions/${id}`, { key: ws.liveKey });
  expect(res.status).toBe(200);
  return res.json.data;
}

function assertCleanTraffic(watch: Watch, label: string) {
  expect(watch.requests.some((u) => new URL(u).pathname === "/assets/holdfast.css"), `${label}: request log is empty`).toBe(true);
  expect(watch.offHost(), `${label}: requests that left loopback`).toEqual([]);
  expect(watch.cspViolations(), `${label}: CSP violations`).toEqual([]);
  expect(watch.pageErrors, `${label}: page errors`).toEqual([]);
  const unexpected = watch.consoleErrors.filter((m) => !/^Failed to load resource: the server responded with a status of (403|404)/.test(m));
  expect(unexpected, `${label}: console errors`).toEqual([]);
}

async function axeClean(page: Page, step: string) {
  // The confirmation page's timed return is the one allowed finding (see TIMED_RETURN).
  const violations = await runAxe(page, step, { allow: [TIMED_RETURN] });
  await screenshot(page, step);
  if (violations.length) throw new Error(`axe violations on ${step}:\n${formatViolations(violations)}`);
}

describe("signed hosted URL", () => {
  for (const js of [true, false]) {
    const mode = js ? "js" : "nojs";
    test(`opens a session, completes it, and GET /api/v1/sessions/:id shows the outcome (JavaScript ${js ? "on" : "off"})`, async () => {
      const { page, watch } = await newPage(js);
      const customerId = `cus_hosted_${mode}`;
      const url = await signedUrl(customerId, `sub_${mode}`);

      const first = await page.goto(url);
      expect(first!.status()).toBe(200);
      // The signed URL redirects to the session's own /c/ page: the signature is not kept in the address bar.
      expect(page.url()).toStartWith(`${hf.url}/c/`);
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Why are you cancelling?");
      if (js) await axeClean(page, "js-hosted-url-1-survey");
      else await screenshot(page, "nojs-hosted-url-1-survey");

      await page.getByRole("radio", { name: "Too expensive" }).check();
      await page.getByRole("button", { name: "Continue" }).click();
      await page.getByRole("button", { name: "Accept 30% off" }).click();

      // The flow's confirmation page, then back to the customer by its button.
      await page.getByRole("link", { name: "Return to Acme Analytics" }).click();
      await page.waitForURL((u) => u.toString().startsWith(customer.callbackUrl));
      const { session: sessionId, token } = await readReturn(page, js);
      expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
      expect(new URL(page.url()).searchParams.get("rb_session")).toBe(sessionId);

      const data = await rabbitSession(sessionId);
      expect(data).toMatchObject({ id: sessionId, customerId, subscriptionId: `sub_${mode}`, outcome: "saved", reason: "too expensive", recoveredMrrCents: 0 });

      // The result token agrees, and names the subscriber from the signed URL.
      const verified = await hf.api("POST", "/api/public/cancel/result", { body: { token } });
      expect(verified.status).toBe(200);
      expect(verified.json).toMatchObject({ outcome: "saved", sid: sessionId, sub: customerId, offer: { kind: "discount", percentOff: 30 } });

      // Opening the same signed URL again continues the same (completed) session: no second session, same outcome.
      // Its page returns to the customer after 5 seconds: answer that with 204 No Content (the page stays on
      // screen) while axe looks at it.
      const isReturn = (u: URL) => u.href.startsWith(customer.url);
      await page.route(isReturn, (route) => route.fulfill({ status: 204 }));
      await page.goto(url);
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("You're all set");
      if (js) await axeClean(page, "js-hosted-url-2-done");
      await page.unroute(isReturn);
      expect((await rabbitSession(sessionId)).outcome).toBe("saved");
      const list = await hf.api("GET", "/api/v1/sessions", { key: ws.liveKey });
      expect(list.json.data.filter((s: { customerId: string }) => s.customerId === customerId)).toHaveLength(1);
      assertCleanTraffic(watch, `${mode}-hosted-url`);
    }, TIMEOUT);
  }

  test("a tampered sig gets the friendly 403 page, axe-clean, and opens no session", async () => {
    const { page, watch } = await newPage(true);
    const before = (await hf.api("GET", "/api/v1/sessions", { key: ws.liveKey })).json.data.length;
    const url = new URL(await signedUrl("cus_tampered", null));
    const sig = url.searchParams.get("sig")!;
    // Flip one hex character.
    url.searchParams.set("sig", sig.slice(0, 10) + (sig[10] === "0" ? "1" : "0") + sig.slice(11));

    const res = await page.goto(url.toString());
    expect(res!.status()).toBe(403);
    expect(res!.headers()["content-type"]).toContain("text/html");
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("This link is not valid");
    // Still the workspace's page, not a bare error.
    expect(await page.getByText("Acme Analytics").first().isVisible()).toBe(true);
    await axeClean(page, "js-hosted-url-403-tampered");

    // Someone else's name in a URL signed for cus_tampered: also refused.
    const renamed = new URL(await signedUrl("cus_tampered", null));
    renamed.searchParams.set("customerId", "cus_victim");
    expect((await page.goto(renamed.toString()))!.status()).toBe(403);

    // A correctly signed URL over 24 h old: 403, and the page says it expired.
    const stale = await signedUrl("cus_stale", null, Math.floor(Date.now() / 1000) - 25 * 3600);
    expect((await page.goto(stale))!.status()).toBe(403);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("This link has expired");
    await axeClean(page, "js-hosted-url-403-stale");

    expect((await hf.api("GET", "/api/v1/sessions", { key: ws.liveKey })).json.data.length).toBe(before);
    assertCleanTraffic(watch, "hosted-url-403");
  }, TIMEOUT);
});
