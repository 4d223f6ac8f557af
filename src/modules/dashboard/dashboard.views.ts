// The dashboard's layout and shared components: pure functions of data, every value escaped.
import { html, raw, type SafeHtml } from "../../views/html.ts";
import type { Flash } from "../auth/auth.service.ts";
import type { Role } from "../users/users.store.ts";

export type NavKey = "overview" | "sessions" | "flows" | "keys" | "settings" | "docs" | "billing" | "account";

export const NAV: { key: NavKey; label: string; href: string }[] = [
  { key: "overview", label: "Overview", href: "/dashboard" },
  { key: "sessions", label: "Sessions", href: "/dashboard/sessions" },
  { key: "flows", label: "Flows", href: "/dashboard/flows" },
  { key: "keys", label: "API keys", href: "/dashboard/keys" },
  { key: "settings", label: "Settings", href: "/dashboard/settings" },
  { key: "docs", label: "Docs", href: "/dashboard/docs" },
  { key: "billing", label: "Billing", href: "/dashboard/billing" },
];

export interface ShellView {
  title: string;
  nav?: NavKey;
  body: SafeHtml;
  user: { email: string };
  role: Role;
  workspace: { id: string; name: string; access: "active" | "read_only" };
  workspaces: { workspaceId: string; name: string; role: Role }[];
  csrf: string;
  flash: Flash | null;
  /** Plain http public URL: the cookie cannot be Secure. */
  insecure: boolean;
  /** Extra banners other modules put above the page (payment failed, …). */
  banners?: SafeHtml[];
}

function head(title: string): SafeHtml {
  return html`<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title} · Holdfast</title>
<link rel="icon" href="/assets/favicon.svg">
<link rel="stylesheet" href="/assets/dashboard.css">
<script src="/assets/dashboard.js" defer></script>
</head>`;
}

export const csrfInput = (token: string) => html`<input type="hidden" name="_csrf" value="${token}">`;

export function flashView(flash: Flash | null): SafeHtml {
  if (!flash) return html``;
  return html`<div class="flash flash-${flash.kind}" role="${flash.kind === "error" ? "alert" : "status"}">
<p>${flash.message}</p>
${flash.secret ? html`<div class="secret-once"><label for="secret-once">${flash.secret.label}</label>
<div class="copy-row"><input id="secret-once" class="mono" readonly value="${flash.secret.value}">${copyButton("secret-once")}</div>
<p class="hint">Shown once: copy it now. It cannot be shown again.</p></div>` : ""}
</div>`;
}

/** A copy button for the element with this id; hidden until the script runs, since it needs the script. */
export const copyButton = (targetId: string, label = "Copy") =>
  html`<button type="button" class="btn btn-small copy" data-copy="${targetId}" hidden>${label}</button>`;

export function banner(kind: "warn" | "info" | "error", message: SafeHtml | string): SafeHtml {
  return html`<div class="banner banner-${kind}" role="${kind === "error" ? "alert" : "note"}">${message}</div>`;
}

export function layout(v: ShellView): string {
  const banners: SafeHtml[] = [];
  if (v.insecure)
    banners.push(banner("warn", html`This server's public URL is plain http, so the sign-in cookie cannot be marked Secure. Set <code>HOLDFAST_PUBLIC_URL</code> to an https address in production.`));
  // A read-only workspace's banner (why, and how to fix it) comes from billing through `banners`.
  banners.push(...(v.banners ?? []));
  const active = v.nav ?? null;
  return `<!doctype html>${html`<html lang="en">
${head(v.title)}
<body class="dash">
<a class="skip" href="#main">Skip to content</a>
<header class="topbar">
<a class="wordmark" href="/dashboard"><span class="mark" aria-hidden="true">H</span>Holdfast</a>
<form class="switcher" method="post" action="/dashboard/workspace">
${csrfInput(v.csrf)}
<label for="workspace-switch" class="visually-hidden">Workspace</label>
<select id="workspace-switch" name="workspaceId" data-autosubmit>
${v.workspaces.map((w) => html`<option value="${w.workspaceId}"${raw(w.workspaceId === v.workspace.id ? " selected" : "")}>${w.name}</option>`)}
</select>
<button class="btn btn-small" data-autosubmit-button>Switch</button>
</form>
<div class="who">
<a href="/dashboard/account" class="who-email"${raw(active === "account" ? ' aria-current="page"' : "")}>${v.user.email}</a>
<span class="role-tag">${v.role}</span>
<form method="post" action="/dashboard/logout">${csrfInput(v.csrf)}<button class="btn btn-small btn-quiet">Sign out</button></form>
</div>
</header>
<div class="frame">
<nav class="sidenav" aria-label="Dashboard">
<ul>
${NAV.map((n) => html`<li><a href="${n.href}"${raw(n.key === active ? ' aria-current="page"' : "")}>${n.label}</a></li>`)}
</ul>
</nav>
<main id="main" class="content">
${banners}
${flashView(v.flash)}
<h1>${v.title}</h1>
${v.body}
</main>
</div>
</body>
</html>`}`;
}

