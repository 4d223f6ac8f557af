// The hosted pages in every language and with every offer kind, in a real Chromium at phone width:
// each step axe-clean with the page's lang set, money in the session's currency, screenshots in
// /tmp/holdfast-shots (kept out of the repository), no request off loopback, no CSP violation.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import {
  formatViolations,
  openPage,
  runAxe,
  screenshot,
  TIMED_RETURN,
  type Holdfast,
  type ReturnApp,
  type SeededWorkspace,
  type Watch,
  startHostedStage,
  type HostedStage,
} from "./harness.ts";
import { everyKindSteps } from "../flow-fixtures.ts";

const TIMEOUT = 90_000;
let hf: Holdfast;
let customer: ReturnApp;
let ws: SeededWorkspace;
let stage: HostedStage;
let flowId: string;

beforeAll(async () => {
  stage = await startHostedStage("hosted locales");
  ({ hf, customer, ws } = stage);
  const res = await hf.api("POST", "/api/v1/flows", { key: ws.liveKey, body: { name: "Every kind", steps: everyKindSteps(), publish: true } });
  expect(res.status).toBe(201);
  flowId = res.json.data.id;
}, 30_000);

afterAll(() => stage?.stop(), 30_000);

async function newPage(): Promise<{ page: Page; watch: Watch }> {
  const { context, watch } = await stage.context({ javaScriptEnabled: true });
  // The confirmation page returns to the customer after 5 seconds: answer that with 204 No Content, which
  // leaves the page on screen while axe looks at it.
  await context.route((u) => u.href.startsWith(customer.url), (route) => route.fulfill({ status: 204 }));
  const page = await openPage(context);
  page.setDefaultTimeout(20_000); // a missing element fails fast with its name
  return { page, watch };
}

/** A cancel link on the every-kind flow, or on the workspace default with `flow: null`. */
async function link(context: Record<string, unknown>, flow: string | null = flowId): Promise<string> {
  const res = await hf.api("POST", "/api/v1/cancel-link", { key: ws.liveKey, body: { userId: `u_${Math.random()}`, ...(flow ? { flowId: flow } : {}), context } });
  expect(res.status).toBe(200);
  // The money and language facts as the session keeps them (cancel-link's context.currency and context.locale).
  hf.deps.db.run("update sessions set context = ? where id = ?", [JSON.stringify(context), res.json.sessionId]);
  return res.json.url;
}

async function check(page: Page, name: string, lang: string, heading: string | RegExp): Promise<void> {
  await expect(page.locator("html").getAttribute("lang")).resolves.toBe(lang);
  await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toMatch(heading);
  // The confirmation page's timed return is the one allowed finding, and only that rule (see TIMED_RETURN).
  const violations = await runAxe(page, name, { allow: [TIMED_RETURN] });
  await screenshot(page, name);
  // No sideways scrolling at 390 px.
  await expect(page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).resolves.toBe(true);
  if (violations.length) throw new Error(`axe violations on ${name}:\n${formatViolations(violations)}`);
}

function clean(watch: Watch, label: string) {
  expect(watch.offHost(), `${label}: off-host requests`).toEqual([]);
  expect(watch.cspViolations(), `${label}: CSP violations`).toEqual([]);
  expect(watch.pageErrors, `${label}: page errors`).toEqual([]);
}

