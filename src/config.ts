// The only reader of process.env: validates the environment once and hands out a frozen Config.
import { z } from "zod";
import path from "node:path";
import { parseMailFrom, parseSmtpUrl, type MailFrom, type SmtpSettings } from "./lib/smtp-url.ts";

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
  // argon2id memory per password hash, KiB: OWASP's 19 MiB by default; lower only on a very small box.
  HOLDFAST_PASSWORD_MEMORY_KIB: z.coerce.number().int("must be a whole number").min(1024).max(1_048_576).default(19_456),
  HOLDFAST_RATE_LIMIT: z.coerce.number().int("must be a whole number").min(1).max(1_000_000).default(600),
  // false/0: trust no proxy header; true: one proxy in front; N: N proxies in front.
  HOLDFAST_TRUST_PROXY: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^(true|false|\d{1,2})$/, "must be true, false or the number of proxies in front (0 to 10)")
    .transform((v) => (v === "true" ? 1 : v === "false" ? 0 : Number(v)))
    .refine((n) => n <= 10, "must be true, false or the number of proxies in front (0 to 10)")
    .default(0),
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  NODE_ENV: z.string().optional(),
  STRIPE_SECRET_KEY: z
    .string()
    .trim()
    .regex(/^(sk|rk)_(test|live)_[A-Za-z0-9]+$/, "must be a Stripe secret or restricted key (sk_… or rk_…)")
    .optional(),
  STRIPE_WEBHOOK_SECRET: z.string().trim().regex(/^whsec_[A-Za-z0-9+/=]+$/, "must be a webhook signing secret (whsec_…)").optional(),
  STRIPE_API_URL: optionalUrl,
  SMTP_URL: z.string().optional(),
  HOLDFAST_MAIL_FROM: z.string().optional(),
});

/** Where the Stripe client sends requests: Stripe itself, or stripe-mock / a proxy (STRIPE_API_URL). */
export interface StripeApi {
  host: string;
  port: number;
  protocol: "http" | "https";
}

export interface StripeConfig {
  secretKey: string;
  webhookSecret: string;
  api: StripeApi;
}

export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  dbPath: string;
  publicUrl: string;
  cancelUrl: string;
  /** Requests a minute per API key (HOLDFAST_RATE_LIMIT). */
  rateLimitPerMinute: number;
  /** Requests a minute per client IP, for the per-IP policies (see http/rate-limit.ts). */
  ipRateLimitsPerMinute: { failedKey: number; result: number; hosted: number; login: number };
  /** How many reverse proxies in front may be believed about the client IP (X-Forwarded-For); 0: none. */
  trustProxyHops: number;
  logLevel: LogLevel;
  /** NODE_ENV=production (the compiled binary sets it): Elysia's production settings. */
  production: boolean;
  /** Bytes an API request body may carry. */
  apiBodyLimit: number;
  /** How long a rotated signing secret still verifies tokens. */
  signingSecretGraceMs: number;
  resultTokenTtlSeconds: number;
  /** Outgoing mail: null when SMTP_URL is unset (then nothing is mailed). */
  smtp: SmtpSettings | null;
  mailFrom: MailFrom | null;
  /** Workspace billing through Stripe; null (off) unless STRIPE_SECRET_KEY is set. */
  stripe: StripeConfig | null;
  /** argon2id memory cost for dashboard passwords (OWASP's 19 MiB; tests lower it to stay fast). */
  passwordMemoryKiB: number;
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
  const { smtp, mailFrom } = mailSettings(e.SMTP_URL, e.HOLDFAST_MAIL_FROM);
  // Billing half-configured would take payments whose webhooks are never verified, or the reverse: refuse to start.
  if (e.STRIPE_SECRET_KEY && !e.STRIPE_WEBHOOK_SECRET)
    throw new ConfigError("Invalid STRIPE_WEBHOOK_SECRET: required when STRIPE_SECRET_KEY is set");
  if (!e.STRIPE_SECRET_KEY && e.STRIPE_WEBHOOK_SECRET)
    throw new ConfigError("Invalid STRIPE_SECRET_KEY: required when STRIPE_WEBHOOK_SECRET is set");
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
    // Bad keys are cheap to send and cost a lookup each; a busy integrator verifies many results from one server;
    // one customer clicks through a flow in a dozen requests; logins are the guessing target.
    ipRateLimitsPerMinute: Object.freeze({ failedKey: 60, result: 1200, hosted: 300, login: 10 }),
    trustProxyHops: e.HOLDFAST_TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    production: e.NODE_ENV === "production",
    apiBodyLimit: 64 * 1024,
    signingSecretGraceMs: 7 * 24 * 60 * 60 * 1000,
    resultTokenTtlSeconds: 15 * 60,
    smtp,
    mailFrom,
    stripe: e.STRIPE_SECRET_KEY
      ? Object.freeze({ secretKey: e.STRIPE_SECRET_KEY, webhookSecret: e.STRIPE_WEBHOOK_SECRET!, api: stripeApi(e.STRIPE_API_URL) })
      : null,
    passwordMemoryKiB: e.HOLDFAST_PASSWORD_MEMORY_KIB,
  });
}

function mailSettings(smtpUrl: string | undefined, from: string | undefined): { smtp: SmtpSettings | null; mailFrom: MailFrom | null } {
  let smtp: SmtpSettings | null = null;
  let mailFrom: MailFrom | null = null;
  if (smtpUrl !== undefined) {
    try {
      smtp = parseSmtpUrl(smtpUrl);
    } catch (error) {
      throw new ConfigError(`Invalid SMTP_URL: ${(error as Error).message}`);
    }
  }
  if (from !== undefined) {
    try {
      mailFrom = parseMailFrom(from);
    } catch (error) {
      throw new ConfigError(`Invalid HOLDFAST_MAIL_FROM: ${(error as Error).message}`);
    }
  }
  // A mail without a sender would be refused by every server: say so at start, not at the first report.
  if (smtp && !mailFrom) throw new ConfigError("Invalid HOLDFAST_MAIL_FROM: required when SMTP_URL is set (e.g. Holdfast <reports@example.com>)");
  return { smtp, mailFrom };
}

/** The Stripe client takes host, port and protocol separately rather than a base URL. */
export function stripeApi(url = "https://api.stripe.com"): StripeApi {
  const u = new URL(url);
  const protocol = u.protocol === "http:" ? "http" : "https";
  return { host: u.hostname, port: u.port ? Number(u.port) : protocol === "http" ? 80 : 443, protocol };
}

/** A config for tests and tools: defaults plus overrides, never the real environment. */
export function testConfig(overrides: Partial<Config> = {}): Readonly<Config> {
  return Object.freeze({ ...loadConfig({ HOLDFAST_DATA_DIR: ":memory:", LOG_LEVEL: "silent" }), production: false, dbPath: ":memory:", passwordMemoryKiB: 1024, ...overrides });
}
