// The flow editor's form, as pure data: a flow's draft steps → the editor's fields, the submitted form → the
// editor's fields (exactly as typed, so nothing is lost when the service refuses them), the structural edits
// (add, remove, move), the fields → raw steps for flowService.saveDraft, and a validation message → its field.
import { normalizeReason } from "../flows/flow-steps.ts";
import { OFFER_KINDS, type OfferKind, type OfferStep, type Step, type SurveyStep } from "../flows/flows.schemas.ts";

export interface ReasonRow {
  /** Stable within one page (offers' "answers" checkboxes point at it), whatever the row's position. */
  key: string;
  text: string;
  /** The stored text this row was rendered from (""=new): how its translations are found again after edits. */
  was: string;
}

/** Every kind's own fields, as typed; switching the kind keeps what was typed for the others. */
export const KIND_FIELDS = {
  discount: ["percentOff", "durationMonths"],
  pause: ["months"],
  downgrade: ["toPlan", "planLabel", "price"],
  extension: ["days"],
  contact: ["url"],
} as const satisfies Record<OfferKind, readonly string[]>;
export type KindField = (typeof KIND_FIELDS)[OfferKind][number];
export const ALL_KIND_FIELDS = Object.values(KIND_FIELDS).flat() as KindField[];

/** What a new offer of each kind starts with (the operator changes it before publishing). */
const FIELD_DEFAULTS: Record<KindField, string> = { percentOff: "20", durationMonths: "3", months: "1", toPlan: "", planLabel: "", price: "", days: "14", url: "" };
export const NEW_OFFER_TITLES: Record<OfferKind, string> = {
  discount: "Stay for 20% less",
  pause: "Take a break instead",
  downgrade: "Switch to a smaller plan",
  extension: "Have 14 more days on us",
  contact: "Talk to us first",
};

export interface OfferRow {
  /** The offer's index in the stored steps it was rendered from (null = new): its translations come from there. */
  orig: number | null;
  kind: string;
  label: string;
  body: string;
  buttonText: string;
  fields: Record<KindField, string>;
  /** Keys of the reasons this offer answers. */
  answers: string[];
}

export interface EditorModel {
  survey: { label: string; intro: string; otherRequiresText: boolean; reasons: ReasonRow[] } | null;
  /** The blank "add a reason" box. */
  newReason: string;
  offers: OfferRow[];
  confirmation: { label: string; message: string; returnAtOnce: boolean };
}

const isKind = (k: string): k is OfferKind => (OFFER_KINDS as readonly string[]).includes(k);

export function modelFromSteps(steps: Step[]): EditorModel {
  const survey = steps.find((s): s is SurveyStep => s.type === "survey") ?? null;
  const reasons: ReasonRow[] = (survey?.config.options ?? []).map((text, j) => ({ key: `r${j}`, text, was: text }));
  const keyOf = new Map(reasons.map((r) => [normalizeReason(r.text), r.key]));
  const offers: OfferRow[] = [];
  steps.forEach((s, i) => {
    if (s.type !== "offer") return;
    const c = s.config as Record<string, unknown>;
    const fields = { ...FIELD_DEFAULTS };
    for (const f of KIND_FIELDS[s.config.kind]) {
      const v = f === "planLabel" ? c.label : c[f];
      fields[f] = v === null || v === undefined ? "" : String(v);
    }
    offers.push({
      orig: i,
      kind: s.config.kind,
      label: s.label,
      body: s.body ?? "",
      buttonText: s.buttonText ?? "",
      fields,
      answers: s.reasons.map((r) => keyOf.get(normalizeReason(r))).filter((k): k is string => Boolean(k)),
    });
  });
  const confirmation = steps.find((s) => s.type === "confirmation");
  return {
    survey: survey ? { label: survey.label, intro: survey.config.intro ?? "", otherRequiresText: survey.config.otherRequiresText !== false, reasons } : null,
    newReason: "",
    offers,
    confirmation: confirmation?.type === "confirmation"
      ? { label: confirmation.label, message: confirmation.config.message, returnAtOnce: confirmation.config.returnAtOnce === true }
      : { label: "", message: "", returnAtOnce: false },
  };
}

// Caps keep a forged form from making the parser loop long; the validator's own limits are lower.
const MAX_ROWS = 40;

