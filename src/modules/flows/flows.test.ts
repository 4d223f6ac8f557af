import { beforeEach, describe, expect, test } from "bun:test";
import { BASE, makeTestApp, runScenario, seedWorkspace, type SeededWorkspace, type TestApp } from "../../../tests/helpers.ts";
import { defaultFlowSteps } from "./flows.service.ts";
import { diffSteps } from "./flow-diff.ts";
import { everyKindSteps } from "../../../tests/flow-fixtures.ts";

let t: TestApp;
let ws: SeededWorkspace;
beforeEach(async () => {
  t = await makeTestApp();
  ws = await seedWorkspace(t);
});

const flowCount = () => (t.deps.db.query("select count(*) as n from flows where workspace_id = ?").get(ws.id) as { n: number }).n;
const versionCount = () => (t.deps.db.query("select count(*) as n from flow_versions where workspace_id = ?").get(ws.id) as { n: number }).n;

async function createFlow(body: Record<string, unknown>, key = ws.liveKey) {
  const res = await t.request("POST", "/api/v1/flows", { key, body });
  expect(res.status).toBe(201);
  return (await res.json()).data;
}

function withStep(index: number, patch: (step: any) => void) {
  const steps = everyKindSteps() as any[];
  patch(steps[index]);
  return steps;
}

