// The API keys page: list, create (the full key is shown once, through the flash), revoke with confirmation.
import { html, type SafeHtml } from "../../views/html.ts";
import { csrfInput, emptyState, time } from "../dashboard/dashboard.views.ts";
import type { ApiKey } from "./keys.store.ts";

export function keysView(v: { keys: ApiKey[]; canManage: boolean; csrf: string }): SafeHtml {
  const rows = v.keys.map(
    (k) => html`<tr${k.revokedAt !== null ? html` class="is-revoked"` : ""}>
<td><code>${k.prefix}…</code></td>
<td>${k.scope === "read_write" ? "Read & write" : "Read"}</td>
<td><span class="tag tag-${k.mode}">${k.mode === "live" ? "Live" : "Test"}</span></td>
<td>${time(k.createdAt)}</td>
<td>${time(k.lastUsedAt)}</td>
<td>${k.revokedAt !== null ? html`Revoked ${time(k.revokedAt)}` : "Active"}</td>
${v.canManage
  ? html`<td>${k.revokedAt === null
      ? html`<form method="post" action="/dashboard/keys/${k.id}/revoke" data-confirm="Revoke the key ${k.prefix}…? Requests using it will fail at once.">${csrfInput(v.csrf)}<button class="btn btn-small btn-danger">Revoke<span class="visually-hidden"> ${k.prefix}</span></button></form>`
      : ""}</td>`
  : ""}
</tr>`,
  );
  return html`<p class="lede">Keys authenticate your backend to the API. <code>hf_live_</code> keys act on production, <code>hf_test_</code> keys only ever on the sandbox.</p>
${v.canManage ? createForm(v.csrf) : html`<p class="note">Viewers can see keys but not create or revoke them.</p>`}
<section class="panel">
<h2>Keys</h2>
${v.keys.length === 0
    ? emptyState("No keys yet.")
    : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Keys"><table>
<thead><tr><th scope="col">Key</th><th scope="col">Scope</th><th scope="col">Mode</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Status</th>${v.canManage ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : ""}</tr></thead>
<tbody>${rows}</tbody>
</table></div>`}
</section>`;
}

function createForm(csrf: string): SafeHtml {
  return html`<section class="panel">
<h2>Create a key</h2>
<form method="post" action="/dashboard/keys" class="inline-form">
${csrfInput(csrf)}
<fieldset class="choice">
<legend>Mode</legend>
<label><input type="radio" name="mode" value="live" checked> Live</label>
<label><input type="radio" name="mode" value="test"> Test (sandbox)</label>
</fieldset>
<fieldset class="choice">
<legend>Scope</legend>
<label><input type="radio" name="scope" value="read_write" checked> Read &amp; write</label>
<label><input type="radio" name="scope" value="read"> Read only</label>
</fieldset>
<button class="btn btn-primary">Create key</button>
</form>
</section>`;
}

export function revokeConfirmView(v: { key: ApiKey; csrf: string }): SafeHtml {
  return html`<p class="lede">Revoke <code>${v.key.prefix}…</code> (${v.key.mode}, ${v.key.scope === "read_write" ? "read & write" : "read only"})? Requests that use it fail at once. This cannot be undone.</p>
<form method="post" action="/dashboard/keys/${v.key.id}/revoke" class="actions">
${csrfInput(v.csrf)}
<input type="hidden" name="confirmed" value="1">
<button class="btn btn-danger">Revoke key</button>
<a class="btn" href="/dashboard/keys">Keep it</a>
</form>`;
}
