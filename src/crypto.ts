// Small crypto helpers shared by sessions, tokens and hashed identifiers. node:crypto is
// synchronous (Workers provides it under the nodejs_compat flag): WebCrypto's per-call async
// round trip cost several times the hash itself on the paths that hash per message or request.
import { createHash, createHmac, createSecretKey, type KeyObject } from "node:crypto";

const encoder = new TextEncoder();

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** One base64url digit (module level: a closure per call cost more than the encoding). */
const digit = (n: number) => BASE64URL[n & 63] as string;

/** Base64url without padding, of `bytes` (or of its first `length` bytes). */
export function toBase64Url(bytes: Uint8Array, length = bytes.length): string {
  let out = "";
  let i = 0;
  for (; i + 2 < length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += digit(n >> 18) + digit(n >> 12) + digit(n >> 6) + digit(n);
  }
  if (i < length) {
    const n = ((bytes[i] ?? 0) << 16) | (i + 1 < length ? (bytes[i + 1] ?? 0) << 8 : 0);
    out += digit(n >> 18) + digit(n >> 12) + (i + 1 < length ? digit(n >> 6) : "");
  }
  return out;
}

/** SHA-256, hex-encoded. */
export async function sha256Hex(text: string): Promise<string> {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Imported HMAC keys by secret: a process holds one or two secrets, each imported once. */
const hmacKeys = new Map<string, KeyObject>();

/**
 * HMAC-SHA256 of `text` under `secret`: link tokens, voter cookies and salted hashes of addresses
 * need one per message or request, so the key is imported once rather than on every call.
 */
export function hmacSha256(secret: string, text: string, encoding: "hex" | "base64url"): string {
  let key = hmacKeys.get(secret);
  if (!key) {
    if (hmacKeys.size >= 16) hmacKeys.clear();
    key = createSecretKey(Buffer.from(secret, "utf8"));
    hmacKeys.set(secret, key);
  }
  return createHmac("sha256", key).update(text, "utf8").digest(encoding);
}

/** Compares two strings in time independent of where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
