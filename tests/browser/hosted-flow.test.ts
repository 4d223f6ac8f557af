// The hosted cancel flow in a real Chromium, with JavaScript on and off: cancel link → survey → offer →
// confirmation → the customer's return page → result token verified → diagnostics. axe-core on every
// step, phone-width screenshots in /tmp/holdfast-shots, and no request may leave loopback.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { BrowserContext, Page } from "playwright-core";
import {
  formatViolations,
  openPage,
  readReturn,
  runAxe,
  screenshot,
  TIMED_RETURN,
  startMirror,
  type AxeViolation,
  type Holdfast,
  type Mirror,
  type ReturnApp,
  type SeededWorkspace,
  type Watch,
  startHostedStage,
  type HostedStage,
} from "./harness.ts";

// A walk takes ~50 s on the shared 2-core box under load (axe on every step, a mirror tab for JS-off pages);
// 60 s made the first walk of a file flaky. This is a time budget, not a speed check (the bench measures speed).
const WALK_TIMEOUT = 180_000;
let hf: Holdfast;
let customer: ReturnApp;
let ws: SeededWorkspace;
let stage: HostedStage;
/** A JavaScript-enabled context that re-renders a JS-off page's HTML so axe (which needs timers) can run on it. */
let mirror: { context: BrowserContext; watch: Watch };
let mirrorTab: Page | undefined;
let mirrorServer: Mirror;
/** Things worth telling the lead that are not failures (e.g. what the back button showed). */
const notes: string[] = [];


beforeAll(async () => {
  stage = await startHostedStage("hosted flow");
  ({ hf, customer, ws } = stage);
  mirror = await stage.context();
  await holdReturns(mirror.context); // a mirrored confirmation page must not refresh away from axe
  mirrorServer = startMirror(hf.url);
}, 30_000);

afterAll(async () => {
  if (notes.length) console.log(`notes:\n  ${notes.join("\n  ")}`);
  await mirrorServer?.stop();
  await stage?.stop();
}, 30_000);

// ---------------------------------------------------------------------------------------------

/**
 * The flow's confirmation page returns to the customer by itself after 5 seconds. To look at that page (axe,
 * screenshot) on a busy machine without it leaving mid-check, navigations to the customer's app answer
 * 204 No Content while the gate is closed (a 204 leaves the current page on screen); an open gate lets
 * them through.
 */
interface ReturnGate {
  open(): void;
  close(): void;
}
const gates = new WeakMap<BrowserContext, ReturnGate>();

async function holdReturns(context: BrowserContext): Promise<ReturnGate> {
  let opened = false;
  await context.route(
    (u) => u.href.startsWith(customer.url),
    (route) => (opened ? route.continue() : route.fulfill({ status: 204 })),
  );
  const gate = {
    open: () => void (opened = true),
    close: () => void (opened = false),
  };
  gates.set(context, gate);
  return gate;
}

async function newContext(js: boolean) {
  const made = await stage.context({ javaScriptEnabled: js });
  await holdReturns(made.context);
  return made;
}

/** axe on the page as the browser shows it; a JS-off page's HTML is checked in a JS-on mirror tab (see startMirror). */
async function axeStep(page: Page, js: boolean, step: string): Promise<AxeViolation[]> {
  // Only the confirmation page carries the timed return to the customer (see TIMED_RETURN).
  const opts = { allow: [TIMED_RETURN] };
  if (js) return runAxe(page, step, opts);
  mirrorTab ??= await openPage(mirror.context);
  await mirrorTab.goto(mirrorServer.publish(await page.content()));
  return runAxe(mirrorTab, step, opts);
}

/** One step of the flow: its heading, axe (zero violations), and a phone-width screenshot. */
async function step(page: Page, js: boolean, name: string, heading: string | RegExp): Promise<void> {
  await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toMatch(heading);
  const violations = await axeStep(page, js, name);
  await screenshot(page, name);
  if (violations.length) throw new Error(`axe violations on ${name}:\n${formatViolations(violations)}`);
}

async function createLink(userId: string, extra: Record<string, unknown> = {}) {
  const res = await hf.api("POST", "/api/v1/cancel-link", {
    key: ws.liveKey,
    body: { userId, environment: "prod", context: { plan: "pro_monthly", mrr: 49, tenureDays: 42 }, metadata: { source: "browser-test" }, ...extra },
  });
  expect(res.status).toBe(200);
  expect(res.json.url).toStartWith(`${hf.url}/c/`);
  return res.json as { url: string; sessionId: string; expiresAt: string };
}

