// The API key's value lists, each defined once: zod enums, types and CLI choices derive from them.
import { z } from "zod";

export const SCOPES = ["read", "read_write"] as const;
export type Scope = (typeof SCOPES)[number];
export const scopeSchema = z.enum(SCOPES);

/** A test key (hf_test_…) only ever makes and sees sandbox sessions. */
export const KEY_MODES = ["live", "test"] as const;
export type KeyMode = (typeof KEY_MODES)[number];
export const keyModeSchema = z.enum(KEY_MODES);
