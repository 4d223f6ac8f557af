// The flow editor's pages: the list, the draft editor with its preview pane, versions, diff and the roll-back
// confirmation. Pure functions of data; every form is a plain POST with the dashboard's CSRF token.
import { html, raw, type SafeHtml } from "../../views/html.ts";
import { csrfInput, emptyState, field, formError, time } from "../dashboard/dashboard.views.ts";
import { offerForReason } from "../flows/flow-steps.ts";
import { OFFER_KINDS, type OfferKind, type Step } from "../flows/flows.schemas.ts";
import type { FlowChange } from "../flows/flow-diff.ts";
import type { FlowVersionInfo } from "../flows/flows.store.ts";
import { KIND_FIELDS, stepName, type EditorModel, type FieldErrors, type KindField } from "./flow-editor.model.ts";

export interface FlowRow {
  id: string;
  name: string;
  status: "draft" | "active" | "archived";
  isDefault: boolean;
  version: number | null;
  hasDraftChanges: boolean;
}

const KIND_LABELS: Record<OfferKind, string> = { discount: "Discount", pause: "Pause", downgrade: "Downgrade", extension: "Extension", contact: "Contact us" };

const STATUS_LABELS: Record<FlowRow["status"], string> = { draft: "Draft", active: "Active", archived: "Archived" };

function draftMarker(f: { version: number | null; hasDraftChanges: boolean }): SafeHtml {
  if (f.version === null) return html`<span class="tag tag-test">Not published yet</span>`;
  return f.hasDraftChanges ? html`<span class="tag tag-test">Unpublished changes</span>` : html`<span class="muted">Same as v${f.version}</span>`;
}

export interface ListErrors {
  create?: { name?: string; source?: string; values: { name: string; source: string } };
  rename?: { id: string; message: string; value: string };
}

export function flowListView(v: { flows: FlowRow[]; canEdit: boolean; csrf: string; errors?: ListErrors }): SafeHtml {
  const e = v.errors ?? {};
  const rows = v.flows.map((f) => {
    const renameError = e.rename?.id === f.id ? e.rename : null;
    return html`<tr>
<td><a href="/dashboard/flows/${f.id}">${f.name}</a>${f.isDefault ? html` <span class="tag tag-live">Default</span>` : ""}</td>
<td data-label="Status">${STATUS_LABELS[f.status]}</td>
<td data-label="Published">${f.version === null ? html`<span class="muted">—</span>` : html`v${f.version}`}</td>
<td data-label="Draft">${draftMarker(f)}</td>
${v.canEdit
  ? html`<td class="actions-cell"><div class="row-actions">
<details class="rename"${renameError ? raw(" open") : ""}><summary class="btn btn-small">Rename<span class="visually-hidden"> ${f.name}</span></summary>
<form method="post" action="/dashboard/flows/${f.id}/rename" class="rename-form">${csrfInput(v.csrf)}
${field({ label: `New name for ${f.name}`, name: "name", id: `f-rename-${f.id}`, value: renameError ? renameError.value : f.name, error: renameError?.message })}
<button class="btn btn-small btn-primary">Save name</button></form></details>
${f.status === "active" && !f.isDefault ? html`<form method="post" action="/dashboard/flows/${f.id}/default">${csrfInput(v.csrf)}<button class="btn btn-small">Make default<span class="visually-hidden"> (${f.name})</span></button></form>` : ""}
${f.status === "archived"
    ? html`<form method="post" action="/dashboard/flows/${f.id}/unarchive">${csrfInput(v.csrf)}<button class="btn btn-small">Unarchive<span class="visually-hidden"> ${f.name}</span></button></form>`
    : f.isDefault
      ? ""
      : html`<form method="post" action="/dashboard/flows/${f.id}/archive">${csrfInput(v.csrf)}<button class="btn btn-small btn-danger">Archive<span class="visually-hidden"> ${f.name}</span></button></form>`}
</div></td>`
  : ""}
</tr>`;
  });
  const c = e.create;
  return html`<p class="lede">A flow is the exit survey, the offers matched to its reasons, and the confirmation. Edit a flow's draft, preview it, then publish it as a new version; sessions already running keep the version they started on.</p>
${v.canEdit ? createForm(v.flows, v.csrf, c) : html`<p class="note">Viewers can read flows and preview them, but not change them.</p>`}
<section class="panel">
<h2>Flows</h2>
${v.flows.length === 0
    ? emptyState("No flows yet.")
    : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Flows"><table class="flow-table">
<thead><tr><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Published</th><th scope="col">Draft</th>${v.canEdit ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : ""}</tr></thead>
<tbody>${rows}</tbody>
</table></div>`}
</section>`;
}

function createForm(flows: FlowRow[], csrf: string, c: ListErrors["create"]): SafeHtml {
  const source = c?.values.source ?? "default";
  return html`<section class="panel">
