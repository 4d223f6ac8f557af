// The dashboard's API keys page (the API itself authenticates keys in http/auth.ts).
import type { Deps } from "../../boot.ts";
import { AppError } from "../../lib/app-error.ts";
import { atLeast, type DashboardShell } from "../dashboard/dashboard.shell.ts";
import { KEY_MODES, SCOPES, type KeyMode, type Scope } from "./keys.schemas.ts";
import { keysView, revokeConfirmView } from "./keys.views.ts";


export function keyPages(deps: Deps, shell: DashboardShell) {
  const { keyService } = deps;
  return shell.area("key-pages", (area) =>
    area
      .get("/dashboard/keys", { nav: "keys" }, async (ctx) => {
        const keys = (await keyService.list(ctx.operator.workspace.id)).reverse(); // newest first
        return ctx.render({ title: "API keys", nav: "keys", body: keysView({ keys, canManage: atLeast(ctx.operator.role, "admin"), csrf: ctx.csrf }) });
      })
      .post("/dashboard/keys", { role: "admin", nav: "keys" }, async (ctx) => {
        const mode = ctx.form.mode as KeyMode;
        const scope = ctx.form.scope as Scope;
        if (!KEY_MODES.includes(mode) || !SCOPES.includes(scope)) return ctx.redirect("/dashboard/keys", { kind: "error", message: "Choose a mode (live or test) and a scope (read or read & write)." });
        const { key, secret } = await keyService.create(ctx.operator.workspace.id, scope, mode);
        return ctx.redirect("/dashboard/keys", {
          kind: "success",
          message: `Created a ${mode} ${scope === "read_write" ? "read & write" : "read-only"} key (${key.prefix}…).`,
          secret: { label: "Your new API key", value: secret },
        });
      })
      .post("/dashboard/keys/:id/revoke", { role: "admin", nav: "keys" }, async (ctx) => {
        const keys = await keyService.list(ctx.operator.workspace.id);
        const key = keys.find((k) => k.id === ctx.params.id);
        if (!key) throw new AppError(404, "No such API key in this workspace.");
        // Without JavaScript there is no confirm dialog: the first POST shows a confirmation page.
        if (ctx.form.confirmed !== "1") return ctx.render({ title: "Revoke API key", nav: "keys", body: revokeConfirmView({ key, csrf: ctx.csrf }) });
        await keyService.revoke(key.id, ctx.operator.workspace.id);
        return ctx.redirect("/dashboard/keys", { kind: "success", message: `Revoked ${key.prefix}…. Requests using it now fail.` });
      }),
  );
}
