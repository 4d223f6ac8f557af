// What an offer means for this subscriber, in their money and their calendar: "$129.00 → $90.30 a month
// for 3 months", "No charge until 12 March". Pure: the price, currency, locale and today are passed in.
import { formatMinor, percentOff, toMinor } from "../../lib/money.ts";
import type { OfferConfig } from "../flows/flows.schemas.ts";
import type { Messages } from "./hosted.i18n.ts";

export interface MoneyContext {
  /** The plan's name as the integrator sent it (`context.plan`). */
  plan: string | null;
  /** `context.mrr` in the currency's major unit; null when unknown (no money is shown then). */
  mrr: number | null;
  /** ISO 4217, USD unless the session said otherwise. */
  currency: string;
  /** BCP 47 tag for Intl. */
  tag: string;
  /** Now, in ms (the injected clock). */
  now: number;
}

const DAY_MS = 86_400_000;

/** The same day `n` calendar months later (UTC), clamped to the month's end (31 Jan + 1 → 28/29 Feb). */
export function addMonths(ms: number, n: number): number {
  const d = new Date(ms);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1, d.getUTCHours(), d.getUTCMinutes()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return target.getTime();
}

/** "12 March" (or "March 12", by the locale); the year too when it is not this year's. */
export function formatDay(ms: number, tag: string, now: number): string {
  const sameYear = new Date(ms).getUTCFullYear() === new Date(now).getUTCFullYear();
  return new Intl.DateTimeFormat(tag, { day: "numeric", month: "long", ...(sameYear ? {} : { year: "numeric" }), timeZone: "UTC" }).format(ms);
}

/** One line of money or dates for an offer, or null when there is nothing certain to say. */
export function offerTerms(offer: OfferConfig, m: MoneyContext, t: Messages): string | null {
  const price = m.mrr === null ? null : toMinor(m.mrr, m.currency);
  const money = (minor: number) => formatMinor(minor, m.currency, m.tag);
  switch (offer.kind) {
    case "discount":
      return price === null ? null : t.perMonthFor(money(price), money(percentOff(price, offer.percentOff)), offer.durationMonths);
    case "pause":
      return t.noChargeUntil(formatDay(addMonths(m.now, offer.months), m.tag, m.now));
    case "downgrade":
      return price === null || offer.price === undefined ? null : t.perMonth(money(price), money(toMinor(offer.price, m.currency)));
    case "extension": {
      const until = formatDay(m.now + offer.days * DAY_MS, m.tag, m.now);
      // A month's price spread over the year's days: what the free days would have cost.
      return price === null ? t.noChargeUntil(until) : t.freeUntil(until, money(Math.round((price * 12 * offer.days) / 365)));
    }
    case "contact":
      return null;
  }
}

/** What canceling gives up ("You will lose Pro ($129.00 a month)."), or null when the price is unknown. */
export function lossLine(m: MoneyContext, t: Messages): string | null {
  if (m.mrr === null) return null;
  return t.youLose(m.plan, formatMinor(toMinor(m.mrr, m.currency), m.currency, m.tag));
}