<h2>Create a flow</h2>
<form method="post" action="/dashboard/flows" class="inline-form">
${csrfInput(csrf)}
${field({ label: "Name", name: "name", id: "f-new-name", value: c?.values.name ?? "", error: c?.name })}
<div class="field${c?.source ? " has-error" : ""}">
<label for="f-new-source">Start from</label>
<select id="f-new-source" name="source"${c?.source ? raw(' aria-invalid="true" aria-describedby="f-new-source-error"') : ""}>
<option value="default"${raw(source === "default" ? " selected" : "")}>The built-in default flow</option>
${flows.map((f) => html`<option value="${f.id}"${raw(source === f.id ? " selected" : "")}>A copy of “${f.name}”</option>`)}
</select>
${c?.source ? html`<p class="field-error" id="f-new-source-error">${c.source}</p>` : ""}
</div>
<button class="btn btn-primary">Create flow</button>
</form>
</section>`;
}

export interface EditorFlow {
  id: string;
  name: string;
  status: FlowRow["status"];
  isDefault: boolean;
  version: number | null;
  hasDraftChanges: boolean;
}

export interface EditorView {
  flow: EditorFlow;
  model: EditorModel;
  /** The draft's steps as stored, for the preview's reason picker. */
  draft: Step[];
  errors: FieldErrors;
  canEdit: boolean;
  csrf: string;
  /** The preview's starting URL (keeps the step the operator was looking at). */
  previewSrc: string;
}

function flowHeader(flow: EditorFlow, current: "editor" | "versions"): SafeHtml {
  return html`<div class="flow-head">
<p class="flow-meta"><span class="tag">${STATUS_LABELS[flow.status]}</span>${flow.isDefault ? html` <span class="tag tag-live">Default</span>` : ""}
${flow.version === null ? "" : html` Published: v${flow.version} ·`} ${draftMarker(flow)}</p>
<nav class="flow-tabs" aria-label="Flow">
<a href="/dashboard/flows/${flow.id}"${raw(current === "editor" ? ' aria-current="page"' : "")}>Draft</a>
<a href="/dashboard/flows/${flow.id}/versions"${raw(current === "versions" ? ' aria-current="page"' : "")}>Versions</a>
<a href="/dashboard/flows">All flows</a>
</nav>
</div>`;
}

function publishForm(flow: EditorFlow, csrf: string, back: "editor" | "versions"): SafeHtml {
  // Both are sent: after a background save the script swaps the note for the button.
  const nothing = flow.version !== null && !flow.hasDraftChanges;
  return html`<p class="hint publish-note" data-publish-note${raw(nothing ? "" : " hidden")}>Nothing to publish: the draft is the live v${String(flow.version)}.</p>
<form method="post" action="/dashboard/flows/${flow.id}/publish" class="inline" data-publish-form${raw(nothing ? " hidden" : "")}>${csrfInput(csrf)}<input type="hidden" name="back" value="${back}">
<button class="btn btn-primary">Publish the draft${flow.version === null ? "" : html` as v${flow.version + 1}`}</button></form>`;
}

function testSessionForm(flow: EditorFlow, csrf: string): SafeHtml {
  if (flow.version === null)
    return html`<p class="hint test-note">Test sessions run a published version: this flow has none yet. Publish the draft first.</p>`;
  return html`<form method="post" action="/dashboard/flows/${flow.id}/test-session" target="_blank" class="inline">${csrfInput(csrf)}