/** The submitted editor form, exactly as typed. */
export function modelFromForm(form: Record<string, string>): EditorModel {
  const get = (name: string) => form[name] ?? "";
  const reasons: ReasonRow[] = [];
  for (let n = 0; n < MAX_ROWS && form[`reason.${n}.key`] !== undefined; n++) {
    reasons.push({ key: get(`reason.${n}.key`).slice(0, 40), text: get(`reason.${n}.text`), was: get(`reason.${n}.was`) });
  }
  const offers: OfferRow[] = [];
  for (let k = 0; k < MAX_ROWS && form[`offer.${k}.kind`] !== undefined; k++) {
    const p = `offer.${k}.`;
    const fields = { ...FIELD_DEFAULTS };
    for (const f of ALL_KIND_FIELDS) if (form[p + f] !== undefined) fields[f] = get(p + f);
    const orig = /^\d{1,3}$/.test(get(p + "orig")) ? Number(get(p + "orig")) : null;
    offers.push({
      orig,
      kind: get(p + "kind"),
      label: get(p + "label"),
      body: get(p + "body"),
      buttonText: get(p + "buttonText"),
      fields,
      answers: reasons.filter((r) => form[`${p}answers.${r.key}`] === "1").map((r) => r.key),
    });
  }
  return {
    survey: form["survey.present"] === "1"
      ? { label: get("survey.label"), intro: get("survey.intro"), otherRequiresText: form["survey.otherRequiresText"] === "1", reasons }
      : null,
    newReason: get("newReason"),
    offers,
    confirmation: { label: get("confirmation.label"), message: get("confirmation.message"), returnAtOnce: form["confirmation.returnAtOnce"] === "1" },
  };
}

function move<T>(list: T[], from: number, by: -1 | 1): T[] {
  const to = from + by;
  if (from < 0 || from >= list.length || to < 0 || to >= list.length) return list;
  const out = [...list];
  [out[from], out[to]] = [out[to]!, out[from]!];
  return out;
}

/**
 * A structural edit the editor's buttons ask for (`op`): add, remove and move reasons and offers. Text typed in the
 * "add a reason" box is added by any submit, so pressing Save after typing it does what the operator expects.
 */
export function applyOp(model: EditorModel, op: string, newOfferKind: string): EditorModel {
  let m: EditorModel = { ...model, offers: model.offers.map((o) => ({ ...o })) };
  if (m.survey && m.newReason.trim()) {
    const used = new Set(m.survey.reasons.map((r) => r.key));
    let n = m.survey.reasons.length;
    while (used.has(`n${n}`)) n++;
    m.survey = { ...m.survey, reasons: [...m.survey.reasons, { key: `n${n}`, text: m.newReason, was: "" }] };
    m.newReason = "";
  }
  const [name, rawIndex] = op.split(":");
  const i = Number(rawIndex);
  switch (name) {
    case "reason-up":
    case "reason-down":
      if (m.survey) m.survey = { ...m.survey, reasons: move(m.survey.reasons, i, name === "reason-up" ? -1 : 1) };
      break;
    case "remove-reason":
      if (m.survey && m.survey.reasons[i]) {
        const gone = m.survey.reasons[i]!.key;
        m.survey = { ...m.survey, reasons: m.survey.reasons.filter((_, j) => j !== i) };
        m.offers = m.offers.map((o) => ({ ...o, answers: o.answers.filter((k) => k !== gone) }));
      }
      break;
    case "offer-up":
    case "offer-down":
      m.offers = move(m.offers, i, name === "offer-up" ? -1 : 1);
      break;
    case "remove-offer":
      m.offers = m.offers.filter((_, j) => j !== i);
      break;
    case "add-offer": {
      const kind: OfferKind = isKind(newOfferKind) ? newOfferKind : "discount";
      m.offers = [...m.offers, { orig: null, kind, label: NEW_OFFER_TITLES[kind], body: "", buttonText: "", fields: { ...FIELD_DEFAULTS }, answers: [] }];
      break;
    }
  }
  return m;
}

/** A typed number as the validator should see it: empty → missing ("is required"), not a number → refused as such. */
function numberOf(raw: string): number | string | undefined {
  const s = raw.trim();
  if (!s) return undefined;
  return /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : s;
}

const optional = (s: string) => (s.trim() ? s : undefined);

function dropUndefined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The editor's fields as raw steps for flowService.saveDraft (which validates them). Translations (`locales`) are
 * not edited here: they are carried over from the stored draft, reasons found by the text they were rendered with.
 */
