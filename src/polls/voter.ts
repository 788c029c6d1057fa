// Who is voting: a random voter id in a signed cookie, and a salted hash of the client's address.
import { constantTimeEqual, toBase64Url, toHex } from "../crypto";
import type { Deps } from "../deps";

export const VOTER_COOKIE = "relance_voter";
const VOTER_ID = /^[A-Za-z0-9_-]{22}$/;

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

/** HMAC-SHA256 under the secret key; the imported key is kept, as every vote and form needs it. */
async function hmac(secret: string, text: string): Promise<string> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      "raw",
      encoder.encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    keys.set(secret, key);
  }
  return toHex(new Uint8Array(await crypto.subtle.sign("HMAC", await key, encoder.encode(text))));
}

export const newVoterId = (deps: Deps) => toBase64Url(deps.randomBytes(16));

/** The cookie value for a voter id: `id.signature`. */
export const signVoter = async (deps: Deps, id: string) =>
  `${id}.${await hmac(deps.config.secretKey, `voter:${id}`)}`;

/**
 * The voter id in a cookie value, or undefined when it is missing, malformed or its signature
 * does not verify (a tampered cookie is simply no voter: the visitor gets a new one).
 */
export async function verifyVoter(
  deps: Deps,
  value: string | undefined,
): Promise<string | undefined> {
  if (!value) return undefined;
  const dot = value.indexOf(".");
  const id = value.slice(0, dot);
  if (dot < 0 || !VOTER_ID.test(id)) return undefined;
  const expected = await hmac(deps.config.secretKey, `voter:${id}`);
  return constantTimeEqual(value.slice(dot + 1), expected) ? id : undefined;
}

/**
 * The client's address, as well as a portable app can know it: `cf-connecting-ip` (set by
 * Cloudflare, which Workers sit behind), else the first `x-forwarded-for` hop (set by a reverse
 * proxy in front of Node), else one shared bucket. Reading the socket is runtime-specific, so a
 * Node server reached directly puts every visitor in that one bucket; these headers can be forged
 * by a client when no proxy overwrites them, which only lets it pick its own rate-limit bucket.
 * The address is used only to rate-limit, never to deduplicate votes.
 */
export function clientAddress(header: (name: string) => string | undefined): string {
  const cf = header("cf-connecting-ip")?.trim();
  if (cf) return cf;
  const forwarded = header("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || "unknown";
}

/** A salted hash: the address itself is never stored. */
export const hashAddress = (deps: Deps, address: string) =>
  hmac(deps.config.secretKey, `ip:${address}`);
