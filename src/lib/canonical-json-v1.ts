// The first canonicalJson, kept verbatim as the reference the fast one must match (stored payload hashes are sha256
// of its text). Only tests and scripts/bench/event-check.ts import this (through payload-hash-v1.ts).
export function canonicalJsonV1(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i ? "," : "") + canonicalJsonV1(value[i]);
    return out + "]";
  }
  const keys = Object.keys(value as object).sort();
  let out = "{";
  let first = true;
  for (const key of keys) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined) continue;
    out += (first ? "" : ",") + JSON.stringify(key) + ":" + canonicalJsonV1(v);
    first = false;
  }
  return out + "}";
}
