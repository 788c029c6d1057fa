// Signed, purpose-bound tokens for the links in mail (/c/, /u/, /p/): an HMAC over a small JSON
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

/** The token's signature: an HMAC under a key of its own, derived from SECRET_KEY. */
const mac = (secret: string, body: string) =>
  hmacSha256(`relance-token:${secret}`, body, "base64url");

export async function signToken(secret: string, payload: TokenPayload): Promise<string> {
  const body = Buffer.from(JSON.stringify(payload), "utf8").toString("base64url");
  return `${body}.${mac(secret, body)}`;
}

export type TokenCheck =
  | { ok: true; payload: TokenPayload }
  | { ok: false; reason: "malformed" | "bad_signature" | "wrong_purpose" | "expired" };

/** Verifies signature, purpose and expiry; never throws, whatever the input. */
export async function verifyToken(
  secret: string,
  token: string,
  purpose: TokenPurpose,
  now: Date,
): Promise<TokenCheck> {
  if (token.length > 512 || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) {
    return { ok: false, reason: "malformed" };
  }
  const [body = "", signature = ""] = token.split(".");
  if (!constantTimeEqual(mac(secret, body), signature))
    return { ok: false, reason: "bad_signature" };
  let payload: TokenPayload;
  try {
    payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as TokenPayload;
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (payload.p !== purpose) return { ok: false, reason: "wrong_purpose" };
  if (typeof payload.c !== "number") return { ok: false, reason: "malformed" };
  if (payload.e !== undefined && now.getTime() > payload.e) return { ok: false, reason: "expired" };
  return { ok: true, payload };
}
