// The hosted pages with a shaped flow: every offer kind shows what it means in money and time, accepting
// records it; the confirmation page returns to exactly the completion URL; "return at once"; languages.
import { beforeEach, describe, expect, test } from "bun:test";
import { BASE, makeTestApp, seedWorkspace, type SeededWorkspace, type TestApp } from "../../../tests/helpers.ts";
import { everyKindSteps } from "../../../tests/flow-fixtures.ts";

let t: TestApp;
let ws: SeededWorkspace;
let flowId: string;
const NOW = Date.UTC(2026, 0, 12, 9, 30);

beforeEach(async () => {
  t = await makeTestApp();
  t.clock.set(NOW);
  ws = await seedWorkspace(t);
  flowId = await publish(everyKindSteps());
});

async function publish(steps: unknown[]): Promise<string> {
  const res = await t.request("POST", "/api/v1/flows", { key: ws.liveKey, body: { name: `Flow ${Math.random()}`, steps, publish: true } });
  expect(res.status).toBe(201);
  return (await res.json()).data.id;
}

async function newLink(context: Record<string, unknown>, flow = flowId) {
  const res = await t.request("POST", "/api/v1/cancel-link", { key: ws.liveKey, body: { userId: "user_1", flowId: flow, context: { plan: context.plan, mrr: context.mrr } } });
  const json = await res.json();
  // currency and locale ride in the stored context as cancel-link stores them.
  t.deps.db.run("update sessions set context = ? where id = ?", [JSON.stringify(context), json.sessionId]);
  return { path: new URL(json.url).pathname, sessionId: json.sessionId as string };
}

const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
const get = async (path: string, headers: Record<string, string> = {}) => {
  const res = await t.app.handle(new Request(`${BASE}${path}`, { headers }));
  return { res, html: await res.text() };
};
const post = (path: string, fields: Record<string, string>) =>
  t.app.handle(new Request(`${BASE}${path}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields) }));
const row = (id: string) => t.deps.db.query("select outcome, offer, recovered_mrr_cents from sessions where id = ?").get(id) as Record<string, unknown>;

describe("every offer kind: the offer page says what it means, accepting records it", () => {
  const cases: [string, string, string, string | null, Record<string, unknown>][] = [
    ["discount", "too expensive", "Take 30% off", "$129.00 → $90.30 a month for 3 months", { kind: "discount", percentOff: 30, durationMonths: 3 }],
    ["pause", "not using it", "Pause for 2 months", "No charge until March 12", { kind: "pause", months: 2 }],
    ["downgrade", "need fewer seats", "Switch to Starter", "$129.00 → $49.50 a month", { kind: "downgrade", toPlan: "starter", label: "Starter", price: 49.5 }],
    ["extension", "need more time", "Take 14 days free", "Free until January 26 (worth $59.38)", { kind: "extension", days: 14 }],
    ["contact", "missing a feature", "Keep my subscription and talk to the team", null, { kind: "contact", url: "https://example.com/support" }],
  ];
  for (const [kind, reason, button, terms, offer] of cases) {
    test(kind, async () => {
      const { path, sessionId } = await newLink({ plan: "Pro", mrr: 129 });
      const csrf = csrfOf((await get(path)).html);
      expect((await post(path, { _csrf: csrf, action: "survey", reason })).headers.get("location")).toBe(path);
      const offerPage = (await get(path)).html;
      expect(offerPage).toContain(`>${button}</button>`);
      if (terms) expect(offerPage).toContain(`<p class="offer-terms">${terms}</p>`);
      else expect(offerPage).not.toContain("offer-terms");
      const res = await post(path, { _csrf: csrf, action: "accept" });
      expect(res.headers.get("location")).toBe(path);
      expect(row(sessionId)).toEqual({ outcome: "saved", offer: JSON.stringify(offer), recovered_mrr_cents: 12900 });
      const done = (await get(path)).html;
      expect(done).toContain("<h1>You&#39;re all set</h1>");
      if (terms) expect(done).toContain(terms);
      if (kind === "contact") expect(done).toContain('href="https://example.com/support"');
    });
  }

  test("without context.mrr no money is shown, but dates still are", async () => {
    const { path } = await newLink({});
    const csrf = csrfOf((await get(path)).html);
    await post(path, { _csrf: csrf, action: "survey", reason: "too expensive" });
    expect((await get(path)).html).not.toContain("offer-terms");
    const other = await newLink({});
    await post(other.path, { _csrf: csrfOf((await get(other.path)).html), action: "survey", reason: "not using it" });
    expect((await get(other.path)).html).toContain("No charge until March 12");
  });

  test("the confirm page says what is lost; the canceled page shows the flow's message and returns to the completion URL", async () => {
    const { path, sessionId } = await newLink({ plan: "Pro", mrr: 129 });
    const csrf = csrfOf((await get(path)).html);
    await post(path, { _csrf: csrf, action: "skip" });
    const confirm = (await get(path)).html;
    expect(confirm).toContain("You will lose Pro ($129.00 a month).");
    const res = await post(path, { _csrf: csrf, action: "confirm" });
    expect(res.headers.get("location")).toBe(path);
    const { res: doneRes, html } = await get(path);
    expect(html).toContain("<h1>Canceled</h1>"); // the flow's confirmation label
    expect(html).toContain("Sorry to see you go.");
    const href = /<meta http-equiv="refresh" content="5;url=([^"]+)">/.exec(html)![1]!;
    expect(href).toMatch(new RegExp(`^https://app\\.example\\.com/billing/cancel/callback\\?rb_session=${sessionId}#ci_result_token=[\\w.-]+$`));
    expect(html).toContain(`<a class="button primary" href="${href}">Return to Acme</a>`);
    // Nothing in the CSP stands between the page and its return (a meta refresh is a navigation, not a fetch).
    expect(doneRes.headers.get("content-security-policy")).not.toContain("navigate-to");
    // The result token it carries verifies and says canceled.
    const token = href.split("#ci_result_token=")[1];
    const verified = await (await t.request("POST", "/api/public/cancel/result", { body: { token } })).json();
    expect(verified).toMatchObject({ valid: true, outcome: "canceled", sid: sessionId });
  });

  test('"return at once" keeps the immediate 303 to the completion URL', async () => {
    const steps = everyKindSteps() as any[];
    steps[6].config.returnAtOnce = true;
    const quick = await publish(steps);
    const { path, sessionId } = await newLink({ mrr: 10 }, quick);
    const csrf = csrfOf((await get(path)).html);
    await post(path, { _csrf: csrf, action: "survey", reason: "too expensive" });
    const res = await post(path, { _csrf: csrf, action: "accept" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toMatch(new RegExp(`^https://app\\.example\\.com/billing/cancel/callback\\?rb_session=${sessionId}#ci_result_token=`));
  });
});

