// Browser-test harness: a real Holdfast server on loopback, a tiny "customer app" return page,
// Chromium through playwright-core, axe-core, and guards for off-host requests and console errors.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core";
import { loadConfig, type Config } from "../../src/config.ts";
import { openApp, type Deps } from "../../src/boot.ts";

export const SHOTS_DIR = "/tmp/holdfast-shots";
export const PHONE = { width: 390, height: 844 };

// ---------------------------------------------------------------------------------------------
// Holdfast, in process, on a free loopback port
// ---------------------------------------------------------------------------------------------

export interface Holdfast {
  url: string;
  port: number;
  config: Readonly<Config>;
  deps: Deps;
  /** Moves "now" for the server (link expiry, token times); 0 is real time. */
  setClockOffset(ms: number): void;
  api(method: string, pathname: string, opts?: { key?: string; body?: unknown }): Promise<{ status: number; json: any; headers: Headers }>;
  stop(): Promise<void>;
}

export async function startHoldfast(overrides: Partial<Config> = {}): Promise<Holdfast> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "holdfast-browser-"));
  // Bind first (port 0: the OS picks a free port, no race), then build the config around the real port.
  let handle: (request: Request, socket: Bun.Server<undefined>) => Response | Promise<Response> = () => new Response("starting", { status: 503 });
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", maxRequestBodySize: 256 * 1024, fetch: (request, socket) => handle(request, socket) });
  const port = server.port!;
  const url = `http://127.0.0.1:${port}`;
  // As behind one reverse proxy: every browser context sends its own X-Forwarded-For (phoneContext), so the per-IP
  // limits (login, hosted pages, result checks) see one visitor per context, as in production, and no test file
  // needs its limits raised because its contexts share 127.0.0.1.
  const config = { ...loadConfig({ HOLDFAST_DATA_DIR: dataDir, PORT: String(port), HOLDFAST_PUBLIC_URL: url, LOG_LEVEL: "silent" }), trustProxyHops: 1, ...overrides };
  let offset = 0;
  const clock = { now: () => Date.now() + offset };
  const booted = await openApp({ config, clock });
  // Build the app and read the assets before any test's clock starts, as the server does before it listens
  // (without compressing the API viewer, which only the swagger test asks for).
  await booted.warm({ compress: false });
  const { deps } = booted;
  handle = (request, socket) => booted.fetch(request, socket);

  return {
    url,
    port,
    config,
    deps,
    setClockOffset(ms) {
      offset = ms;
    },
    async api(method, pathname, opts = {}) {
      const headers: Record<string, string> = {};
      if (opts.key) headers.authorization = `Bearer ${opts.key}`;
      if (opts.body !== undefined) headers["content-type"] = "application/json";
      const res = await fetch(`${url}${pathname}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
      const text = await res.text();
      let json: any = null;
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
      return { status: res.status, json, headers: res.headers };
    },
    async stop() {
      await server.stop(true);
      await booted.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface SeededWorkspace {
  id: string;
  liveKey: string;
  displayName: string;
}

export async function seedWorkspace(hf: Holdfast, returnUrl: string, opts: { displayName?: string; accentColor?: string } = {}): Promise<SeededWorkspace> {
  const displayName = opts.displayName ?? "Acme Analytics";
  const { workspace } = await hf.deps.workspaceService.create({
    name: "acme",
    plan: "advanced",
    defaultReturnUrl: returnUrl,
    displayName,
    accentColor: opts.accentColor ?? "#0f766e",
  });
  const live = await hf.deps.keyService.create(workspace.id, "read_write", "live");
  return { id: workspace.id, liveKey: live.secret, displayName };
}

// ---------------------------------------------------------------------------------------------
// The customer's app: the return page an integrator would write (no inline script)
// ---------------------------------------------------------------------------------------------

const CALLBACK_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Billing · callback</title><style>body{font:16px/1.5 system-ui,sans-serif;margin:16px}output{overflow-wrap:anywhere}</style>
<script src="/callback.js" defer></script></head>
<body><h1>Back in the customer app</h1>
<p>Session: <output id="session"></output></p>
<p>Token: <output id="token"></output></p>
</body></html>`;

// What the integration guide tells integrators to do: token from the fragment, session from the query.
const CALLBACK_JS = `document.addEventListener("DOMContentLoaded", function () {
  var token = new URLSearchParams(window.location.hash.replace(/^#/, "")).get("ci_result_token");
  var session = new URLSearchParams(window.location.search).get("rb_session");
  document.getElementById("token").textContent = token || "missing";
  document.getElementById("session").textContent = session || "missing";
});`;

export interface ReturnApp {
  url: string;
  callbackUrl: string;
  stop(): Promise<void>;
}

export function startReturnApp(): ReturnApp {
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(request) {
      const { pathname } = new URL(request.url);
      if (pathname === "/billing/cancel/callback") return new Response(CALLBACK_HTML, { headers: { "content-type": "text/html; charset=utf-8" } });
      if (pathname === "/callback.js") return new Response(CALLBACK_JS, { headers: { "content-type": "text/javascript; charset=utf-8" } });
      if (pathname === "/favicon.ico") return new Response(null, { status: 204 });
      return new Response("not found", { status: 404 });
    },
  });
  const url = `http://127.0.0.1:${server.port}`;
  return { url, callbackUrl: `${url}/billing/cancel/callback`, stop: () => server.stop(true) };
}

// ---------------------------------------------------------------------------------------------
// A mirror for axe on JS-off pages: axe needs timers, which a JS-off page never runs, so the page's HTML
// is served again from here (same paths, everything else proxied to Holdfast) and checked in a JS-on tab.
// ---------------------------------------------------------------------------------------------

export interface Mirror {
  url: string;
  /** Serves this HTML once at /__mirror/<n> and returns its URL. */
  publish(html: string): string;
  stop(): Promise<void>;
}

export function startMirror(targetUrl: string): Mirror {
  const pages = new Map<string, string>();
  let n = 0;
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const url = new URL(request.url);
      const html = pages.get(url.pathname);
      if (html !== undefined) return new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } });
      const upstream = await fetch(`${targetUrl}${url.pathname}${url.search}`);
      return new Response(upstream.body, { status: upstream.status, headers: { "content-type": upstream.headers.get("content-type") ?? "application/octet-stream" } });
    },
  });
  const url = `http://127.0.0.1:${server.port}`;
  return {
    url,
    publish(html) {
      const pathname = `/__mirror/${++n}`;
      pages.set(pathname, html);
      return `${url}${pathname}`;
    },
    stop: () => server.stop(true),
  };
}

