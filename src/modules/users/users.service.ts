// Dashboard logins: argon2id password hashes (Bun.password), memberships with roles, and per-account backoff.
import type { Clock } from "../../lib/clock.ts";
import { uuid } from "../../lib/crypto.ts";
import { AppError } from "../../lib/app-error.ts";
import { ROLES, type Member, type Role, type User, type UserStore } from "./users.store.ts";

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

// Backoff: the first few mistakes are free, then each failure doubles the wait, capped.
const FREE_FAILURES = 5;
const BASE_LOCK_MS = 30_000;
const MAX_LOCK_MS = 15 * 60_000;

/** Milliseconds an account stays locked after its n-th consecutive failure (0: not locked). */
export function lockDuration(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(MAX_LOCK_MS, BASE_LOCK_MS * 2 ** (failures - FREE_FAILURES));
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The problem with an e-mail address, or null. */
export function emailProblem(email: string): string | null {
  const normalized = normalizeEmail(email);
  return EMAIL_RE.test(normalized) && normalized.length <= 254 ? null : "Enter an e-mail address like name@example.com";
}

/** The problem with a new password, or null. */
export function passwordProblem(password: string): string | null {
  if (password.length < PASSWORD_MIN) return `Use at least ${PASSWORD_MIN} characters`;
  if (password.length > PASSWORD_MAX) return `Use at most ${PASSWORD_MAX} characters`;
  return null;
}

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

function checkNewPassword(password: string): void {
  if (password.length < PASSWORD_MIN) throw new AppError(400, `password must be at least ${PASSWORD_MIN} characters`);
  if (password.length > PASSWORD_MAX) throw new AppError(400, `password must be at most ${PASSWORD_MAX} characters`);
}


export type LoginResult =
  | { ok: true; user: User }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "locked"; retryInSeconds: number };

