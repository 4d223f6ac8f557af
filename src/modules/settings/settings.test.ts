// Settings, logo, secret rotation, members and the docs page through app.handle.
import { describe, expect, test } from "bun:test";
import { jwtVerify } from "jose";
import { makeTestApp, seedWorkspace } from "../../../tests/helpers.ts";
import { DashboardClient, csrfOf, secretOf, signedIn } from "../../../tests/dashboard-client.ts";

const PNG_1PX: Uint8Array<ArrayBuffer> = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="), (c) => c.charCodeAt(0));

function settingsForm(overrides: Record<string, string> = {}) {
  return {
    name: "Acme",
    displayName: "Acme Analytics",
    accentColor: "#0f766e",
    defaultReturnUrl: "https://app.example.com/billing/back",
    allowedReturnUrls: "https://app.example.com/billing/\nhttps://admin.example.com/",
    linkTtlMinutes: "90",
    ...overrides,
  };
}

async function upload(c: DashboardClient, bytes: Uint8Array<ArrayBuffer>, name: string, type: string) {
  const token = csrfOf((await c.get("/dashboard/settings")).html);
  const form = new FormData();
  form.set("_csrf", token);
  form.set("logo", new File([bytes], name, { type }));
  return c.postMultipart("/dashboard/settings/logo", form);
}

