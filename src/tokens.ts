// Signed, purpose-bound tokens for the links in mail (/c/, /u/, /p/): an HMAC over a small JSON
// payload. A token for one purpose never opens another, and a changed byte never verifies.
import { constantTimeEqual, hmacSha256, toBase64Url } from "./crypto";

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

const encoder = new TextEncoder();

function fromBase64Url(text: string): string {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

/** The UTF-8 bytes of `text` in a shared buffer (grown when needed); returns their count. */
let bytes = new Uint8Array(256);
function encodeShared(text: string): number {
  if (text.length * 3 > bytes.length) bytes = new Uint8Array(text.length * 3);
  return encoder.encodeInto(text, bytes).written;
}

/** The token's signature: an HMAC under a key of its own, derived from SECRET_KEY. */
const mac = (secret: string, body: string) =>
  hmacSha256(`relance-token:${secret}`, body, "base64url");

export async function signToken(secret: string, payload: TokenPayload): Promise<string> {
  const length = encodeShared(JSON.stringify(payload)); // first: it may replace the buffer
  const body = toBase64Url(bytes, length);
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
    payload = JSON.parse(fromBase64Url(body)) as TokenPayload;
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (payload.p !== purpose) return { ok: false, reason: "wrong_purpose" };
  if (typeof payload.c !== "number") return { ok: false, reason: "malformed" };
  if (payload.e !== undefined && now.getTime() > payload.e) return { ok: false, reason: "expired" };
  return { ok: true, payload };
}
