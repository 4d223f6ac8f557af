// Parses SMTP_URL (smtp://user:pass@host:port, smtps://…) and HOLDFAST_MAIL_FROM into checked values.

export interface SmtpSettings {
  /** smtps: TLS from the first byte. smtp: plain, upgraded with STARTTLS whenever the server offers it. */
  secure: boolean;
  host: string;
  port: number;
  user: string | null;
  pass: string | null;
}

/** Throws an Error whose message says what is wrong (never the value: it may hold a password). */
export function parseSmtpUrl(raw: string): SmtpSettings {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new Error("must look like smtp://user:pass@host:port or smtps://user:pass@host:port");
  }
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") throw new Error("must start with smtp:// or smtps://");
  if (!url.hostname) throw new Error("needs a host (smtp://user:pass@host:port)");
  if ((url.pathname && url.pathname !== "/") || url.search || url.hash) throw new Error("takes no path or query: smtp://user:pass@host:port");
  const secure = url.protocol === "smtps:";
  // The submission ports: 465 implicit TLS, 587 STARTTLS (what mail providers document).
  const port = url.port ? Number(url.port) : secure ? 465 : 587;
  const decode = (v: string) => {
    try {
      return decodeURIComponent(v);
    } catch {
      throw new Error("has a badly percent-encoded user or password");
    }
  };
  const user = url.username ? decode(url.username) : null;
  const pass = url.password ? decode(url.password) : null;
  if (pass !== null && user === null) throw new Error("has a password but no user");
  // IPv6 literals arrive bracketed; the socket wants them bare.
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  return { secure, host, port, user, pass };
}

export interface MailFrom {
  name: string | null;
  address: string;
}

const ADDRESS = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;

/** `reports@example.com` or `Holdfast <reports@example.com>`. */
export function parseMailFrom(raw: string): MailFrom {
  const value = raw.trim();
  const named = /^(.*?)\s*<([^<>]+)>$/.exec(value);
  const name = named ? named[1].replace(/^"(.*)"$/, "$1").trim() || null : null;
  const address = (named ? named[2] : value).trim();
  if (!ADDRESS.test(address)) throw new Error("must be an email address, optionally with a name: Holdfast <reports@example.com>");
  if (name !== null && /[\r\n]/.test(name)) throw new Error("must be on one line");
  return { name, address };
}

/** A recipient address: the same rule as the sender's, without a display name. */
export function isEmailAddress(value: string): boolean {
  return value.length <= 254 && ADDRESS.test(value);
}
