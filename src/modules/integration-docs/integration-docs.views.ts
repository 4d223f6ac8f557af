// /dashboard/docs: this workspace's real values and every README integration snippet filled in with them.
import { html, type SafeHtml } from "../../views/html.ts";
import { copyButton, csrfInput, field } from "../dashboard/dashboard.views.ts";
import type { ApiKey } from "../keys/keys.store.ts";

export interface DocsValues {
  workspaceId: string;
  workspaceName: string;
  apiBase: string;
  publicUrl: string;
  cancelUrl: string;
  defaultFlowId: string | null;
  defaultReturnUrl: string | null;
  kid: string | null;
  /** Present only after the operator re-entered their password. */
  signingSecret: string | null;
}

function snippet(id: string, title: string, code: string, lang = "sh"): SafeHtml {
  return html`<div class="snippet">
<div class="snippet-head"><h3 id="${id}-title">${title}</h3>${copyButton(id)}</div>
<pre aria-labelledby="${id}-title" tabindex="0"><code id="${id}" class="lang-${lang}">${code}</code></pre>
</div>`;
}

function valueRow(id: string, label: string, value: string): SafeHtml {
  return html`<div><dt>${label}</dt><dd class="copy-row"><code id="${id}">${value}</code>${copyButton(id)}</dd></div>`;
}

