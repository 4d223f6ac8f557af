// Leaf crypto helpers: random tokens, hashes, HMACs and constant-time comparison.
import { timingSafeEqual as nodeTimingSafeEqual, createHmac } from "node:crypto";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** A url-safe random string carrying `bits` bits of entropy (base62). */
export function randomToken(bits = 192): string {
  const length = Math.ceil(bits / Math.log2(62));
  const out: string[] = [];
  // Rejection sampling keeps every symbol equally likely.
  while (out.length < length) {
    const bytes = crypto.getRandomValues(new Uint8Array(length * 2));
    for (const b of bytes) {
      if (b < 248 && out.length < length) out.push(BASE62[b % 62]);
    }
  }
  return out.join("");
}

export function randomSecret(bytes = 32): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("base64url");
}

// Hex digits of every byte: writing a digest with them costs half of Bun's hex encoding on a short text.
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));
const digest = new Uint8Array(32);

export function sha256Hex(input: string): string {
  // The one-shot form: a few times cheaper than a CryptoHasher per call (it runs per imported row).
  Bun.SHA256.hash(input, digest);
  let hex = "";
  for (let i = 0; i < 32; i++) hex += HEX[digest[i]];
  return hex;
}

export function hmacSha256Hex(secret: string, message: string): string {
  return createHmac("sha256", secret).update(message).digest("hex");
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  if (left.length !== right.length) return false;
  return nodeTimingSafeEqual(left, right);
}

export function uuid(): string {
  return crypto.randomUUID();
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}
