// The flow editor's pages through the real app: every form (CSRF, roles, other workspaces' ids, validation beside
// the field with nothing lost), the stateless preview, test sessions, versions, publish and roll back.
import { beforeEach, describe, expect, test } from "bun:test";
import { makeTestApp, seedWorkspace, type SeededWorkspace, type TestApp } from "../../../tests/helpers.ts";
import { csrfOf, signedIn, type DashboardClient } from "../../../tests/dashboard-client.ts";
import { everyKindSteps } from "../../../tests/flow-fixtures.ts";
import { defaultFlowSteps } from "../flows/flows.service.ts";
import { validateFlowSteps, type Step } from "../flows/flows.schemas.ts";

let t: TestApp;
let ws: SeededWorkspace;
let admin: Awaited<ReturnType<typeof signedIn>>;
beforeEach(async () => {
  t = await makeTestApp();
  ws = await seedWorkspace(t);
  admin = await signedIn(t, ws.id, "admin");
});

const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/** The fields a browser would submit for the form with this id (inputs, checked boxes, selected options, textareas). */
export function formFields(page: string, formId: string): Record<string, string> {
  const start = page.indexOf(`id="${formId}"`);
  const end = page.indexOf("</form>", start);
  const form = page.slice(start, end);
  const out: Record<string, string> = {};
  for (const m of form.matchAll(/<input\b([^>]*)>/g)) {
    const attrs = m[1]!;
    const name = /name="([^"]*)"/.exec(attrs)?.[1];
    if (!name) continue;
    const type = /type="([^"]*)"/.exec(attrs)?.[1] ?? "text";
    if (type === "checkbox" && !/\schecked/.test(attrs)) continue;
    out[decode(name)] = decode(/value="([^"]*)"/.exec(attrs)?.[1] ?? "");
  }
  for (const m of form.matchAll(/<textarea\b[^>]*name="([^"]*)"[^>]*>([\s\S]*?)<\/textarea>/g)) out[decode(m[1]!)] = decode(m[2]!);
  for (const m of form.matchAll(/<select\b[^>]*name="([^"]*)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const selected = /<option value="([^"]*)" selected>/.exec(m[2]!) ?? /<option value="([^"]*)"/.exec(m[2]!);
    out[decode(m[1]!)] = decode(selected?.[1] ?? "");
  }
  return out;
}

const editorPath = (id: string) => `/dashboard/flows/${id}`;

async function flow(id: string) {
  return (await t.deps.flowService.get(ws.id, id))!;
}

/** A new, unpublished flow made from the default, through the list's form. */
async function createFlow(c: DashboardClient, name = "Win-back", source = "default"): Promise<string> {
  const res = await c.submit("/dashboard/flows", "/dashboard/flows", { name, source });
  expect(res.status).toBe(303);
  return res.location!.split("/").pop()!;
}

/** Submits the editor as it stands, with these fields changed. */
async function saveEditor(c: DashboardClient, id: string, changes: Record<string, string | null>, op = "save") {
  const page = await c.get(editorPath(id));
  expect(page.status).toBe(200);
  const fields = formFields(page.html, "flow-editor");
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) delete fields[k];
    else fields[k] = v;
  }
  return c.post(editorPath(id), { ...fields, op });
}

const sessionCount = () => (t.deps.db.query("select count(*) as n from sessions where workspace_id = ?").get(ws.id) as { n: number }).n;

