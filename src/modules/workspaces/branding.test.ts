// Branding input (issue 7): a logo URL is https://host/… or a path on this server, nothing else; frame_ancestors
// values are origins only, checked before they can reach a Content-Security-Policy header.
import { beforeEach, describe, expect, test } from "bun:test";
import { makeTestApp, seedWorkspace, type SeededWorkspace, type TestApp } from "../../../tests/helpers.ts";
import { AppError } from "../../lib/app-error.ts";

let t: TestApp;
let ws: SeededWorkspace;
beforeEach(async () => {
  t = await makeTestApp();
  ws = await seedWorkspace(t);
});

/** The 400 a refused update gives; the message names the field and never echoes the value. */
async function refused(input: Record<string, unknown>, field: string, value: string) {
  const error = await t.deps.workspaceService.update(ws.id, input).then(() => null, (e) => e);
  expect({ value, refused: error instanceof AppError && error.status === 400 }).toEqual({ value, refused: true });
  expect((error as AppError).message).toContain(field);
  expect((error as AppError).message).not.toContain(value);
}

async function csp(): Promise<string> {
  const res = await t.request("POST", "/api/v1/cancel-link", { key: ws.liveKey, body: { userId: "u" } });
  const page = await t.request("GET", new URL((await res.json()).url).pathname);
  return page.headers.get("content-security-policy")!;
}

describe("logo URL", () => {
  test.each(["https://cdn.example.com/logo.svg", "https://cdn.example.com:8443/brand/logo.png?v=2", "/assets/logo.svg"])("accepts %p", async (logoUrl) => {
    expect((await t.deps.workspaceService.update(ws.id, { logoUrl })).logoUrl).toBe(logoUrl);
  });

  test.each([
    "//evil.example/logo.png", // protocol-relative: another host
    "/\\evil.example/logo.png", // a browser reads /\ as //
    "\\\\evil.example/logo.png",
    "javascript:alert(1)",
    "data:image/svg+xml,<svg onload=alert(1)>",
    "http://cdn.example.com/logo.png", // not https
    "https://user:secret@cdn.example.com/logo.png",
    "logo.png",
    "/assets/logo.svg\" onerror=\"alert(1)",
    " https://cdn.example.com/logo.svg",
  ])("refuses %p", async (logoUrl) => {
    await refused({ logoUrl }, "logoUrl", logoUrl);
  });
});

describe("frame_ancestors", () => {
  test("origins only are accepted, and reach the header as given", async () => {
    await t.deps.workspaceService.update(ws.id, { frameAncestors: ["https://app.example.com", "https://admin.example.com:8443"] });
    expect((await csp()).split("; ")).toContain("frame-ancestors https://app.example.com https://admin.example.com:8443");
  });

  test.each([
    "https://app.example.com; script-src *", // a second directive
    "https://app.example.com https://evil.example", // a second source
    "https://app.example.com;",
    "https://app.example.com/path",
    "https://app.example.com/",
    "*",
    "'self'",
    "https://*.example.com",
    "javascript:alert(1)",
    "https://app.example.com\nx",
    "frames.customer.test",
  ])("refuses %p, and the header stays as it was", async (origin) => {
    const before = await csp();
    await refused({ frameAncestors: [origin] }, "frameAncestors", origin);
    const after = await csp();
    expect(after.replace(/'sha256-[^']+'/g, "")).toBe(before.replace(/'sha256-[^']+'/g, ""));
    expect(after).toContain("frame-ancestors 'none'");
  });
});
