// The only reader of process.env: validates the environment once and hands out a frozen Config.
import { z } from "zod";
import path from "node:path";

const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;

const optionalUrl = z
  .string()
  .trim()
  .url("must be an absolute http(s) URL")
  .refine((v) => /^https?:\/\//.test(v), "must start with http:// or https://")
  .transform((v) => v.replace(/\/+$/, ""))
  .optional();

const envSchema = z.object({
  PORT: z.coerce.number().int("must be a whole number").min(1).max(65535).default(3000),
  HOST: z.string().trim().min(1).default("0.0.0.0"),
  HOLDFAST_DATA_DIR: z.string().trim().min(1).default("./data"),
  HOLDFAST_PUBLIC_URL: optionalUrl,
  HOLDFAST_CANCEL_URL: optionalUrl,
  HOLDFAST_RATE_LIMIT: z.coerce.number().int("must be a whole number").min(1).max(1_000_000).default(600),
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  STRIPE_SECRET_KEY: z.string().optional(),
  STRIPE_WEBHOOK_SECRET: z.string().optional(),
  SMTP_URL: z.string().optional(),
  HOLDFAST_MAIL_FROM: z.string().optional(),
});

export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  dbPath: string;
  publicUrl: string;
  cancelUrl: string;
  rateLimitPerMinute: number;
  logLevel: LogLevel;
  /** Bytes an API request body may carry. */
  apiBodyLimit: number;
  /** How long a rotated signing secret still verifies tokens. */
  signingSecretGraceMs: number;
  resultTokenTtlSeconds: number;
}

export class ConfigError extends Error {}

/** Reads and validates an environment (process.env by default); throws ConfigError naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Readonly<Config> {
  // Empty strings mean "unset", as a shell `FOO= holdfast` suggests.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0] ?? "environment");
    throw new ConfigError(`Invalid ${name}: ${issue.message}`);
  }
  const e = parsed.data;
  const publicUrl = e.HOLDFAST_PUBLIC_URL ?? `http://localhost:${e.PORT}`;
  const dataDir = path.resolve(e.HOLDFAST_DATA_DIR);
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    dataDir,
    dbPath: path.join(dataDir, "holdfast.db"),
    publicUrl,
    cancelUrl: e.HOLDFAST_CANCEL_URL ?? publicUrl,
    rateLimitPerMinute: e.HOLDFAST_RATE_LIMIT,
    logLevel: e.LOG_LEVEL,
    apiBodyLimit: 64 * 1024,
    signingSecretGraceMs: 7 * 24 * 60 * 60 * 1000,
    resultTokenTtlSeconds: 15 * 60,
  });
}

/** A config for tests and tools: defaults plus overrides, never the real environment. */
export function testConfig(overrides: Partial<Config> = {}): Readonly<Config> {
  return Object.freeze({ ...loadConfig({ HOLDFAST_DATA_DIR: ":memory:", LOG_LEVEL: "silent" }), dbPath: ":memory:", ...overrides });
}