<button class="btn">Open a test session<span class="visually-hidden"> (opens a new tab)</span></button></form>
<p class="hint test-note">A sandbox session of the published v${flow.version}${flow.hasDraftChanges ? html` (<strong>not</strong> your unpublished changes)` : ""}.</p>`;
}

const errorOf = (errors: FieldErrors, id: string) => errors.fields[id];

function textField(errors: FieldErrors, o: { label: string; name: string; id: string; value: string; hint?: string; type?: string }): SafeHtml {
  return field({ ...o, error: errorOf(errors, o.id) });
}

function checkbox(o: { label: string; name: string; id: string; checked: boolean; error?: string; hint?: string }): SafeHtml {
  const described = [o.hint ? `${o.id}-hint` : "", o.error ? `${o.id}-error` : ""].filter(Boolean).join(" ");
  return html`<div class="field check${o.error ? " has-error" : ""}">
<label for="${o.id}"><input type="checkbox" id="${o.id}" name="${o.name}" value="1"${raw(o.checked ? " checked" : "")}${raw(described ? ` aria-describedby="${described}"` : "")}> ${o.label}</label>
${o.hint ? html`<p class="hint" id="${o.id}-hint">${o.hint}</p>` : ""}
${o.error ? html`<p class="field-error" id="${o.id}-error">${o.error}</p>` : ""}
</div>`;
}

function moveButtons(kind: "reason" | "offer", i: number, count: number, what: string): SafeHtml {
  return html`<div class="move" data-move>
<button class="btn btn-small" name="op" value="${kind}-up:${i}"${raw(i === 0 ? " disabled" : "")} data-dir="up"><span aria-hidden="true">↑</span><span class="visually-hidden">Move ${what} up</span></button>
<button class="btn btn-small" name="op" value="${kind}-down:${i}"${raw(i === count - 1 ? " disabled" : "")} data-dir="down"><span aria-hidden="true">↓</span><span class="visually-hidden">Move ${what} down</span></button>
<button class="btn btn-small btn-danger" name="op" value="remove-${kind}:${i}" data-remove><span class="remove-icon" aria-hidden="true">✕</span><span class="remove-text">Remove</span><span class="visually-hidden"> ${what}</span></button>
</div>`;
}

const KIND_FIELD_LABELS: Record<KindField, { label: string; hint?: string; type?: string }> = {
  percentOff: { label: "Percent off", hint: "1–100", type: "number" },
  durationMonths: { label: "For how many months", hint: "1–36", type: "number" },
  months: { label: "Pause for how many months", hint: "1–12", type: "number" },
  toPlan: { label: "Plan id to switch to", hint: "Your plan's id, e.g. starter" },
  planLabel: { label: "Plan name shown", hint: "e.g. Starter" },
  price: { label: "Its monthly price (optional)", hint: "In the main unit, like context.mrr: 49.5 = $49.50", type: "text" },
  days: { label: "Extra days", hint: "1–365", type: "number" },
  url: { label: "Contact link (optional)", hint: "https:, http: or mailto:; without one the page asks the subscriber to reply to your e-mails", type: "text" },
};

function surveyPanel(m: EditorModel, errors: FieldErrors): SafeHtml {
  const s = m.survey!;
  const reasonsError = errorOf(errors, "f-reasons");
  return html`<fieldset class="panel editor-section" id="survey">