async function verifyToken(token: string) {
  const res = await hf.api("POST", "/api/public/cancel/result", { body: { token } });
  expect(res.status).toBe(200);
  return res.json;
}

async function diagnostics(sessionId: string) {
  const res = await hf.api("GET", `/api/v1/cancel-sessions/${sessionId}`, { key: ws.liveKey });
  expect(res.status).toBe(200);
  return res.json;
}

/** The page's form CSRF token, as a stale tab would still have it. */
const csrfOf = (page: Page) => page.locator('input[name="_csrf"]').first().getAttribute("value");

/**
 * After a completed walk: the flow's confirmation page, whose button and 5-second refresh both go to exactly
 * the completion URL; then the customer's page got the result; check what it says. With `shot`, the
 * confirmation page is also checked with axe and photographed; with `wait`, the refresh (not the button) takes
 * the subscriber back.
 */
async function landOnReturnPage(page: Page, js: boolean, sessionId: string, opts: { shot?: string; heading?: string | RegExp; wait?: boolean } = {}) {
  const gate = gates.get(page.context())!;
  gate.close();
  await page.waitForURL((u) => u.toString().startsWith(`${hf.url}/c/`));
  await page.getByRole("link", { name: "Return to Acme Analytics" }).waitFor();
  const href = await page.getByRole("link", { name: "Return to Acme Analytics" }).getAttribute("href");
  const completion = new RegExp(`^${customer.callbackUrl.replace(/[.?]/g, "\\$&")}\\?rb_session=${sessionId}#ci_result_token=[\\w.-]+$`);
  expect(href).toMatch(completion);
  await expect(page.locator('meta[http-equiv="refresh"]').getAttribute("content")).resolves.toBe(`5;url=${href}`);
  if (opts.shot) await step(page, js, opts.shot, opts.heading ?? /./);
  gate.open();
  if (opts.wait) {
    // The refresh is one-shot and may have fired (into a 204) during the checks: load the page afresh and
    // let its own refresh, not a click, take the subscriber back.
    await page.reload();
  } else {
    // The page's own 5 s refresh can win the race against the click on a slow box; both go to the same URL.
    await Promise.race([
      page.getByRole("link", { name: "Return to Acme Analytics" }).click().catch(() => undefined),
      page.waitForURL((u) => u.toString().startsWith(customer.callbackUrl), { timeout: 30_000 }),
    ]);
  }
  await page.waitForURL((u) => u.toString().startsWith(customer.callbackUrl), { timeout: 30_000 });
  // The button goes exactly where the refresh goes; a reloaded page may carry a freshly signed token.
  if (opts.wait) expect(page.url()).toMatch(completion);
  else expect(page.url()).toBe(href!);
  const url = new URL(page.url());
  expect(url.searchParams.get("rb_session")).toBe(sessionId);
  // The token travels only in the fragment, never in the query the server logs.
  expect(url.search).not.toContain("ci_result_token");
  expect(url.hash).toStartWith("#ci_result_token=");
  const returned = await readReturn(page, js);
  expect(returned.session).toBe(sessionId);
  expect(returned.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  return returned;
}

function assertCleanTraffic(watch: Watch, label: string) {
  // The log is live (so an empty off-host list means something): every hosted page loads the stylesheet.
  expect(watch.requests.some((u) => new URL(u).pathname === "/assets/holdfast.css"), `${label}: request log is empty`).toBe(true);
  expect(watch.offHost(), `${label}: requests that left loopback`).toEqual([]);
  expect(watch.cspViolations(), `${label}: CSP violations`).toEqual([]);
  expect(watch.pageErrors, `${label}: page errors`).toEqual([]);
  // Chromium logs a console error for every 4xx document (the validation page is a 400); anything else is a bug.
  const unexpected = watch.consoleErrors.filter((m) => !/^Failed to load resource: the server responded with a status of (400|403|404|410)/.test(m));
  expect(unexpected, `${label}: console errors`).toEqual([]);
}

/** Re-submitting a form from a stale page after completion: the first outcome stands. */
async function staleResubmit(link: { url: string }, csrf: string, action: string) {
  const res = await fetch(link.url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _csrf: csrf, action, reason: "other", feedback: "changed my mind" }),
    redirect: "manual",
  });
  expect(res.status).toBe(303);
  // The first outcome's confirmation page, which carries the completion URL with the token.
  expect(res.headers.get("location")).toBe(new URL(link.url).pathname);
  const html = await (await fetch(link.url)).text();
  const location = new URL(/<meta http-equiv="refresh" content="5;url=([^"]+)">/.exec(html)![1]!);
  expect(location.toString()).toStartWith(customer.callbackUrl);
  return new URLSearchParams(location.hash.slice(1)).get("ci_result_token")!;
}

