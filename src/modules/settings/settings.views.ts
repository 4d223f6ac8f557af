// The settings page: branding, return URLs, link lifetime, logo, signing-secret rotation. Pure functions of data.
import { html, type SafeHtml } from "../../views/html.ts";
import type { FieldErrors } from "../auth/auth.service.ts";
import { csrfInput, field, formError, time } from "../dashboard/dashboard.views.ts";
import { settingsTabs } from "../members/members.views.ts";

export interface SettingsValues {
  name: string;
  displayName: string;
  accentColor: string;
  defaultReturnUrl: string;
  allowedReturnUrls: string;
  linkTtlMinutes: string;
}

export interface SecretRow {
  kid: string;
  createdAt: number;
  retiredAt: number | null;
  /** When a retired secret stops verifying tokens. */
  verifiesUntil: number | null;
}

export function settingsView(v: {
  values: SettingsValues;
  fields?: FieldErrors;
  logoUrl: string | null;
  logoError?: string;
  secrets: SecretRow[];
  graceDays: number;
  canEdit: boolean;
  csrf: string;
}): SafeHtml {
  const f = v.fields ?? {};
  const disabled = v.canEdit ? "" : " disabled";
  return html`${settingsTabs("general")}
${v.canEdit ? "" : html`<p class="note">Viewers can read the settings; admins and owners change them.</p>`}
<section class="panel">
<h2>Workspace</h2>
<form method="post" action="/dashboard/settings" class="stack narrow" novalidate>
${csrfInput(v.csrf)}
${formError(Object.keys(f).length ? "Some fields need a fix: see the messages below each one. Nothing was saved." : undefined)}
<fieldset class="stack"${disabled ? html` disabled` : ""}>
<legend class="visually-hidden">Workspace settings</legend>
${field({ label: "Workspace name", name: "name", value: v.values.name, required: true, error: f.name, attrs: 'maxlength="200"' })}
${field({ label: "Display name", name: "displayName", value: v.values.displayName, hint: "Shown to subscribers on the hosted page. Empty: the workspace name.", error: f.displayName, attrs: 'maxlength="200"' })}
${field({ label: "Accent colour", name: "accentColor", value: v.values.accentColor, hint: "A hex colour like #4f46e5, used for buttons on the hosted page.", error: f.accentColor, attrs: 'pattern="#[0-9a-fA-F]{6}" maxlength="7"' })}
${field({ label: "Default return URL", name: "defaultReturnUrl", type: "url", value: v.values.defaultReturnUrl, hint: "Where subscribers go when they finish, unless a cancel link names another allowlisted URL. https (http only for localhost).", error: f.defaultReturnUrl })}
${field({ label: "Allowlisted return-URL prefixes", name: "allowedReturnUrls", type: "textarea", value: v.values.allowedReturnUrls, hint: "One per line, e.g. https://app.example.com/billing/. Same origin exactly, path by prefix.", error: f.allowedReturnUrls })}
${field({ label: "Link lifetime (minutes)", name: "linkTtlMinutes", type: "number", value: v.values.linkTtlMinutes, hint: "How long a cancel link works: 1 to 10080 (7 days).", error: f.linkTtlMinutes, attrs: 'min="1" max="10080" step="1" inputmode="numeric"' })}
<div><button class="btn btn-primary">Save settings</button></div>
</fieldset>
</form>
</section>
<section class="panel">
<h2>Logo</h2>
<p class="hint">PNG, JPEG or SVG, at most 256 KB. Served by this server, so the hosted page loads nothing from elsewhere. SVGs must be plain drawings: scripts, links and embedded content are refused.</p>
${v.logoUrl ? html`<p><img class="logo-preview" src="${v.logoUrl}" alt="Current logo" width="64" height="64"></p>` : html`<p class="muted">No logo: the hosted page shows the first letter of the display name.</p>`}
${v.canEdit ? html`<form method="post" action="/dashboard/settings/logo" enctype="multipart/form-data" class="stack narrow">
${csrfInput(v.csrf)}
${field({ label: "Logo file", name: "logo", type: "file", error: v.logoError, attrs: 'accept="image/png,image/jpeg,image/svg+xml"' })}
<div class="actions"><button class="btn btn-primary">Upload logo</button></div>
</form>
${v.logoUrl ? html`<form method="post" action="/dashboard/settings/logo/remove" class="actions">${csrfInput(v.csrf)}<button class="btn btn-danger">Remove logo</button></form>` : ""}` : ""}
</section>
<section class="panel">
<h2>Signing secret</h2>
<p class="hint">Result tokens are signed with the current secret. After a rotation the previous secret keeps verifying tokens for ${v.graceDays} days, so integrations can switch without downtime. The secret itself is on the <a href="/dashboard/docs">Docs</a> page.</p>
<div class="table-wrap" tabindex="0" role="region" aria-label="Signing secrets"><table>
<thead><tr><th scope="col">Key id (kid)</th><th scope="col">Created</th><th scope="col">Status</th></tr></thead>
<tbody>${v.secrets.map((s) => html`<tr><td><code>${s.kid}</code></td><td>${time(s.createdAt)}</td><td>${s.retiredAt === null ? "Current" : html`Retired ${time(s.retiredAt)}; verifies until ${time(s.verifiesUntil)}`}</td></tr>`)}</tbody>
</table></div>
${v.canEdit ? html`<form method="post" action="/dashboard/settings/rotate-secret" class="actions" data-confirm="Rotate the signing secret? The current one keeps verifying for ${v.graceDays} days.">
${csrfInput(v.csrf)}
<button class="btn">Rotate signing secret</button>
</form>` : ""}
</section>`;
}

export function rotateConfirmView(v: { csrf: string; graceDays: number }): SafeHtml {
  return html`<p class="lede">Rotate the signing secret? New result tokens are signed with a new secret at once; the current one keeps verifying tokens for ${v.graceDays} days.</p>
<form method="post" action="/dashboard/settings/rotate-secret" class="actions">
${csrfInput(v.csrf)}
<input type="hidden" name="confirmed" value="1">
<button class="btn btn-primary">Rotate now</button>
<a class="btn" href="/dashboard/settings">Not now</a>
</form>`;
}
