// Signed, purpose-bound tokens for the links in mail (/c/, /u/, /p/, /s/): an HMAC over a small
// payload. A token for one purpose never opens another, and a changed byte never verifies.
import { constantTimeEqual, hmacSha256 } from "./crypto";

export type TokenPurpose = "consent" | "unsubscribe" | "preferences" | "subscribe";

export type TokenPayload = {
  /** purpose */
  p: TokenPurpose;
  /** contact id */
  c: number;
  /** list id, where the purpose is about one list */
  l?: number;
  /** send id (the invitation a consent link came with) */
  s?: number;
  /** expiry, ms since epoch */
  e?: number;
};

// The body is the purpose's letter, then c, l, s, e in base 36 joined by "-"; a dot; a 132-bit tag
// ("c9ix-1-2-o6ss2mio.<22 characters>").

const LETTER: Record<TokenPurpose, string> = {
  consent: "c",
  unsubscribe: "u",
  preferences: "p",
  subscribe: "s",
};
const PURPOSE: Record<string, TokenPurpose> = Object.fromEntries(
  (Object.entries(LETTER) as [TokenPurpose, string][]).map(([purpose, letter]) => [
    letter,
    purpose,
  ]),
);
/** The short body: a purpose letter and up to four base-36 numbers, absent ones left empty. */
const SHORT_BODY = /^([cups])([0-9a-z]*(?:-[0-9a-z]*){0,3})$/;

/** The short form's tag: the first 22 base64url characters (132 bits) of its HMAC. */
const shortTag = (secret: string, body: string) =>
  hmacSha256(`relance-token-2:${secret}`, body, "base64url").slice(0, 22);

const base36 = (n: number | undefined) => {
  if (n === undefined) return "";
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`token field ${n} is not a count`);
  return n.toString(36);
};

export async function signToken(secret: string, payload: TokenPayload): Promise<string> {
  const fields = [payload.c, payload.l, payload.s, payload.e].map(base36).join("-");
  const body = `${LETTER[payload.p]}${fields.replace(/-+$/, "")}`;
  return `${body}.${shortTag(secret, body)}`;
}

/** Reads a short body whose tag verified; undefined when its fields are not numbers or c is missing. */
function shortPayload(body: string): TokenPayload | undefined {
  const match = SHORT_BODY.exec(body);
  const purpose = PURPOSE[match?.[1] ?? ""];
  if (!match || !purpose) return undefined;
  const [c, l, s, e] = (match[2] ?? "").split("-").map((field) => {
    if (field === "") return undefined;
    const n = Number.parseInt(field, 36);
    return Number.isSafeInteger(n) && n.toString(36) === field ? n : Number.NaN;
  });
  if (c === undefined || [c, l, s, e].some((n) => Number.isNaN(n))) return undefined;
  const payload: TokenPayload = { p: purpose, c };
  if (l !== undefined) payload.l = l;
  if (s !== undefined) payload.s = s;
  if (e !== undefined) payload.e = e;
  return payload;
}

export type TokenCheck =
  | { ok: true; payload: TokenPayload }
  | { ok: false; reason: "malformed" | "bad_signature" | "wrong_purpose" | "expired" };

/**
 * Verifies signature, purpose and expiry; never throws, whatever the input. `secrets` may be a
 * key ring (current key first): a link signed before a rotation still verifies.
 */
export async function verifyToken(
  secrets: string | readonly string[],
  token: string,
  purpose: TokenPurpose,
  now: Date,
): Promise<TokenCheck> {
  if (token.length > 512 || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) {
    return { ok: false, reason: "malformed" };
  }
  const [body = "", signature = ""] = token.split(".");
  // A body of another shape was never signed by Relance (the JSON form of early builds included).
  const ring = typeof secrets === "string" ? [secrets] : secrets;
  if (
    !SHORT_BODY.test(body) ||
    !ring.some((key) => constantTimeEqual(shortTag(key, body), signature))
  )
    return { ok: false, reason: "bad_signature" };
  const payload = shortPayload(body);
  if (!payload) return { ok: false, reason: "malformed" };
  if (payload.p !== purpose) return { ok: false, reason: "wrong_purpose" };
  if (payload.e !== undefined && now.getTime() > payload.e) return { ok: false, reason: "expired" };
  return { ok: true, payload };
}
