// Password hashing with scrypt (OWASP's N=2^14, r=8, p=5): pure JS, so identical on Node and
// Workers, whose WebCrypto refuses PBKDF2 above 100,000 iterations.
import { scryptAsync } from "@noble/hashes/scrypt.js";
import { constantTimeEqual, toBase64Url } from "../crypto";

const PARAMS = { N: 2 ** 14, r: 8, p: 5, dkLen: 32 };

function fromBase64Url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)), (c) =>
    c.charCodeAt(0),
  );
}

/** Returns `scrypt$N$r$p$salt$hash`, so parameters can be raised later without breaking old hashes. */
export async function hashPassword(password: string, salt: Uint8Array): Promise<string> {
  const key = await scryptAsync(password.normalize("NFKC"), salt, PARAMS);
  return ["scrypt", PARAMS.N, PARAMS.r, PARAMS.p, toBase64Url(salt), toBase64Url(key)].join("$");
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !n || !r || !p || !salt || !hash) return false;
  const key = await scryptAsync(password.normalize("NFKC"), fromBase64Url(salt), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    dkLen: 32,
  });
  return constantTimeEqual(toBase64Url(key), hash);
}
