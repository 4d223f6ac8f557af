// The sessions pages, the CSV export and `holdfast export sessions`: filters, keyset pages, isolation, plans.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { makeTestApp, seedWorkspace, type TestApp } from "../../../tests/helpers.ts";
import { signedIn } from "../../../tests/dashboard-client.ts";
import { runCli } from "../../cli/index.ts";
import type { Io } from "../../cli/context.ts";
import type { Session } from "./sessions.store.ts";

const DAY = 86_400_000;

/** 120 sessions an hour apart: every 3rd sandbox, every 4th saved, every 5th canceled, customers c0..c9. */
async function seedSessions(t: TestApp, workspaceId: string) {
  const ws = (await t.deps.workspaceService.get(workspaceId))!;
  const ids: string[] = [];
  for (let i = 0; i < 120; i++) {
    t.clock.advance(3600_000);
    const { session } = await t.deps.sessionService.start(ws, {
      source: i % 2 ? "api" : "cancel_link",
      customerId: i === 7 ? "=HYPERLINK(\"http://evil\")" : `c${i % 10}`,
      environment: i % 3 === 0 ? "sandbox" : "prod",
      context: { plan: "pro", mrr: 10 },
      metadata: { n: i },
    });
    if (i % 4 === 0) await t.deps.sessionService.complete(session, "saved", null);
    else if (i % 5 === 0) await t.deps.sessionService.complete(session, "canceled", null);
    ids.push(session.id);
  }
  return ids.reverse(); // newest first
}

const rowIds = (html: string) => [...html.matchAll(/href="\/dashboard\/sessions\/([0-9a-f-]{36})"/g)].map((m) => m[1]);
const nextHref = (html: string) => /href="(\/dashboard\/sessions\?[^"]*after=[^"]+)" rel="next"/.exec(html)?.[1].replaceAll("&amp;", "&") ?? null;

describe("sessions page", () => {
  test("newest first, 50 a page, keyset pages cover every session once", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const ids = await seedSessions(t, ws.id);
    const c = await signedIn(t, ws.id, "viewer");
    const seen: string[] = [];
    let href: string | null = "/dashboard/sessions";
    let pages = 0;
    while (href) {
      const page = await c.get(href);
      expect(page.status).toBe(200);
      seen.push(...rowIds(page.html));
      href = nextHref(page.html);
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);
  });

  test("filters: environment, outcome, source, customer, date range; a bad date is a 400 naming it", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    await seedSessions(t, ws.id);
    const c = await signedIn(t, ws.id, "viewer");
    const count = async (q: string) => {
      let href: string | null = `/dashboard/sessions?${q}`;
      let n = 0;
      while (href) {
        const p = await c.get(href);
        n += rowIds(p.html).length;
        href = nextHref(p.html);
      }
      return n;
    };
    expect(await count("environment=sandbox")).toBe(40);
    expect(await count("outcome=saved")).toBe(30);
    expect(await count("outcome=canceled&environment=prod")).toBe(Array.from({ length: 120 }, (_, i) => i).filter((i) => i % 4 !== 0 && i % 5 === 0 && i % 3 !== 0).length);
    expect(await count("source=api")).toBe(60);
    expect(await count("customer=c3")).toBe(12);
    expect(await count("customer=c3&outcome=saved")).toBe(0); // c3 is i ≡ 3 mod 10: odd, never a multiple of 4
    // Sessions start at 2026-01-15 13:00 UTC, one an hour: the 16th holds hours 0..23.
    expect(await count("from=2026-01-16&to=2026-01-16")).toBe(24);
    const bad = await c.get("/dashboard/sessions?from=yesterday");
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("from must be a date like 2026-11-30");
  });

  test("detail: timeline, reason, context, metadata; another workspace's session is 404", async () => {
    const t = await makeTestApp();
    const mine = await seedWorkspace(t);
    const theirs = await seedWorkspace(t, { name: "Other" });
    const c = await signedIn(t, mine.id, "viewer");
    const ws = (await t.deps.workspaceService.get(mine.id))!;
    const { session } = await t.deps.sessionService.start(ws, { source: "api", customerId: "cus_9", environment: "prod", context: { plan: "pro_monthly", mrr: 49 }, metadata: { team: "blue" }, reason: "too expensive" });
    t.clock.advance(60_000);
    await t.deps.sessionService.markOpened(session);
    t.clock.advance(60_000);
    await t.deps.sessionService.complete(session, "saved", { kind: "discount", percentOff: 30, durationMonths: 3 });
    const page = await c.get(`/dashboard/sessions/${session.id}`);
    expect(page.status).toBe(200);
    for (const text of ["Created", "Opened", "Completed", "too expensive", "pro_monthly", "&quot;team&quot;: &quot;blue&quot;", "$49.00", "&quot;percentOff&quot;: 30"]) expect(page.html).toContain(text);
    expect(page.html).toContain(`<time datetime="${new Date(t.clock.now()).toISOString()}">`);

    const other = (await t.deps.workspaceService.get(theirs.id))!;
    const { session: foreign } = await t.deps.sessionService.start(other, { source: "api", customerId: "secret-customer", environment: "prod" });
    const res = await c.get(`/dashboard/sessions/${foreign.id}`);
    expect(res.status).toBe(404);
    expect(res.html).not.toContain("secret-customer");
    expect((await c.get("/dashboard/sessions/not-a-uuid")).status).toBe(404);
  });

  test("detail: a hosted session shows the ingested event that is its final word", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const c = await signedIn(t, ws.id, "viewer");
    const workspace = (await t.deps.workspaceService.get(ws.id))!;
    const { session } = await t.deps.sessionService.start(workspace, { source: "cancel_link", customerId: "cus_link", environment: "prod", context: { mrr: 20 } });
    await t.deps.sessionService.complete(session, "saved", null);
    const before = await c.get(`/dashboard/sessions/${session.id}`);
    expect(before.html).toMatch(/<dt>Linked event<\/dt><dd>—<\/dd>/);
    t.clock.advance(3_600_000);
    const occurredAt = new Date(t.clock.now() - 60_000).toISOString();
    const res = await t.request("POST", "/api/v1/cancellations", { key: ws.liveKey, body: { eventId: "evt_final_1", userId: "cus_link", status: "canceled", sessionId: session.id, occurredAt } });
    expect(res.status).toBe(201);
    const after = await c.get(`/dashboard/sessions/${session.id}`);
    expect(after.html).toContain("<code>evt_final_1</code> · canceled");
    expect(after.html).toContain(`<time datetime="${occurredAt}">`);
  });
});

