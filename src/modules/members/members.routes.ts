// /dashboard/settings/members: list for everyone; invite, role changes and removal for owners.
import type { Deps } from "../../boot.ts";
import { AppError } from "../../lib/app-error.ts";
import { FormError, INVITE_TTL_MS } from "../auth/auth.service.ts";
import { atLeast, type DashboardShell } from "../dashboard/dashboard.shell.ts";
import { isRole } from "../users/users.service.ts";
import type { Role } from "../users/users.store.ts";
import { membersView, removeConfirmView } from "./members.views.ts";

export function memberPages(deps: Deps, shell: DashboardShell) {
  const { userService, authService, notificationsService, clock, logger, config } = deps;

  return shell.area("member-pages", (area) =>
    area
      .get("/dashboard/settings/members", { nav: "settings" }, async (ctx) => {
        const members = await userService.membersOf(ctx.operator.workspace.id);
        return ctx.render({ title: "Settings", nav: "settings", body: membersView({ members, me: ctx.operator.user.id, canManage: atLeast(ctx.operator.role, "owner"), csrf: ctx.csrf }) });
      })
      .post("/dashboard/settings/members", { role: "owner", nav: "settings" }, async (ctx) => {
        const email = (ctx.form.email ?? "").trim();
        const role = ctx.form.role ?? "";
        try {
          const { token, user } = await authService.invite(ctx.operator.workspace.id, email, role as Role);
          if (!token) return ctx.redirect("/dashboard/settings/members", { kind: "success", message: `${user.email} already has a login: they now find this workspace in their switcher, as ${role}.` });
          const url = `${config.publicUrl}/dashboard/invite?token=${token}`;
          // Mailed too when SMTP is configured; the link is shown either way, so a mail problem never loses it.
          let mailed = "";
          try {
            const sent = await notificationsService.sendInvitation({ to: user.email, workspaceName: ctx.operator.workspace.name, invitedBy: ctx.operator.user.email, role, url, expiresAt: clock.now() + INVITE_TTL_MS });
            if (sent.sent) mailed = " It was also mailed to them.";
          } catch (error) {
            logger.warn("invitation mail failed", { error: (error as Error).message });
            mailed = " Mailing it failed, so send it yourself.";
          }
          return ctx.redirect("/dashboard/settings/members", {
            kind: "success",
            message: `Invited ${user.email} as ${role}. Send them this link; it works once, for 7 days.${mailed}`,
            secret: { label: "Invitation link", value: url },
          });
        } catch (error) {
          if (!(error instanceof FormError)) throw error;
          const members = await userService.membersOf(ctx.operator.workspace.id);
          return ctx.render({ title: "Settings", nav: "settings", status: 400, body: membersView({ members, me: ctx.operator.user.id, canManage: true, csrf: ctx.csrf, values: { email, role }, fields: error.fields }) });
        }
      })
      .post("/dashboard/settings/members/:userId/role", { role: "owner", nav: "settings" }, async (ctx) => {
        const role = ctx.form.role;
        if (!isRole(role)) return ctx.redirect("/dashboard/settings/members", { kind: "error", message: "Choose owner, admin or viewer." });
        await userService.changeRole(ctx.operator.workspace.id, ctx.params.userId, role);
        return ctx.redirect("/dashboard/settings/members", { kind: "success", message: `Role changed to ${role}.` });
      })
      .post("/dashboard/settings/members/:userId/remove", { role: "owner", nav: "settings" }, async (ctx) => {
        const member = (await userService.membersOf(ctx.operator.workspace.id)).find((m) => m.userId === ctx.params.userId);
        if (!member) throw new AppError(404, "No such member in this workspace.");
        if (ctx.form.confirmed !== "1") return ctx.render({ title: "Remove member", nav: "settings", body: removeConfirmView({ member, csrf: ctx.csrf }) });
        await authService.removeMember(ctx.operator.workspace.id, member.userId);
        return ctx.redirect("/dashboard/settings/members", { kind: "success", message: `Removed ${member.email}.` });
      }),
  );
}
