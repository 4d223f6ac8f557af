// The client's IP address: the socket's peer, or, behind trusted proxies, the address they saw.
import { isIP } from "node:net";

/** What Bun.serve passes as the second argument to fetch; only the part we use. */
export interface SocketInfo {
  requestIP(request: Request): { address: string } | null;
}

/**
 * Resolves a request's client IP. `trustProxyHops` is how many reverse proxies sit in front of Holdfast
 * (HOLDFAST_TRUST_PROXY): 0 trusts no header; N takes the N-th address from the right of X-Forwarded-For, the one
 * the outermost trusted proxy saw (addresses further left are the client's to write and prove nothing).
 */
export function createClientIp(trustProxyHops: number) {
  // Filled by the serving fetch (boot's `fetch`) from the socket; keyed by the Request so nothing outlives it.
  const socketAddresses = new WeakMap<Request, string>();

  return {
    remember(request: Request, socket: SocketInfo | null | undefined): void {
      const address = socket?.requestIP(request)?.address;
      if (address) socketAddresses.set(request, address);
    },
    of(request: Request): string {
      const socket = socketAddresses.get(request) ?? "unknown";
      if (trustProxyHops === 0) return socket;
      const header = request.headers.get("x-forwarded-for");
      if (!header) return socket;
      const hops = header.split(",").map((s) => s.trim()).filter(Boolean);
      const candidate = hops[Math.max(0, hops.length - trustProxyHops)];
      return candidate && isIP(candidate) ? candidate : socket;
    },
  };
}

export type ClientIp = ReturnType<typeof createClientIp>;
