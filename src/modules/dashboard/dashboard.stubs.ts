// Placeholders for pages other modules own: flows (the flows editor). Whoever builds
// one removes its route here and registers their own area with shell.area(…).
import type { Deps } from "../../boot.ts";
import { html } from "../../views/html.ts";
import type { DashboardShell } from "./dashboard.shell.ts";

export function stubPages(deps: Deps, shell: DashboardShell) {
  const { flowService } = deps;
  return shell.area("stub-pages", (area) =>
    area
      .get("/dashboard/flows", { nav: "flows" }, async (ctx) => {
        const flows = await flowService.list(ctx.operator.workspace.id);
        return ctx.render({
          title: "Flows",
          nav: "flows",
          body: html`<p class="lede">The flow editor is on its way. Meanwhile, flows are listed here and served by <code>GET /api/v1/flows</code>.</p>
<section class="panel"><div class="table-wrap" tabindex="0" role="region" aria-label="Flows"><table>
<thead><tr><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Id</th></tr></thead>
<tbody>${flows.map((f) => html`<tr><td>${f.name}${f.isDefault ? html` <span class="tag">default</span>` : ""}</td><td>${f.status}</td><td><code>${f.id}</code></td></tr>`)}</tbody>
</table></div></section>`,
        });
      }),
  );
}
