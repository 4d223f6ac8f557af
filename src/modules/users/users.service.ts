// Dashboard logins: argon2id password hashes (Bun.password), unique e-mail addresses.
import type { Clock } from "../../lib/clock.ts";
import { uuid } from "../../lib/crypto.ts";
import { AppError } from "../../lib/app-error.ts";
import type { User, UserStore } from "./users.store.ts";

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function createUserService({ userStore, clock }: { userStore: UserStore; clock: Clock }) {
  return {
    async create(email: string, password: string): Promise<User> {
      const normalized = email.trim().toLowerCase();
      if (!EMAIL_RE.test(normalized) || normalized.length > 254) throw new AppError(400, "email must be an e-mail address");
      if (password.length < 12) throw new AppError(400, "password must be at least 12 characters");
      if (await userStore.findByEmail(normalized)) throw new AppError(409, `A user with email ${normalized} already exists`);
      const user: User = { id: uuid(), email: normalized, createdAt: clock.now() };
      await userStore.insert(user, await Bun.password.hash(password, { algorithm: "argon2id" }));
      return user;
    },
    async verify(email: string, password: string): Promise<User | null> {
      const found = await userStore.findByEmail(email.trim().toLowerCase());
      if (!found) return null;
      return (await Bun.password.verify(password, found.passwordHash)) ? { id: found.id, email: found.email, createdAt: found.createdAt } : null;
    },
  };
}