describe("settings", () => {
  test("saving changes the workspace; a new hosted page shows the name and colour", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const c = await signedIn(t, ws.id, "admin");
    const res = await c.submit("/dashboard/settings", "/dashboard/settings", settingsForm());
    expect(res.status).toBe(303);
    const saved = await t.deps.workspaceService.get(ws.id);
    expect(saved).toMatchObject({ displayName: "Acme Analytics", accentColor: "#0f766e", defaultReturnUrl: "https://app.example.com/billing/back", allowedReturnUrls: ["https://app.example.com/billing/", "https://admin.example.com/"], linkTtlMinutes: 90 });
    expect((await c.get("/dashboard/settings")).html).toContain("Settings saved");
    const link = await t.request("POST", "/api/v1/cancel-link", { key: ws.liveKey, body: { userId: "u1" } });
    const { url, expiresAt } = (await link.json()) as { url: string; expiresAt: string };
    expect(Date.parse(expiresAt) - t.clock.now()).toBe(90 * 60_000);
    const hosted = await (await t.app.handle(new Request(url))).text();
    expect(hosted).toContain("Acme Analytics");
    expect(hosted).toContain("--accent:#0f766e");
  });

  test("every invalid field gets its own message next to it, with the API's rules, and nothing is saved", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const c = await signedIn(t, ws.id, "owner");
    const before = await t.deps.workspaceService.get(ws.id);
    const res = await c.submit("/dashboard/settings", "/dashboard/settings", settingsForm({ name: "", accentColor: "teal", defaultReturnUrl: "http://app.example.com/x", allowedReturnUrls: "https://ok.example.com/\njavascript:alert(1)", linkTtlMinutes: "0" }));
    expect(res.status).toBe(400);
    for (const f of ["name", "accentColor", "defaultReturnUrl", "allowedReturnUrls", "linkTtlMinutes"]) expect(res.html).toContain(`id="f-${f}-error"`);
    expect(res.html).not.toContain('id="f-displayName-error"');
    expect(res.html).toContain("Must be an https URL (http only for localhost)");
    expect(res.html).toContain("javascript:alert(1)</textarea>"); // the operator's own input comes back, escaped in a textarea
    expect(await t.deps.workspaceService.get(ws.id)).toEqual(before);
  });

  test("a viewer reads the settings but cannot change them", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const viewer = await signedIn(t, ws.id, "viewer");
    const page = await viewer.get("/dashboard/settings");
    expect(page.status).toBe(200);
    expect(page.html).toContain("<fieldset class=\"stack\" disabled>");
    const res = await viewer.post("/dashboard/settings", { _csrf: csrfOf(page.html), ...settingsForm({ displayName: "Hacked" }) });
    expect(res.status).toBe(403);
    expect((await t.deps.workspaceService.get(ws.id))!.displayName).not.toBe("Hacked");
    expect((await viewer.post("/dashboard/settings/rotate-secret", { _csrf: csrfOf(page.html), confirmed: "1" })).status).toBe(403);
  });

  test("logo: a PNG is stored and served by this server; the hosted page points at it", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const c = await signedIn(t, ws.id, "admin");
    const res = await upload(c, PNG_1PX, "logo.png", "image/png");
    expect(res.status).toBe(303);
    const logoUrl = (await t.deps.workspaceService.get(ws.id))!.logoUrl!;
    expect(logoUrl).toMatch(new RegExp(`^/logos/${ws.id}\\?v=[0-9a-f]{16}$`));
    const served = await t.app.handle(new Request(`http://localhost:3000${logoUrl}`));
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(PNG_1PX);
    const link = await t.request("POST", "/api/v1/cancel-link", { key: ws.liveKey, body: { userId: "u1" } });
    const hosted = await (await t.app.handle(new Request(((await link.json()) as { url: string }).url))).text();
    expect(hosted).toContain(`src="${logoUrl.replace("&", "&amp;")}"`);
    // Removing it goes back to the letter mark.
    const removed = await c.submit("/dashboard/settings", "/dashboard/settings/logo/remove", {});
    expect(removed.status).toBe(303);
    expect((await t.deps.workspaceService.get(ws.id))!.logoUrl).toBeNull();
    expect((await t.app.handle(new Request(`http://localhost:3000/logos/${ws.id}`))).status).toBe(404);
  });

  test("logo: an SVG with a script is refused with the reason next to the field; a clean one is served sanitized", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const c = await signedIn(t, ws.id, "admin");
    const evil = new TextEncoder().encode(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`);
    const refused = await upload(c, evil, "logo.svg", "image/svg+xml");
    expect(refused.status).toBe(400);
    expect(refused.html).toMatch(/id="f-logo-error">This SVG is refused \(element &lt;script&gt; is not allowed\)/);
    expect((await t.deps.workspaceService.get(ws.id))!.logoUrl).toBeNull();
    const notImage = await upload(c, new TextEncoder().encode("GIF89a..."), "logo.gif", "image/gif");
    expect(notImage.html).toContain("Use a PNG, JPEG or SVG file");
    const clean = new TextEncoder().encode(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><!-- c --><circle cx="5" cy="5" r="5" fill="#0f766e"/></svg>`);
    expect((await upload(c, clean, "logo.svg", "image/svg+xml")).status).toBe(303);
    const served = await t.app.handle(new Request(`http://localhost:3000/logos/${ws.id}`));
    expect(served.headers.get("content-type")).toBe("image/svg+xml");
    expect(served.headers.get("content-security-policy")).toContain("sandbox");
    expect(await served.text()).toBe('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="5" fill="#0f766e"/></svg>');
  });

  test("signing-secret rotation: confirm first; the previous secret is listed with its 7-day grace", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const c = await signedIn(t, ws.id, "admin");
    const oldKid = (await t.deps.workspaceService.currentSecret(ws.id))!.id;
    const ask = await c.submit("/dashboard/settings", "/dashboard/settings/rotate-secret", {});
    expect(ask.status).toBe(200);
    expect(ask.html).toContain("keeps verifying tokens for 7 days");
    expect((await t.deps.workspaceService.currentSecret(ws.id))!.id).toBe(oldKid);
    const done = await c.post("/dashboard/settings/rotate-secret", { _csrf: csrfOf(ask.html), confirmed: "1" });
    expect(done.status).toBe(303);
    const page = await c.get("/dashboard/settings");
    const until = new Date(t.clock.now() + 7 * 864e5).toISOString();
    expect(page.html).toContain(`<code>${oldKid}</code>`);
    expect(page.html).toContain(`verifies until <time datetime="${until}">`);
    expect(page.html).toContain("Signing secret rotated");
  });
});

describe("members", () => {
  test("only owners manage members; the last owner cannot be demoted; a removed member loses access", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const owner = await signedIn(t, ws.id, "owner");
    const admin = await signedIn(t, ws.id, "admin");
    const adminPage = await admin.get("/dashboard/settings/members");
    expect(adminPage.html).toContain("Only owners can invite");
    expect((await admin.post("/dashboard/settings/members", { _csrf: csrfOf(adminPage.html), email: "x@example.com", role: "owner" })).status).toBe(403);

    const demote = await owner.submit("/dashboard/settings/members", `/dashboard/settings/members/${owner.userId}/role`, { role: "viewer" });
    expect(demote.status).toBe(409);
    expect(demote.html).toContain("at least one owner");

    const bad = await owner.submit("/dashboard/settings/members", "/dashboard/settings/members", { email: "nope", role: "viewer" });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('id="f-email-error"');

    expect((await owner.submit("/dashboard/settings/members", `/dashboard/settings/members/${admin.userId}/remove`, { confirmed: "1" })).status).toBe(303);
    const after = await admin.get("/dashboard");
    expect(after.status).toBe(403);
    expect(after.html).toContain("not a member of any workspace");
  });
});

