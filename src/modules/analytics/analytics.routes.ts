// Analytics API (Holdfast-native, read scope, { data } envelopes): retention figures and weekly issues.
import { Elysia } from "elysia";
import type { Deps } from "../../boot.ts";
import { apiKeyAuth } from "../../http/auth.ts";
import { BOTH_KEYS, errors, responses } from "../../http/openapi-docs.ts";
import { checked } from "../../http/validation.ts";
import type { ApiKey } from "../keys/keys.store.ts";
import { issuesQuery, issuesResponse, retentionQuery, retentionResponse } from "./analytics.schemas.ts";
import { parseDay, parseIsoWeek } from "./periods.ts";

const TAGS = ["Analytics"];

// Analytics never mix environments: a live key reads production, a test key reads the sandbox on its own.
const environmentOf = (apiKey: ApiKey) => (apiKey.mode === "test" ? "sandbox" : "prod");

export function analyticsRoutes(deps: Deps) {
  const { analyticsService } = deps;
  return new Elysia({ name: "analytics-routes" })
    .use(apiKeyAuth(deps))
    .get(
      "/api/v1/analytics/retention",
      ({ query, apiKey, workspace }) => {
        const range = analyticsService.defaultRange();
        return {
          data: analyticsService.retention(workspace, {
            environment: environmentOf(apiKey),
            from: query.from ? parseDay(query.from)! : range.from,
            to: query.to ? parseDay(query.to)! : range.to,
            interval: query.interval,
            flowId: query.flowId ?? null,
          }),
        };
      },
      {
        apiKey: "read",
        query: checked(retentionQuery, "Query"),
        detail: {
          tags: TAGS,
          summary: "Retention health",
          description:
            "Totals, a series with every period of the range (empty ones included), reasons, offers and (Advanced plan) cohorts by plan, MRR band and tenure band. " +
            "Days are UTC; weeks are ISO weeks starting Monday. Money is integer cents. A hosted session counts on the day it was created. " +
            "A live key counts production sessions only; a test key counts sandbox sessions only.",
          security: BOTH_KEYS,
          responses: responses({ 200: [retentionResponse, "Retention figures"], ...errors(400, 401, 429) }),
        },
      },
    )
    .get(
      "/api/v1/analytics/issues",
      ({ query, apiKey, workspace }) => ({
        data: analyticsService.issues(workspace, environmentOf(apiKey), query.week ? parseIsoWeek(query.week)! : null),
      }),
      {
        apiKey: "read",
        query: checked(issuesQuery, "Query"),
        detail: {
          tags: TAGS,
          summary: "Weekly issues",
          description:
            "Compares a complete ISO week with its trailing 8 complete weeks: reason shares (reason_spike), save rate per plan (save_rate_drop) and volume (volume_spike). " +
            "One-sided exact conditional tests, Benjamini–Hochberg at q = 0.05 over all tested series, then only material effects. " +
            "status is not_enough_data when fewer than 8 complete weeks precede the week or the baseline holds fewer than 40 sessions.",
          security: BOTH_KEYS,
          responses: responses({ 200: [issuesResponse, "The week's issues"], ...errors(400, 401, 429) }),
        },
      },
    );
}
