// The flow editor (/dashboard/flows): list, create, rename, archive, default; the draft editor; the live preview
// (the real hosted page from the draft, walked statelessly); test sessions; versions, diff, publish, roll back.
import type { Deps } from "../../boot.ts";
import { AppError } from "../../lib/app-error.ts";
import { isUuid } from "../../lib/crypto.ts";
import { originOf, pageHeaders } from "../../http/security-headers.ts";
import { DEFAULT_ACCENT, brandStyle, layout, styleHash, type Brand } from "../../views/layout.ts";
import { atLeast, seeOther, type DashboardShell, type PageContext } from "../dashboard/dashboard.shell.ts";
import type { Flow } from "../flows/flows.store.ts";
import { normalizeReason, offerForReason } from "../flows/flow-steps.ts";
import type { Step } from "../flows/flows.schemas.ts";
import { messagesFor, resolveLocale } from "../hosted/hosted.i18n.ts";
import { presentFlowPage } from "../hosted/hosted.pages.ts";
import { actionFromForm, pageFor, walk, type WalkPosition } from "../sessions/flow-walk.ts";
import { assertWritable } from "../workspaces/workspaces.service.ts";
import type { Workspace } from "../workspaces/workspaces.store.ts";
import { applyOp, errorsFor, modelFromForm, modelFromSteps, stepsFromModel, type EditorModel, type FieldErrors } from "./flow-editor.model.ts";
import { diffView, editorView, flowListView, rollbackConfirmView, versionsView, type EditorFlow, type FlowRow, type ListErrors } from "./flow-editor.views.ts";

const sameSteps = (a: Step[], b: Step[]) => JSON.stringify(a) === JSON.stringify(b);

function rowOf(flow: Flow): FlowRow & EditorFlow {
  return {
    id: flow.id,
    name: flow.name,
    status: flow.status,
    isDefault: flow.isDefault,
    version: flow.version,
    hasDraftChanges: flow.version !== null && !sameSteps(flow.draft, flow.steps),
  };
}

function brandOf(ws: Workspace): Brand {
  return { name: ws.displayName || ws.name, accentColor: ws.accentColor || DEFAULT_ACCENT, logoUrl: ws.logoUrl };
}

// ------------------------------------------------------------------------------------------------
// The preview's position: where in the walk the preview stands, carried in its URL (nothing is stored).
// ------------------------------------------------------------------------------------------------

const PREVIEW_LANGS = ["en", "de", "fr", "es"] as const;

interface PreviewAt {
  position: WalkPosition;
  lang: (typeof PREVIEW_LANGS)[number];
}

export function previewPosition(query: URLSearchParams, steps: Step[]): PreviewAt {
  const langParam = query.get("lang") ?? "en";
  const lang = (PREVIEW_LANGS as readonly string[]).includes(langParam) ? (langParam as PreviewAt["lang"]) : "en";
  let step = query.get("step") ?? "survey";
  let reason = query.get("reason") ? normalizeReason(query.get("reason")!).slice(0, 100) : null;
  const feedback = query.get("feedback")?.slice(0, 2000) || null;
  let outcome = query.get("outcome");
  let accepted = query.get("accepted") === "1";
  // The reason picker: straight to what a reason leads to.
  const jump = query.get("jump");
  if (jump) {
    const index = /^reason:(\d{1,2})$/.exec(jump)?.[1];
    if (index !== undefined) {
      const option = steps.find((s) => s.type === "survey")?.config;
      const options = option && "options" in option ? option.options : [];
      reason = options[Number(index)] !== undefined ? normalizeReason(options[Number(index)]!) : null;
      step = offerForReason({ steps }, reason) ? "offer" : "confirm";
    } else if (jump === "done-canceled" || jump === "done-saved") {
      step = "done";
      outcome = jump === "done-saved" ? "saved" : "canceled";
      accepted = false;
    } else step = jump === "confirm" ? "confirm" : "survey";
  }
  if (step === "done") {
    const saved = outcome === "saved";
    const offer = saved && accepted ? (offerForReason({ steps }, reason)?.config ?? null) : null;
    return { lang, position: { state: "completed", step: "confirm", reason, feedback, outcome: saved ? "saved" : "canceled", offer } };
  }
  const at = step === "offer" || step === "confirm" ? step : "survey";
  return { lang, position: { state: "opened", step: at, reason, feedback, outcome: "pending", offer: null } };
}

