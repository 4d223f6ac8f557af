// Signed hosted-flow URLs: /flow/<workspaceId>/<flowId>?customerId=…&subscriptionId=…&ts=…&sig=…
import { hmacSha256Hex, safeEqual } from "../../lib/crypto.ts";

export const HOSTED_URL_MAX_AGE_SECONDS = 24 * 60 * 60;
const CLOCK_SKEW_SECONDS = 5 * 60;

export interface HostedUrlParams {
  customerId: string;
  subscriptionId?: string | null;
  ts: number; // unix seconds
}

/** The exact string that is signed: the five values joined by newlines. */
export function hostedUrlMessage(workspaceId: string, flowId: string, p: HostedUrlParams): string {
  return [workspaceId, flowId, p.customerId, p.subscriptionId ?? "", String(p.ts)].join("\n");
}

export function signHostedUrl(secret: string, workspaceId: string, flowId: string, p: HostedUrlParams): string {
  return hmacSha256Hex(secret, hostedUrlMessage(workspaceId, flowId, p));
}

export function buildHostedUrl(publicUrl: string, secret: string, workspaceId: string, flowId: string, p: HostedUrlParams): string {
  const q = new URLSearchParams({ customerId: p.customerId });
  if (p.subscriptionId) q.set("subscriptionId", p.subscriptionId);
  q.set("ts", String(p.ts));
  q.set("sig", signHostedUrl(secret, workspaceId, flowId, p));
  return `${publicUrl}/flow/${workspaceId}/${flowId}?${q}`;
}

export type HostedUrlCheck = { ok: true; params: HostedUrlParams; sig: string } | { ok: false; reason: "invalid" | "stale" };

/** Checks the query of a hosted URL against any of the workspace's verifying secrets. */
export function verifyHostedUrl(query: Record<string, string | undefined>, secrets: string[], workspaceId: string, flowId: string, nowSeconds: number): HostedUrlCheck {
  const { customerId, subscriptionId, ts, sig } = query;
  if (!customerId || customerId.length > 200 || /[\u0000-\u001f]/.test(customerId)) return { ok: false, reason: "invalid" };
  if (subscriptionId !== undefined && (subscriptionId.length > 200 || /[\u0000-\u001f]/.test(subscriptionId))) return { ok: false, reason: "invalid" };
  if (!ts || !/^\d{1,12}$/.test(ts) || !sig || !/^[0-9a-f]{64}$/.test(sig)) return { ok: false, reason: "invalid" };
  const params: HostedUrlParams = { customerId, subscriptionId: subscriptionId || null, ts: Number(ts) };
  const matches = secrets.some((secret) => safeEqual(signHostedUrl(secret, workspaceId, flowId, params), sig));
  if (!matches) return { ok: false, reason: "invalid" };
  if (nowSeconds - params.ts > HOSTED_URL_MAX_AGE_SECONDS || params.ts - nowSeconds > CLOCK_SKEW_SECONDS) return { ok: false, reason: "stale" };
  return { ok: true, params, sig };
}