describe("every hosted step in each language", () => {
  const cases = [
    { locale: "en-US", currency: "USD", survey: "Why are you leaving?", reason: "Too expensive", go: "Continue", accept: "Take 30% off", decline: "No thanks, continue to cancel", confirm: "Confirm your cancellation", money: "$129.00 → $90.30 a month for 3 months", cancel: "Cancel my subscription", done: "Canceled" },
    { locale: "de-DE", currency: "EUR", survey: "Warum kündigen Sie?", reason: "Zu teuer", go: "Weiter", accept: "Rabatt nehmen", decline: "Nein danke, weiter zur Kündigung", confirm: "Kündigung bestätigen", money: "129,00\u00a0€ → 90,30\u00a0€ pro Monat für 3 Monate", cancel: "Mein Abo kündigen", done: "Canceled" },
    { locale: "fr-FR", currency: "EUR", survey: "Why are you leaving?", reason: "Too expensive", go: "Continuer", accept: "Take 30% off", decline: "Non merci, continuer la résiliation", confirm: "Confirmez votre résiliation", money: "129,00\u00a0€ → 90,30\u00a0€ par mois pendant 3 mois", cancel: "Résilier mon abonnement", done: "Canceled" },
    { locale: "es-ES", currency: "EUR", survey: "Why are you leaving?", reason: "Too expensive", go: "Continuar", accept: "Take 30% off", decline: "No, gracias, continuar con la cancelación", confirm: "Confirma tu cancelación", money: "129,00\u00a0€ → 90,30\u00a0€ al mes durante 3 meses", cancel: "Cancelar mi suscripción", done: "Canceled" },
  ];
  for (const c of cases) {
    test(`${c.locale}: survey → offer → confirm → canceled`, async () => {
      const { page, watch } = await newPage();
      await page.goto(await link({ plan: "Pro", mrr: 129, currency: c.currency, locale: c.locale }));
      await check(page, `locale-${c.locale}-1-survey`, c.locale, c.survey);
      await page.getByRole("radio", { name: c.reason }).check();
      await page.getByRole("button", { name: c.go }).click();
      await page.getByRole("button", { name: c.accept }).waitFor();
      await expect(page.getByText(c.money).isVisible()).resolves.toBe(true);
      await check(page, `locale-${c.locale}-2-offer`, c.locale, /./);
      await page.getByRole("button", { name: c.decline }).click();
      await page.getByRole("button", { name: c.cancel }).waitFor();
      await check(page, `locale-${c.locale}-3-confirm`, c.locale, c.confirm);
      await page.getByRole("button", { name: c.cancel }).click();
      await page.getByRole("heading", { level: 1, name: c.done }).waitFor();
      await check(page, `locale-${c.locale}-4-done`, c.locale, c.done);
      // "Stay on this page" turns the timed return off: the same page, without the refresh, and axe-clean.
      await page.locator(".redirect-note a").click();
      await page.waitForURL((u) => u.search === "?stay=1");
      await expect(page.locator('meta[http-equiv="refresh"]').count()).resolves.toBe(0);
      await expect(runAxe(page, `locale-${c.locale}-5-stay`)).resolves.toEqual([]);
      clean(watch, c.locale);
    }, TIMEOUT);
  }

  test("the default flow reads entirely in German, including its own reasons and titles", async () => {
    const { page, watch } = await newPage();
    await page.goto(await link({ plan: "Pro", mrr: 129, currency: "EUR", locale: "de" }, null));
    await check(page, "locale-default-de-1-survey", "de-DE", "Warum kündigen Sie?");
    await page.getByRole("radio", { name: "Ich nutze es zu wenig" }).check();
    await page.getByRole("button", { name: "Weiter" }).click();
    await page.getByRole("button", { name: "2 Monate pausieren" }).waitFor();
    await check(page, "locale-default-de-2-offer", "de-DE", "Machen Sie lieber eine Pause");
    clean(watch, "default-de");
  }, TIMEOUT);
});

describe("each offer kind at 390 px", () => {
  const kinds: [string, string, string][] = [
    ["discount", "Too expensive", "$129.00 → $90.30 a month for 3 months"],
    ["pause", "Not using it", "No charge until"],
    ["downgrade", "Need fewer seats", "$129.00 → $49.50 a month"],
    ["extension", "Need more time", "Free until"],
    ["contact", "Missing a feature", "Talk to us"],
  ];
  for (const [kind, reason, text] of kinds) {
    test(kind, async () => {
      const { page, watch } = await newPage();
      await page.goto(await link({ plan: "Pro", mrr: 129 }));
      await page.getByRole("radio", { name: reason }).check();
      await page.getByRole("button", { name: "Continue" }).click();
      await page.getByRole("button", { name: "No thanks, continue to cancel" }).waitFor();
      await expect(page.getByText(text).first().isVisible()).resolves.toBe(true);
      await check(page, `offer-${kind}`, "en-US", /./);
      await page.getByRole("button", { name: "No thanks, continue to cancel" }).waitFor();
      const accept = page.locator('button[value="accept"]');
      await accept.click();
      await page.getByRole("heading", { level: 1, name: "You're all set" }).waitFor();
      await check(page, `offer-${kind}-accepted`, "en-US", "You're all set");
      clean(watch, kind);
    }, TIMEOUT);
  }
});