describe("docs page", () => {
  test("real values; the secret needs the password again; the jose snippet's values verify a real token", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const c = await signedIn(t, ws.id, "admin");
    const page = await c.get("/dashboard/docs");
    expect(page.status).toBe(200);
    expect(page.html).toContain(`<code id="v-workspace">${ws.id}</code>`);
    expect(page.html).toContain('<code id="v-api">http://localhost:3000/api</code>');
    expect(page.html).toContain(`/flow/${ws.id}/${ws.defaultFlowId}`);
    expect(page.html).not.toContain(ws.signingSecret);

    const wrong = await c.post("/dashboard/docs/reveal", { _csrf: csrfOf(page.html), password: "not mine" });
    expect(wrong.status).toBe(400);
    expect(wrong.html).toContain('id="f-password-error"');
    expect(wrong.html).not.toContain(ws.signingSecret);
    const shown = await c.post("/dashboard/docs/reveal", { _csrf: csrfOf(page.html), password: c.password });
    expect(shown.status).toBe(200);
    const secret = /<code id="v-secret">([^<]+)<\/code>/.exec(shown.html)![1];
    expect(secret).toBe(ws.signingSecret);
    // The jose snippet as rendered, with its values, verifies a token Holdfast really issued.
    const issuer = /issuer: &quot;([^&]+)&quot;/.exec(shown.html)![1];
    const audience = /audience: &quot;([^&]+)&quot;/.exec(shown.html)![1];
    const { session } = await t.deps.sessionService.start((await t.deps.workspaceService.get(ws.id))!, { source: "api", customerId: "u9", environment: "prod" });
    const done = await t.deps.sessionService.complete(session, "canceled", null);
    const token = await t.deps.resultTokens.sign(done);
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ["HS256"], typ: "holdfast-result+jwt", issuer, audience, currentDate: new Date(t.clock.now()) });
    expect(payload).toMatchObject({ sub: "u9", outcome: "canceled", sid: session.id });
    // Not kept: the next visit hides it again.
    expect((await c.get("/dashboard/docs")).html).not.toContain(ws.signingSecret);
  });

  test("a viewer sees no secret and cannot reveal it; the key picker names the chosen key", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const viewer = await signedIn(t, ws.id, "viewer");
    const key = (await t.deps.keyService.list(ws.id))[0];
    const page = await viewer.get(`/dashboard/docs?key=${key.id}`);
    expect(page.html).toContain("Only owners and admins can reveal it");
    expect(page.html).toContain(`export HOLDFAST_API_KEY=${key.prefix}…`);
    const res = await viewer.post("/dashboard/docs/reveal", { _csrf: csrfOf(page.html), password: viewer.password });
    expect(res.status).toBe(403);
    expect(res.html).not.toContain(ws.signingSecret);
    expect(secretOf(res.html)).toBeNull();
  });
});

describe("logo size", () => {
  test("a 256 KB PNG fits (the logo route's larger body limit); 257 KB is refused by the field, a bigger body 413", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const c = await signedIn(t, ws.id, "admin");
    const png = (size: number) => {
      const bytes = new Uint8Array(size);
      bytes.set(PNG_1PX);
      return bytes;
    };
    expect((await upload(c, png(256 * 1024), "big.png", "image/png")).status).toBe(303);
    const tooBig = await upload(c, png(256 * 1024 + 1024), "bigger.png", "image/png");
    expect(tooBig.status).toBe(400);
    expect(tooBig.html).toContain("The file must be at most 256 KB");
    const way = await upload(c, png(400 * 1024), "huge.png", "image/png");
    expect(way.status).toBe(413);
    // Other dashboard forms keep the default limit.
    const token = csrfOf((await c.get("/dashboard/settings")).html);
    expect((await c.post("/dashboard/settings", { _csrf: token, ...settingsForm({ displayName: "x".repeat(70 * 1024) }) })).status).toBe(413);
  });
});