export function createUserService({ userStore, clock, memoryCostKiB = 19_456 }: { userStore: UserStore; clock: Clock; memoryCostKiB?: number }) {
  const hash = (password: string) => Bun.password.hash(password, { algorithm: "argon2id", memoryCost: memoryCostKiB, timeCost: 2 });
  // Verified against when the e-mail is unknown, so an unknown address costs the same argon2id work as a wrong password.
  // Made on first use, not at boot: every CLI command builds this service and most never verify anything.
  let dummy: Promise<string> | null = null;
  const dummyHash = () => (dummy ??= hash(`dummy-${crypto.randomUUID()}`));
  // Unknown addresses back off too (in memory), so a lockout message does not reveal which addresses exist.
  const unknownFailures = new Map<string, { failures: number; lockedUntil: number }>();

  async function create(email: string, password: string | null): Promise<User> {
    const normalized = normalizeEmail(email);
    const emailError = emailProblem(normalized);
    if (emailError) throw new AppError(400, "email must be an e-mail address");
    if (password !== null) checkNewPassword(password);
    if (await userStore.findByEmail(normalized)) throw new AppError(409, `A user with email ${normalized} already exists`);
    const user: User = { id: uuid(), email: normalized, createdAt: clock.now() };
    await userStore.insert(user, password === null ? "" : await hash(password));
    return user;
  }

  return {
    create,
    hasAnyUser: () => userStore.any(),

    async get(id: string): Promise<User | null> {
      const u = await userStore.findById(id);
      return u ? { id: u.id, email: u.email, createdAt: u.createdAt } : null;
    },
    async findByEmail(email: string): Promise<User | null> {
      const u = await userStore.findByEmail(normalizeEmail(email));
      return u ? { id: u.id, email: u.email, createdAt: u.createdAt } : null;
    },

    /** The user when the password is right; a plain check that leaves the backoff counters alone. */
    async verify(email: string, password: string): Promise<User | null> {
      const u = await userStore.findByEmail(normalizeEmail(email));
      if (!u || !u.passwordHash) return null;
      return (await Bun.password.verify(password, u.passwordHash)) ? { id: u.id, email: u.email, createdAt: u.createdAt } : null;
    },

    /** Checks a password without touching the failure counters (re-authentication before revealing a secret). */
    async checkPassword(userId: string, password: string): Promise<boolean> {
      const u = await userStore.findById(userId);
      if (!u || !u.passwordHash) {
        await Bun.password.verify(password, await dummyHash());
        return false;
      }
      return Bun.password.verify(password, u.passwordHash);
    },

    /** Sign-in with per-account backoff; an unknown e-mail takes the same time as a wrong password. */
    async login(email: string, password: string): Promise<LoginResult> {
      const now = clock.now();
      const normalized = normalizeEmail(email);
      const found = normalized ? await userStore.findByEmail(normalized) : null;
      const lockedUntil = found ? found.lockedUntil : unknownFailures.get(normalized)?.lockedUntil ?? null;
      if (lockedUntil !== null && lockedUntil > now) return { ok: false, reason: "locked", retryInSeconds: Math.ceil((lockedUntil - now) / 1000) };
      const matches = found && found.passwordHash
        ? await Bun.password.verify(password, found.passwordHash)
        : (await Bun.password.verify(password, await dummyHash()), false);
      if (found && matches) {
        if (found.failedLogins > 0 || found.lockedUntil !== null) await userStore.resetFailures(found.id);
        return { ok: true, user: { id: found.id, email: found.email, createdAt: found.createdAt } };
      }
      if (found) {
        const failures = found.failedLogins + 1;
        const lock = lockDuration(failures);
        await userStore.recordFailure(found.id, now, lock ? now + lock : null);
      } else if (normalized) {
        if (unknownFailures.size > 10_000) unknownFailures.clear(); // bounded memory under a spray of addresses
        const entry = unknownFailures.get(normalized) ?? { failures: 0, lockedUntil: 0 };
        entry.failures++;
        const lock = lockDuration(entry.failures);
        entry.lockedUntil = lock ? now + lock : 0;
        unknownFailures.set(normalized, entry);
      }
      return { ok: false, reason: "invalid" };
    },

    async setPassword(userId: string, password: string): Promise<void> {
      checkNewPassword(password);
      await userStore.setPassword(userId, await hash(password));
    },

    async addMembership(userId: string, workspaceId: string, role: Role): Promise<void> {
      if (!isRole(role)) throw new AppError(400, "role must be owner, admin or viewer");
      await userStore.upsertMembership({ userId, workspaceId, role, createdAt: clock.now() });
    },
    roleIn: async (userId: string, workspaceId: string): Promise<Role | null> => (await userStore.findMembership(userId, workspaceId))?.role ?? null,
    workspacesOf: (userId: string) => userStore.workspacesOf(userId),
    membersOf: (workspaceId: string): Promise<Member[]> => userStore.membersOf(workspaceId),

    /** Changes a member's role; the last owner cannot be demoted (someone must hold billing and members). */
    async changeRole(workspaceId: string, userId: string, role: Role): Promise<void> {
      if (!isRole(role)) throw new AppError(400, "role must be owner, admin or viewer");
      const current = await userStore.findMembership(userId, workspaceId);
      if (!current) throw new AppError(404, "No such member in this workspace");
      if (current.role === "owner" && role !== "owner" && (await userStore.ownerCount(workspaceId)) <= 1)
        throw new AppError(409, "A workspace needs at least one owner: make someone else owner first");
      await userStore.upsertMembership({ ...current, role });
    },

    async removeMember(workspaceId: string, userId: string): Promise<void> {
      const current = await userStore.findMembership(userId, workspaceId);
      if (!current) throw new AppError(404, "No such member in this workspace");
      if (current.role === "owner" && (await userStore.ownerCount(workspaceId)) <= 1)
        throw new AppError(409, "A workspace needs at least one owner: make someone else owner first");
      await userStore.removeMembership(userId, workspaceId);
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
