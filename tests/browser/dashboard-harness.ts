// Shared steps for the dashboard browser tests: desktop/phone contexts, sign-in, and a page check that runs
// axe-core at 390 px and 1280 px, screenshots both, and asserts the strict headers.
import { expect } from "bun:test";
import type { Browser, BrowserContext, Page, Response } from "playwright-core";
import { formatViolations, openPage, phoneContext, runAxe, screenshot, type Holdfast, type Mirror, type Watch } from "./harness.ts";

export const DESKTOP = { width: 1280, height: 900 };

export async function dashContext(browser: Browser, js = true): Promise<{ context: BrowserContext; watch: Watch }> {
  // Not a phone device: the same context is resized between 390 px and 1280 px for each check.
  return phoneContext(browser, { javaScriptEnabled: js, isMobile: false, hasTouch: false, deviceScaleFactor: 1, viewport: DESKTOP });
}

export function expectDashboardHeaders(response: Response | null): void {
  const h = response!.headers();
  expect(h["content-security-policy"]).toContain("script-src 'self'");
  expect(h["content-security-policy"]).not.toContain("unsafe-inline");
  expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(h["referrer-policy"]).toBe("same-origin");
  expect(h["cache-control"]).toBe("no-store");
}

/**
 * axe-core with 0 violations at phone and desktop widths, with a screenshot of each (in /tmp, out of the
 * repo). A JS-off page is checked through the mirror (axe needs timers, which a JS-off page never runs).
 */
export async function checkPage(page: Page, name: string, opts: { js?: boolean; mirror?: { server: Mirror; tab: () => Promise<Page> } } = {}): Promise<void> {
  const js = opts.js ?? true;
  for (const size of [{ width: 390, height: 844 }, DESKTOP]) {
    await page.setViewportSize(size);
    let target = page;
    if (!js && opts.mirror) {
      target = await opts.mirror.tab();
      await target.setViewportSize(size);
      await target.goto(opts.mirror.server.publish(await page.content()));
    }
    const violations = await runAxe(target, `${name}@${size.width}`);
    await screenshot(page, `dashboard-${name}-${size.width}`);
    if (violations.length) throw new Error(`axe violations on ${name} at ${size.width}px:\n${formatViolations(violations)}`);
  }
}

export async function signIn(page: Page, hf: Holdfast, email: string, password: string): Promise<void> {
  await page.goto(`${hf.url}/dashboard/login`);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${hf.url}/dashboard`);
}

export async function member(hf: Holdfast, workspaceId: string, role: "owner" | "admin" | "viewer", email: string, password = "browser test passphrase") {
  const user = await hf.deps.userService.create(email, password);
  await hf.deps.userService.addMembership(user.id, workspaceId, role);
  return { email, password, userId: user.id };
}

export function assertClean(watch: Watch, label: string): void {
  expect(watch.requests.some((u) => u.endsWith("/assets/dashboard.css")), `${label}: request log is empty`).toBe(true);
  expect(watch.offHost(), `${label}: requests that left loopback`).toEqual([]);
  expect(watch.cspViolations(), `${label}: CSP violations`).toEqual([]);
  expect(watch.pageErrors, `${label}: page errors`).toEqual([]);
}

export { openPage };

/** Fresh dashboard pages, each in its own context, remembered so the test file's afterAll can close them all. */
export class DashboardPages {
  private readonly contexts: BrowserContext[] = [];
  constructor(private readonly browser: () => Browser) {}

  async fresh(js = true): Promise<{ context: BrowserContext; watch: Watch; page: Page }> {
    const made = await dashContext(this.browser(), js);
    this.contexts.push(made.context);
    return { ...made, page: await openPage(made.context) };
  }

  async closeAll(): Promise<void> {
    for (const c of this.contexts) await c.close().catch(() => {});
  }
}