export function docsView(v: {
  values: DocsValues;
  keys: ApiKey[];
  selectedKey: ApiKey | null;
  canReveal: boolean;
  csrf: string;
  passwordError?: string;
}): SafeHtml {
  const { values } = v;
  const secretExpr = values.signingSecret ?? "process.env.HOLDFAST_SIGNING_SECRET";
  const secretJs = values.signingSecret ? JSON.stringify(values.signingSecret) : secretExpr;
  const keyLine = v.selectedKey
    ? `export HOLDFAST_API_KEY=${v.selectedKey.prefix}…   # the full ${v.selectedKey.mode} ${v.selectedKey.scope} key you saved when you created it`
    : "export HOLDFAST_API_KEY=hf_live_…   # create a key on the API keys page; it is shown once";
  const returnUrl = values.defaultReturnUrl ?? "https://app.example.com/billing/cancel/callback";
  const flowId = values.defaultFlowId ?? "FLOW_ID";
  const hostedUrl = `${values.publicUrl}/flow/${values.workspaceId}/${flowId}`;

  return html`<p class="lede">Everything your integration needs for <strong>${values.workspaceName}</strong>, filled in with this workspace's real values. Copy, paste, run.</p>
<section class="panel">
<h2>Your values</h2>
<dl class="facts">
${valueRow("v-workspace", "Workspace id", values.workspaceId)}
${valueRow("v-api", "API base URL", values.apiBase)}
${valueRow("v-cancel", "Cancel URL base", values.cancelUrl)}
${valueRow("v-issuer", "Token issuer (iss)", values.publicUrl)}
${values.defaultFlowId ? valueRow("v-flow", "Default flow id", values.defaultFlowId) : ""}
${values.kid ? valueRow("v-kid", "Signing key id (kid)", values.kid) : ""}
<div><dt>Signing secret</dt><dd>${values.signingSecret
    ? html`<span class="copy-row"><code id="v-secret">${values.signingSecret}</code>${copyButton("v-secret")}</span><p class="hint">Shown because you re-entered your password. It is not shown again when you leave this page.</p>`
    : v.canReveal
      ? html`<span class="muted">Hidden.</span>
<form method="post" action="/dashboard/docs/reveal" class="stack narrow reveal">
${csrfInput(v.csrf)}
${v.selectedKey ? html`<input type="hidden" name="key" value="${v.selectedKey.id}">` : ""}
${field({ label: "Your password, to reveal the signing secret", name: "password", type: "password", autocomplete: "current-password", required: true, error: v.passwordError })}
<div><button class="btn">Reveal signing secret</button></div>
</form>`
      : html`<span class="muted">Hidden. Only owners and admins can reveal it.</span>`}</dd></div>
</dl>
</section>
<section class="panel">
<h2>API key for the snippets</h2>
<form method="get" action="/dashboard/docs" class="inline-form">
<div class="field">
<label for="key-picker">Key</label>
<select id="key-picker" name="key">
<option value="">No key chosen</option>
${v.keys.map((k) => html`<option value="${k.id}"${v.selectedKey?.id === k.id ? html` selected` : ""}>${k.prefix}… · ${k.mode} · ${k.scope}</option>`)}
</select>
</div>
<button class="btn">Use this key</button>
</form>
<p class="hint">Holdfast keeps only a hash of each key, so the snippets read it from <code>HOLDFAST_API_KEY</code>: set it to the full key you saved at creation.</p>
</section>
<section class="panel">
<h2>Hosted cancel flow (RetentBase-compatible)</h2>
${snippet("s-env", "0. Your environment", `${keyLine}\nexport HOLDFAST_SIGNING_SECRET=${values.signingSecret ?? "…   # reveal it above"}`)}
${snippet("s-link-curl", "1. Create a cancel link (curl)", `curl -X POST ${values.apiBase}/v1/cancel-link \\
  -H "authorization: Bearer $HOLDFAST_API_KEY" -H "content-type: application/json" \\
  -d '{"userId":"user_123","returnUrl":"${returnUrl}","environment":"prod","context":{"plan":"pro_monthly","mrr":129,"tenureDays":42}}'
# { "url": "${values.cancelUrl}/c/…", "expiresAt", "environment", "sessionId", "expires_at", "session_id" }`)}
${snippet("s-link-js", "1. Create a cancel link (JavaScript)", `const response = await fetch("${values.apiBase}/v1/cancel-link", {
  method: "POST",
  headers: { "Content-Type": "application/json", Authorization: "Bearer " + process.env.HOLDFAST_API_KEY },
  body: JSON.stringify({
    userId: "user_123",
    returnUrl: "${returnUrl}",
    environment: "prod",
    context: { plan: "pro_monthly", mrr: 129, tenureDays: 42 },
    metadata: { source: "billing_settings_page" },
  }),
});
if (!response.ok) throw new Error("cancel-link failed");
const payload = await response.json();`, "js")}
${snippet("s-redirect", "2. Send the subscriber to the link", `return Response.redirect(payload.url, 302);`, "js")}
${snippet("s-fragment", "3. On your return page: read the result token from the fragment", `const token = new URLSearchParams(location.hash.replace(/^#/, "")).get("ci_result_token");
await fetch("/api/billing/cancel-callback", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ token }) });`, "js")}
${snippet("s-verify-api", "4. Verify the token with Holdfast (no key needed)", `curl -X POST ${values.apiBase}/public/cancel/result -H 'content-type: application/json' -d '{"token":"eyJ…"}'
# 200 { "valid": true, "outcome": "saved", "sub": "user_123", "sid": "…", … } · 400 forged · 401 expired`)}
${snippet("s-verify-jose", "4. …or verify it locally with jose", `import { jwtVerify } from "jose";
const secret = new TextEncoder().encode(${secretJs});
const { payload } = await jwtVerify(token, secret, {
  algorithms: ["HS256"],
  typ: "holdfast-result+jwt",
  issuer: "${values.publicUrl}",
  audience: "${values.workspaceId}",
});
// payload.outcome: "saved" | "canceled"; payload.sub: your userId; payload.sid: the session id`, "js")}
${snippet("s-diagnostics", "Session diagnostics (Advanced plan)", `curl -H "authorization: Bearer $HOLDFAST_API_KEY" ${values.apiBase}/v1/cancel-sessions/$SESSION_ID`)}
</section>
<section class="panel">
<h2>Signed hosted URLs (no server call per subscriber)</h2>
${snippet("s-signed", "Sign a hosted flow URL", `import { createHmac } from "node:crypto";
const hostedUrl = "${hostedUrl}";
function signedFlowUrl({ customerId, subscriptionId = "" }) {
  const ts = Math.floor(Date.now() / 1000);
  const sig = createHmac("sha256", ${secretJs})
    .update(["${values.workspaceId}", "${flowId}", customerId, subscriptionId, ts].join("\\n"))
    .digest("hex");
  const q = new URLSearchParams({ customerId, ...(subscriptionId && { subscriptionId }), ts: String(ts), sig });
  return \`\${hostedUrl}?\${q}\`;
}`, "js")}
</section>
<section class="panel">
<h2>RetainRabbit-compatible API</h2>
${snippet("s-rabbit", "Flows, sessions and stats (curl)", `# List the workspace's flows
curl -H "authorization: Bearer $HOLDFAST_API_KEY" ${values.apiBase}/v1/flows

# One flow with its steps and hostedUrl
curl -H "authorization: Bearer $HOLDFAST_API_KEY" ${values.apiBase}/v1/flows/${flowId}

# Start a session (read_write key); send the subscriber to data.url
curl -X POST -H "authorization: Bearer $HOLDFAST_API_KEY" -H "content-type: application/json" \\
  -d '{"customerId":"cus_123","subscriptionId":"sub_456","reason":"too expensive"}' \\
  ${values.apiBase}/v1/sessions

# Poll a session's outcome
curl -H "authorization: Bearer $HOLDFAST_API_KEY" ${values.apiBase}/v1/sessions/$SESSION_ID

# Recovery summary; window = all | 7d | 30d | 90d
curl -H "authorization: Bearer $HOLDFAST_API_KEY" "${values.apiBase}/v1/stats?window=30d"`)}
<p class="hint">The full reference is the <a href="/swagger">OpenAPI viewer</a>, served by this server.</p>
</section>`;
}