describe("POST /api/v1/flows validation: every error names the step and field", () => {
  const steps = everyKindSteps;
  const cases: [string, unknown, string][] = [
    ["body not an object", [], "Request body must be a JSON object"],
    ["name missing", { steps: steps() }, "name is required"],
    ["name empty", { name: "  ", steps: steps() }, "name must not be empty"],
    ["name too long", { name: "x".repeat(201), steps: steps() }, "name must be at most 200 characters"],
    ["name not a string", { name: 5, steps: steps() }, "name must be a string"],
    ["slug malformed", { name: "A", slug: "Not A Slug", steps: steps() }, "slug must be lower-case letters, digits and single hyphens"],
    ["publish not boolean", { name: "A", publish: "yes", steps: steps() }, "publish must be true or false"],
    ["unknown top-level field", { name: "A", steps: steps(), colour: "red" }, "the body has an unknown field: colour"],
    ["steps missing", { name: "A" }, "steps is required"],
    ["steps not an array", { name: "A", steps: {} }, "steps must be an array"],
    ["steps empty", { name: "A", steps: [] }, "steps must have between 1 and 20 steps"],
    ["step not an object", { name: "A", steps: [5] }, "steps[0] must be an object"],
    ["type missing", { name: "A", steps: withStep(2, (s) => delete s.type) }, "steps[2].type is required"],
    ["type unknown", { name: "A", steps: withStep(2, (s) => (s.type = "quiz")) }, "steps[2].type must be one of survey, offer, confirmation"],
    ["label missing", { name: "A", steps: withStep(2, (s) => delete s.label) }, "steps[2].label is required"],
    ["label too long", { name: "A", steps: withStep(2, (s) => (s.label = "x".repeat(201))) }, "steps[2].label must be at most 200 characters"],
    ["offer body too long", { name: "A", steps: withStep(1, (s) => (s.body = "x".repeat(1001))) }, "steps[1].body must be at most 1000 characters"],
    ["offer buttonText empty", { name: "A", steps: withStep(1, (s) => (s.buttonText = "")) }, "steps[1].buttonText must not be empty"],
    ["unknown step field", { name: "A", steps: withStep(1, (s) => (s.colour = 1)) }, "steps[1] has an unknown field: colour"],
    ["offer config missing", { name: "A", steps: withStep(1, (s) => delete s.config) }, "steps[1].config is required"],
    ["offer kind missing", { name: "A", steps: withStep(1, (s) => delete s.config.kind) }, "steps[1].config.kind is required"],
    ["offer kind unknown", { name: "A", steps: withStep(1, (s) => (s.config.kind = "bribe")) }, "steps[1].config.kind must be one of discount, pause, downgrade, extension, contact"],
    ["percentOff 0", { name: "A", steps: withStep(1, (s) => (s.config.percentOff = 0)) }, "steps[1].config.percentOff must be between 1 and 100"],
    ["percentOff 101", { name: "A", steps: withStep(1, (s) => (s.config.percentOff = 101)) }, "steps[1].config.percentOff must be between 1 and 100"],
    ["percentOff fractional", { name: "A", steps: withStep(1, (s) => (s.config.percentOff = 12.5)) }, "steps[1].config.percentOff must be a whole number"],
    ["percentOff a string", { name: "A", steps: withStep(1, (s) => (s.config.percentOff = "30")) }, "steps[1].config.percentOff must be a number"],
    ["percentOff missing", { name: "A", steps: withStep(1, (s) => delete s.config.percentOff) }, "steps[1].config.percentOff is required"],
    ["durationMonths 0", { name: "A", steps: withStep(1, (s) => (s.config.durationMonths = 0)) }, "steps[1].config.durationMonths must be between 1 and 36"],
    ["durationMonths 37", { name: "A", steps: withStep(1, (s) => (s.config.durationMonths = 37)) }, "steps[1].config.durationMonths must be between 1 and 36"],
    ["discount extra field", { name: "A", steps: withStep(1, (s) => (s.config.months = 2)) }, "steps[1].config has an unknown field: months"],
    ["pause months 0", { name: "A", steps: withStep(2, (s) => (s.config.months = 0)) }, "steps[2].config.months must be between 1 and 12"],
    ["pause months 13", { name: "A", steps: withStep(2, (s) => (s.config.months = 13)) }, "steps[2].config.months must be between 1 and 12"],
    ["downgrade toPlan missing", { name: "A", steps: withStep(3, (s) => delete s.config.toPlan) }, "steps[3].config.toPlan is required"],
    ["downgrade label empty", { name: "A", steps: withStep(3, (s) => (s.config.label = "")) }, "steps[3].config.label must not be empty"],
    ["downgrade price negative", { name: "A", steps: withStep(3, (s) => (s.config.price = -1)) }, "steps[3].config.price must be between 0 and 1000000"],
    ["downgrade price in tenths of cents", { name: "A", steps: withStep(3, (s) => (s.config.price = 9.999)) }, "steps[3].config.price must have at most two decimals"],
    ["extension days 0", { name: "A", steps: withStep(4, (s) => (s.config.days = 0)) }, "steps[4].config.days must be between 1 and 365"],
    ["extension days 366", { name: "A", steps: withStep(4, (s) => (s.config.days = 366)) }, "steps[4].config.days must be between 1 and 365"],
    ["contact url javascript:", { name: "A", steps: withStep(5, (s) => (s.config.url = "javascript:alert(1)")) }, "steps[5].config.url must be an https:, http: or mailto: URL"],
    ["contact url missing", { name: "A", steps: withStep(5, (s) => delete s.config.url) }, "steps[5].config.url is required"],
    ["reasons missing", { name: "A", steps: withStep(1, (s) => delete s.reasons) }, "steps[1].reasons is required"],
    ["reason not in the survey", { name: "A", steps: withStep(1, (s) => (s.reasons = ["too expensive", "bored"])) }, "steps[1].reasons[1] must be one of the survey's options"],
    ["reason answered twice", { name: "A", steps: withStep(2, (s) => (s.reasons = ["too expensive"])) }, "steps[2].reasons[0] is already answered by steps[1]; a reason leads to one offer"],
    ["survey options empty", { name: "A", steps: withStep(0, (s) => (s.config.options = [])) }, "steps[0].config.options must have at least 1 reason"],
    ["survey option empty", { name: "A", steps: withStep(0, (s) => (s.config.options[2] = " ")) }, "steps[0].config.options[2] must not be empty"],
    ["survey option repeated", { name: "A", steps: withStep(0, (s) => (s.config.options[3] = "too  EXPENSIVE")) }, "steps[0].config.options[3] repeats options[0]"],
    ["survey intro too long", { name: "A", steps: withStep(0, (s) => (s.config.intro = "x".repeat(501))) }, "steps[0].config.intro must be at most 500 characters"],
    ["otherRequiresText not boolean", { name: "A", steps: withStep(0, (s) => (s.config.otherRequiresText = 1)) }, "steps[0].config.otherRequiresText must be true or false"],
    ["unknown locale", { name: "A", steps: withStep(0, (s) => (s.locales.it = { label: "Perché?" })) }, "steps[0].locales has an unknown field: it"],
    ["locale options count", { name: "A", steps: withStep(0, (s) => s.locales.de.options.pop()) }, "steps[0].locales.de.options must have as many entries as config.options (6)"],
    ["locale field unknown", { name: "A", steps: withStep(1, (s) => (s.locales.de.message = "x")) }, "steps[1].locales.de has an unknown field: message"],
    ["confirmation message missing", { name: "A", steps: withStep(6, (s) => delete s.config.message) }, "steps[6].config.message is required"],
    ["returnAtOnce not boolean", { name: "A", steps: withStep(6, (s) => (s.config.returnAtOnce = "no")) }, "steps[6].config.returnAtOnce must be true or false"],
    ["no confirmation", { name: "A", steps: everyKindSteps().slice(0, 6) }, "steps must end with a confirmation step"],
    ["two confirmations", { name: "A", steps: [...everyKindSteps(), everyKindSteps()[6]] }, "steps[7] is a second confirmation; a flow has exactly one"],
    ["confirmation not last", { name: "A", steps: [everyKindSteps()[0], everyKindSteps()[6], everyKindSteps()[1]] }, "steps[1] must be the last step"],
    ["two surveys", { name: "A", steps: [everyKindSteps()[0], everyKindSteps()[0], everyKindSteps()[6]] }, "steps[1] is a second survey; a flow has at most one"],
    ["survey not first", { name: "A", steps: [everyKindSteps()[1], everyKindSteps()[0], everyKindSteps()[6]] }, "steps[1] must be the first step: the survey comes before the offers"],
  ];

  for (const [name, body, message] of cases) {
    test(`${name} → 400 "${message}"`, async () => {
      const before = flowCount();
      const res = await runScenario(t, { name, method: "POST", url: "/api/v1/flows", key: ws.liveKey, body, expectStatus: 400 });
      expect(await res.json()).toEqual({ error: message });
      expect(flowCount()).toBe(before); // nothing half-written
    });
  }

  test("a message never echoes the submitted value", async () => {
    const res = await t.request("POST", "/api/v1/flows", { key: ws.liveKey, body: { name: "A", steps: withStep(5, (s) => (s.config.url = "javascript:SECRET_MARK")) } });
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain("SECRET_MARK");
  });

  test("PUT validates the same way and leaves the flow as it was", async () => {
    const before = await t.request("GET", `/api/v1/flows/${ws.defaultFlowId}`, { key: ws.readKey }).then((r) => r.json());
    await runScenario(t, {
      name: "put invalid",
      method: "PUT",
      url: `/api/v1/flows/${ws.defaultFlowId}`,
      key: ws.liveKey,
      body: { steps: withStep(1, (s) => (s.config.percentOff = 0)), publish: true },
      expectStatus: 400,
      expectBody: { error: "steps[1].config.percentOff must be between 1 and 100" },
    });
    const after = await t.request("GET", `/api/v1/flows/${ws.defaultFlowId}`, { key: ws.readKey }).then((r) => r.json());
    expect(after).toEqual(before);
    expect(versionCount()).toBe(1);
  });
});

