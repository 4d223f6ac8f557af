// Minting, authenticating and revoking API keys.
import type { Clock } from "../../lib/clock.ts";
import { randomToken, sha256Hex, uuid } from "../../lib/crypto.ts";
import { AppError } from "../../lib/app-error.ts";
import type { ApiKey, KeyStore } from "./keys.store.ts";
import type { KeyMode, Scope } from "./keys.schemas.ts";

// lastUsedAt is kept to the minute: writing it on every request would put a write on the hot path.
const TOUCH_EVERY_MS = 60_000;

export function createKeyService({ keyStore, clock }: { keyStore: KeyStore; clock: Clock }) {
  return {
    async create(workspaceId: string, scope: Scope, mode: KeyMode): Promise<{ key: ApiKey; secret: string }> {
      const secret = `hf_${mode}_${randomToken(192)}`;
      const key: ApiKey = {
        id: uuid(),
        workspaceId,
        prefix: secret.slice(0, 12),
        scope,
        mode,
        createdAt: clock.now(),
        lastUsedAt: null,
        revokedAt: null,
      };
      await keyStore.insert(key, sha256Hex(secret));
      return { key, secret };
    },

    /** The live key behind a raw secret, or null for a missing, unknown or revoked one. */
    async authenticate(secret: string): Promise<ApiKey | null> {
      if (!/^hf_(live|test)_[0-9A-Za-z]{16,64}$/.test(secret)) return null;
      const key = await keyStore.findByHash(sha256Hex(secret));
      if (!key || key.revokedAt !== null) return null;
      const now = clock.now();
      if (key.lastUsedAt === null || now - key.lastUsedAt > TOUCH_EVERY_MS) {
        // Best effort and not awaited: a request never waits for its key's last-use stamp (a backup holding the
        // write lock would otherwise hold up every authenticated request).
        keyStore.touch(key.id, now).catch(() => {});
        key.lastUsedAt = now;
      }
      return key;
    },

    list: (workspaceId: string) => keyStore.listByWorkspace(workspaceId),

    /** Revokes a key; with a workspace, a key of another workspace is "not found" like a missing one. */
    async revoke(id: string, workspaceId?: string): Promise<ApiKey> {
      const key = await keyStore.findById(id);
      if (!key || (workspaceId !== undefined && key.workspaceId !== workspaceId)) throw new AppError(404, `No API key with id ${id}`);
      if (key.revokedAt === null) {
        key.revokedAt = clock.now();
        await keyStore.revoke(id, key.revokedAt);
      }
      return key;
    },
  };
}

export type KeyService = ReturnType<typeof createKeyService>;
