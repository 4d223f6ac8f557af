// Workspaces: creation (with a signing secret and the default flow), changes, and secret rotation.
import type { Clock } from "../../lib/clock.ts";
import { randomSecret, randomToken, uuid } from "../../lib/crypto.ts";
import { isAllowlisted } from "../../lib/return-url.ts";
import { AppError } from "../../lib/app-error.ts";
import type { FlowService } from "../flows/flows.service.ts";
import type { SigningSecret, Workspace, WorkspaceStore } from "./workspaces.store.ts";
import { parseWorkspaceInput, type Access, type Plan, type WorkspaceInput } from "./workspaces.schemas.ts";

export type { WorkspaceInput };

/** A read-only workspace (its Holdfast subscription lapsed) may read but not start sessions. */
export function assertWritable(workspace: Workspace): void {
  if (workspace.access === "read_only")
    throw new AppError(402, "Workspace is read-only due to expired subscription access");
}

/** The return URL to use: an allowlisted override, or the workspace default (409 when neither). */
export function resolveReturnUrl(workspace: Workspace, requested: string | undefined | null): string {
  if (requested !== undefined && requested !== null) {
    const allowed = [...workspace.allowedReturnUrls, ...(workspace.defaultReturnUrl ? [workspace.defaultReturnUrl] : [])];
    if (!isAllowlisted(requested, allowed)) throw new AppError(400, "returnUrl is not allowlisted for this workspace");
    return requested;
  }
  if (!workspace.defaultReturnUrl)
    throw new AppError(409, "Default return URL is not configured: pass returnUrl or set a default for the workspace");
  return workspace.defaultReturnUrl;
}

/** Throws a 400 naming the first invalid field: the one workspace schema (workspaces.schemas.ts), for the dashboard. */
export function validateWorkspaceInput(input: WorkspaceInput): void {
  parseWorkspaceInput(input);
}

function newSecret(workspaceId: string, now: number): SigningSecret {
  return { id: `kid_${randomToken(96)}`, workspaceId, secret: randomSecret(32), createdAt: now, retiredAt: null };
}

export function createWorkspaceService(deps: { workspaceStore: WorkspaceStore; flowService: FlowService; clock: Clock; graceMs: number }) {
  const { workspaceStore, flowService, clock } = deps;
  return {
    async create(raw: WorkspaceInput & { name: string }): Promise<{ workspace: Workspace; signingSecret: SigningSecret }> {
      const input = parseWorkspaceInput(raw);
      if (input.name === undefined) throw new AppError(400, "name is required");
      const now = clock.now();
      const workspace: Workspace = {
        id: uuid(),
        name: input.name,
        plan: input.plan ?? "core",
        access: input.access ?? "active",
        defaultReturnUrl: input.defaultReturnUrl ?? null,
        allowedReturnUrls: input.allowedReturnUrls ?? [],
        frameAncestors: input.frameAncestors ?? [],
        displayName: input.displayName ?? null,
        accentColor: input.accentColor ?? null,
        logoUrl: input.logoUrl ?? null,
        linkTtlMinutes: input.linkTtlMinutes ?? 60,
        createdAt: now,
        updatedAt: now,
      };
      const signingSecret = newSecret(workspace.id, now);
      await workspaceStore.insert(workspace, signingSecret);
      await flowService.createDefault(workspace.id);
      return { workspace, signingSecret };
    },

    async update(id: string, raw: WorkspaceInput): Promise<Workspace> {
      const input = parseWorkspaceInput(raw);
      const current = await workspaceStore.findById(id);
      if (!current) throw new AppError(404, `No workspace with id ${id}`);
      const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
      const next: Workspace = { ...current, ...defined, updatedAt: clock.now() };
      await workspaceStore.update(next);
      return next;
    },

    /**
     * Plan and access as billing decides them. Synchronous on purpose: the Stripe webhook applies it in the
     * same SQLite transaction that records the event id, so an event is applied exactly once.
     */
    applyBilling(id: string, change: { plan?: Plan; access?: Access }): Workspace {
      validateWorkspaceInput(change);
      const workspace = workspaceStore.setBilling(id, change.plan ?? null, change.access ?? null, clock.now());
      if (!workspace) throw new AppError(404, `No workspace with id ${id}`);
      return workspace;
    },

    get: (id: string) => workspaceStore.findById(id),
    list: () => workspaceStore.list(),
    currentSecret: (workspaceId: string) => workspaceStore.currentSecret(workspaceId),

    /** A new signing secret; the previous one keeps verifying for the grace period. */
    async rotateSecret(workspaceId: string): Promise<SigningSecret> {
      if (!(await workspaceStore.findById(workspaceId))) throw new AppError(404, `No workspace with id ${workspaceId}`);
      const now = clock.now();
      const secret = newSecret(workspaceId, now);
      await workspaceStore.rotateSecret(secret, now);
      return secret;
    },

    /** The secret with this key id, if it may still verify tokens. */
    async verificationSecret(kid: string): Promise<SigningSecret | null> {
      const secret = await workspaceStore.findSecret(kid);
      if (!secret) return null;
      if (secret.retiredAt !== null && clock.now() - secret.retiredAt > deps.graceMs) return null;
      return secret;
    },

    /** Secrets that still verify for a workspace, newest first. */
    async activeSecrets(workspaceId: string): Promise<SigningSecret[]> {
      const now = clock.now();
      const all = await workspaceStore.listSecrets(workspaceId);
      return all.filter((s) => s.retiredAt === null || now - s.retiredAt <= deps.graceMs);
    },
  };
}

export type WorkspaceService = ReturnType<typeof createWorkspaceService>;
