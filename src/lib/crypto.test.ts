// sha256Hex writes its digest by hand (it runs for every imported row): it must equal the standard hex digest.
import { expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { sha256Hex } from "./crypto.ts";

test.each(["", "a", "hf_live_0123456789abcdef", "ünïcödé ✓ 😀", "x".repeat(10_000)])("sha256Hex(%#) is the standard hex digest", (text) => {
  expect(sha256Hex(text)).toBe(createHash("sha256").update(text, "utf8").digest("hex"));
});

test("consecutive calls do not share a digest (the buffer is reused)", () => {
  const a = sha256Hex("first");
  const b = sha256Hex("second");
  expect(a).not.toBe(b);
  expect(a).toBe(createHash("sha256").update("first").digest("hex"));
});
