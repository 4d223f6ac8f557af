// The members page: who belongs to the workspace, with which role; owners invite, change roles, remove.
import { html, raw, type SafeHtml } from "../../views/html.ts";
import type { FieldErrors } from "../auth/auth.service.ts";
import { csrfInput, field, select, time } from "../dashboard/dashboard.views.ts";
import type { Member, Role } from "../users/users.store.ts";

const ROLE_OPTIONS = [
  { value: "viewer", label: "Viewer: reads everything but secrets" },
  { value: "admin", label: "Admin: keys, flows, settings" },
  { value: "owner", label: "Owner: everything, members, billing" },
];

export function settingsTabs(active: "general" | "members" | "reports"): SafeHtml {
  return html`<nav class="actions tabs" aria-label="Settings sections">
<a class="btn btn-small" href="/dashboard/settings"${raw(active === "general" ? ' aria-current="page"' : "")}>General</a>
<a class="btn btn-small" href="/dashboard/settings/members"${raw(active === "members" ? ' aria-current="page"' : "")}>Members</a>
<a class="btn btn-small" href="/dashboard/settings/reports"${raw(active === "reports" ? ' aria-current="page"' : "")}>Reports</a>
</nav>`;
}

export function membersView(v: { members: Member[]; me: string; canManage: boolean; csrf: string; values?: { email?: string; role?: string }; fields?: FieldErrors }): SafeHtml {
  return html`${settingsTabs("members")}
<section class="panel">
<h2>Members</h2>
<div class="table-wrap" tabindex="0" role="region" aria-label="Members"><table>
<thead><tr><th scope="col">E-mail</th><th scope="col">Role</th><th scope="col">Since</th><th scope="col">Status</th>${v.canManage ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : ""}</tr></thead>
<tbody>
${v.members.map((m) => html`<tr>
<td>${m.email}${m.userId === v.me ? html` <span class="tag">you</span>` : ""}</td>
<td>${v.canManage
    ? html`<form method="post" action="/dashboard/settings/members/${m.userId}/role" class="actions">${csrfInput(v.csrf)}
<label class="visually-hidden" for="role-${m.userId}">Role of ${m.email}</label>
<select id="role-${m.userId}" name="role">${(["viewer", "admin", "owner"] as Role[]).map((r) => html`<option value="${r}"${raw(r === m.role ? " selected" : "")}>${r}</option>`)}</select>
<button class="btn btn-small">Change<span class="visually-hidden"> role of ${m.email}</span></button></form>`
    : m.role}</td>
<td>${time(m.createdAt)}</td>
<td>${m.active ? "Active" : "Invited"}</td>
${v.canManage ? html`<td><form method="post" action="/dashboard/settings/members/${m.userId}/remove" data-confirm="Remove ${m.email} from this workspace?">${csrfInput(v.csrf)}<button class="btn btn-small btn-danger">Remove<span class="visually-hidden"> ${m.email}</span></button></form></td>` : ""}
</tr>`)}
</tbody>
</table></div>
</section>
${v.canManage ? html`<section class="panel">
<h2>Invite a member</h2>
<p class="hint">Creates the member and gives you a one-time link (valid 7 days) to send them; they choose their own password.</p>
<form method="post" action="/dashboard/settings/members" class="stack narrow" novalidate>
${csrfInput(v.csrf)}
${field({ label: "E-mail", name: "email", type: "email", value: v.values?.email ?? "", required: true, error: v.fields?.email, autocomplete: "off" })}
${select({ label: "Role", name: "role", options: ROLE_OPTIONS, value: v.values?.role ?? "viewer", error: v.fields?.role })}
<button class="btn btn-primary">Invite</button>
</form>
</section>` : html`<p class="note">Only owners can invite, change roles or remove members.</p>`}`;
}

export function removeConfirmView(v: { member: Member; csrf: string }): SafeHtml {
  return html`<p class="lede">Remove <strong>${v.member.email}</strong> (${v.member.role}) from this workspace? They lose access at once.</p>
<form method="post" action="/dashboard/settings/members/${v.member.userId}/remove" class="actions">
${csrfInput(v.csrf)}
<input type="hidden" name="confirmed" value="1">
<button class="btn btn-danger">Remove member</button>
<a class="btn" href="/dashboard/settings/members">Keep them</a>
</form>`;
}
