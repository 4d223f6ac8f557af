// Shared test helpers: a fresh app on a fresh database with the real migrations, seeding, and HTTP scenarios.
import { expect } from "bun:test";
import { openApp, type BootOptions, type Booted, type Deps } from "../src/boot.ts";
import type { App } from "../src/app.ts";
import { testConfig, type Config } from "../src/config.ts";
import { createFixedClock } from "../src/lib/clock.ts";
import type { Plan } from "../src/modules/workspaces/workspaces.schemas.ts";

export const BASE = "http://localhost:3000";

export interface TestApp {
  app: App;
  deps: Deps;
  booted: Booted;
  clock: ReturnType<typeof createFixedClock>;
  /** A request through the app as the server would see it; `ip` is the socket's peer address (127.0.0.1 unless given). */
  request(method: string, path: string, opts?: { key?: string; body?: unknown; headers?: Record<string, string>; raw?: BodyInit; ip?: string }): Promise<Response>;
}

export async function makeTestApp(overrides: Partial<Config> = {}, dbPath = ":memory:", opts: Omit<BootOptions, "config" | "clock"> = {}): Promise<TestApp> {
  const config = testConfig({ publicUrl: BASE, cancelUrl: BASE, dbPath, ...overrides });
  const clock = createFixedClock();
  const booted = await openApp({ ...opts, config, clock });
  const { app, deps } = booted;
  return {
    app,
    deps,
    booted,
    clock,
    request(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.key) headers.authorization = `Bearer ${opts.key}`;
      let body: BodyInit | undefined = opts.raw;
      if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers["content-type"] ??= "application/json";
      }
      const ip = opts.ip ?? "127.0.0.1";
      return booted.fetch(new Request(`${BASE}${path}`, { method, headers, body }), { requestIP: () => ({ address: ip }) });
    },
  };
}

export interface SeededWorkspace {
  id: string;
  liveKey: string;
  testKey: string;
  readKey: string;
  signingSecret: string;
  defaultFlowId: string;
}

export async function seedWorkspace(
  t: TestApp,
  opts: { name?: string; plan?: Plan; defaultReturnUrl?: string | null; allowedReturnUrls?: string[] } = {},
): Promise<SeededWorkspace> {
  const { workspaceService, keyService, flowService } = t.deps;
  const { workspace, signingSecret } = await workspaceService.create({
    name: opts.name ?? "Acme",
    plan: opts.plan ?? "advanced",
    defaultReturnUrl: opts.defaultReturnUrl === undefined ? "https://app.example.com/billing/cancel/callback" : opts.defaultReturnUrl,
    allowedReturnUrls: opts.allowedReturnUrls ?? ["https://app.example.com/billing/"],
  });
  const live = await keyService.create(workspace.id, "read_write", "live");
  const test = await keyService.create(workspace.id, "read_write", "test");
  const read = await keyService.create(workspace.id, "read", "live");
  const flow = await flowService.getDefault(workspace.id);
  return {
    id: workspace.id,
    liveKey: live.secret,
    testKey: test.secret,
    readKey: read.secret,
    signingSecret: signingSecret.secret,
    defaultFlowId: flow!.id,
  };
}

export interface Scenario {
  name: string;
  method: string;
  url: string;
  key?: string;
  headers?: Record<string, string>;
  body?: unknown;
  raw?: BodyInit;
  expectStatus: number;
  expectBody?: unknown;
  /** A substring the error message must contain (e.g. the field name). */
  expectError?: string;
}

/** Runs one table-driven HTTP scenario and asserts its status and body. */
export async function runScenario(t: TestApp, s: Scenario): Promise<Response> {
  const res = await t.request(s.method, s.url, { key: s.key, body: s.body, headers: s.headers, raw: s.raw });
  const text = await res.text();
  if (res.status !== s.expectStatus) throw new Error(`${s.name}: expected ${s.expectStatus}, got ${res.status}: ${text}`);
  expect(res.headers.get("x-request-id")).toBeTruthy();
  if (s.expectBody !== undefined) expect(JSON.parse(text)).toEqual(s.expectBody);
  if (s.expectError !== undefined) {
    const json = JSON.parse(text);
    expect(Object.keys(json)).toEqual(["error"]);
    expect(json.error).toContain(s.expectError);
  }
  return new Response(text, { status: res.status, headers: res.headers });
}