<legend><h2>Survey</h2></legend>
<input type="hidden" name="survey.present" value="1">
${textField(errors, { label: "Question", name: "survey.label", id: "f-survey-label", value: s.label })}
${textField(errors, { label: "Intro text (optional)", name: "survey.intro", id: "f-survey-intro", value: s.intro, type: "textarea", hint: "A line under the question; a built-in line when empty." })}
<fieldset class="reasons-edit${reasonsError ? " has-error" : ""}" id="f-reasons"${reasonsError ? raw(' aria-describedby="f-reasons-error"') : ""}>
<legend>Reasons <span class="hint">(in the order subscribers see them)</span></legend>
${reasonsError ? html`<p class="field-error" id="f-reasons-error">${reasonsError}</p>` : ""}
<ol class="reorder" data-reorder="reason">
${s.reasons.map((r, i) => {
  const id = `f-reason-${i}`;
  const error = errorOf(errors, id);
  return html`<li class="reorder-item reason-row${error ? " has-error" : ""}" data-item>
<input type="hidden" name="reason.${i}.key" value="${r.key}"><input type="hidden" name="reason.${i}.was" value="${r.was}" data-was>
<label for="${id}" class="reason-num"><span class="visually-hidden">Reason </span><span data-pos>${i + 1}</span></label>
<input id="${id}" name="reason.${i}.text" type="text" value="${r.text}"${raw(error ? ` aria-invalid="true" aria-describedby="${id}-error"` : "")} data-reason-text>
${moveButtons("reason", i, s.reasons.length, `reason ${i + 1}`)}
${error ? html`<p class="field-error" id="${id}-error">${error}</p>` : ""}
</li>`;
})}
</ol>
<div class="add-row">
${field({ label: "Add a reason", name: "newReason", id: "f-new-reason", value: m.newReason, hint: "Typed here, it is added by the next save." })}
<button class="btn" name="op" value="add-reason">Add reason</button>
</div>
</fieldset>
${checkbox({ label: "Choosing “Other” asks the subscriber to say why", name: "survey.otherRequiresText", id: "f-survey-other", checked: s.otherRequiresText, error: errorOf(errors, "f-survey-other"), hint: "Only when a reason is called “Other”." })}
</fieldset>`;
}

function offerCard(m: EditorModel, k: number, errors: FieldErrors): SafeHtml {
  const o = m.offers[k]!;
  const p = `offer.${k}.`;
  const id = (f: string) => `f-offer-${k}-${f}`;
  const kindError = errorOf(errors, id("kind"));
  const answersError = errorOf(errors, id("answers"));
  const reasons = m.survey?.reasons ?? [];
  // Which other offer already answers a reason: shown beside it, since a reason leads to one offer.
  const takenBy = new Map<string, number>();
  m.offers.forEach((other, j) => {
    if (j !== k) for (const key of other.answers) if (!takenBy.has(key)) takenBy.set(key, j);
  });
  return html`<li class="offer-card reorder-item" data-item id="offer-${k}">