describe("the list: create, rename, archive, default", () => {
  test("shows each flow's status, default tag, published version and whether the draft has changes", async () => {
    const id = await createFlow(admin);
    await saveEditor(admin, ws.defaultFlowId, { "survey.label": "Before you go…" });
    const page = await admin.get("/dashboard/flows");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    const rowOf = (flowId: string) => page.html.slice(page.html.indexOf(`href="/dashboard/flows/${flowId}"`), page.html.indexOf("</tr>", page.html.indexOf(`href="/dashboard/flows/${flowId}"`)));
    expect(rowOf(ws.defaultFlowId)).toContain("Default</span>");
    expect(rowOf(ws.defaultFlowId)).toContain('<td data-label="Published">v1</td>');
    expect(rowOf(ws.defaultFlowId)).toContain("Unpublished changes");
    expect(rowOf(id)).toContain("Win-back");
    expect(rowOf(id)).toContain("Not published yet");
    expect(rowOf(id)).toContain('<td data-label="Status">Draft</td>');
  });

  test("create from the default or as a copy of a flow's draft", async () => {
    await saveEditor(admin, ws.defaultFlowId, { "survey.label": "Copied question?" });
    const fromDefault = await createFlow(admin, "Fresh");
    expect((await flow(fromDefault)).draft).toEqual(defaultFlowSteps());
    expect((await flow(fromDefault)).version).toBeNull();
    const copy = await createFlow(admin, "Copy", ws.defaultFlowId);
    expect((await flow(copy)).draft[0]!.label).toBe("Copied question?");
    expect((await admin.get(editorPath(copy))).html).toContain("Copied question?");
  });

  test("create: a missing name is refused beside the field, keeping the choice; nothing is created", async () => {
    const before = (await t.deps.flowService.list(ws.id)).length;
    const res = await admin.submit("/dashboard/flows", "/dashboard/flows", { name: "  ", source: ws.defaultFlowId });
    expect(res.status).toBe(400);
    expect(res.html).toContain('id="f-new-name-error"');
    expect(res.html).toContain(`<option value="${ws.defaultFlowId}" selected>`);
    const other = await admin.submit("/dashboard/flows", "/dashboard/flows", { name: "X", source: crypto.randomUUID() });
    expect(other.status).toBe(400);
    expect(other.html).toContain('id="f-new-source-error"');
    expect((await t.deps.flowService.list(ws.id)).length).toBe(before);
  });

  test("rename; an empty name is refused beside that flow's field", async () => {
    const id = await createFlow(admin);
    const ok = await admin.submit("/dashboard/flows", `/dashboard/flows/${id}/rename`, { name: "Annual plans" });
    expect(ok.status).toBe(303);
    expect((await flow(id)).name).toBe("Annual plans");
    const bad = await admin.submit("/dashboard/flows", `/dashboard/flows/${id}/rename`, { name: "" });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain(`id="f-rename-${id}-error"`);
    expect(bad.html).toMatch(/<details class="rename" open>/);
    expect((await flow(id)).name).toBe("Annual plans");
  });

  test("archive and unarchive; the default flow cannot be archived; only a published flow can be the default", async () => {
    const id = await createFlow(admin);
    expect((await admin.submit("/dashboard/flows", `/dashboard/flows/${id}/default`, {})).status).toBe(303);
    expect((await flow(id)).isDefault).toBe(false); // never published
    expect((await admin.get("/dashboard/flows")).html).toContain("must be published");

    await admin.submit(editorPath(id), `/dashboard/flows/${id}/publish`, {});
    expect((await admin.submit("/dashboard/flows", `/dashboard/flows/${id}/default`, {})).status).toBe(303);
    expect((await flow(id)).isDefault).toBe(true);
    expect((await flow(ws.defaultFlowId)).isDefault).toBe(false);
    expect(await t.deps.flowService.getDefaultId(ws.id)).toBe(id);

    await admin.submit("/dashboard/flows", `/dashboard/flows/${id}/archive`, {});
    expect((await flow(id)).status).toBe("active"); // the default stays
    expect((await admin.get("/dashboard/flows")).html).toContain("cannot be archived");

    await admin.submit("/dashboard/flows", `/dashboard/flows/${ws.defaultFlowId}/archive`, {});
    expect((await flow(ws.defaultFlowId)).status).toBe("archived");
    // An archived flow starts no sessions.
    const link = await t.request("POST", "/api/v1/cancel-link", { key: ws.liveKey, body: { userId: "u1", flowId: ws.defaultFlowId } });
    expect(link.status).toBe(400);
    await admin.submit("/dashboard/flows", `/dashboard/flows/${ws.defaultFlowId}/unarchive`, {});
    expect((await flow(ws.defaultFlowId)).status).toBe("active");
  });
});

