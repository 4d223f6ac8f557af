// The workspace's value lists, each defined once: zod enums, types and CLI choices derive from them.
import { z } from "zod";

export const PLANS = ["core", "advanced"] as const;
export type Plan = (typeof PLANS)[number];
export const planSchema = z.enum(PLANS);

/** read_only: the subscription to Holdfast lapsed; reads work, new sessions are refused (402). */
export const ACCESSES = ["active", "read_only"] as const;
export type Access = (typeof ACCESSES)[number];
export const accessSchema = z.enum(ACCESSES);