describe("CSV export", () => {
  test("streams the filtered set with a header; formula-looking cells are defused", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const ids = await seedSessions(t, ws.id);
    const c = await signedIn(t, ws.id, "viewer");
    const all = await c.get("/dashboard/sessions/export.csv");
    expect(all.status).toBe(200);
    expect(all.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(all.headers.get("content-disposition")).toMatch(/^attachment; filename="holdfast-sessions-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = all.html.trimEnd().split("\r\n");
    expect(lines[0]).toBe("id,createdAt,environment,source,flowId,customerId,subscriptionId,state,outcome,reason,feedback,offerKind,offer,recoveredMrrCents,plan,mrr,tenureDays,metadata,openedAt,completedAt,expiresAt");
    expect(lines.slice(1).map((l) => l.slice(0, 36))).toEqual(ids);
    expect(all.html).toContain(`"'=HYPERLINK(""http://evil"")"`);
    const saved = await c.get("/dashboard/sessions/export.csv?outcome=saved&environment=prod");
    const rows = saved.html.trimEnd().split("\r\n").slice(1);
    expect(rows.length).toBe(20);
    expect(rows.every((r) => r.includes(",prod,") && r.includes(",saved,"))).toBe(true);
  });

  test("the query plans read an index in order: no scan of the workspace, no sort", async () => {
    const t = await makeTestApp();
    const plan = (sql: string) => (t.deps.db.query(`explain query plan ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(" | ");
    const base = "select id from sessions indexed by sessions_workspace_env_recent where workspace_id = 'w' and environment = 'prod' and outcome = 'saved' and (created_at, id) < (1, 'x') order by created_at desc, id desc limit 51";
    expect(plan(base)).toContain("SEARCH sessions USING INDEX sessions_workspace_env_recent (workspace_id=? AND environment=? AND (created_at,id)<(?,?))");
    expect(plan(base)).not.toContain("TEMP B-TREE");
    const dated = "select id from sessions indexed by sessions_workspace_env_recent where workspace_id = 'w' and environment = 'sandbox' and created_at >= 0 and (created_at, id) < (1, 'x') order by created_at desc, id desc limit 51";
    expect(plan(dated)).toContain("sessions_workspace_env_recent (workspace_id=? AND environment=? AND created_at>? AND (created_at,id)<(?,?))");
    expect(plan(dated)).not.toContain("TEMP B-TREE");
    const byCustomer = "select id from sessions indexed by sessions_workspace_customer where workspace_id = 'w' and customer_id = 'c' order by created_at desc, id desc limit 51";
    expect(plan(byCustomer)).toContain("sessions_workspace_customer (workspace_id=? AND customer_id=?)");
    expect(plan(byCustomer)).not.toContain("TEMP B-TREE");
    // The other readers of the same index: the recent list of an environment, the stats sliver, a rebuild.
    const recent = "select id from sessions where workspace_id = 'w' and environment = 'prod' order by created_at desc, id desc limit 100";
    expect(plan(recent)).toContain("sessions_workspace_env_recent (workspace_id=? AND environment=?)");
    expect(plan(recent)).not.toContain("TEMP B-TREE");
    const sliver = "select id from sessions where workspace_id = 'w' and environment = 'prod' and created_at >= 1 and created_at < 2";
    expect(plan(sliver)).toContain("sessions_workspace_env_recent (workspace_id=? AND environment=? AND created_at>? AND created_at<?)");
  });

  test("pages over both environments merge them in order, ties by id; a cursor and a date bound together", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const workspace = (await t.deps.workspaceService.get(ws.id))!;
    // Bursts of sessions on one millisecond, in both environments: the order between them is the id.
    for (let i = 0; i < 45; i++) {
      if (i % 9 === 0) t.clock.advance(DAY / 2);
      await t.deps.sessionService.start(workspace, { source: "api", customerId: `c${i % 4}`, environment: i % 2 ? "sandbox" : "prod" });
    }
    const expected = (where: string) =>
      (t.deps.db.query(`select id from sessions where workspace_id = ? ${where} order by created_at desc, id desc`).all(ws.id) as { id: string }[]).map((r) => r.id);
    const before = t.clock.now() - DAY;
    for (const [filters, where] of [
      [{}, ""],
      [{ environment: "sandbox" as const }, "and environment = 'sandbox'"],
      [{ customerId: "c1" }, "and customer_id = 'c1'"],
      [{ before }, `and created_at < ${before}`],
      [{ from: before - DAY, before }, `and created_at >= ${before - DAY} and created_at < ${before}`],
    ] as const) {
      const seen: string[] = [];
      let after: { createdAt: number; id: string } | null = null;
      for (;;) {
        const { sessions }: { sessions: Session[] } = await t.deps.sessionSearchService.page(ws.id, filters, after, 4);
        if (sessions.length === 0) break;
        seen.push(...sessions.map((s) => s.id));
        const last = sessions.at(-1)!;
        after = { createdAt: last.createdAt, id: last.id };
      }
      expect(seen).toEqual(expected(where));
      expect(seen.length).toBeGreaterThan(0);
    }
  });
});

describe("holdfast export sessions", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "holdfast-export-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const run = async (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const io: Io = { out: (s) => void out.push(s), err: (s) => void err.push(s), readStdin: async () => "", env: { HOLDFAST_DATA_DIR: dataDir, LOG_LEVEL: "silent" } };
    return { code: await runCli(argv, io), out: out.join(""), err: err.join("\n") };
  };

  test("csv and jsonl, with --from/--to; mistakes exit 2 with a message", async () => {
    const ws = JSON.parse((await run(["workspace", "create", "--name", "Acme", "--json"])).out) as { id: string; liveKey: string };
    const { openApp } = await import("../../boot.ts");
    const { loadConfig } = await import("../../config.ts");
    const booted = await openApp({ config: loadConfig({ HOLDFAST_DATA_DIR: dataDir, LOG_LEVEL: "silent" }) });
    const workspace = (await booted.deps.workspaceService.get(ws.id))!;
    for (let i = 0; i < 3; i++) await booted.deps.sessionService.start(workspace, { source: "api", customerId: `cli${i}`, environment: "prod" });
    await booted.close();
    const csv = await run(["export", "sessions", "--workspace", ws.id]);
    expect(csv.code).toBe(0);
    const lines = csv.out.trimEnd().split("\r\n");
    expect(lines.length).toBe(4);
    expect(lines[0]).toStartWith("id,createdAt,");
    const jsonl = await run(["export", "sessions", "--workspace", ws.id, "--format", "jsonl"]);
    const records = jsonl.out.trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(records.map((r) => r.customerId)).toEqual(["cli2", "cli1", "cli0"]);
    expect(records[0]).toMatchObject({ environment: "prod", source: "api", outcome: "pending", state: "created" });
    const today = new Date().toISOString().slice(0, 10);
    expect((await run(["export", "sessions", "--workspace", ws.id, "--format", "jsonl", "--from", today, "--to", today])).out.trimEnd().split("\n").length).toBe(3);
    expect((await run(["export", "sessions", "--workspace", ws.id, "--format", "jsonl", "--to", "2020-01-01"])).out).toBe("");
    expect(await run(["export", "sessions", "--workspace", ws.id, "--from", "soon"])).toMatchObject({ code: 2, err: "holdfast: --from must be a date like 2026-11-30" });
    expect(await run(["export", "sessions", "--workspace", ws.id, "--format", "xml"])).toMatchObject({ code: 2, err: "holdfast: --format must be one of: csv, jsonl" });
    expect(await run(["export", "sessions"])).toMatchObject({ code: 2, err: "holdfast: --workspace is required" });
  });
});
