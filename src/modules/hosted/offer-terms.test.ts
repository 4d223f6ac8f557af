import { describe, expect, test } from "bun:test";
import { formatMinor, isCurrency, percentOff, toMinor } from "../../lib/money.ts";
import type { OfferConfig } from "../flows/flows.schemas.ts";
import { messagesFor, resolveLocale } from "./hosted.i18n.ts";
import { addMonths, lossLine, offerTerms, type MoneyContext } from "./offer-terms.ts";

const NOW = Date.UTC(2026, 0, 12, 9, 30); // 12 January 2026
const base: MoneyContext = { plan: "Pro", mrr: 129, currency: "USD", tag: "en-US", now: NOW };
const en = messagesFor("en");

describe("offerTerms: what each offer kind means in money and time", () => {
  const cases: [string, OfferConfig, Partial<MoneyContext>, string | null][] = [
    ["discount", { kind: "discount", percentOff: 30, durationMonths: 3 }, {}, "$129.00 → $90.30 a month for 3 months"],
    ["discount, 1 month", { kind: "discount", percentOff: 15, durationMonths: 1 }, { mrr: 19.99 }, "$19.99 → $16.99 a month for 1 month"],
    ["discount rounds half a cent to the nearest cent", { kind: "discount", percentOff: 50, durationMonths: 2 }, { mrr: 0.05 }, "$0.05 → $0.02 a month for 2 months"],
    ["discount, 100% off", { kind: "discount", percentOff: 100, durationMonths: 2 }, {}, "$129.00 → $0.00 a month for 2 months"],
    ["discount without mrr says nothing", { kind: "discount", percentOff: 30, durationMonths: 3 }, { mrr: null }, null],
    ["pause", { kind: "pause", months: 2 }, {}, "No charge until March 12"],
    ["pause into next year", { kind: "pause", months: 12 }, {}, "No charge until January 12, 2027"],
    ["pause without mrr still has a date", { kind: "pause", months: 1 }, { mrr: null }, "No charge until February 12"],
    ["downgrade with a price", { kind: "downgrade", toPlan: "starter", label: "Starter", price: 49.5 }, {}, "$129.00 → $49.50 a month"],
    ["downgrade without a price", { kind: "downgrade", toPlan: "starter", label: "Starter" }, {}, null],
    ["extension", { kind: "extension", days: 14 }, {}, "Free until January 26 (worth $59.38)"],
    ["extension without mrr", { kind: "extension", days: 30 }, { mrr: null }, "No charge until February 11"],
    ["contact", { kind: "contact", url: null }, {}, null],
    ["euros in German", { kind: "discount", percentOff: 30, durationMonths: 3 }, { currency: "EUR", tag: "de-DE" }, "129,00\u00a0€ → 90,30\u00a0€ pro Monat für 3 Monate"],
    ["yen have no minor unit", { kind: "discount", percentOff: 30, durationMonths: 3 }, { currency: "JPY", mrr: 1000 }, "¥1,000 → ¥700 a month for 3 months"],
    ["pause in French", { kind: "pause", months: 2 }, { tag: "fr-FR" }, "Aucun prélèvement jusqu’au 12 mars"],
    ["pause in Spanish", { kind: "pause", months: 2 }, { tag: "es-ES" }, "Sin cargos hasta el 12 de marzo"],
  ];
  for (const [name, offer, ctx, expected] of cases) {
    test(name, () => {
      const m = { ...base, ...ctx };
      const lang = resolveLocale(m.tag, null).lang;
      expect(offerTerms(offer, m, messagesFor(lang))).toBe(expected);
    });
  }

  test("the loss line names the plan and its price, or says nothing without a price", () => {
    expect(lossLine(base, en)).toBe("You will lose Pro ($129.00 a month).");
    expect(lossLine({ ...base, plan: null }, en)).toBe("You will lose your subscription ($129.00 a month).");
    expect(lossLine({ ...base, mrr: null }, en)).toBeNull();
    expect(lossLine({ ...base, currency: "EUR", tag: "de-DE" }, messagesFor("de"))).toBe("Sie verlieren Pro (129,00\u00a0€ pro Monat).");
  });
});

describe("money", () => {
  test("integer minor units end to end", () => {
    expect(toMinor(129, "USD")).toBe(12900);
    expect(toMinor(19.99, "USD")).toBe(1999);
    expect(toMinor(1000, "JPY")).toBe(1000);
    expect(toMinor(1.234, "BHD")).toBe(1234);
    expect(percentOff(12900, 30)).toBe(9030);
    expect(percentOff(1999, 15)).toBe(1699);
    expect(() => formatMinor(1.5, "USD", "en-US")).toThrow();
    expect(isCurrency("EUR")).toBe(true);
    expect(isCurrency("eur")).toBe(false);
    expect(isCurrency("XYZW")).toBe(false);
  });

  test("addMonths keeps the day, clamped to the month's end", () => {
    expect(new Date(addMonths(Date.UTC(2026, 0, 31), 1)).toISOString().slice(0, 10)).toBe("2026-02-28");
    expect(new Date(addMonths(Date.UTC(2028, 0, 31), 1)).toISOString().slice(0, 10)).toBe("2028-02-29");
    expect(new Date(addMonths(Date.UTC(2026, 10, 15), 3)).toISOString().slice(0, 10)).toBe("2027-02-15");
  });
});

describe("resolveLocale", () => {
  const cases: [string | null, string | null, string, string][] = [
    [null, null, "en", "en-US"],
    ["de-AT", "fr", "de", "de-AT"],
    ["de", null, "de", "de-DE"],
    ["it-IT", "es-MX,es;q=0.9", "es", "es-MX"],
    ["not a locale!!", "fr-CH, fr;q=0.9, en;q=0.8", "fr", "fr-CH"],
    [null, "it, de;q=0.5, en;q=0.7", "en", "en-US"],
    [null, "*;q=1, ES;q=0.1", "es", "es-ES"],
    [null, "en-GB", "en", "en-GB"],
  ];
  for (const [contextLocale, accept, lang, tag] of cases) {
    test(`context ${contextLocale}, Accept-Language ${accept} → ${tag}`, () => {
      expect(resolveLocale(contextLocale, accept)).toEqual({ lang: lang as "en", tag });
    });
  }
});
