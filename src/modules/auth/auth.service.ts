// Operator sign-in: login sessions (idle and absolute limits), the first-run setup token, invitations, flash messages.
import type { Clock } from "../../lib/clock.ts";
import { randomSecret, randomToken, safeEqual, sha256Hex } from "../../lib/crypto.ts";
import { AppError } from "../../lib/app-error.ts";
import type { UserService } from "../users/users.service.ts";
import { emailProblem, isRole, passwordProblem } from "../users/users.service.ts";
import type { Role, User } from "../users/users.store.ts";
import type { WorkspaceService } from "../workspaces/workspaces.service.ts";
import type { AuthStore, LoginSession } from "./auth.store.ts";

export const IDLE_MS = 12 * 60 * 60_000;
export const ABSOLUTE_MS = 7 * 24 * 60 * 60_000;
export const SETUP_TTL_MS = 30 * 60_000;
export const INVITE_TTL_MS = 7 * 24 * 60 * 60_000;
// last_seen_at is kept to the minute: a write on every page view would buy nothing.
const TOUCH_EVERY_MS = 60_000;

export interface Flash {
  kind: "success" | "error" | "info";
  message: string;
  /** A secret shown exactly once (a new API key, an invitation link), then gone. */
  secret?: { label: string; value: string };
}

export interface SetupInput {
  email: string;
  password: string;
  workspaceName: string;
}

/** Field → message, for forms that show each error next to its field. */
export type FieldErrors = Record<string, string>;

export class FormError extends Error {
  constructor(readonly fields: FieldErrors) {
    super(Object.values(fields)[0] ?? "Invalid form");
  }
}

