// API-key auth as a macro: `{ apiKey: "read" | "read_write" }` on a route resolves the key and its workspace.
import { Elysia } from "elysia";
import type { KeyService } from "../modules/keys/keys.service.ts";
import type { ApiKey } from "../modules/keys/keys.store.ts";
import type { Scope } from "../modules/keys/keys.schemas.ts";
import type { WorkspaceService } from "../modules/workspaces/workspaces.service.ts";
import type { Workspace } from "../modules/workspaces/workspaces.store.ts";
import { AppError } from "../lib/app-error.ts";
import { noteWorkspace } from "./core.ts";
import { rateLimitError, type RateLimiter } from "./rate-limit.ts";

export function presentedKey(headers: Headers): string | null {
  // A non-Bearer Authorization (Basic from a proxy, say) must not hide a valid x-api-key.
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.get("authorization") ?? "");
  return bearer?.[1] ?? (headers.get("x-api-key")?.trim() || null);
}

// A type alias, not an interface: Elysia's resolve needs an object type with an implicit index signature.
export type Authenticated = {
  apiKey: ApiKey;
  workspace: Workspace;
};

export function apiKeyAuth(deps: {
  keyService: KeyService;
  workspaceService: WorkspaceService;
  rateLimiter: RateLimiter;
  clientIp: (request: Request) => string;
}) {
  const { keyService, workspaceService, rateLimiter, clientIp } = deps;
  // transform (before validation) authenticates; resolve (after it) hands the result to the handler.
  const authenticated = new WeakMap<Request, Authenticated>();

  async function authenticate(request: Request, set: { headers: Record<string, string | number> }, scope: Scope): Promise<Authenticated> {
    // An address that keeps sending bad keys is refused before any lookup, so a flood of guesses costs little
    // and cannot crowd out real keys, which are counted per key below.
    const ip = clientIp(request);
    const failures = rateLimiter.peek("failedKey", ip);
    if (!failures.allowed) throw rateLimitError(failures);
    const refuse = (message: string) => {
      const decision = rateLimiter.hit("failedKey", ip);
      return decision.allowed ? new AppError(401, message) : rateLimitError(decision);
    };
    const raw = presentedKey(request.headers);
    if (!raw) throw refuse("Missing API key: send Authorization: Bearer <key> or x-api-key");
    const apiKey = await keyService.authenticate(raw);
    if (!apiKey) throw refuse("Invalid or revoked API key");
    const workspace = await workspaceService.get(apiKey.workspaceId);
    if (!workspace) throw refuse("Invalid or revoked API key");
    noteWorkspace(request, workspace.id);
    const decision = rateLimiter.hit("apiKey", apiKey.id);
    Object.assign(set.headers, decision.headers);
    if (!decision.allowed) throw rateLimitError(decision);
    if (scope === "read_write" && apiKey.scope !== "read_write")
      throw new AppError(403, "This API key is read-only; use a read_write key for this request");
    return { apiKey, workspace };
  }

  // Authenticate in `transform`, which runs before body validation: a request without a valid key gets 401,
  // never a validation message about a body it had no right to send.
  return new Elysia({ name: "api-key-auth" }).macro({
    apiKey: (scope: Scope) => ({
      async transform({ request, set }) {
        authenticated.set(request, await authenticate(request, set, scope));
      },
      resolve({ request }) {
        return authenticated.get(request) as Authenticated;
      },
    }),
  });
}
