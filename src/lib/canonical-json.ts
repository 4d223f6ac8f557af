// A stable JSON text for comparing payloads: object keys sorted at every depth, so key order never matters.
// It runs for every imported row (the payload hash), hence the hand-rolled parts below. Stored hashes depend on this
// text: it must never change (canonical-json.test.ts checks it against a copy of the first, plain version).

// What JSON.stringify escapes in a string: quotes, backslashes, C0 controls and lone surrogates (surrogate pairs are
// written as they are; they take the slow path here only to let JSON.stringify decide).
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** JSON.stringify(text), without its cost for the common string that needs no escaping. */
export function jsonString(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/** The object's own keys in Array.prototype.sort's default order; small objects usually arrive sorted already. */
function sortedKeys(value: object): string[] {
  const keys = Object.keys(value);
  // Insertion sort by UTF-16 code units (what sort() without a comparator does; keys are unique, so stability
  // does not matter): no work when the keys are in order, less than sort()'s for a handful of keys.
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i];
    let j = i - 1;
    if (keys[j] < key) continue;
    while (j >= 0 && keys[j] > key) {
      keys[j + 1] = keys[j];
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}

export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case "string":
      return jsonString(value);
    case "number":
      // JSON.stringify writes a finite number as String() does (-0 as 0) and anything else as null.
      return Number.isFinite(value) ? String(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "object":
      break;
    default:
      // undefined, functions and symbols become null; a bigint throws, as JSON.stringify does.
      return JSON.stringify(value) ?? "null";
  }
  if (value === null) return "null";
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i ? "," : "") + canonicalJson(value[i]);
    return out + "]";
  }
  const keys = sortedKeys(value);
  let out = "{";
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined) continue;
    out += (first ? "" : ",") + jsonString(key) + ":" + canonicalJson(v);
    first = false;
  }
  return out + "}";
}

/**
 * A copy of a flat object (string, number, boolean or null values) with its keys inserted in canonicalJson's order,
 * so that JSON.stringify(copy) === canonicalJson(value): one native call instead of a string built piece by piece.
 * null when that cannot hold: a nested value, an integer-like key (objects list those first, whatever the insertion
 * order) or `__proto__` (assigning it sets the prototype).
 */
export function sortedFlatCopy(value: object): Record<string, unknown> | null {
  if (Array.isArray(value)) return null;
  const keys = sortedKeys(value);
  const copy: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const first = key.charCodeAt(0);
    if ((first >= 48 && first <= 57) || key === "__proto__") return null;
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined) continue;
    const type = typeof v;
    if (type !== "string" && type !== "number" && type !== "boolean" && v !== null) return null;
    copy[key] = v;
  }
  return copy;
}