export function createAuthService(deps: { authStore: AuthStore; userService: UserService; workspaceService: WorkspaceService; clock: Clock }) {
  const { authStore, userService, workspaceService, clock } = deps;
  // The setup token lives in memory only: a restart issues a new one, and it never touches the disk.
  let setup: { hash: string; expiresAt: number } | null = null;

  async function startSession(user: User, workspaceId: string | null): Promise<{ token: string; session: LoginSession }> {
    const now = clock.now();
    // 32 random bytes; only their hash is stored, so the table alone logs nobody in.
    const token = randomSecret(32);
    const workspaces = await userService.workspacesOf(user.id);
    const active = workspaceId && workspaces.some((w) => w.workspaceId === workspaceId) ? workspaceId : workspaces[0]?.workspaceId ?? null;
    const session: LoginSession = {
      idHash: sha256Hex(token),
      userId: user.id,
      workspaceId: active,
      csrfToken: randomToken(192),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: now + ABSOLUTE_MS,
    };
    await authStore.removeExpired(now, now - IDLE_MS);
    await authStore.insert(session);
    return { token, session };
  }

  return {
    startSession,

    /** The live session behind a cookie value, or null (unknown, idle for 12 h, or older than 7 days). */
    async resolve(token: string | null): Promise<LoginSession | null> {
      if (!token || token.length > 100) return null;
      const idHash = sha256Hex(token);
      const session = await authStore.find(idHash);
      if (!session) return null;
      const now = clock.now();
      if (now >= session.expiresAt || now - session.lastSeenAt >= IDLE_MS) {
        await authStore.remove(idHash);
        return null;
      }
      if (now - session.lastSeenAt > TOUCH_EVERY_MS) {
        await authStore.touch(idHash, now);
        session.lastSeenAt = now;
      }
      return session;
    },

    end: (session: LoginSession) => authStore.remove(session.idHash),

    async switchWorkspace(session: LoginSession, workspaceId: string): Promise<void> {
      // Not a member: the same answer as a workspace that does not exist.
      if (!(await userService.roleIn(session.userId, workspaceId))) throw new AppError(404, "No such workspace");
      await authStore.setWorkspace(session.idHash, workspaceId);
    },

    /** A new password ends every session of the user; the caller starts a fresh one for the current browser. */
    async changePassword(session: LoginSession, current: string, next: string): Promise<{ token: string; session: LoginSession }> {
      const errors: FieldErrors = {};
      if (!(await userService.checkPassword(session.userId, current))) errors.currentPassword = "This is not your current password";
      const problem = passwordProblem(next);
      if (problem) errors.newPassword = problem;
      if (Object.keys(errors).length) throw new FormError(errors);
      await userService.setPassword(session.userId, next);
      await authStore.removeAllOfUser(session.userId);
      const user = await userService.get(session.userId);
      return startSession(user!, session.workspaceId);
    },

    async setFlash(session: LoginSession, flash: Flash): Promise<void> {
      await authStore.setFlash(session.idHash, JSON.stringify(flash));
    },
    async takeFlash(session: LoginSession): Promise<Flash | null> {
      const raw = await authStore.takeFlash(session.idHash);
      return raw ? (JSON.parse(raw) as Flash) : null;
    },

    // ---- first run ----------------------------------------------------------------------------

    /** A fresh single-use setup token while no user exists (each start gets a new one); null once someone exists. */
    async issueSetupToken(): Promise<string | null> {
      if (await userService.hasAnyUser()) {
        setup = null;
        return null;
      }
      const token = randomSecret(32); // 256 bits
      setup = { hash: sha256Hex(token), expiresAt: clock.now() + SETUP_TTL_MS };
      return token;
    },

    /** True when the token is the current, unexpired setup token and still nobody exists. */
    async setupTokenValid(token: string | null): Promise<boolean> {
      if (!token || !setup || clock.now() > setup.expiresAt) return false;
      if (!safeEqual(sha256Hex(token), setup.hash)) return false;
      return !(await userService.hasAnyUser());
    },

    /** Creates the owner and the first workspace; the token is spent whatever happens after it is checked. */
    async completeSetup(token: string | null, input: SetupInput): Promise<{ user: User; workspaceId: string }> {
      if (!(await this.setupTokenValid(token))) throw new AppError(403, "This setup link is not valid: use the newest one from the server log");
      const errors: FieldErrors = {};
      const emailError = emailProblem(input.email);
      if (emailError) errors.email = emailError;
      const passwordError = passwordProblem(input.password);
      if (passwordError) errors.password = passwordError;
      const name = input.workspaceName.trim();
      if (name.length < 1 || name.length > 200) errors.workspaceName = "Enter a name of 1 to 200 characters";
      if (Object.keys(errors).length) throw new FormError(errors);
      setup = null; // single use: spent before the slow part, so two submits cannot both create an owner
      const user = await userService.create(input.email, input.password);
      const { workspace } = await workspaceService.create({ name });
      await userService.addMembership(user.id, workspace.id, "owner");
      return { user, workspaceId: workspace.id };
    },

    // ---- invitations ----------------------------------------------------------------------------

    /**
     * Adds a member by e-mail: a new address becomes a user without a password, who picks one through the
     * one-time link returned here; an existing user is simply added (no link: a link that set the password
     * of an existing login would let any owner take over that login).
     */
    async invite(workspaceId: string, email: string, role: Role): Promise<{ token: string | null; user: User }> {
      const errors: FieldErrors = {};
      if (emailProblem(email)) errors.email = "Enter an e-mail address like name@example.com";
      if (!isRole(role)) errors.role = "Choose owner, admin or viewer";
      if (Object.keys(errors).length) throw new FormError(errors);
      const found = await userService.findByEmail(email);
      if (found && (await userService.roleIn(found.id, workspaceId))) throw new FormError({ email: "This person is already a member" });
      if (found) {
        await userService.addMembership(found.id, workspaceId, role);
        return { token: null, user: found };
      }
      const user = await userService.create(email, null);
      await userService.addMembership(user.id, workspaceId, role);
      const token = randomSecret(32);
      const now = clock.now();
      await authStore.insertInvitation({ tokenHash: sha256Hex(token), userId: user.id, workspaceId, createdAt: now, expiresAt: now + INVITE_TTL_MS, usedAt: null });
      return { token, user };
    },

    /** The invitation behind a link, if unused and unexpired. */
    async findInvitation(token: string | null) {
      if (!token || token.length > 100) return null;
      const invite = await authStore.findInvitation(sha256Hex(token));
      if (!invite || invite.usedAt !== null || clock.now() > invite.expiresAt) return null;
      const user = await userService.get(invite.userId);
      const workspace = await workspaceService.get(invite.workspaceId);
      if (!user || !workspace || !(await userService.roleIn(user.id, workspace.id))) return null;
      return { invite, user, workspace };
    },

    /** Sets the invited member's password, spends the link and signs them in. */
    async acceptInvitation(token: string | null, password: string): Promise<{ token: string; session: LoginSession }> {
      const found = await this.findInvitation(token);
      if (!found) throw new AppError(404, "This invitation link is not valid any more: ask an owner for a new one");
      const problem = passwordProblem(password);
      if (problem) throw new FormError({ password: problem });
      if (!(await authStore.useInvitation(found.invite.tokenHash, clock.now()))) throw new AppError(404, "This invitation link was already used");
      await userService.setPassword(found.user.id, password);
      await authStore.removeAllOfUser(found.user.id);
      return startSession(found.user, found.workspace.id);
    },

    /** Removing a member also ends their sessions' hold on the workspace and voids their links. */
    async removeMember(workspaceId: string, userId: string): Promise<void> {
      await userService.removeMember(workspaceId, userId);
      await authStore.dropInvitations(userId, workspaceId);
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
