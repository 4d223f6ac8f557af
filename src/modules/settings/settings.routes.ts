// /dashboard/settings: the workspace's branding, return URLs, link lifetime, logo and signing-secret rotation.
import type { Deps } from "../../boot.ts";
import { AppError } from "../../lib/app-error.ts";
import type { FieldErrors } from "../auth/auth.service.ts";
import { atLeast, type PageContext, type DashboardShell } from "../dashboard/dashboard.shell.ts";
import { validateWorkspaceInput, type WorkspaceInput } from "../workspaces/workspaces.service.ts";
import type { Workspace } from "../workspaces/workspaces.store.ts";
import { rotateConfirmView, settingsView, type SettingsValues } from "./settings.views.ts";

const DAY_MS = 24 * 60 * 60_000;

function valuesOf(ws: Workspace): SettingsValues {
  return {
    name: ws.name,
    displayName: ws.displayName ?? "",
    accentColor: ws.accentColor ?? "",
    defaultReturnUrl: ws.defaultReturnUrl ?? "",
    allowedReturnUrls: ws.allowedReturnUrls.join("\n"),
    linkTtlMinutes: String(ws.linkTtlMinutes),
  };
}

/** The form as a workspace change, checked field by field with the API's own rules so each error sits by its field. */
export function parseSettingsForm(form: Record<string, string>): { input: WorkspaceInput; fields: FieldErrors } {
  const text = (name: string) => (form[name] ?? "").trim();
  const ttl = text("linkTtlMinutes");
  const candidate: Record<keyof SettingsValues, unknown> = {
    name: text("name"),
    displayName: text("displayName") || null,
    accentColor: text("accentColor") || null,
    defaultReturnUrl: text("defaultReturnUrl") || null,
    allowedReturnUrls: (form.allowedReturnUrls ?? "").split(/\r?\n/).map((l) => l.trim()).filter(Boolean),
    linkTtlMinutes: /^\d{1,6}$/.test(ttl) ? Number(ttl) : Number.NaN,
  };
  const fields: FieldErrors = {};
  for (const [key, value] of Object.entries(candidate)) {
    try {
      if (key === "displayName" && typeof value === "string" && value.length > 200) throw new AppError(400, "displayName must be at most 200 characters");
      validateWorkspaceInput({ [key]: value } as WorkspaceInput);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      // "defaultReturnUrl must be …" reads better next to its field as "Must be …".
      const message = error.message.replace(new RegExp(`^${key}:?\\s*`), "");
      fields[key] = message.charAt(0).toUpperCase() + message.slice(1);
    }
  }
  return { input: candidate as WorkspaceInput, fields };
}

export function settingsPages(deps: Deps, shell: DashboardShell) {
  const { workspaceService, brandingService, config } = deps;
  const graceDays = Math.round(config.signingSecretGraceMs / DAY_MS);

  async function page(ctx: PageContext, extra: { values?: SettingsValues; fields?: FieldErrors; logoError?: string; status?: number } = {}) {
    const ws = ctx.operator.workspace;
    const secrets = (await workspaceService.activeSecrets(ws.id)).map((s) => ({
      kid: s.id,
      createdAt: s.createdAt,
      retiredAt: s.retiredAt,
      verifiesUntil: s.retiredAt === null ? null : s.retiredAt + config.signingSecretGraceMs,
    }));
    return ctx.render({
      title: "Settings",
      nav: "settings",
      status: extra.status,
      body: settingsView({
        values: extra.values ?? valuesOf(ws),
        fields: extra.fields,
        logoUrl: ws.logoUrl,
        logoError: extra.logoError,
        secrets,
        graceDays,
        canEdit: atLeast(ctx.operator.role, "admin"),
        csrf: ctx.csrf,
      }),
    });
  }

  return shell.area("settings-pages", (area) =>
    area
      .get("/dashboard/settings", { nav: "settings" }, (ctx) => page(ctx))
      .post("/dashboard/settings", { role: "admin", nav: "settings" }, async (ctx) => {
        const { input, fields } = parseSettingsForm(ctx.form);
        if (Object.keys(fields).length) {
          const values: SettingsValues = {
            name: ctx.form.name ?? "",
            displayName: ctx.form.displayName ?? "",
            accentColor: ctx.form.accentColor ?? "",
            defaultReturnUrl: ctx.form.defaultReturnUrl ?? "",
            allowedReturnUrls: ctx.form.allowedReturnUrls ?? "",
            linkTtlMinutes: ctx.form.linkTtlMinutes ?? "",
          };
          return page(ctx, { values, fields, status: 400 });
        }
        await workspaceService.update(ctx.operator.workspace.id, input);
        return ctx.redirect("/dashboard/settings", { kind: "success", message: "Settings saved. New hosted pages use them at once." });
      })
      .post("/dashboard/settings/logo", { role: "admin", nav: "settings" }, async (ctx) => {
        const file = ctx.files.logo;
        try {
          if (!file || file.size === 0) throw new AppError(400, "logo: choose a file");
          await brandingService.upload(ctx.operator.workspace.id, new Uint8Array(await file.arrayBuffer()));
        } catch (error) {
          if (!(error instanceof AppError) || error.status !== 400) throw error;
          const message = error.message.replace(/^logo:\s*/, "");
          return page(ctx, { logoError: message.charAt(0).toUpperCase() + message.slice(1), status: 400 });
        }
        return ctx.redirect("/dashboard/settings", { kind: "success", message: "Logo uploaded. New hosted pages show it." });
      })
      .post("/dashboard/settings/logo/remove", { role: "admin", nav: "settings" }, async (ctx) => {
        await brandingService.remove(ctx.operator.workspace.id);
        return ctx.redirect("/dashboard/settings", { kind: "success", message: "Logo removed." });
      })
      .post("/dashboard/settings/rotate-secret", { role: "admin", nav: "settings" }, async (ctx) => {
        if (ctx.form.confirmed !== "1") return ctx.render({ title: "Rotate signing secret", nav: "settings", body: rotateConfirmView({ csrf: ctx.csrf, graceDays }) });
        const secret = await workspaceService.rotateSecret(ctx.operator.workspace.id);
        return ctx.redirect("/dashboard/settings", { kind: "success", message: `Signing secret rotated (new kid ${secret.id}). The previous one verifies tokens for ${graceDays} more days.` });
      }),
  );
}