<div class="offer-card-head"><h3>Offer <span data-pos>${k + 1}</span>: ${o.label || KIND_LABELS[o.kind as OfferKind] || "new offer"}</h3>
${moveButtons("offer", k, m.offers.length, `offer ${k + 1}`)}</div>
<input type="hidden" name="${p}orig" value="${o.orig === null ? "" : String(o.orig)}" data-orig>
<div class="field${kindError ? " has-error" : ""}">
<label for="${id("kind")}">Kind</label>
<select id="${id("kind")}" name="${p}kind" data-kind-select aria-describedby="${id("kind")}-hint${kindError ? ` ${id("kind")}-error` : ""}"${raw(kindError ? ' aria-invalid="true"' : "")}>
${OFFER_KINDS.map((kind) => html`<option value="${kind}"${raw(o.kind === kind ? " selected" : "")}>${KIND_LABELS[kind]}</option>`)}
</select>
<p class="hint" id="${id("kind")}-hint">Changing the kind? Its own fields appear after saving (at once with JavaScript).</p>
${kindError ? html`<p class="field-error" id="${id("kind")}-error">${kindError}</p>` : ""}
</div>
${textField(errors, { label: "Title", name: `${p}label`, id: id("label"), value: o.label })}
${textField(errors, { label: "Text (optional)", name: `${p}body`, id: id("body"), value: o.body, type: "textarea", hint: "A built-in sentence for the kind when empty." })}
${textField(errors, { label: "Button text (optional)", name: `${p}buttonText`, id: id("buttonText"), value: o.buttonText })}
${OFFER_KINDS.map(
  (kind) => html`<div class="kind-fields" data-kind="${kind}"${raw(kind === o.kind ? "" : " hidden")}>
${KIND_FIELDS[kind].map((f) => {
  const meta = KIND_FIELD_LABELS[f];
  // Only the selected kind's fields carry errors; the others keep what was typed for a later switch.
  return textField(kind === o.kind ? errors : { fields: {}, form: null }, {
    label: meta.label,
    name: `${p}${f}`,
    id: kind === o.kind ? id(f) : `${id(f)}-${kind}`,
    value: o.fields[f],
    hint: meta.hint,
    type: meta.type,
  });
})}
</div>`,
)}
<fieldset class="answers${answersError ? " has-error" : ""}" id="${id("answers")}"${answersError ? raw(` aria-describedby="${id("answers")}-error"`) : ""}>
<legend>Shown for these reasons</legend>
${answersError ? html`<p class="field-error" id="${id("answers")}-error">${answersError}</p>` : ""}
${reasons.length === 0
    ? html`<p class="hint">The flow has no survey, so no reason leads here.</p>`
    : html`<div class="answer-list">${reasons.map((r) => {
        const taken = takenBy.get(r.key);
        return html`<label><input type="checkbox" name="${p}answers.${r.key}" value="1"${raw(o.answers.includes(r.key) ? " checked" : "")}> ${r.text || "(empty)"}${taken !== undefined ? html` <span class="hint">(offer ${taken + 1})</span>` : ""}</label>`;
      })}</div>`}
</fieldset>
</li>`;
}

function confirmationPanel(m: EditorModel, errors: FieldErrors): SafeHtml {
  const c = m.confirmation;
  return html`<fieldset class="panel editor-section" id="confirmation">
<legend><h2>Confirmation</h2></legend>
${textField(errors, { label: "Title after canceling", name: "confirmation.label", id: "f-confirmation-label", value: c.label })}
${textField(errors, { label: "Message", name: "confirmation.message", id: "f-confirmation-message", value: c.message, type: "textarea", hint: "Shown on the last page, before the subscriber returns to your app." })}
${checkbox({ label: "Return at once", name: "confirmation.returnAtOnce", id: "f-confirmation-returnAtOnce", checked: c.returnAtOnce, hint: "Skip the last page and send the subscriber straight back to your return URL (for apps that show their own page)." })}
</fieldset>`;
}

/** The reason picker's choices: the survey, each reason (to its offer, or to the confirmation), the confirmation. */
export function previewJumps(draft: Step[]): { value: string; label: string }[] {
  const survey = draft.find((s) => s.type === "survey");
  const out = [{ value: "survey", label: "The survey" }];
  if (survey?.type === "survey") {
    // By position, so the picker still points at the right reason after its text is edited in the background.
    survey.config.options.forEach((option, i) => {
      const offer = offerForReason({ steps: draft }, option);
      out.push({ value: `reason:${i}`, label: `“${option}” → ${offer ? `offer “${offer.label}”` : "confirmation"}` });
    });
  }
  out.push({ value: "confirm", label: "The “are you sure” page" }, { value: "done-canceled", label: "Canceled (last page)" }, { value: "done-saved", label: "Stayed (last page)" });
  return out;
}

function previewPane(v: EditorView): SafeHtml {
  return html`<aside class="preview-pane" aria-labelledby="preview-title">