describe("roles, CSRF and other workspaces", () => {
  test("a viewer reads every page without forms, and every POST answers 403 and changes nothing", async () => {
    const viewer = await signedIn(t, ws.id, "viewer");
    const list = await viewer.get("/dashboard/flows");
    expect(list.status).toBe(200);
    expect(list.html).not.toContain('action="/dashboard/flows"');
    expect(list.html).not.toContain("/archive");
    const editor = await viewer.get(editorPath(ws.defaultFlowId));
    expect(editor.status).toBe(200);
    expect(editor.html).toContain('<fieldset class="stack" disabled>');
    expect(editor.html).not.toContain("/publish");
    expect(editor.html).not.toContain("/test-session");
    expect((await viewer.get(`/dashboard/flows/${ws.defaultFlowId}/versions`)).html).not.toContain("/rollback");
    const before = await flow(ws.defaultFlowId);
    const csrf = csrfOf(list.html);
    const fields = formFields(editor.html, "flow-editor");
    const posts: [string, Record<string, string>][] = [
      ["/dashboard/flows", { name: "Nope", source: "default" }],
      [`/dashboard/flows/${ws.defaultFlowId}`, { ...fields, "survey.label": "Hacked?", op: "save" }],
      [`/dashboard/flows/${ws.defaultFlowId}/rename`, { name: "Hacked" }],
      [`/dashboard/flows/${ws.defaultFlowId}/archive`, {}],
      [`/dashboard/flows/${ws.defaultFlowId}/default`, {}],
      [`/dashboard/flows/${ws.defaultFlowId}/publish`, {}],
      [`/dashboard/flows/${ws.defaultFlowId}/rollback`, { version: "1", confirmed: "1" }],
      [`/dashboard/flows/${ws.defaultFlowId}/test-session`, {}],
    ];
    for (const [path, body] of posts) expect([path, (await viewer.post(path, { _csrf: csrf, ...body })).status]).toEqual([path, 403]);
    expect(await flow(ws.defaultFlowId)).toEqual(before);
    expect((await t.deps.flowService.list(ws.id)).length).toBe(1);
    expect(sessionCount()).toBe(0);
    // The preview changes nothing, so a viewer may click through it.
    const walked = await viewer.post(`/dashboard/flows/${ws.defaultFlowId}/preview?step=survey&lang=en`, { _csrf: csrf, action: "survey", reason: "too expensive" });
    expect(walked.status).toBe(303);
  });

  test("without the CSRF token (or from another origin) every form answers 403 and nothing changes", async () => {
    const id = await createFlow(admin);
    const editor = await admin.get(editorPath(id));
    const fields = formFields(editor.html, "flow-editor");
    delete fields._csrf;
    const before = await flow(id);
    const posts: [string, Record<string, string>][] = [
      ["/dashboard/flows", { name: "Nope", source: "default" }],
      [editorPath(id), { ...fields, "survey.label": "Forged?", op: "save" }],
      [`${editorPath(id)}/rename`, { name: "Forged" }],
      [`${editorPath(id)}/archive`, {}],
      [`${editorPath(id)}/publish`, {}],
      [`${editorPath(id)}/rollback`, { version: "1", confirmed: "1" }],
      [`${editorPath(id)}/test-session`, {}],
      [`${editorPath(id)}/preview?step=survey`, { action: "survey", reason: "too expensive" }],
    ];
    for (const [path, body] of posts) {
      expect([path, (await admin.post(path, body)).status]).toEqual([path, 403]);
      expect([path, (await admin.post(path, { ...body, _csrf: csrfOf(editor.html) }, { origin: "https://evil.example" })).status]).toEqual([path, 403]);
    }
    expect(await flow(id)).toEqual(before);
    expect((await t.deps.flowService.list(ws.id)).length).toBe(2);
    expect(sessionCount()).toBe(0);
  });

  test("another workspace's flow id answers 404 on every page and form", async () => {
    const other = await seedWorkspace(t, { name: "Other" });
    const theirs = other.defaultFlowId;
    const before = await t.deps.flowService.get(other.id, theirs);
    for (const path of ["", "/versions", "/diff?from=1&to=draft", "/preview"]) expect([path, (await admin.get(`/dashboard/flows/${theirs}${path}`)).status]).toEqual([path, 404]);
    expect((await admin.get("/dashboard/flows/not-a-uuid")).status).toBe(404);
    const csrf = csrfOf((await admin.get("/dashboard/flows")).html);
    for (const path of ["", "/rename", "/archive", "/unarchive", "/default", "/publish", "/rollback", "/test-session", "/preview"])
      expect([path, (await admin.post(`/dashboard/flows/${theirs}${path}`, { _csrf: csrf, name: "Mine", version: "1", confirmed: "1", "survey.present": "1", op: "save" })).status]).toEqual([path, 404]);
    // Nor can a copy be made of it.
    expect((await admin.post("/dashboard/flows", { _csrf: csrf, name: "Stolen", source: theirs })).status).toBe(400);
    expect(await t.deps.flowService.get(other.id, theirs)).toEqual(before);
    expect((await t.deps.flowService.list(ws.id)).length).toBe(1);
  });
});

