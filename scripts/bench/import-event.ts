// The i-th event of the import benchmarks (bench:import's JSONL file and bench/cpu.ts's import part): every field
// the guide names, a quarter saved with a discount, deterministic so runs compare.
const REASONS = ["too expensive", "not using it enough", "missing features", "switching to another product", "other"];
const PLANS = ["starter", "pro_monthly", "pro_annual", "business"];
const START = Date.UTC(2024, 0, 1);

export function importEvent(i: number, idPrefix: string): string {
  const saved = i % 4 === 0;
  return JSON.stringify({
    eventId: `${idPrefix}${i.toString(36).padStart(8, "0")}`,
    userId: `user_${i % 200_000}`,
    subscriptionId: `sub_${i}`,
    status: saved ? "saved" : "canceled",
    reason: REASONS[i % REASONS.length],
    feedback: i % 10 === 0 ? "We found a cheaper tool for the team" : undefined,
    offer: saved ? { kind: "discount", percentOff: 30, durationMonths: 3 } : undefined,
    occurredAt: new Date(START + i * 37_000).toISOString(),
    context: { plan: PLANS[i % PLANS.length], mrr: 19 + (i % 500), tenureDays: i % 900 },
    metadata: { source: "migration", cohort: `c${i % 12}` },
  });
}
