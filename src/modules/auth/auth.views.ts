// Sign-in, first-run setup, invitation and account pages: pure functions of data.
import { html, type SafeHtml } from "../../views/html.ts";
import { csrfInput, field, formError } from "../dashboard/dashboard.views.ts";
import type { FieldErrors } from "./auth.service.ts";

export function loginView(v: { csrf: string; email?: string; next: string; error?: string; fields?: FieldErrors }): SafeHtml {
  const f = v.fields ?? {};
  return html`<form method="post" action="/dashboard/login" class="stack" novalidate>
${csrfInput(v.csrf)}
<input type="hidden" name="next" value="${v.next}">
${formError(v.error)}
${field({ label: "E-mail", name: "email", type: "email", value: v.email ?? "", autocomplete: "username", required: true, error: f.email })}
${field({ label: "Password", name: "password", type: "password", autocomplete: "current-password", required: true, error: f.password })}
<button class="btn btn-primary">Sign in</button>
</form>`;
}

export function setupView(v: { csrf: string; token: string; values?: { email?: string; workspaceName?: string }; fields?: FieldErrors }): SafeHtml {
  const f = v.fields ?? {};
  return html`<p class="lede">Create the owner login and the first workspace. This link works once.</p>
<form method="post" action="/dashboard/setup" class="stack" novalidate>
${csrfInput(v.csrf)}
<input type="hidden" name="token" value="${v.token}">
${field({ label: "Your e-mail", name: "email", type: "email", value: v.values?.email ?? "", autocomplete: "username", required: true, error: f.email })}
${field({ label: "Password", name: "password", type: "password", autocomplete: "new-password", required: true, hint: "12 to 256 characters. A passphrase of a few words is good.", error: f.password, attrs: 'minlength="12" maxlength="256"' })}
${field({ label: "Workspace name", name: "workspaceName", value: v.values?.workspaceName ?? "", required: true, hint: "Usually your product's name. You can change it later.", error: f.workspaceName, attrs: 'maxlength="200"' })}
<button class="btn btn-primary">Create owner and workspace</button>
</form>`;
}

export function inviteView(v: { csrf: string; token: string; email: string; workspaceName: string; fields?: FieldErrors }): SafeHtml {
  return html`<p class="lede">You were invited to <strong>${v.workspaceName}</strong> as <strong>${v.email}</strong>. Choose a password to finish.</p>
<form method="post" action="/dashboard/invite" class="stack" novalidate>
${csrfInput(v.csrf)}
<input type="hidden" name="token" value="${v.token}">
<input type="hidden" name="username" value="${v.email}" autocomplete="username">
${field({ label: "Password", name: "password", type: "password", autocomplete: "new-password", required: true, hint: "12 to 256 characters.", error: v.fields?.password, attrs: 'minlength="12" maxlength="256"' })}
<button class="btn btn-primary">Set password and sign in</button>
</form>`;
}

export function accountView(v: { csrf: string; email: string; fields?: FieldErrors }): SafeHtml {
  const f = v.fields ?? {};
  return html`<section class="panel">
<h2>Sign-in</h2>
<p>You sign in as <strong>${v.email}</strong>.</p>
</section>
<section class="panel">
<h2>Change password</h2>
<p class="hint">Changing it signs you out everywhere else.</p>
<form method="post" action="/dashboard/account/password" class="stack narrow" novalidate>
${csrfInput(v.csrf)}
<input type="hidden" name="username" value="${v.email}" autocomplete="username">
${field({ label: "Current password", name: "currentPassword", type: "password", autocomplete: "current-password", required: true, error: f.currentPassword })}
${field({ label: "New password", name: "newPassword", type: "password", autocomplete: "new-password", required: true, hint: "12 to 256 characters.", error: f.newPassword, attrs: 'minlength="12" maxlength="256"' })}
<button class="btn btn-primary">Change password</button>
</form>
</section>`;
}
