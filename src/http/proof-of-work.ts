// The optional proof-of-work of the public forms (POW_BITS): a challenge signed with the app's key
// for one scope (a voter of a poll, a list's subscribe form) and stamped with its time; the
// browser (public/pow.js, Web Crypto) finds a nonce such that SHA-256(challenge:bound:nonce) starts
// with POW_BITS zero bits, where `bound` is what the proof must not be reused for (the address a
// subscriber typed). No state is kept: a challenge is only good for its scope and for 10 minutes.
import { createHash } from "node:crypto";
import { constantTimeEqual, hmacSha256 } from "../crypto";

/** The form field that carries the proof: `challenge.nonce`. */
export const POW_FIELD = "pow";
/** How long a challenge may be solved and used: a person reading slowly, not a stockpile. */
export const CHALLENGE_MS = 10 * 60_000;
/** Clocks of several processes may disagree a little. */
const SKEW_MS = 60_000;

const PROOF = /^(\d{1,15})\.([0-9a-f]{32})\.(\d{1,15})$/;

const sign = (secret: string, scope: string, ms: number) =>
  hmacSha256(secret, `pow:${scope}:${ms}`, "hex").slice(0, 32);

/** A challenge for `scope`, issued at `at`: `ms.signature`. */
export const issueChallenge = (secret: string, scope: string, at: Date) =>
  `${at.getTime()}.${sign(secret, scope, at.getTime())}`;

/** The zero bits a hex digest starts with. */
export function leadingZeroBits(hex: string): number {
  let bits = 0;
  for (const digit of hex) {
    const n = Number.parseInt(digit, 16);
    if (n !== 0) return bits + Math.clz32(n) - 28;
    bits += 4;
  }
  return bits;
}

export type ProofCheck = "ok" | "missing" | "forged" | "expired" | "unsolved";

/** Whether `proof` solves a challenge issued for `scope` within CHALLENGE_MS, for `bound`. */
export function checkProof(
  input: { secret: string; bits: number; now: Date },
  proof: string | undefined,
  scope: string,
  bound = "",
): ProofCheck {
  const match = PROOF.exec(proof ?? "");
  if (!match) return "missing";
  const [, msText = "", signature = "", nonce = ""] = match;
  const ms = Number(msText);
  if (!constantTimeEqual(signature, sign(input.secret, scope, ms))) return "forged";
  const age = input.now.getTime() - ms;
  if (age > CHALLENGE_MS || age < -SKEW_MS) return "expired";
  // node:crypto's hash is synchronous and also provided on Workers (nodejs_compat).
  const digest = createHash("sha256").update(`${ms}.${signature}:${bound}:${nonce}`).digest("hex");
  return leadingZeroBits(digest) >= input.bits ? "ok" : "unsolved";
}

/** What a subscriber's proof is bound to: the address as typed, trimmed and lower-cased. */
export const boundAddress = (typed: unknown) =>
  typeof typed === "string" ? typed.trim().toLowerCase() : "";