// ---------------------------------------------------------------------------------------------
// Chromium
// ---------------------------------------------------------------------------------------------

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** Everything a context did that a test must check: every request URL and every console error. */
export interface Watch {
  /** Every request a watched page sent (from the DevTools protocol's Network domain). */
  requests: string[];
  /** Requests to any other host, which the context aborted before they left the machine. */
  blocked: string[];
  consoleErrors: string[];
  pageErrors: string[];
  offHost(): string[];
  cspViolations(): string[];
}

/** Any URL that is not on loopback (data:, blob: and about: never touch the network). */
export const OFF_HOST = /^(?!(?:https?|wss?):\/\/(?:127\.0\.0\.1|localhost)(?::\d+)?\/|data:|blob:|about:)/;

export function isOffHost(url: string): boolean {
  return OFF_HOST.test(url);
}

/**
 * A phone-sized context that aborts and records every request to another host, and records console
 * and page errors. Requests are logged per page through a CDP session (see openPage) rather than with
 * context.on("request"): with that listener, playwright-core 1.65 + Debian Chromium 156 sometimes gets a
 * favicon's response before its request ("Cannot find parent object request@…") and the connection breaks.
 * The off-host route is a RegExp, matched inside Playwright's server, so loopback requests never create
 * client-side objects at all.
 */
export async function phoneContext(browser: Browser, opts: BrowserContextOptions = {}): Promise<{ context: BrowserContext; watch: Watch }> {
  const context = await browser.newContext({
    viewport: PHONE,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    ...opts,
    // Each context is its own visitor with its own address (see startHoldfast), so per-IP limits count per context.
    extraHTTPHeaders: { "x-forwarded-for": nextClientAddress(), ...opts.extraHTTPHeaders },
  });
  const watch: Watch = {
    requests: [],
    blocked: [],
    consoleErrors: [],
    pageErrors: [],
    offHost() {
      return [...this.blocked, ...this.requests.filter(isOffHost)];
    },
    cspViolations() {
      return this.consoleErrors.filter((m) => /content security policy|refused to/i.test(m));
    },
  };
  (context as any)[WATCH] = watch;
  await context.route(OFF_HOST, (route) => {
    watch.blocked.push(route.request().url());
    return route.abort("blockedbyclient");
  });
  context.on("console", (message) => {
    if (message.type() === "error") watch.consoleErrors.push(message.text());
  });
  context.on("weberror", (error) => watch.pageErrors.push(String(error.error())));
  return { context, watch };
}

const WATCH = Symbol("watch");

let clientCount = 0;
/** A fresh address from TEST-NET-2 (198.51.100.0/24, then 198.51.101.0/24 …) for each browser context. */
function nextClientAddress(): string {
  clientCount++;
  return `198.51.${100 + Math.floor(clientCount / 250)}.${(clientCount % 250) + 1}`;
}

