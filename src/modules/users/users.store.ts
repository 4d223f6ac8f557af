// SQL for dashboard logins.
import type { Database } from "bun:sqlite";

export interface User {
  id: string;
  email: string;
  createdAt: number;
}

export function createUserStore({ db }: { db: Database }) {
  const insert = db.query("insert into users (id, email, password_hash, created_at) values (?, ?, ?, ?)");
  const byEmail = db.query("select id, email, password_hash, created_at from users where email = ?");
  return {
    async insert(user: User, passwordHash: string): Promise<void> {
      insert.run(user.id, user.email, passwordHash, user.createdAt);
    },
    async findByEmail(email: string): Promise<(User & { passwordHash: string }) | null> {
      const r = byEmail.get(email) as { id: string; email: string; password_hash: string; created_at: number } | null;
      return r ? { id: r.id, email: r.email, passwordHash: r.password_hash, createdAt: r.created_at } : null;
    },
  };
}

export type UserStore = ReturnType<typeof createUserStore>;
