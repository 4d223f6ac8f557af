// The first payloadHash, kept verbatim (with src/lib/canonical-json-v1.ts) as the reference the fast ones must match bit for bit
// (stored event hashes are compared with replays). Only tests and scripts/bench/event-check.ts import this.
import { canonicalJsonV1 } from "../../lib/canonical-json-v1.ts";
import { sha256Hex } from "../../lib/crypto.ts";
import type { Environment } from "../sessions/sessions.schemas.ts";
import { cancellationBody, type CancellationBody, NO_ALIASES } from "./cancellations.schemas.ts";

const PAYLOAD_KEYS: [string, string][] = Object.keys(cancellationBody.shape)
  .filter((key) => !(key in NO_ALIASES))
  .sort()
  .map((key) => [key, `${JSON.stringify(key)}:`]);

export function payloadHashV1(body: CancellationBody, occurredAt: number | undefined, environment: Environment): string {
  let out = "{";
  for (const [key, quoted] of PAYLOAD_KEYS) {
    const value = key === "occurredAt" ? occurredAt : key === "environment" ? environment : body[key as keyof CancellationBody];
    if (value === undefined) continue;
    out += (out.length > 1 ? "," : "") + quoted + canonicalJsonV1(value);
  }
  return sha256Hex(`${out}}`);
}
