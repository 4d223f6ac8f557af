// A tiny browser stand-in for route-level dashboard tests: a cookie jar, same-origin form posts, and
// helpers to read the CSRF token and flash secret out of the rendered HTML.
import { BASE, type TestApp } from "./helpers.ts";

export interface Page {
  status: number;
  headers: Headers;
  html: string;
  location: string | null;
}

export class DashboardClient {
  readonly cookies = new Map<string, string>();
  constructor(readonly t: TestApp, readonly origin = BASE) {}

  /** Through the serving fetch, from a loopback socket (so per-IP limits see an address). */
  private send(request: Request): Promise<Response> {
    return this.t.booted.fetch(request, { requestIP: () => ({ address: this.ip }) });
  }

  ip = "127.0.0.1";

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  private remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === "" || attrs.some((a) => a.trim().toLowerCase() === "max-age=0")) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(path: string): Promise<Page> {
    const res = await this.send(new Request(`${BASE}${path}`, { headers: { cookie: this.cookieHeader() } }));
    this.remember(res);
    return { status: res.status, headers: res.headers, html: await res.text(), location: res.headers.get("location") };
  }

  /** A form POST as a browser on our own origin sends it (override headers to forge one). */
  /** A header given as "" is left out (to test a request without Origin). */
  async post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Page> {
    const all = Object.fromEntries(
      Object.entries({ "content-type": "application/x-www-form-urlencoded", origin: this.origin, cookie: this.cookieHeader(), ...headers }).filter(([, v]) => v !== ""),
    );
    const res = await this.send(
      new Request(`${BASE}${path}`, {
        method: "POST",
        headers: all,
        body: new URLSearchParams(fields).toString(),
      }),
    );
    this.remember(res);
    return { status: res.status, headers: res.headers, html: await res.text(), location: res.headers.get("location") };
  }

  async postMultipart(path: string, form: FormData, headers: Record<string, string> = {}): Promise<Page> {
    const res = await this.send(
      new Request(`${BASE}${path}`, { method: "POST", headers: { origin: this.origin, cookie: this.cookieHeader(), ...headers }, body: form }),
    );
    this.remember(res);
    return { status: res.status, headers: res.headers, html: await res.text(), location: res.headers.get("location") };
  }

  /** GETs the page and posts its form with the page's CSRF token added. */
  async submit(pagePath: string, action: string, fields: Record<string, string>): Promise<Page> {
    const page = await this.get(pagePath);
    return this.post(action, { _csrf: csrfOf(page.html), ...fields });
  }

  async login(email: string, password: string): Promise<Page> {
    return this.submit("/dashboard/login", "/dashboard/login", { email, password });
  }
}

export function csrfOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error("no CSRF token on the page");
  return m[1];
}

export function secretOf(html: string): string | null {
  return /id="secret-once" class="mono" readonly value="([^"]+)"/.exec(html)?.[1] ?? null;
}

/** A user with a password and a role in a workspace, made through the services. */
export async function seedMember(t: TestApp, workspaceId: string, role: "owner" | "admin" | "viewer", email = `${role}-${crypto.randomUUID().slice(0, 6)}@example.com`, password = "correct horse battery") {
  const user = await t.deps.userService.create(email, password);
  await t.deps.userService.addMembership(user.id, workspaceId, role);
  return { user, email, password };
}

export async function signedIn(t: TestApp, workspaceId: string, role: "owner" | "admin" | "viewer"): Promise<DashboardClient & { email: string; password: string; userId: string }> {
  const m = await seedMember(t, workspaceId, role);
  const client = new DashboardClient(t);
  const res = await client.login(m.email, m.password);
  if (res.status !== 303) throw new Error(`login failed: ${res.status} ${res.html}`);
  return Object.assign(client, { email: m.email, password: m.password, userId: m.user.id });
}