describe("the draft editor", () => {
  test("saving without changes leaves the draft exactly as it was (every offer kind, every optional field, translations)", async () => {
    const created = await t.request("POST", "/api/v1/flows", { key: ws.liveKey, body: { name: "Every kind", steps: everyKindSteps(), publish: true } });
    const id = (await created.json()).data.id;
    const before = await flow(id);
    const res = await saveEditor(admin, id, {});
    expect(res.status).toBe(303);
    expect((await flow(id)).draft).toEqual(before.draft);
    expect((await flow(id)).draft).toEqual(validateFlowSteps(everyKindSteps()));
    const page = await admin.get(editorPath(id));
    expect(page.html).toContain("Same as v1");
    expect(page.html).toContain("Draft saved.");
  });

  test("editing the survey, an offer and the confirmation writes the draft only; the published version stays", async () => {
    const res = await saveEditor(admin, ws.defaultFlowId, {
      "survey.label": "Before you go: why?",
      "survey.intro": "Two seconds, promise.",
      "survey.otherRequiresText": null,
      "reason.0.text": "Costs too much",
      "offer.0.label": "Stay for 40% less",
      "offer.0.body": "Keep every feature.",
      "offer.0.buttonText": "Yes, 40% off",
      "offer.0.percentOff": "40",
      "offer.0.durationMonths": "6",
      "offer.2.url": "mailto:help@example.com",
      "confirmation.label": "All done",
      "confirmation.message": "Your data stays for 30 days.",
      "confirmation.returnAtOnce": "1",
    });
    expect(res.status).toBe(303);
    const f = await flow(ws.defaultFlowId);
    expect(f.steps).toEqual(defaultFlowSteps()); // published: untouched
    expect(f.version).toBe(1);
    const [survey, discount, , contact, confirmation] = f.draft as any[];
    expect(survey).toMatchObject({ label: "Before you go: why?", config: { intro: "Two seconds, promise.", otherRequiresText: false } });
    expect(survey.config.options[0]).toBe("Costs too much");
    expect(survey.locales.de.options[0]).toBe("Zu teuer"); // the translation follows the edited reason
    expect(discount).toMatchObject({ label: "Stay for 40% less", body: "Keep every feature.", buttonText: "Yes, 40% off", config: { kind: "discount", percentOff: 40, durationMonths: 6 }, reasons: ["Costs too much"] });
    expect(discount.locales.de.label).toBe("Bleiben Sie für 30 % weniger");
    expect(contact.config).toEqual({ kind: "contact", url: "mailto:help@example.com" });
    expect(confirmation).toMatchObject({ label: "All done", config: { message: "Your data stays for 30 days.", returnAtOnce: true } });
  });

  test("changing an offer's kind uses that kind's fields", async () => {
    await saveEditor(admin, ws.defaultFlowId, { "offer.1.kind": "extension", "offer.1.days": "30" });
    expect(((await flow(ws.defaultFlowId)).draft[2] as any).config).toEqual({ kind: "extension", days: 30 });
    await saveEditor(admin, ws.defaultFlowId, { "offer.1.kind": "downgrade", "offer.1.toPlan": "starter", "offer.1.planLabel": "Starter", "offer.1.price": "19.5" });
    expect(((await flow(ws.defaultFlowId)).draft[2] as any).config).toEqual({ kind: "downgrade", toPlan: "starter", label: "Starter", price: 19.5 });
  });

  const invalid: [string, Record<string, string>, string, string][] = [
    ["empty question", { "survey.label": " " }, "f-survey-label", "steps[0].label must not be empty"],
    ["empty reason", { "reason.2.text": "" }, "f-reason-2", "steps[0].config.options[2] must not be empty"],
    ["repeated reason", { "reason.3.text": "too EXPENSIVE" }, "f-reason-3", "steps[0].config.options[3] repeats options[0]"],
    ["percent off too high", { "offer.0.percentOff": "150" }, "f-offer-0-percentOff", "steps[1].config.percentOff must be between 1 and 100"],
    ["percent off not a number", { "offer.0.percentOff": "lots" }, "f-offer-0-percentOff", "steps[1].config.percentOff must be a number"],
    ["months missing", { "offer.0.durationMonths": "" }, "f-offer-0-durationMonths", "steps[1].config.durationMonths is required"],
    ["pause too long", { "offer.1.months": "13" }, "f-offer-1-months", "steps[2].config.months must be between 1 and 12"],
    ["contact url", { "offer.2.url": "ftp://example.com" }, "f-offer-2-url", "steps[3].config.url must be an https:, http: or mailto: URL"],
    ["offer title", { "offer.1.label": "" }, "f-offer-1-label", "steps[2].label must not be empty"],
    ["downgrade plan", { "offer.1.kind": "downgrade", "offer.1.planLabel": "Starter" }, "f-offer-1-toPlan", "steps[2].config.toPlan must not be empty"],
    ["a reason answered twice", { "offer.1.answers.r0": "1" }, "f-offer-1-answers", "steps[2].reasons[0] is already answered by steps[1]; a reason leads to one offer"],
    ["confirmation message", { "confirmation.message": "" }, "f-confirmation-message", "steps[4].config.message must not be empty"],
  ];
  for (const [name, changes, fieldId, message] of invalid) {
    test(`refused: ${name} → 400, "${message}" beside ${fieldId}, everything typed kept, the draft unchanged`, async () => {
      const before = await flow(ws.defaultFlowId);
      const res = await saveEditor(admin, ws.defaultFlowId, { ...changes, "survey.intro": "Typed & kept <here>", "offer.0.label": "Kept title" });
      expect(res.status).toBe(400);
      expect(res.html).toContain(`id="${fieldId}-error">${message.replace(/&/g, "&amp;")}</p>`);
      expect(res.html).toMatch(new RegExp(`aria-describedby="[^"]*${fieldId}-error"`));
      expect(res.html).toContain("Typed &amp; kept &lt;here&gt;</textarea>");
      if (!("offer.0.label" in changes)) expect(res.html).toContain('value="Kept title"');
      for (const [k, v] of Object.entries(changes)) if (v) expect(formFields(res.html, "flow-editor")[k]).toBe(v);
      expect(await flow(ws.defaultFlowId)).toEqual(before);
    });
  }

  test("reasons: add, move (offers and translations follow), remove (offers let go of it)", async () => {
    await saveEditor(admin, ws.defaultFlowId, { newReason: "Bought by accident" }, "add-reason");
    let f = await flow(ws.defaultFlowId);
    let survey = f.draft[0] as any;
    expect(survey.config.options).toHaveLength(8);
    expect(survey.config.options[7]).toBe("Bought by accident");
    expect(survey.locales.de.options[7]).toBe("Bought by accident"); // untranslated: the flow's own words

    // Move "Not using it enough" (1) up: first place; the pause offer still answers it; German follows.
    const moved = await saveEditor(admin, ws.defaultFlowId, {}, "reason-up:1");
    expect(moved.status).toBe(303);
    expect(moved.location).toBe(`/dashboard/flows/${ws.defaultFlowId}#f-reasons`);
    f = await flow(ws.defaultFlowId);
    survey = f.draft[0] as any;
    expect(survey.config.options.slice(0, 2)).toEqual(["Not using it enough", "Too expensive"]);
    expect(survey.locales.de.options.slice(0, 2)).toEqual(["Ich nutze es zu wenig", "Zu teuer"]);
    expect((f.draft[2] as any).reasons).toEqual(["not using it enough", "only needed it temporarily"]);

    // Remove "Too expensive" (now 1): the discount answers nothing any more.
    await saveEditor(admin, ws.defaultFlowId, {}, "remove-reason:1");
    f = await flow(ws.defaultFlowId);
    expect((f.draft[0] as any).config.options).not.toContain("Too expensive");
    expect((f.draft[0] as any).locales.fr.options).not.toContain("Trop cher");
    expect((f.draft[1] as any).reasons).toEqual([]);
  });

  test("offers: add one of each kind's defaults, move, remove", async () => {
    const added = await saveEditor(admin, ws.defaultFlowId, { newOfferKind: "extension" }, "add-offer");
    expect(added.status).toBe(303);
    let f = await flow(ws.defaultFlowId);
    expect(f.draft).toHaveLength(6);
    expect(f.draft[4]).toMatchObject({ type: "offer", label: "Have 14 more days on us", config: { kind: "extension", days: 14 }, reasons: [] });
    await saveEditor(admin, ws.defaultFlowId, { "offer.3.answers.r6": "1" }); // "Other"
    expect((await flow(ws.defaultFlowId)).draft[4]).toMatchObject({ reasons: ["Other"] });
    await saveEditor(admin, ws.defaultFlowId, {}, "offer-up:3");
    f = await flow(ws.defaultFlowId);
    expect(f.draft.map((s) => s.label)).toEqual(["Why are you cancelling?", "Stay for 30% less", "Take a break instead", "Have 14 more days on us", "Tell us what is missing", "Your subscription is canceled"]);
    expect((f.draft[4] as any).locales.de.label).toBe("Sagen Sie uns, was fehlt"); // translations move with their offer
    await saveEditor(admin, ws.defaultFlowId, {}, "remove-offer:0");
    f = await flow(ws.defaultFlowId);
    expect(f.draft.filter((s) => s.type === "offer").map((s) => s.label)).toEqual(["Take a break instead", "Have 14 more days on us", "Tell us what is missing"]);
    // A downgrade needs its plan: adding one shows the empty fields as errors, beside them, and keeps the rest.
    const downgrade = await saveEditor(admin, ws.defaultFlowId, { newOfferKind: "downgrade" }, "add-offer");
    expect(downgrade.status).toBe(400);
    expect(downgrade.html).toContain('id="f-offer-3-toPlan-error"');
    expect((await flow(ws.defaultFlowId)).draft.filter((s) => s.type === "offer")).toHaveLength(3);
  });
});

