// Result tokens: HS256 JWTs signed with the workspace secret, verified with algorithm, type, issuer and audience pinned.
import { SignJWT, decodeProtectedHeader, jwtVerify, errors as joseErrors } from "jose";
import type { Clock } from "../../lib/clock.ts";
import { AppError } from "../../lib/app-error.ts";
import type { Session } from "../sessions/sessions.store.ts";
import type { WorkspaceService } from "../workspaces/workspaces.service.ts";

export const RESULT_TOKEN_TYPE = "holdfast-result+jwt";

export interface ResultPayload {
  iss: string;
  aud: string;
  sub: string;
  sid: string;
  outcome: Session["outcome"];
  reason: string | null;
  feedback: string | null;
  offer: Session["offer"];
  environment: Session["environment"];
  /** Unique per token: an integrator can refuse a second use. */
  jti?: string;
  iat: number;
  exp: number;
}

/** Clocks disagree a little: an `iat` up to this far ahead, or an age up to this much past the lifetime, still passes. */
export const CLOCK_TOLERANCE_SECONDS = 30;

export function createResultTokens(deps: { workspaceService: WorkspaceService; clock: Clock; issuer: string; ttlSeconds: number }) {
  const { workspaceService, clock, issuer, ttlSeconds } = deps;
  const encoder = new TextEncoder();

  return {
    async sign(session: Session): Promise<string> {
      const secret = await workspaceService.currentSecret(session.workspaceId);
      if (!secret) throw new AppError(500, "The workspace has no signing secret");
      const iat = Math.floor(clock.now() / 1000);
      return new SignJWT({
        sid: session.id,
        outcome: session.outcome,
        reason: session.reason,
        feedback: session.feedback,
        offer: session.offer,
        environment: session.environment,
      })
        .setProtectedHeader({ alg: "HS256", typ: RESULT_TOKEN_TYPE, kid: secret.id })
        .setIssuer(issuer)
        .setAudience(session.workspaceId)
        .setSubject(session.customerId)
        .setJti(crypto.randomUUID())
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttlSeconds)
        .sign(encoder.encode(secret.secret));
    },

    /**
     * The trusted payload; 400 for anything malformed, forged or outside the policy, 401 once expired.
     * A valid signature is not enough: the token must also be one we would have issued — its age at most the
     * configured lifetime, its `iat` not in the future, its `exp - iat` not longer than the lifetime (a leaked
     * or mis-rotated secret must not mint tokens that live for a year). `workspaceId` scopes the check: a token
     * of any other workspace is refused.
     */
    async verify(token: string, scope: { workspaceId?: string } = {}): Promise<ResultPayload> {
      let kid: unknown;
      try {
        kid = decodeProtectedHeader(token).kid;
      } catch {
        throw new AppError(400, "token: malformed result token");
      }
      if (typeof kid !== "string") throw new AppError(400, "token: the token header has no kid");
      const secret = await workspaceService.verificationSecret(kid);
      if (!secret) throw new AppError(400, "token: signed with an unknown or retired key");
      if (scope.workspaceId !== undefined && secret.workspaceId !== scope.workspaceId)
        throw new AppError(400, "token: not issued for this workspace");
      let payload: ResultPayload;
      try {
        const verified = await jwtVerify(token, encoder.encode(secret.secret), {
          algorithms: ["HS256"],
          typ: RESULT_TOKEN_TYPE,
          issuer,
          audience: secret.workspaceId,
          currentDate: new Date(clock.now()),
          requiredClaims: ["sub", "sid", "iat", "exp"],
          // jose refuses an age over maxTokenAge + tolerance (JWTExpired) and an iat more than tolerance ahead.
          // Its tolerance would also stretch exp by as much; exp stays exact below (we signed with this clock).
          maxTokenAge: ttlSeconds,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
        });
        if (verified.payload.exp! <= Math.floor(clock.now() / 1000)) throw new joseErrors.JWTExpired("exp passed", verified.payload);
        payload = verified.payload as unknown as ResultPayload;
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) throw new AppError(401, "token: the result token has expired");
        if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === "iat") throw new AppError(400, "token: issued in the future");
        throw new AppError(400, "token: invalid result token");
      }
      if (payload.exp - payload.iat > ttlSeconds) throw new AppError(400, "token: lives longer than the result-token lifetime");
      return payload;
    },
  };
}

export type ResultTokens = ReturnType<typeof createResultTokens>;