/** A new page whose every request is logged into its context's Watch. */
export async function openPage(context: BrowserContext): Promise<Page> {
  const watch: Watch = (context as any)[WATCH];
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  cdp.on("Network.requestWillBeSent", (event: any) => watch.requests.push(event.request.url));
  await cdp.send("Network.enable");
  return page;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS_DIR, { recursive: true });
  const file = path.join(SHOTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// ---------------------------------------------------------------------------------------------
// axe-core
// ---------------------------------------------------------------------------------------------

const AXE_SOURCE = readFileSync(path.join(import.meta.dir, "../../node_modules/axe-core/axe.min.js"), "utf8");

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** All axe results the run collected, by step, for the report at the end. */
export const axeLog: { step: string; violations: AxeViolation[]; allowed?: string[] }[] = [];

/**
 * The hosted confirmation page returns to the customer after 5 seconds by `<meta http-equiv="refresh">`, as
 * the product contract asks; axe's meta-refresh rule (WCAG 2.2.1) flags any timed refresh. The page says it
 * will return, offers the button, and a "Stay on this page" link turns the timed return off.
 */
export const TIMED_RETURN = { rule: "meta-refresh", why: "the contract's 5-second return; the page announces it and a Stay link turns it off" };

/**
 * Runs axe-core on the page as it is. The pages' CSP forbids inline script, so axe cannot be
 * added with a <script> tag; it is evaluated through the DevTools protocol instead (page.evaluate),
 * which CSP does not govern — the page's own policy stays in force for the test.
 */
export async function runAxe(page: Page, step: string, opts: { allow?: { rule: string; why: string }[] } = {}): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const found: AxeViolation[] = await page.evaluate(async () => {
    const axe = (window as any).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v: any) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n: any) => n.target.join(" ")) }));
  });
  // A rule a test allows for a stated reason is still printed in the summary, never silently dropped.
  const allowed = found.filter((v) => opts.allow?.some((a) => a.rule === v.id));
  const violations = found.filter((v) => !allowed.includes(v));
  axeLog.push({ step, violations, allowed: allowed.map((v) => `${v.id} (${opts.allow!.find((a) => a.rule === v.id)!.why})`) });
  return violations;
}

export function formatViolations(violations: AxeViolation[]): string {
  return violations.map((v) => `[${v.impact}] ${v.id}: ${v.help} — ${v.targets.join(", ")}`).join("\n");
}

export function printAxeSummary(label: string): void {
  const lines = axeLog.map(
    ({ step, violations, allowed }) =>
      `  ${step}: ${violations.length === 0 ? "clean" : formatViolations(violations)}${allowed?.length ? ` (allowed: ${allowed.join("; ")})` : ""}`,
  );
  console.log(`axe-core results (${label}):\n${lines.join("\n")}`);
  axeLog.length = 0;
}

// ---------------------------------------------------------------------------------------------
// Reading the result on the customer's return page
// ---------------------------------------------------------------------------------------------

export interface ReturnedResult {
  token: string;
  session: string;
}

/** The result as the integrator's callback page sees it (its own JS, or the raw URL when JS is off). */
export async function readReturn(page: Page, jsEnabled: boolean): Promise<ReturnedResult> {
  if (jsEnabled) {
    await page.locator("#token").filter({ hasText: /\S/ }).waitFor();
    return { token: (await page.locator("#token").textContent())!.trim(), session: (await page.locator("#session").textContent())!.trim() };
  }
  const url = new URL(page.url());
  return {
    token: new URLSearchParams(url.hash.replace(/^#/, "")).get("ci_result_token") ?? "missing",
    session: url.searchParams.get("rb_session") ?? "missing",
  };
}

/**
 * The stage every hosted-page browser test starts from: Holdfast, the customer's return app, a branded
 * workspace and one Chromium. `context()` makes a tracked phone context; `stop()` prints the axe summary and
 * closes everything, contexts first.
 */
export interface HostedStage {
  hf: Holdfast;
  customer: ReturnApp;
  ws: SeededWorkspace;
  browser: Browser;
  context(opts?: BrowserContextOptions): Promise<{ context: BrowserContext; watch: Watch }>;
  stop(): Promise<void>;
}

export async function startHostedStage(summaryLabel: string): Promise<HostedStage> {
  const hf = await startHoldfast();
  const customer = startReturnApp();
  const ws = await seedWorkspace(hf, customer.callbackUrl, { displayName: "Acme Analytics", accentColor: "#0f766e" });
  const browser = await launchChromium();
  const contexts: BrowserContext[] = [];
  return {
    hf,
    customer,
    ws,
    browser,
    async context(opts = {}) {
      const made = await phoneContext(browser, opts);
      contexts.push(made.context);
      return made;
    },
    async stop() {
      printAxeSummary(summaryLabel);
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close();
      await customer.stop();
      await hf.stop();
    },
  };
}
