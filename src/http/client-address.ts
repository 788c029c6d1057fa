// The client's address, for rate limits and salted IP hashes only (never to identify a voter).
// Each runtime knows it differently, so the entry point passes a reader to createApp.
import type { Context } from "hono";
import { hmacSha256 } from "../crypto";
import type { Deps } from "../deps";

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

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

/** The last hop of X-Forwarded-For: what a proxy in front of us appended, not what a client typed. */
const lastForwardedHop = (c: Context) =>
  c.req.header("x-forwarded-for")?.split(",").at(-1)?.trim() || undefined;

/**
 * Node: the socket's address. When the socket is the machine itself (a reverse proxy on the
 * same host), the proxy's X-Forwarded-For names the client. A remote client cannot forge that,
 * since its own socket is not loopback. Requests without a socket (tests through app.request)
 * read X-Forwarded-For.
 */
export const nodeClientAddress =
  (socketAddress: (c: Context) => string | undefined): ClientAddressReader =>
  (c) => {
    let socket: string | undefined;
    try {
      socket = socketAddress(c);
    } catch {
      return lastForwardedHop(c);
    }
    if (!socket) return lastForwardedHop(c);
    return LOOPBACK.test(socket) ? (lastForwardedHop(c) ?? socket) : socket;
  };

/** Workers: Cloudflare sets CF-Connecting-IP itself; a client cannot override it. */
export const workersClientAddress: ClientAddressReader = (c) =>
  c.req.header("cf-connecting-ip") ?? undefined;
