// The client's address, for rate limits and salted IP hashes only (never to identify a voter).
// Each runtime knows it differently, so the entry point passes a reader to createApp.
import type { Context } from "hono";
import { hmacSha256 } from "../crypto";
import type { Deps } from "../deps";
import { type IpRange, inRange, parseIp } from "./ip";

/**
 * The salted hash of a client address (HMAC-SHA256 under SECRET_KEY), the only form in which an
 * address is kept: per-address limits, vote rows, proof of consent.
 */
export const hashClientAddress = (deps: Deps, address: string) =>
  hashClientAddressUnder(deps.config.secretKey, address);

/** The same under a given key: what matches hashes kept from before a rotation. */
export const hashClientAddressUnder = (key: string, address: string) =>
  hmacSha256(key, `ip:${address}`, "hex");

export type ClientAddressReader = (c: Context) => string | undefined;

/** The last hop of X-Forwarded-For, for requests that have no socket at all (app.request in tests). */
const lastForwardedHop = (c: Context) =>
  c.req.header("x-forwarded-for")?.split(",").at(-1)?.trim() || undefined;

const isTrusted = (address: string, proxies: readonly IpRange[]) => {
  const ip = parseIp(address);
  return ip !== undefined && proxies.some((range) => inRange(ip, range));
};

/**
 * The client as a chain of trusted proxies saw it: X-Forwarded-For read from the right (each proxy
 * appends the address it was called from), skipping hops that are trusted proxies themselves. The
 * first untrusted hop is the client; what lies left of it was typed by the client and is ignored.
 */
function forwardedClient(c: Context, socket: string, proxies: readonly IpRange[]) {
  const hops = (c.req.header("x-forwarded-for") ?? "").split(",").map((h) => h.trim());
  let client = socket;
  for (const hop of hops.reverse()) {
    if (!hop || !isTrusted(client, proxies)) break;
    client = hop;
  }
  return client;
}

/**
 * Node: the socket's address. X-Forwarded-For is believed only from a socket named in
 * TRUSTED_PROXIES (none by default): a proxy on the same host that passes the client's header
 * through unchanged would otherwise let anyone pick the address their limits are counted under.
 * Requests without a socket (tests through app.request) read X-Forwarded-For's last hop.
 */
export const nodeClientAddress =
  (
    socketAddress: (c: Context) => string | undefined,
    trustedProxies: readonly IpRange[] = [],
  ): ClientAddressReader =>
  (c) => {
    let socket: string | undefined;
    try {
      socket = socketAddress(c);
    } catch {
      return lastForwardedHop(c);
    }
    if (!socket) return lastForwardedHop(c);
    return forwardedClient(c, socket, trustedProxies);
  };

/** Workers: Cloudflare sets CF-Connecting-IP itself; a client cannot override it. */
export const workersClientAddress: ClientAddressReader = (c) =>
  c.req.header("cf-connecting-ip") ?? undefined;