<h2 id="preview-title">Preview</h2>
<p class="hint">The draft, as subscribers see it at phone width, in your brand. Click through it: nothing is recorded.</p>
<form method="get" action="/dashboard/flows/${v.flow.id}/preview" target="flow-preview" class="preview-controls" data-preview-controls>
<div class="field"><label for="f-preview-jump">Show</label>
<select id="f-preview-jump" name="jump" data-preview-jump>${previewJumps(v.draft).map((j) => html`<option value="${j.value}">${j.label}</option>`)}</select></div>
<div class="field"><label for="f-preview-lang">Language</label>
<select id="f-preview-lang" name="lang"><option value="en">English</option><option value="de">Deutsch</option><option value="fr">Français</option><option value="es">Español</option></select></div>
<button class="btn">Show in preview</button>
</form>
<div class="preview-frame"><iframe name="flow-preview" id="flow-preview" title="Preview of the hosted cancellation page (draft)" src="${v.previewSrc}" width="390" height="740"></iframe></div>
</aside>`;
}

export function editorView(v: EditorView): SafeHtml {
  const { model: m, errors } = v;
  const summary = v.errors.form ?? Object.values(v.errors.fields)[0];
  const firstField = Object.keys(v.errors.fields)[0];
  const offerOffset = m.survey ? 1 : 0;
  const form = html`<form method="post" action="/dashboard/flows/${v.flow.id}" class="editor-form" id="flow-editor" data-flow-editor data-offer-offset="${String(offerOffset)}" novalidate>
${csrfInput(v.csrf)}
<div class="save-bar">
<button class="btn btn-primary" name="op" value="save" data-save>Save draft</button>
<p class="hint save-status" role="status" id="save-status" data-save-status>${v.flow.version === null ? "Not published yet." : v.flow.hasDraftChanges ? "The draft has changes that are not published." : html`The draft is the published v${v.flow.version}.`}</p>
</div>
${summary ? html`<div class="form-error" role="alert"><p>Not saved: ${summary}${firstField ? html` <a href="#${firstField}">Go to the field</a>` : ""}</p><p class="hint">Everything you typed is still here.</p></div>` : ""}
${m.survey ? surveyPanel(m, errors) : html`<p class="note">This flow has no survey: every subscriber goes straight to the confirmation.</p>`}
<section class="panel editor-section" id="offers" aria-labelledby="offers-title">
<h2 id="offers-title">Offers</h2>
<p class="hint">An offer is shown to subscribers who pick one of its reasons. A reason leads to at most one offer.</p>
${m.offers.length ? html`<ol class="reorder offers" data-reorder="offer">${m.offers.map((_, k) => offerCard(m, k, errors))}</ol>` : emptyState("No offers: subscribers go from the survey to the confirmation.")}
<div class="add-row">
<div class="field"><label for="f-new-offer-kind">New offer of kind</label>
<select id="f-new-offer-kind" name="newOfferKind">${OFFER_KINDS.map((k) => html`<option value="${k}">${KIND_LABELS[k]}</option>`)}</select></div>
<button class="btn" name="op" value="add-offer">Add offer</button>
</div>
</section>
${confirmationPanel(m, errors)}
<div class="save-bar bottom"><button class="btn btn-primary" name="op" value="save">Save draft</button></div>
</form>`;
  return html`${flowHeader(v.flow, "editor")}
${v.canEdit
    ? html`<div class="flow-actions">${publishForm(v.flow, v.csrf, "editor")}<div class="test-session">${testSessionForm(v.flow, v.csrf)}</div></div>`
    : html`<p class="note">You are a viewer: you can read and preview this flow, not change it.</p>`}
<div class="editor-layout">
<div class="editor-main">${v.canEdit ? form : html`<fieldset class="stack" disabled>${form}</fieldset>`}</div>
${previewPane(v)}
</div>
<script src="/assets/flow-editor.js" defer></script>`;
}

// ------------------------------------------------------------------------------------------------
// Versions, diff, roll back
// ------------------------------------------------------------------------------------------------

export function versionsView(v: { flow: EditorFlow; versions: FlowVersionInfo[]; canEdit: boolean; csrf: string }): SafeHtml {
  const options = [{ value: "draft", label: "The draft" }, ...v.versions.map((x) => ({ value: String(x.version), label: `v${x.version}` }))];
  const latest = v.versions[0]?.version;
  return html`${flowHeader(v.flow, "versions")}