/** Goes back from the return page; whatever the browser shows, acting on it must not change the outcome. */
async function backButton(page: Page, js: boolean, tag: string, tryAction: string, sessionId: string) {
  await page.goBack();
  await page.waitForLoadState("domcontentloaded");
  const heading = (await page.getByRole("heading", { level: 1 }).textContent())?.trim();
  const button = page.getByRole("button", { name: tryAction });
  if ((await button.count()) > 0) {
    const enabled = await button.isEnabled();
    notes.push(`${tag}: back button showed "${heading}" with a live "${tryAction}" button (enabled: ${enabled})`);
    if (enabled) {
      await button.click();
      return landOnReturnPage(page, js, sessionId);
    }
    return null;
  }
  notes.push(`${tag}: back button re-fetched the page and showed "${heading}"`);
  return null;
}

// ---------------------------------------------------------------------------------------------

for (const js of [true, false]) {
  const mode = js ? "js" : "nojs";
  const label = js ? "JavaScript on" : "JavaScript off";

  describe(`hosted flow, ${label}`, () => {
    test("SAVE: Too expensive → accept 30% off → return page → verified token → diagnostics", async () => {
      const { context, watch } = await newContext(js);
      const page = await openPage(context);
      const userId = `user_save_${mode}`;
      const link = await createLink(userId);

      const first = await page.goto(link.url);
      expect(first!.status()).toBe(200);
      const headers = first!.headers();
      expect(headers["content-security-policy"]).not.toContain("unsafe-inline");
      expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
      expect(headers["content-security-policy"]).toContain(`form-action 'self' ${customer.url}`);
      expect(headers["referrer-policy"]).toBe("no-referrer");
      await expect(page.getByText("Acme Analytics").first().isVisible()).resolves.toBe(true);
      await step(page, js, `${mode}-save-1-survey`, "Why are you cancelling?");
      await expect(page.getByText("Step 1 of 3").isVisible()).resolves.toBe(true);
      const csrf = (await csrfOf(page))!;

      await page.getByRole("radio", { name: "Too expensive" }).check();
      await page.getByRole("button", { name: "Continue" }).click();
      await page.getByRole("button", { name: "Accept 30% off" }).waitFor();
      await step(page, js, `${mode}-save-2-offer`, "Stay for 30% less");
      await expect(page.getByText("30% off for 3 months").isVisible()).resolves.toBe(true);
      await expect(page.getByText("$49.00 → $34.30 a month for 3 months").isVisible()).resolves.toBe(true);

      // A second tab still showing the offer: after the save, declining there must change nothing.
      const stale = await openPage(context);
      await stale.goto(link.url);
      await stale.getByRole("button", { name: "No thanks, continue to cancel" }).waitFor();

      await page.getByRole("button", { name: "Accept 30% off" }).click();
      const returned = await landOnReturnPage(page, js, link.sessionId, { shot: `${mode}-save-3-all-set`, heading: "You're all set" });
      await screenshot(page, `${mode}-save-3-return-page`);

      const payload = await verifyToken(returned.token);
      expect(payload).toMatchObject({ valid: true, outcome: "saved", sid: link.sessionId, sub: userId, aud: ws.id, iss: hf.url, environment: "prod", reason: "too expensive" });
      expect(payload.offer).toEqual({ kind: "discount", percentOff: 30, durationMonths: 3 });

      const diag = await diagnostics(link.sessionId);
      expect(diag).toMatchObject({ state: "completed", outcome: "saved", recoveredMrrCents: 4900, reason: "too expensive", userId, environment: "prod" });
      expect(diag.offer).toMatchObject({ kind: "discount", percentOff: 30 });

      // Stale tab: "No thanks" after the save lands on the return page with the saved result.
      await stale.getByRole("button", { name: "No thanks, continue to cancel" }).click();
      const staleReturned = await landOnReturnPage(stale, js, link.sessionId);
      expect((await verifyToken(staleReturned.token)).outcome).toBe("saved");
      await stale.close();

      // Back button, then act on whatever is shown.
      const back = await backButton(page, js, `${mode}-save`, "No thanks, continue to cancel", link.sessionId);
      if (back) expect((await verifyToken(back.token)).outcome).toBe("saved");

      // A raw re-submit with the old CSRF token, asking to cancel: still saved.
      expect((await verifyToken(await staleResubmit(link, csrf, "confirm"))).outcome).toBe("saved");

      // Re-opening the link shows the completed outcome and the way back (held there while we read it).
      gates.get(context)!.close();
      const again = await page.goto(link.url);
      expect(again!.status()).toBe(200);
      await expect(page.getByText("Stay for 30% less: Acme Analytics will apply it to your subscription.").isVisible()).resolves.toBe(true);
      await expect(page.getByText("$49.00 → $34.30 a month for 3 months").isVisible()).resolves.toBe(true);
      // This time the page takes the subscriber back by itself.
      const viaLink = await landOnReturnPage(page, js, link.sessionId, { shot: `${mode}-save-4-done`, heading: "You're all set", wait: true });
      expect((await verifyToken(viaLink.token)).outcome).toBe("saved");

      const after = await diagnostics(link.sessionId);
      expect(after).toMatchObject({ state: "completed", outcome: "saved", recoveredMrrCents: 4900, completedAt: diag.completedAt });
      assertCleanTraffic(watch, `${mode}-save`);
    }, WALK_TIMEOUT);

    test("CANCEL: Not using it enough → decline the pause → confirm → canceled", async () => {
      const { context, watch } = await newContext(js);
      const page = await openPage(context);
      const userId = `user_cancel_${mode}`;
      const link = await createLink(userId);

      await page.goto(link.url);
      await step(page, js, `${mode}-cancel-1-survey`, "Why are you cancelling?");
      const csrf = (await csrfOf(page))!;
      await page.getByRole("radio", { name: "Not using it enough" }).check();
      await page.getByRole("button", { name: "Continue" }).click();
      await page.getByRole("button", { name: "Pause for 2 months" }).waitFor();
      await step(page, js, `${mode}-cancel-2-offer`, "Take a break instead");

      await page.getByRole("button", { name: "No thanks, continue to cancel" }).click();
      await page.getByRole("button", { name: "Cancel my subscription" }).waitFor();
      await step(page, js, `${mode}-cancel-3-confirm`, "Confirm your cancellation");
      await expect(page.getByText("Step 3 of 3").isVisible()).resolves.toBe(true);

      // A stale tab on the confirmation: "Keep my subscription" after the cancel must change nothing.
      const stale = await openPage(context);
      await stale.goto(link.url);
      await stale.getByRole("button", { name: "Keep my subscription" }).waitFor();

      await expect(page.getByText("You will lose pro_monthly ($49.00 a month).").isVisible()).resolves.toBe(true);
      await page.getByRole("button", { name: "Cancel my subscription" }).click();
      const returned = await landOnReturnPage(page, js, link.sessionId, { shot: `${mode}-cancel-4-canceled`, heading: "Your subscription is canceled" });
      await screenshot(page, `${mode}-cancel-4-return-page`);

      const payload = await verifyToken(returned.token);
      expect(payload).toMatchObject({ outcome: "canceled", sid: link.sessionId, sub: userId, reason: "not using it enough", offer: null, environment: "prod" });
      const diag = await diagnostics(link.sessionId);
      expect(diag).toMatchObject({ state: "completed", outcome: "canceled", recoveredMrrCents: 0, offer: null, reason: "not using it enough" });

      await stale.getByRole("button", { name: "Keep my subscription" }).click();
      const staleReturned = await landOnReturnPage(stale, js, link.sessionId);
      expect((await verifyToken(staleReturned.token)).outcome).toBe("canceled");
      await stale.close();

      const back = await backButton(page, js, `${mode}-cancel`, "Keep my subscription", link.sessionId);
      if (back) expect((await verifyToken(back.token)).outcome).toBe("canceled");
      expect((await verifyToken(await staleResubmit(link, csrf, "keep"))).outcome).toBe("canceled");
      expect((await verifyToken(await staleResubmit(link, csrf, "accept"))).outcome).toBe("canceled");

      gates.get(context)!.close();
      await page.goto(link.url);
      await expect(page.getByText("Thanks for telling us why.").isVisible()).resolves.toBe(true);
      await landOnReturnPage(page, js, link.sessionId, { shot: `${mode}-cancel-5-done`, heading: "Your subscription is canceled" });

      expect(await diagnostics(link.sessionId)).toMatchObject({ state: "completed", outcome: "canceled", recoveredMrrCents: 0, completedAt: diag.completedAt });
      assertCleanTraffic(watch, `${mode}-cancel`);
    }, WALK_TIMEOUT);

    test('"Other" needs free text: empty → a clear error; with text → confirm → canceled with the feedback', async () => {
      const { context, watch } = await newContext(js);
      const page = await openPage(context);
      const userId = `user_other_${mode}`;
      const link = await createLink(userId);
      const feedback = "The mobile app keeps logging me out";

      await page.goto(link.url);
      await page.getByRole("radio", { name: "Other", exact: true }).check();
      await page.getByRole("button", { name: "Continue" }).click();
      const alert = page.getByRole("alert");
      await alert.waitFor();
      await expect(alert.textContent()).resolves.toBe("Tell us a little about your reason in the box below.");
      // The answer given so far is kept, and the error is tied to the question.
      await expect(page.getByRole("radio", { name: "Other", exact: true }).isChecked()).resolves.toBe(true);
      await expect(page.getByRole("group", { name: "Why are you cancelling?" }).getAttribute("aria-describedby")).resolves.toBe("form-error");
      const box = page.getByLabel(/Anything else you want to tell us/);
      await expect(box.getAttribute("aria-invalid")).resolves.toBe("true");
      await expect(box.getAttribute("aria-describedby")).resolves.toBe("form-error");
      if (js) {
        // flow.js moves focus to the error so keyboard and screen-reader users land on it.
        await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe("form-error");
      }
      await step(page, js, `${mode}-other-1-survey-error`, "Why are you cancelling?");
      expect((await diagnostics(link.sessionId)).outcome).toBe("pending");

      await page.getByLabel(/Anything else you want to tell us/).fill(feedback);
      await page.getByRole("button", { name: "Continue" }).click();
      await page.getByRole("button", { name: "Cancel my subscription" }).waitFor();
      await step(page, js, `${mode}-other-2-confirm`, "Confirm your cancellation");
      await page.getByRole("button", { name: "Cancel my subscription" }).click();

      const returned = await landOnReturnPage(page, js, link.sessionId);
      const payload = await verifyToken(returned.token);
      expect(payload).toMatchObject({ outcome: "canceled", sid: link.sessionId, sub: userId, reason: "other", feedback, offer: null });
      expect(await diagnostics(link.sessionId)).toMatchObject({ state: "completed", outcome: "canceled", reason: "other", feedback, recoveredMrrCents: 0 });
      assertCleanTraffic(watch, `${mode}-other`);
    }, WALK_TIMEOUT);

    test("a reason with no offer (Switching to another product) goes straight to confirmation", async () => {
      const { context, watch } = await newContext(js);
      const page = await openPage(context);
      const userId = `user_switch_${mode}`;
      const link = await createLink(userId);

      await page.goto(link.url);
      await page.getByRole("radio", { name: "Switching to another product" }).check();
      await page.getByRole("button", { name: "Continue" }).click();
      await page.getByRole("button", { name: "Cancel my subscription" }).waitFor();
      await step(page, js, `${mode}-switch-1-confirm`, "Confirm your cancellation");
      expect(await page.getByText("Stay for 30% less").count()).toBe(0);

      // "Change my answer" goes back to the survey with the answer kept; then on to cancel.
      await page.getByRole("button", { name: "Change my answer" }).click();
      await page.getByRole("radio", { name: "Switching to another product" }).waitFor();
      await expect(page.getByRole("radio", { name: "Switching to another product" }).isChecked()).resolves.toBe(true);
      await page.getByRole("button", { name: "Continue" }).click();
      await page.getByRole("button", { name: "Cancel my subscription" }).click();

      const returned = await landOnReturnPage(page, js, link.sessionId);
      expect(await verifyToken(returned.token)).toMatchObject({ outcome: "canceled", sid: link.sessionId, sub: userId, reason: "switching to another product", offer: null });
      expect(await diagnostics(link.sessionId)).toMatchObject({ state: "completed", outcome: "canceled", recoveredMrrCents: 0 });
      assertCleanTraffic(watch, `${mode}-switch`);
    }, WALK_TIMEOUT);
  });
}

