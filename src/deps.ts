// Wires stores and services from the few things passed in: config, db, clock, logger.
import type { Database } from "bun:sqlite";
import type { Config } from "./config.ts";
import type { Clock } from "./lib/clock.ts";
import type { Logger } from "./http/logger.ts";
import { createRateLimiter } from "./http/rate-limit.ts";
import { createWorkspaceStore } from "./modules/workspaces/workspaces.store.ts";
import { createWorkspaceService } from "./modules/workspaces/workspaces.service.ts";
import { createKeyStore } from "./modules/keys/keys.store.ts";
import { createKeyService } from "./modules/keys/keys.service.ts";
import { createFlowStore } from "./modules/flows/flows.store.ts";
import { createFlowService } from "./modules/flows/flows.service.ts";
import { createSessionStore } from "./modules/sessions/sessions.store.ts";
import { createSessionService } from "./modules/sessions/sessions.service.ts";
import { createResultTokens } from "./modules/cancel/result-token.ts";
import { createUserStore } from "./modules/users/users.store.ts";
import { createUserService } from "./modules/users/users.service.ts";

export interface BaseDeps {
  config: Readonly<Config>;
  db: Database;
  clock: Clock;
  logger: Logger;
}

export function createDeps(base: BaseDeps) {
  const { config, db, clock } = base;
  const flowService = createFlowService({ flowStore: createFlowStore({ db }), clock });
  const workspaceService = createWorkspaceService({
    workspaceStore: createWorkspaceStore({ db }),
    flowService,
    clock,
    graceMs: config.signingSecretGraceMs,
  });
  const keyService = createKeyService({ keyStore: createKeyStore({ db }), clock });
  const sessionService = createSessionService({ sessionStore: createSessionStore({ db }), flowService, clock });
  const resultTokens = createResultTokens({
    workspaceService,
    clock,
    issuer: config.publicUrl,
    ttlSeconds: config.resultTokenTtlSeconds,
  });
  const userService = createUserService({ userStore: createUserStore({ db }), clock });
  const rateLimiter = createRateLimiter(config.rateLimitPerMinute, () => clock.now());
  return { ...base, flowService, workspaceService, keyService, sessionService, resultTokens, userService, rateLimiter, startedAt: clock.now() };
}

export type Deps = ReturnType<typeof createDeps>;
