// A real SMTP server on loopback (the smtp-server package) for mail tests: plain or STARTTLS, with or
// without AUTH, recording every message it accepts. Always port 0.
import { SMTPServer, type SMTPServerOptions } from "smtp-server";
import { readFileSync } from "node:fs";
import path from "node:path";

const FIXTURES = path.join(import.meta.dir, "fixtures", "smtp");
export const TEST_CA = readFileSync(path.join(FIXTURES, "ca.pem"), "utf8");

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  /** Whether the connection was TLS when the message was sent (after STARTTLS). */
  secure: boolean;
  user: string | null;
}

export interface TestSmtpServer {
  port: number;
  received: ReceivedMail[];
  /** Answer every MAIL FROM with this SMTP error until reset (simulates a server refusing mail). */
  failWith(message: string | null): void;
  close(): Promise<void>;
}

export async function startSmtpServer(opts: { starttls?: boolean; implicitTls?: boolean; auth?: { user: string; pass: string } } = {}): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  let failure: string | null = null;
  const options: SMTPServerOptions = {
    secure: opts.implicitTls === true,
    logger: false,
    banner: "holdfast test smtp",
    disabledCommands: [...(opts.starttls ? [] : ["STARTTLS"]), ...(opts.auth ? [] : ["AUTH"])],
    authOptional: !opts.auth,
    // Password auth over plain TCP is refused by smtp-server unless allowed; the STARTTLS tests log in after the upgrade.
    allowInsecureAuth: !opts.starttls && !opts.implicitTls,
    ...(opts.starttls || opts.implicitTls
      ? { key: readFileSync(path.join(FIXTURES, "server-key.pem")), cert: readFileSync(path.join(FIXTURES, "server-cert.pem")) }
      : {}),
    onAuth(auth, _session, callback) {
      if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass) return callback(null, { user: auth.username });
      callback(new Error("Invalid username or password"));
    },
    onMailFrom(_address, _session, callback) {
      if (failure) {
        const err = new Error(failure) as Error & { responseCode: number };
        err.responseCode = 451;
        return callback(err);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
          secure: session.secure,
          user: (session.user as string | undefined) ?? null,
        });
        callback();
      });
    },
  };
  const server = new SMTPServer(options);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.server.address() as { port: number }).port;
  return {
    port,
    received,
    failWith(message) {
      failure = message;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A loopback port nothing listens on (bound then released), for "server is down" tests. */
export async function deadPort(): Promise<number> {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

export interface MimePart {
  contentType: string;
  body: string;
}

/** Splits a received message into its header block and decoded leaf parts (enough for our own mails). */
export function parseMail(raw: string): { headers: Record<string, string>; parts: MimePart[] } {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const headers = parseHeaders(head);
  return { headers, parts: leafParts(headers, rest.join("\r\n\r\n")) };
}

function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const i = line.indexOf(":");
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = decodeWords(line.slice(i + 1).trim());
  }
  return headers;
}

/** RFC 2047 encoded words (=?UTF-8?Q?…?= and =?UTF-8?B?…?=), adjacent ones joined. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?([^?]+)\?([QB])\?([^?]*)\?=/gi, (_, _charset, enc: string, text: string) =>
      enc.toUpperCase() === "B"
        ? Buffer.from(text, "base64").toString("utf8")
        : Buffer.from(text.replace(/_/g, " ").replace(/=([0-9A-F]{2})/gi, (_m, h) => String.fromCharCode(parseInt(h, 16))), "latin1").toString("utf8"),
    );
}

function leafParts(headers: Record<string, string>, body: string): MimePart[] {
  const type = headers["content-type"] ?? "text/plain";
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (type.startsWith("multipart/") && boundary) {
    return body
      .split(`--${boundary}`)
      .slice(1)
      .filter((chunk) => !chunk.startsWith("--"))
      .flatMap((chunk) => {
        const trimmed = chunk.replace(/^\r?\n/, "");
        const split = trimmed.search(/\r?\n\r?\n/);
        const partHeaders = parseHeaders(trimmed.slice(0, split));
        return leafParts(partHeaders, trimmed.slice(split).replace(/^\r?\n\r?\n/, ""));
      });
  }
  const encoding = (headers["content-transfer-encoding"] ?? "7bit").toLowerCase();
  let decoded = body;
  if (encoding === "quoted-printable") {
    const bytes = Buffer.from(
      body.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16))),
      "latin1",
    );
    decoded = bytes.toString("utf8");
  } else if (encoding === "base64") decoded = Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  return [{ contentType: type.split(";")[0].trim().toLowerCase(), body: decoded.replace(/\r\n/g, "\n") }];
}
