// Who is voting: a random voter id in a signed cookie, and a salted hash of the client's address.
import { constantTimeEqual, hmacSha256, toBase64Url } from "../crypto";
import type { Deps } from "../deps";
import { keyRing } from "../keys/ring";

export const VOTER_COOKIE = "relance_voter";
const VOTER_ID = /^[A-Za-z0-9_-]{22}$/;

const hmacHex = (secret: string, text: string) => hmacSha256(secret, text, "hex");

export const newVoterId = (deps: Deps) => toBase64Url(deps.randomBytes(16));

/** The cookie value for a voter id: `id.signature`. */
export const signVoter = (deps: Deps, id: string) =>
  `${id}.${hmacHex(deps.config.secretKey, `voter:${id}`)}`;

/**
 * The voter id in a cookie value, or undefined when it is missing, malformed or its signature
 * does not verify (a tampered cookie is simply no voter: the visitor gets a new one).
 */
export function verifyVoter(deps: Deps, value: string | undefined): string | undefined {
  if (!value) return undefined;
  const dot = value.indexOf(".");
  const id = value.slice(0, dot);
  if (dot < 0 || !VOTER_ID.test(id)) return undefined;
  // Signed before a rotation still counts: the same voter, who must not vote again.
  const signature = value.slice(dot + 1);
  const signed = keyRing(deps).some((key) =>
    constantTimeEqual(signature, hmacHex(key, `voter:${id}`)),
  );
  return signed ? id : undefined;
}