describe("hosted flow, edges", () => {
  test("the off-host guard itself works: a request to another host is aborted and recorded", async () => {
    const { context, watch } = await newContext(true);
    const page = await openPage(context);
    gates.get(context)!.open(); // the customer's page itself, not a return held at a confirmation page
    await page.goto(customer.callbackUrl);
    const failed = await page.evaluate(() => fetch("https://cdn.example.com/x.js").then(() => false, () => true));
    expect(failed).toBe(true);
    expect(watch.blocked).toEqual(["https://cdn.example.com/x.js"]);
    expect(watch.offHost()).toContain("https://cdn.example.com/x.js");
  }, WALK_TIMEOUT);

  test("keyboard only: Tab to a reason, Space to choose, Enter to continue", async () => {
    const { context, watch } = await newContext(true);
    const page = await openPage(context);
    const link = await createLink("user_keyboard");
    await page.goto(link.url);
    // The first focusable thing is the first reason (nothing hidden or out of order before it).
    await page.keyboard.press("Tab");
    await expect(page.evaluate(() => (document.activeElement as HTMLInputElement).value)).resolves.toBe("too expensive");
    await page.keyboard.press("Space");
    await page.keyboard.press("Tab"); // radios are one tab stop: next is the textarea
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe("feedback");
    await page.keyboard.press("Tab");
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe("Continue");
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Accept 30% off" }).waitFor();
    // Focus ring visible on a button (the CSS draws a 3px outline on :focus-visible).
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineWidth);
    expect(outline).toBe("3px");
    await screenshot(page, "js-keyboard-focus-on-offer");
    assertCleanTraffic(watch, "keyboard");
  }, WALK_TIMEOUT);

  test("a POST without the CSRF token is refused (403) and changes nothing", async () => {
    const link = await createLink("user_csrf");
    const res = await fetch(link.url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "action=confirm", redirect: "manual" });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("This form has expired");
    expect((await diagnostics(link.sessionId)).outcome).toBe("pending");
  }, WALK_TIMEOUT);

  test("an expired link shows a friendly 410 page", async () => {
    const { context, watch } = await newContext(true);
    const page = await openPage(context);
    const link = await createLink("user_expired");
    hf.setClockOffset(61 * 60_000);
    try {
      const res = await page.goto(link.url);
      expect(res!.status()).toBe(410);
      await step(page, true, "js-expired-410", "This link has expired");
      await expect(page.getByText("Acme Analytics").first().isVisible()).resolves.toBe(true);
      expect(await diagnostics(link.sessionId)).toMatchObject({ state: "expired", outcome: "pending" });
    } finally {
      hf.setClockOffset(0);
    }
    assertCleanTraffic(watch, "expired");
  }, WALK_TIMEOUT);

  test("an unknown link shows a friendly 404 page", async () => {
    const { context, watch } = await newContext(true);
    const page = await openPage(context);
    const res = await page.goto(`${hf.url}/c/${"x".repeat(40)}`);
    expect(res!.status()).toBe(404);
    await step(page, true, "js-unknown-404", "This link does not work");
    assertCleanTraffic(watch, "404");
  }, WALK_TIMEOUT);

  test("JavaScript off: the expired and 404 pages render and stay axe-clean", async () => {
    const { context, watch } = await newContext(false);
    const page = await openPage(context);
    const link = await createLink("user_expired_nojs");
    hf.setClockOffset(61 * 60_000);
    try {
      expect((await page.goto(link.url))!.status()).toBe(410);
      await step(page, false, "nojs-expired-410", "This link has expired");
    } finally {
      hf.setClockOffset(0);
    }
    expect((await page.goto(`${hf.url}/c/${"y".repeat(40)}`))!.status()).toBe(404);
    await step(page, false, "nojs-unknown-404", "This link does not work");
    assertCleanTraffic(watch, "nojs-expired-404");
    assertCleanTraffic(mirror.watch, "axe mirror");
  }, WALK_TIMEOUT);
});
