// Rollups stay equal to a full recount whatever mix of writes reaches the sessions (a property test).
import { describe, expect, test } from "bun:test";
import { makeTestApp, seedWorkspace, type TestApp } from "../../../tests/helpers.ts";
import type { Session } from "../sessions/sessions.store.ts";
import { createAnalyticsStore } from "./analytics.store.ts";

const DAY = 86_400_000;

function seeded(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function rollupRows(t: TestApp) {
  // Rows netted to zero (a session that moved on) carry no information: a recount never writes them.
  return t.deps.db
    .query(
      `select workspace_id, environment, grain, facet, day, flow_id, value, outcome, sessions, recovered_mrr_cents, lost_mrr_cents,
         offers_accepted, offer_recovered_mrr_cents
       from analytics_rollups
       where sessions != 0 or recovered_mrr_cents != 0 or lost_mrr_cents != 0 or offers_accepted != 0 or offer_recovered_mrr_cents != 0
       order by workspace_id, environment, grain, facet, day, flow_id, value, outcome`,
    )
    .all();
}

describe("analytics rollups", () => {
  test("after a random mix of writes, the rollups equal a full recount from the rows", async () => {
    const t = await makeTestApp();
    const random = seeded(20261202);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    const a = await seedWorkspace(t, { name: "A" });
    const b = await seedWorkspace(t, { name: "B", plan: "core" });
    const workspaces = [(await t.deps.workspaceService.get(a.id))!, (await t.deps.workspaceService.get(b.id))!];
    const { sessionService, flowService } = t.deps;
    const reasons = ["Too expensive", "Not using it enough", "Missing a feature", "Technical problems", "Only needed it temporarily"];
    const open: Session[] = [];
    const start = t.clock.now();

    for (let round = 0; round < 40; round++) {
      // A burst of concurrent starts: they share one group-commit transaction.
      const starts = Array.from({ length: 1 + Math.floor(random() * 6) }, () => {
        const context: Session["context"] = {};
        if (random() < 0.8) context.plan = pick(["starter", "pro", "business"]);
        if (random() < 0.8) context.mrr = pick([0, 24.99, 25, 99.99, 100, 499.995, 500, 1200, 12.5]);
        if (random() < 0.8) context.tenureDays = pick([0, 30, 31, 90, 91, 365, 366, 1000]);
        return sessionService.start(pick(workspaces), {
          source: pick(["api", "cancel_link"] as const),
          customerId: `c${round}`,
          environment: random() < 0.8 ? "prod" : "sandbox",
          context,
          reason: random() < 0.2 ? pick(reasons) : null,
        });
      });
      for (const { session } of await Promise.all(starts)) open.push(session);
      t.clock.advance(Math.floor(random() * 2 * DAY));

      // Walk some of the open sessions a step further: some alone, some at once (one group commit then, where the
      // rollup changes are summed before they are written; the same session may move twice in it).
      const together: Promise<unknown>[] = [];
      for (let i = 0; i < 6 && open.length; i++) {
        const index = Math.floor(random() * open.length);
        const session = (await sessionService.get(open[index].workspaceId, open[index].id))!;
        const flow = (await flowService.get(session.workspaceId, session.flowId!))!;
        const action = random();
        let write: Promise<unknown> | null = null;
        if (session.state === "completed") open.splice(index, 1);
        else if (action < 0.3) write = sessionService.act(session, flow, { type: "survey", reason: pick(reasons), feedback: null });
        else if (action < 0.45) write = sessionService.markOfferShown(session, pick(["discount", "pause", "contact"]));
        else if (action < 0.55) write = sessionService.markOpened(session);
        else if (action < 0.6) write = sessionService.markExpired(session);
        else if (action < 0.7) write = sessionService.act(session, flow, { type: "back" });
        else if (action < 0.8) write = sessionService.complete(session, "saved", { kind: "discount", percentOff: 30, durationMonths: 3 });
        else if (action < 0.88) write = sessionService.complete(session, "saved", null);
        else write = sessionService.complete(session, "canceled", null);
        if (write && random() < 0.5) together.push(write);
        else await write;
      }
      await Promise.all(together);
    }

    const incremental = rollupRows(t);
    const sessions = (t.deps.db.query("select count(*) as n from sessions").get() as { n: number }).n;
    expect(sessions).toBeGreaterThan(100);
    // Every facet counts every session once, at each grain.
    const perFacet = t.deps.db.query("select grain, facet, sum(sessions) as n from analytics_rollups group by grain, facet").all() as { n: number }[];
    expect(perFacet.map((r) => r.n)).toEqual(Array(12).fill(sessions));

    // Month rows answer whole months exactly as the day rows they sum: any range, any facet.
    const dayGrain = t.deps.db.query(
      `select value, outcome, sum(sessions) as sessions, sum(recovered_mrr_cents) as recovered, sum(lost_mrr_cents) as lost,
         sum(offers_accepted) as accepted, sum(offer_recovered_mrr_cents) as offerRecovered
       from analytics_rollups where workspace_id = ? and environment = 'prod' and grain = 'day' and facet = ? and day between ? and ?
       group by value, outcome having sum(sessions) != 0`,
    );
    const firstDay = Math.floor(start / DAY);
    for (let probe = 0; probe < 20; probe++) {
      const from = firstDay - 3 + Math.floor(random() * 60);
      const to = from + Math.floor(random() * 70);
      for (const facet of ["all", "reason", "plan", "mrr", "tenure", "offer"] as const) {
        const sums = new Map<string, number[]>();
        for (const r of createAnalyticsStore({ db: t.deps.db }).byValue({ workspaceId: a.id, environment: "prod", fromDay: from, toDay: to, flowId: null }, facet)) {
          const k = `${r.value}|${r.outcome}`;
          const m = sums.get(k) ?? [0, 0, 0, 0, 0];
          sums.set(k, [m[0] + r.sessions, m[1] + r.recoveredMrrCents, m[2] + r.lostMrrCents, m[3] + r.offersAccepted, m[4] + r.offerRecoveredMrrCents]);
        }
        const byKey = ([x]: [string, unknown], [y]: [string, unknown]) => (x < y ? -1 : x > y ? 1 : 0);
        const viaMonths = [...sums].filter(([, m]) => m[0] !== 0).sort(byKey);
        const viaDays = (dayGrain.all(a.id, facet, from, to) as Record<string, number | string>[])
          .map((r): [string, unknown] => [`${r.value}|${r.outcome}`, [r.sessions, r.recovered, r.lost, r.accepted, r.offerRecovered]])
          .sort(byKey);
        expect(viaMonths).toEqual(viaDays as [string, number[]][]);
      }
    }

    expect(t.deps.analyticsService.rebuild()).toBe(sessions);
    expect(rollupRows(t)).toEqual(incremental);
    // Rebuilding one workspace leaves the other's rows as they were.
    expect(t.deps.analyticsService.rebuild(b.id)).toBeGreaterThan(0);
    expect(rollupRows(t)).toEqual(incremental);
  });

  test("a failed write leaves the rollups untouched (same transaction)", async () => {
    const t = await makeTestApp();
    const ws = await seedWorkspace(t);
    const workspace = (await t.deps.workspaceService.get(ws.id))!;
    const { session } = await t.deps.sessionService.start(workspace, { source: "api", customerId: "c1", environment: "prod" });
    const before = rollupRows(t);
    // A write whose rollup update fails must roll the session write back too.
    t.deps.db.run("create trigger fail_rollups before update on analytics_rollups begin select raise(abort, 'boom'); end");
    await expect(t.deps.sessionService.complete(session, "canceled", null)).rejects.toThrow("boom");
    t.deps.db.run("drop trigger fail_rollups");
    expect(rollupRows(t)).toEqual(before);
    expect((await t.deps.sessionService.get(ws.id, session.id))!.outcome).toBe("pending");
  });

  test("GET /api/v1/stats from the rollups equals a scan of the sessions, at every window edge", async () => {
    const t = await makeTestApp();
    const random = seeded(7);
    const ws = await seedWorkspace(t);
    const workspace = (await t.deps.workspaceService.get(ws.id))!;
    const start = t.clock.now();
    for (let i = 0; i < 150; i++) {
      t.clock.set(start + Math.floor(random() * 120 * DAY));
      const { session } = await t.deps.sessionService.start(workspace, {
        source: "api", customerId: `c${i}`, environment: random() < 0.85 ? "prod" : "sandbox", context: { mrr: Math.floor(random() * 30000) / 100 },
      });
      const r = random();
      if (r < 0.4) await t.deps.sessionService.complete(session, "saved", null);
      else if (r < 0.7) await t.deps.sessionService.complete(session, "canceled", null);
    }
    // The stats query as it was before rollups: a scan of the window's sessions.
    const scan = t.deps.db.query(
      `select count(*) as sessions, coalesce(sum(outcome = 'saved'), 0) as saved, coalesce(sum(outcome = 'canceled'), 0) as canceled,
         coalesce(sum(outcome = 'pending'), 0) as pending, coalesce(sum(recovered_mrr_cents), 0) as recoveredMrrCents
       from sessions where workspace_id = ? and environment = ? and created_at >= ?`,
    );
    const windows = { all: null, "7d": 7 * DAY, "30d": 30 * DAY, "90d": 90 * DAY } as const;
    for (let probe = 0; probe < 8; probe++) {
      t.clock.set(start + Math.floor(random() * 130 * DAY));
      for (const [window, ms] of Object.entries(windows)) {
        for (const [key, environment] of [[ws.readKey, "prod"], [ws.testKey, "sandbox"]] as const) {
          const expected = scan.get(ws.id, environment, ms === null ? 0 : t.clock.now() - ms) as Record<string, number>;
          const res = await t.request("GET", `/api/v1/stats?window=${window}`, { key });
          const { data } = await res.json();
          const decided = expected.saved + expected.canceled;
          expect({ ...data, saveRate: undefined }).toEqual({ ...expected, saveRate: undefined, window });
          expect(data.saveRate).toBe(decided ? Math.round((expected.saved * 1000) / decided) / 1000 : 0);
        }
      }
    }
  });
});
