// The dashboard's sessions pages: the filtered list (keyset pages), one session, and the streamed CSV export.
import type { Deps } from "../../boot.ts";
import { AppError } from "../../lib/app-error.ts";
import { isUuid } from "../../lib/crypto.ts";
import type { DashboardShell } from "../dashboard/dashboard.shell.ts";
import { csvHeader, csvRow } from "./session-export.ts";
import { decodeCursor, parseFilters } from "./session-search.service.ts";
import { sessionDetailView, sessionsView, type FilterValues } from "./sessions.views.ts";

const FILTER_NAMES = ["environment", "outcome", "source", "flow", "from", "to", "customer"] as const;

function filterValues(query: URLSearchParams): FilterValues {
  return Object.fromEntries(FILTER_NAMES.map((n) => [n, (query.get(n) ?? "").slice(0, 200)])) as unknown as FilterValues;
}

/** The filter part of the query string (without the cursor), for the pagination and export links. */
function filterQuery(values: FilterValues): string {
  const q = new URLSearchParams();
  for (const n of FILTER_NAMES) if (values[n]) q.set(n, values[n]);
  return q.toString();
}

export function sessionPages(deps: Deps, shell: DashboardShell) {
  const { sessionSearchService, sessionService, flowService, cancellationService } = deps;

  return shell.area("session-pages", (area) =>
    area
      .get("/dashboard/sessions", { nav: "sessions" }, async (ctx) => {
        const ws = ctx.operator.workspace;
        const values = filterValues(ctx.query);
        const flows = (await flowService.list(ws.id)).map((f) => ({ id: f.id, name: f.name }));
        let filters;
        try {
          filters = parseFilters(values);
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          return ctx.render({ title: "Sessions", nav: "sessions", status: 400, body: sessionsView({ sessions: [], filters: values, flows, next: null, isFirstPage: true, query: "", error: error.message }) });
        }
        const after = decodeCursor(ctx.query.get("after"));
        const { sessions, next } = await sessionSearchService.page(ws.id, filters, after);
        return ctx.render({ title: "Sessions", nav: "sessions", body: sessionsView({ sessions, filters: values, flows, next, isFirstPage: after === null, query: filterQuery(values) }) });
      })
      .get("/dashboard/sessions/export.csv", { nav: "sessions" }, async (ctx) => {
        const ws = ctx.operator.workspace;
        const filters = parseFilters(filterValues(ctx.query));
        const batches = sessionSearchService.all(ws.id, filters);
        const encoder = new TextEncoder();
        let started = false;
        // Pulled a batch at a time: memory stays at one batch whatever the number of rows.
        const body = new ReadableStream<Uint8Array>({
          async pull(controller) {
            if (!started) {
              started = true;
              controller.enqueue(encoder.encode(csvHeader()));
              return;
            }
            const { value, done } = await batches.next();
            if (done) return controller.close();
            controller.enqueue(encoder.encode(value.map(csvRow).join("")));
          },
          async cancel() {
            await batches.return(undefined);
          },
        });
        const day = new Date(deps.clock.now()).toISOString().slice(0, 10);
        return new Response(body, {
          headers: {
            "content-type": "text/csv; charset=utf-8",
            "content-disposition": `attachment; filename="holdfast-sessions-${day}.csv"`,
            "cache-control": "no-store",
            "x-content-type-options": "nosniff",
          },
        });
      })
      .get("/dashboard/sessions/:id", { nav: "sessions" }, async (ctx) => {
        const ws = ctx.operator.workspace;
        const session = isUuid(ctx.params.id) ? await sessionService.get(ws.id, ctx.params.id.toLowerCase()) : null;
        // Another workspace's session is simply not found here.
        if (!session) throw new AppError(404, "No such session in this workspace.");
        // An ingested event ran no flow.
        const flow = session.flowId ? await flowService.get(ws.id, session.flowId) : null;
        const linked = await cancellationService.linkedEventFor(ws.id, session.id);
        const linkedEvent = linked ? { ...linked, occurredAt: Date.parse(linked.occurredAt) } : null;
        return ctx.render({ title: `Session ${session.customerId}`, nav: "sessions", body: sessionDetailView({ session, flowName: flow?.name ?? null, linkedEvent }) });
      }),
  );
}