export function previewQuery(at: { position: WalkPosition; lang: string }): string {
  const p = at.position;
  const q = new URLSearchParams();
  if (p.state === "completed") {
    q.set("step", "done");
    q.set("outcome", p.outcome);
    if (p.offer) q.set("accepted", "1");
  } else q.set("step", p.step);
  if (p.reason) q.set("reason", p.reason);
  if (p.feedback) q.set("feedback", p.feedback);
  q.set("lang", at.lang);
  return q.toString();
}

export function flowEditorPages(deps: Deps, shell: DashboardShell) {
  const { flowService, sessionService, config, clock } = deps;
  const cancelOrigin = new URL(config.cancelUrl).origin;
  const publicOrigin = new URL(config.publicUrl).origin;
  // The test session's 303 leads to the cancel URL: the page's form-action must allow it when it is another origin.
  const testFormActions = cancelOrigin === publicOrigin ? [] : [cancelOrigin];

  /** The flow of the active workspace, or a 404 (another workspace's id reveals nothing). */
  async function flowOf(ctx: PageContext): Promise<Flow> {
    const flow = isUuid(ctx.params.id ?? "") ? await flowService.get(ctx.operator.workspace.id, ctx.params.id!) : null;
    if (!flow) throw new AppError(404, "There is no such flow in this workspace.");
    return flow;
  }

  async function listPage(ctx: PageContext, errors?: ListErrors, status = 200) {
    const flows = await flowService.list(ctx.operator.workspace.id);
    const rows = flows.map(rowOf);
    return ctx.render({ title: "Flows", nav: "flows", status, body: flowListView({ flows: rows, canEdit: atLeast(ctx.operator.role, "admin"), csrf: ctx.csrf, errors }) });
  }

  async function editorPage(ctx: PageContext, flow: Flow, model: EditorModel, errors: FieldErrors, status = 200) {
    return ctx.render({
      title: flow.name,
      nav: "flows",
      status,
      frames: true,
      formActions: testFormActions,
      body: editorView({
        flow: rowOf(flow),
        model,
        draft: flow.draft,
        errors,
        canEdit: atLeast(ctx.operator.role, "admin"),
        csrf: ctx.csrf,
        previewSrc: `/dashboard/flows/${flow.id}/preview?lang=en`,
      }),
    });
  }

  /** The hosted page for a preview position, framed by the dashboard only. */
  function previewResponse(ctx: PageContext, flow: Flow, at: PreviewAt, form?: { error: string; reason: string | null; feedback: string | null }): Response {
    const steps = flow.draft;
    const ws = ctx.operator.workspace;
    const brand = brandOf(ws);
    const locale = resolveLocale(at.lang, null);
    const shown = pageFor(steps, at.position);
    if (shown.page === "expired") throw new AppError(404, "Nothing to preview");
    const p = presentFlowPage(shown, {
      steps,
      session: { reason: at.position.reason, feedback: at.position.feedback, context: {} },
      locale,
      now: clock.now(),
      brandName: brand.name,
      action: `/dashboard/flows/${flow.id}/preview?${previewQuery(at)}`,
      csrf: ctx.csrf,
      returnHref: null,
      stayHref: null,
      form,
    });
    const logoOrigin = brand.logoUrl && !brand.logoUrl.startsWith("/") ? originOf(brand.logoUrl) : null;
    const headers = {
      ...pageHeaders({ frameAncestors: ["'self'"], imageOrigins: logoOrigin ? [logoOrigin] : [], styleHashes: [styleHash(brandStyle(brand))] }),
      "referrer-policy": "same-origin",
    };
    const body = layout({ title: p.title, brand, body: p.body, script: true, lang: locale.tag, footer: p.t.footer(brand.name), refreshUrl: null, landmarkPrefix: "Preview" });
    return new Response(body, { status: p.status, headers });
  }

  return shell.area("flow-editor-pages", (area) =>
    area
      // ---------------------------------------------------------------- list
      .get("/dashboard/flows", { nav: "flows" }, (ctx) => listPage(ctx))
      .post("/dashboard/flows", { role: "admin", nav: "flows" }, async (ctx) => {
        const wsId = ctx.operator.workspace.id;
        const name = (ctx.form.name ?? "").trim();
        const source = ctx.form.source ?? "default";
        const values = { name: ctx.form.name ?? "", source };
        if (!name || name.length > 200) return listPage(ctx, { create: { name: "Name must be between 1 and 200 characters", values } }, 400);
        let flow: Flow;
        if (source === "default") flow = await flowService.createFromDefault(wsId, name);
        else {
          const original = isUuid(source) ? await flowService.get(wsId, source) : null;
          if (!original) return listPage(ctx, { create: { source: "Choose the default flow or one of this workspace's flows", values } }, 400);
          flow = await flowService.copy(wsId, original.id, name);
        }
        return ctx.redirect(`/dashboard/flows/${flow.id}`, { kind: "success", message: `Created “${flow.name}”. Edit its draft, then publish it.` });
      })
      .post("/dashboard/flows/:id/rename", { role: "admin", nav: "flows" }, async (ctx) => {
        const flow = await flowOf(ctx);
        try {
          await flowService.rename(ctx.operator.workspace.id, flow.id, ctx.form.name ?? "");
        } catch (error) {
          if (error instanceof AppError && error.status === 400)
            return listPage(ctx, { rename: { id: flow.id, message: "Name must be between 1 and 200 characters", value: ctx.form.name ?? "" } }, 400);
          throw error;
        }
        return ctx.redirect("/dashboard/flows", { kind: "success", message: `Renamed to “${(ctx.form.name ?? "").trim()}”.` });
      })
      .post("/dashboard/flows/:id/archive", { role: "admin", nav: "flows" }, async (ctx) => {
        const flow = await flowOf(ctx);
        if (flow.isDefault) return ctx.redirect("/dashboard/flows", { kind: "error", message: "The workspace default flow cannot be archived: make another flow the default first." });
        await flowService.archive(ctx.operator.workspace.id, flow.id);
        return ctx.redirect("/dashboard/flows", { kind: "success", message: `Archived “${flow.name}”. Links to it stop starting sessions; running sessions finish.` });
      })
      .post("/dashboard/flows/:id/unarchive", { role: "admin", nav: "flows" }, async (ctx) => {
        const flow = await flowOf(ctx);
        await flowService.unarchive(ctx.operator.workspace.id, flow.id);
        return ctx.redirect("/dashboard/flows", { kind: "success", message: `“${flow.name}” is back.` });
      })
      .post("/dashboard/flows/:id/default", { role: "admin", nav: "flows" }, async (ctx) => {
        const flow = await flowOf(ctx);
        if (flow.status !== "active")
          return ctx.redirect("/dashboard/flows", { kind: "error", message: `“${flow.name}” must be published (and not archived) before it can be the default.` });
        await flowService.setDefault(ctx.operator.workspace.id, flow.id);
        return ctx.redirect("/dashboard/flows", { kind: "success", message: `“${flow.name}” is now the workspace default: new sessions without a flowId run it.` });
      })

      // ---------------------------------------------------------------- the draft editor
      .get("/dashboard/flows/:id", { nav: "flows" }, async (ctx) => {
        const flow = await flowOf(ctx);
        return editorPage(ctx, flow, modelFromSteps(flow.draft), { fields: {}, form: null });
      })
      .post("/dashboard/flows/:id", { role: "admin", nav: "flows" }, async (ctx) => {
        const flow = await flowOf(ctx);
        const op = ctx.form.op ?? "save";
        const model = applyOp(modelFromForm(ctx.form), op, ctx.form.newOfferKind ?? "");
        try {
          await flowService.saveDraft(ctx.operator.workspace.id, flow.id, stepsFromModel(model, flow.draft));
        } catch (error) {
          // The service's message names the step and field; it goes beside that field, with everything typed.
          if (error instanceof AppError && error.status === 400) return editorPage(ctx, flow, model, errorsFor(error.message, model), 400);
          throw error;
        }
        const anchor = /offer/.test(op) ? "#offers" : /reason/.test(op) ? "#f-reasons" : "";
        // The script saves in the background and shows its own status: no message waiting for the next page.
        if (ctx.form.quiet === "1") return seeOther(`/dashboard/flows/${flow.id}`);
        return ctx.redirect(`/dashboard/flows/${flow.id}${anchor}`, { kind: "success", message: "Draft saved. Publish it to make it live for new sessions." });
      })

      // ---------------------------------------------------------------- the live preview
      .get("/dashboard/flows/:id/preview", { nav: "flows" }, async (ctx) => {
        const flow = await flowOf(ctx);
        return previewResponse(ctx, flow, previewPosition(ctx.query, flow.draft));
      })
      // The preview's buttons: the same walk as a real session, from the position in the URL; nothing is stored,
      // so viewers may click through too.
      .post("/dashboard/flows/:id/preview", { role: "viewer", nav: "flows" }, async (ctx) => {
        const flow = await flowOf(ctx);
        const at = previewPosition(ctx.query, flow.draft);
        const action = actionFromForm({ action: ctx.form.action ?? null, reason: ctx.form.reason ?? null, feedback: ctx.form.feedback ?? null });
        const here = `/dashboard/flows/${flow.id}/preview`;
        if (!action) return seeOther(`${here}?${previewQuery(at)}`);
        const result = walk(flow.draft, at.position, action);
        switch (result.kind) {
          case "refuse": {
            const t = messagesFor(at.lang);
            return previewResponse(ctx, flow, at, { error: t.errors[result.error], reason: result.reason, feedback: result.feedback });
          }
          case "move":
            return seeOther(`${here}?${previewQuery({ lang: at.lang, position: { ...at.position, step: result.step, reason: result.reason, feedback: result.feedback } })}`);
          case "finish":
            return seeOther(`${here}?${previewQuery({ lang: at.lang, position: { ...at.position, state: "completed", outcome: result.outcome, offer: result.offer } })}`);
          default:
            return seeOther(`${here}?${previewQuery(at)}`);
        }
      })

      // ---------------------------------------------------------------- test sessions
      .post("/dashboard/flows/:id/test-session", { role: "admin", nav: "flows" }, async (ctx) => {
        const flow = await flowOf(ctx);
        const back = `/dashboard/flows/${flow.id}`;
        if (flow.status === "archived") return ctx.redirect(back, { kind: "error", message: "This flow is archived: unarchive it to open a test session." });
        if (flow.version === null)
          return ctx.redirect(back, { kind: "error", message: "This flow has no published version yet, and sessions only run published versions. Publish the draft first." });
        const ws = ctx.operator.workspace;
        assertWritable(ws);
        const { linkToken } = await sessionService.start(ws, {
          source: "cancel_link",
          customerId: "dashboard-test",
          environment: "sandbox",
          flowId: flow.id,
          returnUrl: ws.defaultReturnUrl,
          metadata: { startedFrom: "dashboard", operator: ctx.operator.user.email },
        });
        return seeOther(`${config.cancelUrl}/c/${linkToken}`);
      })

      // ---------------------------------------------------------------- versions
      .post("/dashboard/flows/:id/publish", { role: "admin", nav: "flows" }, async (ctx) => {
        const flow = await flowOf(ctx);
        const back = ctx.form.back === "versions" ? `/dashboard/flows/${flow.id}/versions` : `/dashboard/flows/${flow.id}`;
        assertWritable(ctx.operator.workspace);
        const result = await flowService.publishDraft(ctx.operator.workspace.id, flow.id, ctx.operator.user.email);
        return ctx.redirect(
          back,
          result.published
            ? { kind: "success", message: `Published v${result.flow.version}. New sessions run it; sessions already running keep their version.` }
            : { kind: "info", message: `Nothing to publish: the draft already is v${result.flow.version}.` },
        );
      })
      .get("/dashboard/flows/:id/versions", { nav: "flows" }, async (ctx) => {
        const flow = await flowOf(ctx);
        const versions = await flowService.listVersions(ctx.operator.workspace.id, flow.id);
        return ctx.render({ title: `${flow.name}: versions`, nav: "flows", body: versionsView({ flow: rowOf(flow), versions, canEdit: atLeast(ctx.operator.role, "admin"), csrf: ctx.csrf }) });
      })
      .get("/dashboard/flows/:id/diff", { nav: "flows" }, async (ctx) => {
        const flow = await flowOf(ctx);
        const wsId = ctx.operator.workspace.id;
        const side = (name: "from" | "to"): number | "draft" => {
          const raw = ctx.query.get(name) ?? "draft";
          if (raw === "draft") return "draft";
          if (!/^[1-9][0-9]{0,8}$/.test(raw)) throw new AppError(400, `${name} must be a version number or “draft”.`);
          return Number(raw);
        };
        const from = side("from");
        const to = side("to");
        const stepsOf = (v: number | "draft") => (v === "draft" ? Promise.resolve(flow.draft) : flowService.versionSteps(wsId, flow.id, v));
        const [before, after, changes, versions] = [await stepsOf(from), await stepsOf(to), await flowService.diff(wsId, flow.id, from, to), await flowService.listVersions(wsId, flow.id)];
        return ctx.render({ title: `${flow.name}: changes`, nav: "flows", body: diffView({ flow: rowOf(flow), from, to, changes, before, after, versions }) });
      })
      .post("/dashboard/flows/:id/rollback", { role: "admin", nav: "flows" }, async (ctx) => {
        const flow = await flowOf(ctx);
        const wsId = ctx.operator.workspace.id;
        const raw = ctx.form.version ?? "";
        if (!/^[1-9][0-9]{0,8}$/.test(raw)) throw new AppError(400, "Choose a version to roll back to.");
        const version = Number(raw);
        const target = await flowService.versionSteps(wsId, flow.id, version); // 404 for a version that does not exist
        // Without JavaScript there is no confirm dialog, and a dialog could not show what changes: a page first.
        if (ctx.form.confirmed !== "1") {
          const changes = await flowService.diff(wsId, flow.id, flow.version ?? "draft", version);
          return ctx.render({
            title: `Roll back to v${version}?`,
            nav: "flows",
            body: rollbackConfirmView({ flow: rowOf(flow), version, changes, before: flow.steps, after: target, csrf: ctx.csrf }),
          });
        }
        assertWritable(ctx.operator.workspace);
        const result = await flowService.rollback(wsId, flow.id, version, ctx.operator.user.email);
        return ctx.redirect(
          `/dashboard/flows/${flow.id}/versions`,
          result.published
            ? { kind: "success", message: `Rolled back: v${result.flow.version} publishes v${version} again. New sessions run it.` }
            : { kind: "info", message: `v${version} already is the live copy; the draft was reset to it.` },
        );
      }),
  );
}
