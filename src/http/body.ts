// Request bodies: read within a per-route-group byte limit while streaming, and parse by content type.
// Every body goes through here (the app sets Bun's own limit out of reach), so whatever a client sends,
// the answer is ours: JSON with a request id, and refusing costs time and memory linear in the limit.
import { AppError } from "../lib/app-error.ts";

/** Bytes a request body may carry: the first matching path prefix wins, else the default. */
export interface BodyLimits {
  default: number;
  byPrefix?: readonly (readonly [prefix: string, bytes: number])[];
}

/** How deep JSON may nest: real payloads need a handful of levels; every level beyond costs every later step. */
export const MAX_JSON_DEPTH = 32;

export function bodyLimitFor(limits: BodyLimits, pathname: string): number {
  for (const [prefix, bytes] of limits.byPrefix ?? []) if (pathname.startsWith(prefix)) return bytes;
  return limits.default;
}

export const tooLarge = (limit: number) => new AppError(413, `Request body must be at most ${limit} bytes`);

/** The declared length when there is a sane one; a chunked body has none. */
export function declaredLength(request: Request): number | null {
  const header = request.headers.get("content-length");
  if (header === null || !/^\d{1,15}$/.test(header)) return null;
  return Number(header);
}

/**
 * The body's bytes, never holding more than `limit` (plus the one chunk that crossed it): with no trustworthy
 * length the stream is read chunk by chunk and cancelled the moment it goes over.
 */
export async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  const declared = declaredLength(request);
  if (declared !== null && declared > limit) throw tooLarge(limit);
  const stream = request.body;
  if (!stream) return new Uint8Array(0);
  if (declared !== null) {
    // The HTTP parser frames the body by Content-Length, so it cannot exceed what was declared: one read.
    const bytes = new Uint8Array(await request.arrayBuffer());
    if (bytes.byteLength > limit) throw tooLarge(limit);
    return bytes;
  }
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      void reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

const QUOTE = 0x22, BACKSLASH = 0x5c, OPEN_ARRAY = 0x5b, CLOSE_ARRAY = 0x5d, OPEN_OBJECT = 0x7b, CLOSE_OBJECT = 0x7d;

/**
 * Whether JSON text nests deeper than `max`, in one linear pass over the bytes that skips strings (and the
 * character after each backslash inside them). UTF-8 continuation bytes are all ≥ 0x80, so they never look
 * like a quote or a bracket. Malformed text is JSON.parse's to refuse; this only bounds the depth.
 */
export function nestsDeeperThan(bytes: Uint8Array, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > max) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) depth--;
  }
  return false;
}

const decoder = new TextDecoder();

export function parseJson(bytes: Uint8Array): unknown {
  if (nestsDeeperThan(bytes, MAX_JSON_DEPTH)) throw new AppError(400, `Request body nests deeper than ${MAX_JSON_DEPTH} levels`);
  const text = decoder.decode(bytes);
  if (text.trim() === "") throw new AppError(400, "Request body must be a JSON object");
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError(400, "Request body is not valid JSON");
  }
}

/** Form fields as Elysia shapes them: a string per field, an array when a field repeats, Files kept. */
function fieldsOf(entries: Iterable<[string, FormDataEntryValue]>): Record<string, unknown> {
  const fields: Record<string, unknown> = Object.create(null);
  for (const [name, value] of entries) {
    const current = fields[name];
    if (current === undefined) fields[name] = value;
    else if (Array.isArray(current)) current.push(value);
    else fields[name] = [current, value];
  }
  return fields;
}

/** Parses a body read by `readBody` according to its media type (lower case, no parameters). */
export async function parseBody(bytes: Uint8Array, mediaType: string, fullContentType: string): Promise<unknown> {
  if (mediaType === "application/json" || mediaType.endsWith("+json")) return parseJson(bytes);
  if (mediaType === "application/x-www-form-urlencoded") return fieldsOf(new URLSearchParams(decoder.decode(bytes)));
  if (mediaType === "multipart/form-data") {
    try {
      const form = await new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { "content-type": fullContentType } }).formData();
      return fieldsOf(form as unknown as Iterable<[string, FormDataEntryValue]>);
    } catch {
      throw new AppError(400, "Request body is not valid multipart/form-data");
    }
  }
  if (mediaType.startsWith("text/")) return decoder.decode(bytes);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}