export function stepsFromModel(model: EditorModel, stored: Step[]): unknown[] {
  const steps: unknown[] = [];
  const storedSurvey = stored.find((s): s is SurveyStep => s.type === "survey");
  if (model.survey) {
    const s = model.survey;
    let locales = storedSurvey?.locales ? structuredClone(storedSurvey.locales) : undefined;
    if (locales && storedSurvey) {
      const index = new Map(storedSurvey.config.options.map((o, j) => [normalizeReason(o), j]));
      for (const t of Object.values(locales)) {
        if (!t?.options) continue;
        const old = t.options;
        // A reason without a translation reads in the flow's own words until someone translates it.
        t.options = s.reasons.map((r) => {
          const j = r.was ? index.get(normalizeReason(r.was)) : undefined;
          return j !== undefined && old[j] !== undefined ? old[j]! : r.text;
        });
      }
    }
    const storedOther = storedSurvey?.config.otherRequiresText;
    steps.push(
      dropUndefined({
        type: "survey",
        label: s.label,
        config: dropUndefined({
          options: s.reasons.map((r) => r.text),
          intro: optional(s.intro),
          // Unchanged "on" stays absent (its default), so a save without edits changes nothing.
          otherRequiresText: s.otherRequiresText ? (storedOther === undefined ? undefined : true) : false,
        }),
        locales,
      }),
    );
  }
  const reasonText = new Map((model.survey?.reasons ?? []).map((r) => [r.key, r.text]));
  for (const o of model.offers) {
    const kind = o.kind;
    const f = o.fields;
    const config: Record<string, unknown> = { kind };
    if (kind === "discount") Object.assign(config, { percentOff: numberOf(f.percentOff), durationMonths: numberOf(f.durationMonths) });
    if (kind === "pause") config.months = numberOf(f.months);
    if (kind === "downgrade") Object.assign(config, { toPlan: f.toPlan, label: f.planLabel, price: numberOf(f.price) });
    if (kind === "extension") config.days = numberOf(f.days);
    if (kind === "contact") config.url = f.url.trim() ? f.url.trim() : null;
    const before = o.orig !== null ? stored[o.orig] : undefined;
    steps.push(
      dropUndefined({
        type: "offer",
        label: o.label,
        body: optional(o.body),
        buttonText: optional(o.buttonText),
        config: kind === "downgrade" ? dropUndefined(config) : config,
        reasons: (model.survey?.reasons ?? [])
          .filter((r) => o.answers.includes(r.key))
          .map((r) => {
            // An unchanged reason keeps the offer's own spelling of it ("too expensive"), so a save without edits
            // changes nothing; an edited one takes the survey's new text.
            const text = reasonText.get(r.key)!;
            const own = before?.type === "offer" ? before.reasons.find((x) => normalizeReason(x) === normalizeReason(text)) : undefined;
            return own ?? text;
          }),
        locales: before?.type === "offer" && before.locales ? structuredClone(before.locales) : undefined,
      }),
    );
  }
  const storedConfirmation = stored.find((s) => s.type === "confirmation");
  const storedAtOnce = storedConfirmation?.type === "confirmation" ? storedConfirmation.config.returnAtOnce : undefined;
  steps.push(
    dropUndefined({
      type: "confirmation",
      label: model.confirmation.label,
      config: dropUndefined({ message: model.confirmation.message, returnAtOnce: model.confirmation.returnAtOnce ? true : storedAtOnce === undefined ? undefined : false }),
      locales: storedConfirmation?.locales ? structuredClone(storedConfirmation.locales) : undefined,
    }),
  );
  return steps;
}

export interface FieldErrors {
  /** Field id → the validator's message (it names the step and field). */
  fields: Record<string, string>;
  /** A message that belongs to no single field (translations, the flow as a whole). */
  form: string | null;
}

const OFFER_FIELD_IDS: Record<string, string> = { label: "label", body: "body", buttonText: "buttonText", "config.kind": "kind", config: "kind" };

/** Where a validation message (`steps[1].config.percentOff must be …`) goes in the editor: the id of its field. */
export function fieldIdFor(message: string, model: EditorModel): string | null {
  const m = /^steps\[(\d+)\]\.?([A-Za-z.]*)(?:\[(\d+)\])?/.exec(message);
  if (!m) return null;
  const index = Number(m[1]);
  const path = m[2] ?? "";
  const sub = m[3];
  if (path.startsWith("locales")) return null;
  const offset = model.survey ? 1 : 0;
  if (model.survey && index === 0) {
    if (path === "label") return "f-survey-label";
    if (path === "config.intro") return "f-survey-intro";
    if (path === "config.otherRequiresText") return "f-survey-other";
    if (path === "config.options") return sub !== undefined ? `f-reason-${sub}` : "f-reasons";
    return null;
  }
  const k = index - offset;
  if (k >= 0 && k < model.offers.length) {
    if (path === "reasons") return `f-offer-${k}-answers`;
    if (OFFER_FIELD_IDS[path]) return `f-offer-${k}-${OFFER_FIELD_IDS[path]}`;
    const field = /^config\.(\w+)$/.exec(path)?.[1];
    if (field) return `f-offer-${k}-${field === "label" ? "planLabel" : field}`;
    return `f-offer-${k}-kind`;
  }
  if (index === offset + model.offers.length) {
    if (path === "label") return "f-confirmation-label";
    if (path.startsWith("config")) return "f-confirmation-message";
  }
  return null;
}

export function errorsFor(message: string, model: EditorModel): FieldErrors {
  const id = fieldIdFor(message, model);
  return id ? { fields: { [id]: message }, form: null } : { fields: {}, form: message };
}

/** A step of the draft named for people ("Offer 2 “Take a break instead”"), for diffs. */
export function stepName(steps: Step[], index: number): string {
  const s = steps[index];
  if (!s) return `Step ${index + 1}`;
  if (s.type === "survey") return "Survey";
  if (s.type === "confirmation") return "Confirmation";
  const n = steps.slice(0, index + 1).filter((x) => x.type === "offer").length;
  return `Offer ${n} “${(s as OfferStep).label}”`;
}
