// The OpenAPI viewer at /swagger renders entirely from the binary: every request to another host is
// aborted (and recorded), and the page must still show the API and its operations without trying any.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser, BrowserContext } from "playwright-core";
import { OFF_HOST, launchChromium, openPage, phoneContext, screenshot, startHoldfast, type Holdfast } from "./harness.ts";

let hf: Holdfast;
let browser: Browser;
let context: BrowserContext | undefined;

beforeAll(async () => {
  hf = await startHoldfast();
  browser = await launchChromium();
}, 30_000);

afterAll(async () => {
  await context?.close().catch(() => {});
  await browser?.close();
  await hf?.stop();
}, 30_000);

test("/swagger renders the Holdfast API and its operations with no request to another host", async () => {
  const made = await phoneContext(browser, { viewport: { width: 1280, height: 900 }, isMobile: false, hasTouch: false, deviceScaleFactor: 1 });
  context = made.context;
  const { watch } = made;
  const page = await openPage(context);
  // Abort anything not on loopback, on the page itself too (the context already does; this names the attempt).
  const attempted: string[] = [];
  await page.route(OFF_HOST, (route) => {
    attempted.push(route.request().url());
    return route.abort("blockedbyclient");
  });

  const res = await page.goto(`${hf.url}/swagger`);
  expect(res!.status()).toBe(200);
  expect(res!.headers()["content-security-policy"]).toContain("script-src 'self'");

  await page.getByRole("heading", { name: "Holdfast API" }).first().waitFor({ timeout: 30_000 });
  await page.getByText("Create a hosted cancel link").first().waitFor({ timeout: 30_000 });
  // The operation's path is there too, once its section is rendered.
  await page.getByText("Create a hosted cancel link").first().click();
  await page.getByText(/\/api\/v1\/cancel-link/).first().waitFor({ timeout: 30_000 });
  await page.waitForLoadState("networkidle");
  await screenshot(page, "swagger");

  // The log is live: the viewer script and the document were fetched from this server.
  expect(watch.requests).toContain(`${hf.url}/swagger/scalar.js`);
  expect(watch.requests).toContain(`${hf.url}/swagger/json`);
  // Everything that would have reached (or tried to reach) another host, in one diff. A fetch the page's
  // CSP (connect-src 'self') stops never reaches the network layer, so it shows up only as a CSP violation.
  expect({
    attemptedOffHost: attempted,
    blockedByContext: watch.blocked,
    offHostInRequestLog: watch.offHost(),
    cspViolations: watch.cspViolations(),
    pageErrors: watch.pageErrors,
  }).toEqual({ attemptedOffHost: [], blockedByContext: [], offHostInRequestLog: [], cspViolations: [], pageErrors: [] });
}, 90_000);