/** The signed-out pages (login, setup, invitation): one centred card. */
export function plainLayout(opts: { title: string; body: SafeHtml; insecure?: boolean }): string {
  return `<!doctype html>${html`<html lang="en">
${head(opts.title)}
<body class="dash plain">
<main id="main" class="card-page">
<p class="wordmark"><span class="mark" aria-hidden="true">H</span>Holdfast</p>
${opts.insecure ? banner("warn", html`Plain http: the sign-in cookie cannot be Secure. Use an https public URL in production.`) : ""}
<h1>${opts.title}</h1>
${opts.body}
</main>
</body>
</html>`}`;
}

export interface FieldOptions {
  label: string;
  name: string;
  type?: string;
  value?: string | null;
  error?: string;
  hint?: string | SafeHtml;
  required?: boolean;
  autocomplete?: string;
  /** Extra attributes, already safe (min/max/pattern/accept…). */
  attrs?: string;
  id?: string;
}

/** A labelled input with its hint and its own error right under it (aria-invalid + aria-describedby). */
export function field(o: FieldOptions): SafeHtml {
  const id = o.id ?? `f-${o.name}`;
  const described = [o.hint ? `${id}-hint` : "", o.error ? `${id}-error` : ""].filter(Boolean).join(" ");
  const attrs = [
    o.required ? "required" : "",
    o.autocomplete ? `autocomplete="${o.autocomplete}"` : "",
    o.error ? 'aria-invalid="true"' : "",
    described ? `aria-describedby="${described}"` : "",
    o.attrs ?? "",
  ].filter(Boolean).join(" ");
  const type = o.type ?? "text";
  return html`<div class="field${o.error ? " has-error" : ""}">
<label for="${id}">${o.label}</label>
${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ""}
${type === "textarea"
    ? html`<textarea id="${id}" name="${o.name}" rows="4" ${raw(attrs)}>${o.value ?? ""}</textarea>`
    : html`<input id="${id}" name="${o.name}" type="${type}"${type === "file" ? "" : html` value="${o.value ?? ""}"`} ${raw(attrs)}>`}
${o.error ? html`<p class="field-error" id="${id}-error">${o.error}</p>` : ""}
</div>`;
}

export function select(o: { label: string; name: string; options: { value: string; label: string }[]; value?: string | null; error?: string; id?: string; hint?: string }): SafeHtml {
  const id = o.id ?? `f-${o.name}`;
  const described = [o.hint ? `${id}-hint` : "", o.error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return html`<div class="field${o.error ? " has-error" : ""}">
<label for="${id}">${o.label}</label>
${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ""}
<select id="${id}" name="${o.name}"${raw(described ? ` aria-describedby="${described}"` : "")}${raw(o.error ? ' aria-invalid="true"' : "")}>
${o.options.map((opt) => html`<option value="${opt.value}"${raw(opt.value === o.value ? " selected" : "")}>${opt.label}</option>`)}
</select>
${o.error ? html`<p class="field-error" id="${id}-error">${o.error}</p>` : ""}
</div>`;
}

/** A form-level message for errors that belong to no single field. */
export function formError(message: string | undefined): SafeHtml {
  return message ? html`<p class="form-error" role="alert">${message}</p>` : html``;
}

export function emptyState(message: string): SafeHtml {
  return html`<p class="empty">${message}</p>`;
}

export const iso = (ms: number | null) => (ms === null ? "—" : new Date(ms).toISOString().replace("T", " ").slice(0, 16) + " UTC");

export function time(ms: number | null): SafeHtml {
  return ms === null ? html`<span class="muted">—</span>` : html`<time datetime="${new Date(ms).toISOString()}">${iso(ms)}</time>`;
}

/** The body of an error page inside the shell (403 role refusals, 404 other workspaces' ids). */
export function messageBody(message: string, back?: { href: string; label: string }): SafeHtml {
  return html`<p class="lede">${message}</p>${back ? html`<p><a href="${back.href}">${back.label}</a></p>` : ""}`;
}
