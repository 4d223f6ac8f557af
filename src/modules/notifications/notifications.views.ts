// Transactional mails other features send (member invitations, billing warnings): pure functions of data
// → { subject, html, text }. Same rules as the report: both parts, inline styles, nothing remote.
import { html, raw, type SafeHtml } from "../../views/html.ts";

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

const FONT = "font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;";

function frame(title: string, body: SafeHtml, action: { label: string; url: string }, footer: string): string {
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head>
<body style="margin:0;padding:0;background:#f3f4f7;">
<div role="main" aria-label="${title}">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f3f4f7;">
<tr><td align="center" style="padding:16px 8px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:560px;background:#ffffff;border-radius:10px;">
<tr><td style="padding:22px 20px;${raw(FONT)}color:#1f2430;font-size:16px;line-height:24px;">
  <h1 style="margin:0 0 12px;font-size:21px;line-height:27px;">${title}</h1>
  ${body}
  <table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin-top:16px;"><tr>
    <td style="border-radius:6px;background:#1f5fbf;"><a href="${action.url}" style="display:inline-block;padding:12px 18px;font-size:16px;font-weight:600;color:#ffffff;text-decoration:none;">${action.label}</a></td>
  </tr></table>
  <p style="margin:14px 0 0;font-size:14px;color:#5b6472;">Or paste this address into your browser: ${action.url}</p>
</td></tr>
<tr><td style="padding:14px 20px 20px;border-top:1px solid #eceef2;${raw(FONT)}font-size:13px;line-height:19px;color:#5b6472;">${footer}</td></tr>
</table>
</td></tr>
</table>
</div>
</body>
</html>
`.value;
}

export function renderInvitation(input: { workspaceName: string; invitedBy: string | null; role: string; url: string; expiresAt: number }): RenderedMail {
  const who = input.invitedBy ? `${input.invitedBy} invited you` : "You are invited";
  const expires = new Date(input.expiresAt).toUTCString().replace(/:\d\d GMT$/, " UTC");
  const title = `Join ${input.workspaceName} on Holdfast`;
  const text = [
    title,
    "",
    `${who} to the ${input.workspaceName} workspace as ${input.role}.`,
    `Accept the invitation: ${input.url}`,
    "",
    `The link works once and until ${expires}. If you did not expect it, ignore this email.`,
  ].join("\n");
  const body = html`<p style="margin:0;">${who} to the <strong>${input.workspaceName}</strong> workspace as ${input.role}.</p>`;
  return {
    subject: title.replace(/[\r\n]+/g, " "),
    text: `${text}\n`,
    html: frame(title, body, { label: "Accept the invitation", url: input.url }, `The link works once and until ${expires}. If you did not expect it, ignore this email.`),
  };
}

export function renderBillingWarning(input: { workspaceName: string; billingUrl: string; detail: string | null }): RenderedMail {
  const title = `Payment failed for ${input.workspaceName}`;
  const lines = [
    `The last payment for the ${input.workspaceName} workspace on Holdfast failed${input.detail ? `: ${input.detail}` : "."}`,
    "Cancel links keep working while the payment is retried. Update the payment method to keep it that way.",
  ];
  const text = [title, "", ...lines, `Billing: ${input.billingUrl}`].join("\n");
  const body = html`${lines.map((l) => html`<p style="margin:0 0 10px;">${l}</p>`)}`;
  return {
    subject: title.replace(/[\r\n]+/g, " "),
    text: `${text}\n`,
    html: frame(title, body, { label: "Update the payment method", url: input.billingUrl }, "You get this because you own this workspace."),
  };
}