describe("languages", () => {
  test("context.locale picks the language and the money format; the flow's own text per locale wins", async () => {
    const { path } = await newLink({ plan: "Pro", mrr: 129, currency: "EUR", locale: "de-DE" });
    const survey = (await get(path, { "accept-language": "fr" })).html;
    expect(survey).toContain('<html lang="de-DE">');
    expect(survey).toContain("<h1>Warum kündigen Sie?</h1>"); // the flow's German label
    expect(survey).toContain("<span>Zu teuer</span>"); // the flow's German option
    expect(survey).toContain('value="too expensive"'); // stored as the flow's own reason
    expect(survey).toContain("Schritt 1 von 3");
    await post(path, { _csrf: csrfOf(survey), action: "survey", reason: "too expensive" });
    const offer = (await get(path)).html;
    expect(offer).toContain("<h1>30 % Rabatt</h1>");
    expect(offer).toContain(">Rabatt nehmen</button>");
    expect(offer).toContain("129,00\u00a0€ → 90,30\u00a0€ pro Monat für 3 Monate");
  });

  test("Accept-Language when the session has no locale; English otherwise", async () => {
    const { path } = await newLink({ mrr: 20 });
    const fr = (await get(path, { "accept-language": "fr-CH, fr;q=0.9, en;q=0.8" })).html;
    expect(fr).toContain('<html lang="fr-CH">');
    expect(fr).toContain("Étape 1 sur 3");
    expect(fr).toContain("Continuer");
    const es = (await get(path, { "accept-language": "es" })).html;
    expect(es).toContain("Paso 1 de 3");
    const en = (await get(path, { "accept-language": "it" })).html;
    expect(en).toContain('<html lang="en-US">');
    expect(en).toContain("Step 1 of 3");
  });

  test("the survey error speaks the session's language", async () => {
    const { path } = await newLink({ locale: "es" });
    const csrf = csrfOf((await get(path)).html);
    const res = await post(path, { _csrf: csrf, action: "survey" });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("Elige un motivo u omite la pregunta.");
  });
});