describe("POST and PUT /api/v1/flows: drafts, versions, roll back", () => {
  test("create a draft, publish it, change it, roll it back; GET shows the published version", async () => {
    const created = await createFlow({ name: "Win-back", steps: everyKindSteps() });
    expect(created).toMatchObject({ name: "Win-back", slug: "win-back", status: "draft", version: null, isDefault: false, hasUnpublishedChanges: false });
    expect(created.steps).toEqual(everyKindSteps());
    expect(created.hostedUrl).toBe(`${BASE}/flow/${ws.id}/${created.id}`);
    expect(versionCount()).toBe(1); // only the default flow's

    // A draft-only flow cannot run sessions yet.
    await runScenario(t, {
      name: "session on draft flow",
      method: "POST",
      url: "/api/v1/cancel-link",
      key: ws.liveKey,
      body: { userId: "u1", flowId: created.id },
      expectStatus: 400,
      expectError: "flowId: this flow has no published version yet",
    });

    const put = (body: unknown) => t.request("PUT", `/api/v1/flows/${created.id}`, { key: ws.liveKey, body });
    let res = await put({ steps: everyKindSteps(), publish: true });
    expect(res.status).toBe(200);
    expect((await res.json()).data).toMatchObject({ version: 1, status: "active", hasUnpublishedChanges: false });

    // The same steps again: no new version (re-applying a file is harmless).
    res = await put({ steps: everyKindSteps(), publish: true });
    expect((await res.json()).data.version).toBe(1);

    // A draft change is not live until published.
    const v2 = withStep(1, (s) => (s.config.percentOff = 40));
    t.clock.advance(60_000);
    res = await put({ name: "Win-back 2", steps: v2 });
    let data = (await res.json()).data;
    expect(data).toMatchObject({ name: "Win-back 2", version: 1, hasUnpublishedChanges: true });
    expect(data.steps[1].config.percentOff).toBe(30);

    res = await t.request("POST", `/api/v1/flows/${created.id}/publish`, { key: ws.liveKey, body: {} });
    data = (await res.json()).data;
    expect(data).toMatchObject({ version: 2, published: true, hasUnpublishedChanges: false });

    const get = await t.request("GET", `/api/v1/flows/${created.id}`, { key: ws.readKey });
    data = (await get.json()).data;
    expect(data.version).toBe(2);
    expect(data.steps[1].config.percentOff).toBe(40);

    const diff = await t.request("GET", `/api/v1/flows/${created.id}/diff?from=1&to=2`, { key: ws.readKey });
    expect(await diff.json()).toEqual({ data: { from: 1, to: 2, changes: [{ path: "steps[1].config.percentOff", change: "changed", before: 30, after: 40 }] } });

    // Roll back = publish version 1 again, as version 3.
    t.clock.advance(60_000);
    res = await t.request("POST", `/api/v1/flows/${created.id}/publish`, { key: ws.liveKey, body: { version: 1 } });
    data = (await res.json()).data;
    expect(data).toMatchObject({ version: 3, published: true });
    expect(data.steps).toEqual(everyKindSteps());

    const versions = await (await t.request("GET", `/api/v1/flows/${created.id}/versions`, { key: ws.readKey })).json();
    expect(versions.data.map((v: any) => [v.version, v.restoredFrom, v.current])).toEqual([
      [3, 1, true],
      [2, null, false],
      [1, null, false],
    ]);
    // Published through the API: the key's display prefix, never the key.
    for (const v of versions.data) {
      expect(v.publishedBy).toMatch(/^API key hf_live_[A-Za-z0-9_]+…$/);
      expect(v.publishedBy).not.toContain(ws.liveKey);
    }
    const v2Stored = await (await t.request("GET", `/api/v1/flows/${created.id}/versions/2`, { key: ws.readKey })).json();
    expect(v2Stored).toEqual({ data: { version: 2, steps: v2 } });
    expect((await t.request("GET", `/api/v1/flows/${created.id}/versions/9`, { key: ws.readKey })).status).toBe(404);
  });

  test("POST with publish: true makes version 1 at once; a duplicate slug is 409", async () => {
    const created = await createFlow({ name: "Fast", slug: "fast", steps: everyKindSteps(), publish: true });
    expect(created).toMatchObject({ slug: "fast", status: "active", version: 1 });
    const again = await t.request("POST", "/api/v1/flows", { key: ws.liveKey, body: { name: "Fast", slug: "fast", steps: everyKindSteps() } });
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ error: "slug: another flow of this workspace has it" });
    // Without a slug, a free one is derived from the name.
    expect((await createFlow({ name: "Fast", steps: everyKindSteps() })).slug).toBe("fast-2");
  });

  test("Idempotency-Key: a retried create replays the first answer and makes no second flow; another body → 422", async () => {
    const headers = { "idempotency-key": "flow-create-1" };
    const body = { name: "Retried", steps: everyKindSteps() };
    const before = flowCount();
    const first = await t.request("POST", "/api/v1/flows", { key: ws.liveKey, body, headers });
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const firstBody = await first.json();
    const replay = await t.request("POST", "/api/v1/flows", { key: ws.liveKey, body, headers });
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await replay.json()).toEqual(firstBody);
    expect(flowCount()).toBe(before + 1);
    const other = await t.request("POST", "/api/v1/flows", { key: ws.liveKey, body: { ...body, name: "Something else" }, headers });
    expect(other.status).toBe(422);
    expect((await other.json()).error).toContain("Idempotency-Key");
    expect(flowCount()).toBe(before + 1);
    // Without the header each POST is its own create.
    expect((await t.request("POST", "/api/v1/flows", { key: ws.liveKey, body })).status).toBe(201);
    expect(flowCount()).toBe(before + 2);
  });

  test("a session keeps the version it started on after a publish", async () => {
    const link = await (await t.request("POST", "/api/v1/cancel-link", { key: ws.liveKey, body: { userId: "u1" } })).json();
    const steps = defaultFlowSteps() as any[];
    steps[0].label = "Why go now?";
    const res = await t.request("PUT", `/api/v1/flows/${ws.defaultFlowId}`, { key: ws.liveKey, body: { steps, publish: true } });
    expect((await res.json()).data.version).toBe(2);
    const later = await (await t.request("POST", "/api/v1/cancel-link", { key: ws.liveKey, body: { userId: "u2" } })).json();

    const oldPage = await (await t.request("GET", new URL(link.url).pathname)).text();
    const newPage = await (await t.request("GET", new URL(later.url).pathname)).text();
    expect(oldPage).toContain("Why are you cancelling?");
    expect(newPage).toContain("Why go now?");
    const diag = async (id: string) => (await (await t.request("GET", `/api/v1/cancel-sessions/${id}`, { key: ws.readKey })).json()).flowVersion;
    expect(await diag(link.sessionId)).toBe(1);
    expect(await diag(later.sessionId)).toBe(2);
    const rabbit = await (await t.request("GET", `/api/v1/sessions/${later.sessionId}`, { key: ws.readKey })).json();
    expect(rabbit.data).toMatchObject({ flowId: ws.defaultFlowId, flowVersion: 2 });
  });

  test("a failing publish leaves neither a version nor a changed draft (one transaction)", async () => {
    // A real SQLite failure in the middle of the write: the version insert aborts.
    t.deps.db.run("create trigger fail_publish before insert on flow_versions begin select raise(abort, 'disk full'); end");
    const before = t.deps.db.query("select * from flows where id = ?").get(ws.defaultFlowId);
    const steps = defaultFlowSteps() as any[];
    steps[0].label = "Changed";
    const res = await t.request("PUT", `/api/v1/flows/${ws.defaultFlowId}`, { key: ws.liveKey, body: { steps, publish: true } });
    expect(res.status).toBe(500);
    expect(t.deps.db.query("select * from flows where id = ?").get(ws.defaultFlowId)).toEqual(before);
    expect(versionCount()).toBe(1);
  });
});