${v.canEdit ? html`<div class="flow-actions">${publishForm(v.flow, v.csrf, "versions")}</div>` : ""}
<section class="panel">
<h2>Compare</h2>
${v.versions.length === 0
    ? emptyState("Nothing to compare yet: publish the draft to make version 1.")
    : html`<form method="get" action="/dashboard/flows/${v.flow.id}/diff" class="inline-form">
${selectField("From", "from", "f-diff-from", options, String(v.flow.version ?? latest))}
${selectField("To", "to", "f-diff-to", options, "draft")}
<button class="btn">Show changes</button>
</form>`}
</section>
<section class="panel">
<h2>Published versions</h2>
${v.versions.length === 0
    ? emptyState("No published version yet.")
    : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Versions"><table>
<thead><tr><th scope="col">Version</th><th scope="col">Published</th><th scope="col">By</th><th scope="col">Note</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>${v.versions.map(
        (x) => html`<tr>
<td>v${x.version}${x.version === v.flow.version ? html` <span class="tag tag-live">Live</span>` : ""}</td>
<td>${time(x.publishedAt)}</td>
<td>${x.publishedBy ?? html`<span class="muted">not recorded</span>`}</td>
<td>${x.restoredFrom !== null ? html`Rolled back to v${x.restoredFrom}` : html`<span class="muted">—</span>`}</td>
<td><div class="row-actions"><a class="btn btn-small" href="/dashboard/flows/${v.flow.id}/diff?from=${String(x.version)}&amp;to=draft">Compare with the draft<span class="visually-hidden"> (v${x.version})</span></a>
${v.canEdit && x.version !== v.flow.version
          ? html`<form method="post" action="/dashboard/flows/${v.flow.id}/rollback">${csrfInput(v.csrf)}<input type="hidden" name="version" value="${String(x.version)}"><button class="btn btn-small">Roll back to v${x.version}</button></form>`
          : ""}</div></td>
</tr>`,
      )}</tbody>
</table></div>`}
<p class="hint">Published versions never change. Rolling back publishes an old version again as a new version.</p>
</section>`;
}

function selectField(label: string, name: string, id: string, options: { value: string; label: string }[], value: string): SafeHtml {
  return html`<div class="field"><label for="${id}">${label}</label>
<select id="${id}" name="${name}">${options.map((o) => html`<option value="${o.value}"${raw(o.value === value ? " selected" : "")}>${o.label}</option>`)}</select></div>`;
}

const FIELD_NAMES: Record<string, string> = {
  label: "title",
  body: "text",
  buttonText: "button text",
  reasons: "reasons it answers",
  "config.options": "reasons",
  "config.intro": "intro text",
  "config.otherRequiresText": "“Other” asks for text",
  "config.percentOff": "percent off",
  "config.durationMonths": "months of discount",
  "config.months": "months of pause",
  "config.toPlan": "plan id",
  "config.label": "plan name",
  "config.price": "plan price",
  "config.days": "extra days",
  "config.url": "contact link",
  "config.message": "message",
  "config.returnAtOnce": "return at once",
};

/** `steps[1].config.percentOff` → "Offer 1 “Stay for 30% less” · percent off". */
export function describeChange(path: string, before: Step[], after: Step[]): string {
  const m = /^steps\[(\d+)\](?:\.(.*))?$/.exec(path);
  if (!m) return path;
  const index = Number(m[1]);
  const name = stepName(after[index] ? after : before, index);
  if (!m[2]) return name;
  if (m[2] === "label" && (after[index]?.type ?? before[index]?.type) === "survey") return `${name} · question`;
  const locale = /^locales\.(\w+)\.?(.*)$/.exec(m[2]);
  if (locale) return `${name} · ${locale[1]} translation${locale[2] ? ` of ${FIELD_NAMES[locale[2]] ?? locale[2]}` : ""}`;
  return `${name} · ${FIELD_NAMES[m[2]] ?? m[2]}`;
}