describe("the preview", () => {
  test("renders the draft as the hosted page, framable by the dashboard only, and walks it without writing a session", async () => {
    await saveEditor(admin, ws.defaultFlowId, { "offer.0.label": "Draft-only discount", "offer.0.percentOff": "45" });
    const editor = await admin.get(editorPath(ws.defaultFlowId));
    expect(editor.headers.get("content-security-policy")).toContain("frame-src 'self'");
    expect(editor.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(editor.html).toContain(`<iframe name="flow-preview" id="flow-preview" title="Preview of the hosted cancellation page (draft)" src="/dashboard/flows/${ws.defaultFlowId}/preview?lang=en"`);

    const base = `/dashboard/flows/${ws.defaultFlowId}/preview`;
    const survey = await admin.get(`${base}?lang=en`);
    expect(survey.status).toBe(200);
    const csp = survey.headers.get("content-security-policy")!;
    expect(csp).toContain("frame-ancestors 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(survey.headers.get("x-frame-options")).toBeNull();
    expect(survey.html).toContain('<link rel="stylesheet" href="/assets/holdfast.css">');
    expect(survey.html).toContain("Why are you cancelling?");
    expect(survey.html).toContain(`action="${base}?step=survey&amp;lang=en"`);

    const csrf = csrfOf(survey.html);
    const chosen = await admin.post(`${base}?step=survey&lang=en`, { _csrf: csrf, action: "survey", reason: "too expensive", feedback: "" });
    expect(chosen.status).toBe(303);
    expect(chosen.location).toBe(`${base}?step=offer&reason=too+expensive&lang=en`);
    const offer = await admin.get(chosen.location!);
    expect(offer.html).toContain("Draft-only discount");
    expect(offer.html).toContain("45");
    const accepted = await admin.post(`${base}?step=offer&reason=too+expensive&lang=en`, { _csrf: csrf, action: "accept" });
    expect(accepted.location).toBe(`${base}?step=done&outcome=saved&accepted=1&reason=too+expensive&lang=en`);
    const done = await admin.get(accepted.location!);
    expect(done.html).toContain("Draft-only discount");
    expect(done.html).not.toContain('http-equiv="refresh"');

    // Declining, then confirming: the canceled page with the flow's message.
    const declined = await admin.post(`${base}?step=offer&reason=too+expensive&lang=en`, { _csrf: csrf, action: "decline" });
    expect(declined.location).toBe(`${base}?step=confirm&reason=too+expensive&lang=en`);
    const canceled = await admin.post(declined.location!, { _csrf: csrf, action: "confirm" });
    expect((await admin.get(canceled.location!)).html).toContain("Thanks for telling us why.");

    // A refused answer shows the survey's own error.
    const refused = await admin.post(`${base}?step=survey&lang=en`, { _csrf: csrf, action: "survey" });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('id="form-error"');

    // The reason picker and the language.
    const jumped = await admin.get(`${base}?jump=reason:1&lang=de`);
    expect(jumped.html).toContain("Machen Sie lieber eine Pause");
    expect(jumped.html).toContain('lang="de');
    expect(sessionCount()).toBe(0);
    // The published flow still says what it said.
    expect(((await flow(ws.defaultFlowId)).steps[1] as any).label).toBe("Stay for 30% less");
  });
});

describe("test sessions", () => {
  test("open a sandbox session of the published version; a never-published flow says so and starts nothing", async () => {
    await saveEditor(admin, ws.defaultFlowId, { "offer.0.label": "Unpublished copy" });
    const csrf = csrfOf((await admin.get(editorPath(ws.defaultFlowId))).html);
    const res = await admin.post(`${editorPath(ws.defaultFlowId)}/test-session`, { _csrf: csrf });
    expect(res.status).toBe(303);
    expect(res.location).toMatch(/^http:\/\/[^/]+\/c\/[0-9a-f]{32}[0-9A-Za-z]{33}$/);
    const row = t.deps.db.query("select environment, flow_id, flow_version, source, customer_id from sessions where workspace_id = ?").get(ws.id) as any;
    expect(row).toEqual({ environment: "sandbox", flow_id: ws.defaultFlowId, flow_version: 1, source: "cancel_link", customer_id: "dashboard-test" });
    const hosted = await t.app.handle(new Request(res.location!));
    expect(hosted.status).toBe(200);
    expect(await hosted.text()).toContain("Why are you cancelling?");

    const id = await createFlow(admin);
    const editor = await admin.get(editorPath(id));
    expect(editor.html).toContain("this flow has none yet");
    const refused = await admin.post(`${editorPath(id)}/test-session`, { _csrf: csrf });
    expect(refused.status).toBe(303);
    expect((await admin.get(refused.location!)).html).toContain("no published version yet");
    expect(sessionCount()).toBe(1);
  });
});

describe("versions: publish, diff, roll back", () => {
  test("publish makes v2; the versions page lists both; the diff reads; roll back asks first, then publishes v1 again as v3", async () => {
    await saveEditor(admin, ws.defaultFlowId, { "offer.0.percentOff": "40", "confirmation.message": "See you soon." });
    const published = await admin.submit(editorPath(ws.defaultFlowId), `${editorPath(ws.defaultFlowId)}/publish`, { back: "versions" });
    expect(published.location).toBe(`/dashboard/flows/${ws.defaultFlowId}/versions`);
    expect((await admin.get(published.location!)).html).toContain("Published v2.");
    let f = await flow(ws.defaultFlowId);
    expect(f.version).toBe(2);
    expect((f.steps[1] as any).config.percentOff).toBe(40);
    const again = await admin.submit(editorPath(ws.defaultFlowId), `${editorPath(ws.defaultFlowId)}/publish`, {});
    expect(again.status).toBe(303);
    expect((await flow(ws.defaultFlowId)).version).toBe(2);

    const versions = await admin.get(`/dashboard/flows/${ws.defaultFlowId}/versions`);
    expect(versions.html).toContain("Nothing to publish: the draft already is v2.");
    expect(versions.html).toContain("v2 <span class=\"tag tag-live\">Live</span>");
    expect(versions.html).toContain("Roll back to v1");
    expect(versions.html).not.toContain("Roll back to v2");

    const diff = await admin.get(`/dashboard/flows/${ws.defaultFlowId}/diff?from=1&to=2`);
    expect(diff.status).toBe(200);
    expect(diff.html).toContain("Offer 1 “Stay for 30% less” · percent off");
    expect(diff.html).toContain("<code class=\"muted\">steps[1].config.percentOff</code>");
    expect(diff.html).toContain('<p class="hint">Before</p>30</div><div><p class="hint">After</p>40</div>');
    expect(diff.html).toContain("Confirmation · message");
    expect(diff.html).toContain("2 changes");
    expect((await admin.get(`/dashboard/flows/${ws.defaultFlowId}/diff?from=2&to=draft`)).html).toContain("No differences");
    expect((await admin.get(`/dashboard/flows/${ws.defaultFlowId}/diff?from=9&to=draft`)).status).toBe(404);
    expect((await admin.get(`/dashboard/flows/${ws.defaultFlowId}/diff?from=x&to=draft`)).status).toBe(400);

    const csrf = csrfOf(versions.html);
    const ask = await admin.post(`${editorPath(ws.defaultFlowId)}/rollback`, { _csrf: csrf, version: "1" });
    expect(ask.status).toBe(200);
    expect(ask.html).toContain("Publish v1 again, as v3?");
    expect(ask.html).toContain('name="confirmed" value="1"');
    expect((await flow(ws.defaultFlowId)).version).toBe(2);
    const done = await admin.post(`${editorPath(ws.defaultFlowId)}/rollback`, { _csrf: csrf, version: "1", confirmed: "1" });
    expect(done.status).toBe(303);
    f = await flow(ws.defaultFlowId);
    expect(f.version).toBe(3);
    expect(f.steps).toEqual(defaultFlowSteps());
    expect(f.draft).toEqual(defaultFlowSteps());
    expect(await t.deps.flowService.listVersions(ws.id, ws.defaultFlowId)).toMatchObject([
      { version: 3, restoredFrom: 1, publishedBy: admin.email },
      { version: 2, restoredFrom: null, publishedBy: admin.email },
      { version: 1, restoredFrom: null, publishedBy: null }, // the workspace's default flow: made, not published by anyone
    ]);
    expect((await admin.get(`/dashboard/flows/${ws.defaultFlowId}/versions`)).html).toContain(`<td>${admin.email}</td>`);
    expect((await admin.get(`/dashboard/flows/${ws.defaultFlowId}/versions`)).html).toContain("Rolled back to v1");
    expect((await admin.post(`${editorPath(ws.defaultFlowId)}/rollback`, { _csrf: csrf, version: "7", confirmed: "1" })).status).toBe(404);
  });

  test("a session started before publishing keeps its version; a new one runs the new copy", async () => {
    const link = async () => {
      const res = await t.request("POST", "/api/v1/cancel-link", { key: ws.liveKey, body: { userId: `u-${crypto.randomUUID()}` } });
      return (await res.json()).url as string;
    };
    const offerPage = async (url: string) => {
      const page = await (await t.app.handle(new Request(url))).text();
      const token = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
      const res = await t.app.handle(new Request(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ _csrf: token, action: "survey", reason: "too expensive" }) }));
      expect(res.status).toBe(303);
      return (await t.app.handle(new Request(url))).text();
    };
    const old = await link();
    await saveEditor(admin, ws.defaultFlowId, { "offer.0.label": "Brand-new discount copy" });
    await admin.submit(editorPath(ws.defaultFlowId), `${editorPath(ws.defaultFlowId)}/publish`, {});
    expect(await offerPage(old)).toContain("Stay for 30% less");
    expect(await offerPage(await link())).toContain("Brand-new discount copy");
  });
});

// Keeps the type import honest: the fixtures are steps.
void (null as unknown as Step);