describe("flows API: keys, scopes, workspaces", () => {
  test("401 without a key, 403 with a read key, 404 for another workspace's flow, 402 when read-only, 415 for non-JSON", async () => {
    const other = await seedWorkspace(t, { name: "Other" });
    const body = { name: "A", steps: everyKindSteps() };
    const scenarios = [
      { name: "no key", method: "POST", url: "/api/v1/flows", body, expectStatus: 401 },
      { name: "read key", method: "POST", url: "/api/v1/flows", key: ws.readKey, body, expectStatus: 403 },
      { name: "read key put", method: "PUT", url: `/api/v1/flows/${ws.defaultFlowId}`, key: ws.readKey, body, expectStatus: 403 },
      { name: "read key publish", method: "POST", url: `/api/v1/flows/${ws.defaultFlowId}/publish`, key: ws.readKey, body: {}, expectStatus: 403 },
      { name: "other workspace put", method: "PUT", url: `/api/v1/flows/${other.defaultFlowId}`, key: ws.liveKey, body, expectStatus: 404 },
      { name: "other workspace put, invalid body", method: "PUT", url: `/api/v1/flows/${other.defaultFlowId}`, key: ws.liveKey, body: { steps: [] }, expectStatus: 404 },
      { name: "other workspace get", method: "GET", url: `/api/v1/flows/${other.defaultFlowId}`, key: ws.liveKey, expectStatus: 404 },
      { name: "other workspace versions", method: "GET", url: `/api/v1/flows/${other.defaultFlowId}/versions`, key: ws.liveKey, expectStatus: 404 },
      { name: "other workspace diff", method: "GET", url: `/api/v1/flows/${other.defaultFlowId}/diff?from=1&to=1`, key: ws.liveKey, expectStatus: 404 },
      { name: "malformed id", method: "PUT", url: "/api/v1/flows/nope", key: ws.liveKey, body, expectStatus: 404 },
      { name: "bad version", method: "GET", url: `/api/v1/flows/${ws.defaultFlowId}/versions/0`, key: ws.liveKey, expectStatus: 400, expectError: "version must be a positive whole number" },
      { name: "diff without from", method: "GET", url: `/api/v1/flows/${ws.defaultFlowId}/diff?to=1`, key: ws.liveKey, expectStatus: 400, expectError: "from is required" },
      { name: "publish bad version", method: "POST", url: `/api/v1/flows/${ws.defaultFlowId}/publish`, key: ws.liveKey, body: { version: "1" }, expectStatus: 400, expectError: "version must be a positive whole number" },
      { name: "roll back to a missing version", method: "POST", url: `/api/v1/flows/${ws.defaultFlowId}/publish`, key: ws.liveKey, body: { version: 7 }, expectStatus: 404 },
      { name: "form body", method: "POST", url: "/api/v1/flows", key: ws.liveKey, raw: "name=A", headers: { "content-type": "application/x-www-form-urlencoded" }, expectStatus: 415 },
    ];
    for (const s of scenarios) await runScenario(t, s);
    const otherFlow = await t.request("GET", `/api/v1/flows/${other.defaultFlowId}`, { key: other.readKey });
    expect((await otherFlow.json()).data.version).toBe(1); // untouched

    t.deps.db.run("update workspaces set access = 'read_only' where id = ?", [ws.id]);
    await runScenario(t, { name: "read-only", method: "POST", url: "/api/v1/flows", key: ws.liveKey, body, expectStatus: 402 });
    await runScenario(t, { name: "read-only reads", method: "GET", url: `/api/v1/flows/${ws.defaultFlowId}/versions`, key: ws.readKey, expectStatus: 200 });
  });

  test("the OpenAPI document lists the flow routes with their request bodies", async () => {
    const doc = await (await t.request("GET", "/swagger/json")).json();
    expect(Object.keys(doc.paths["/api/v1/flows"])).toEqual(expect.arrayContaining(["get", "post"]));
    expect(doc.paths["/api/v1/flows"].post.requestBody.content["application/json"].schema.properties.steps).toBeDefined();
    expect(doc.paths["/api/v1/flows/{id}"].put.requestBody).toBeDefined();
    expect(doc.paths["/api/v1/flows/{id}/publish"].post).toBeDefined();
    expect(doc.paths["/api/v1/flows/{id}/versions"].get).toBeDefined();
    expect(doc.paths["/api/v1/flows/{id}/diff"].get).toBeDefined();
  });
});

describe("diffSteps", () => {
  test("names changed, added and removed fields; a changed offer kind is reported whole", () => {
    const a = everyKindSteps() as any[];
    const b = everyKindSteps() as any[];
    b[0].config.options.push("Bored");
    delete b[1].body;
    b[2].config = { kind: "extension", days: 7 }; // another kind: the whole config
    b[6].config.message = "Bye";
    b.splice(5, 0, { type: "offer", label: "x", config: { kind: "pause", months: 1 }, reasons: [] });
    const changes = diffSteps(a, b);
    expect(changes.map((c) => `${c.change} ${c.path}`)).toEqual([
      "changed steps[0].config.options",
      "removed steps[1].body",
      "changed steps[2].config",
      "changed steps[5].label",
      "changed steps[5].config",
      "changed steps[5].reasons",
      "changed steps[6]",
      "added steps[7]",
    ]);
  });
});