function valueText(v: unknown, other: unknown): SafeHtml {
  if (v === undefined) return html`<span class="muted">—</span>`;
  if (v === null) return html`<span class="muted">none</span>`;
  if (typeof v === "string") return html`“${v}”`;
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) {
    // Lists of reasons: what the other side lacks is marked, so a renamed or moved reason stands out.
    const others = new Set(Array.isArray(other) ? other : []);
    return html`<ol class="value-list">${v.map((x) => (others.has(x) ? html`<li>${x}</li>` : html`<li class="differs"><mark>${x}</mark></li>`))}</ol>`;
  }
  if (typeof v === "object") {
    const step = v as { type?: unknown; label?: unknown };
    if (typeof step.type === "string" && typeof step.label === "string") return html`${step.type} step “${step.label}”`;
    return html`<code>${JSON.stringify(v)}</code>`;
  }
  return html`${String(v)}`;
}

const CHANGE_LABELS = { added: "Added", removed: "Removed", changed: "Changed" } as const;
const sideName = (s: number | "draft") => (s === "draft" ? "the draft" : `v${s}`);

export function changesTable(changes: FlowChange[], before: Step[], after: Step[]): SafeHtml {
  if (changes.length === 0) return emptyState("No differences: the two are the same.");
  return html`<ol class="changes">${changes.map(
    (c) => html`<li class="change">
<p class="change-what"><span class="tag diff-${c.change}">${CHANGE_LABELS[c.change]}</span> <strong>${describeChange(c.path, before, after)}</strong> <code class="muted">${c.path}</code></p>
<div class="change-values"><div><p class="hint">Before</p>${valueText(c.before, c.after)}</div><div><p class="hint">After</p>${valueText(c.after, c.before)}</div></div>
</li>`,
  )}</ol>`;
}

export function diffView(v: { flow: EditorFlow; from: number | "draft"; to: number | "draft"; changes: FlowChange[]; before: Step[]; after: Step[]; versions: FlowVersionInfo[] }): SafeHtml {
  const options = [{ value: "draft", label: "The draft" }, ...v.versions.map((x) => ({ value: String(x.version), label: `v${x.version}` }))];
  return html`${flowHeader(v.flow, "versions")}
<section class="panel">
<h2>Changes from ${sideName(v.from)} to ${sideName(v.to)}</h2>
<form method="get" action="/dashboard/flows/${v.flow.id}/diff" class="inline-form">
${selectField("From", "from", "f-diff-from", options, String(v.from))}
${selectField("To", "to", "f-diff-to", options, String(v.to))}
<button class="btn">Show changes</button>
</form>
<p class="hint">${v.changes.length === 1 ? "1 change" : `${v.changes.length} changes`}.</p>
${changesTable(v.changes, v.before, v.after)}
</section>`;
}

export function rollbackConfirmView(v: { flow: EditorFlow; version: number; changes: FlowChange[]; before: Step[]; after: Step[]; csrf: string }): SafeHtml {
  return html`<p class="lede">Publish v${v.version} again, as v${(v.flow.version ?? 0) + 1}? New sessions will run it at once; sessions already running keep their version. The draft becomes this copy too${v.flow.hasDraftChanges ? html`: <strong>your unpublished draft changes will be replaced</strong>` : ""}.</p>
<section class="panel">
<h2>What changes for new sessions (v${String(v.flow.version)} → v${v.version})</h2>
${changesTable(v.changes, v.before, v.after)}
</section>
<form method="post" action="/dashboard/flows/${v.flow.id}/rollback" class="actions">
${csrfInput(v.csrf)}
<input type="hidden" name="version" value="${String(v.version)}">
<input type="hidden" name="confirmed" value="1">
<button class="btn btn-primary">Roll back to v${v.version}</button>
<a class="btn" href="/dashboard/flows/${v.flow.id}/versions">Keep v${String(v.flow.version)}</a>
</form>`;
}

export { formError };
