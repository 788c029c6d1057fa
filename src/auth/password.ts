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

/** Hashes and checks admin passwords; one per app (it is held in deps). */
export type Passwords = {
  /** Returns `scrypt$N$r$p$salt$hash`, so parameters can be raised later without breaking old hashes. */
  hash(password: string): Promise<string>;
  /** Checks `password` against `stored`; without one, spends the same time and answers false. */
  verify(password: string, stored: string | undefined): Promise<boolean>;
};

export function createPasswords(randomBytes: (n: number) => Uint8Array): Passwords {
  // Checked against when the address is unknown, so that answer takes as long as a wrong password.
  let dummy: Promise<string> | undefined;
  const hash = async (password: string) => {
    const salt = randomBytes(16);
    const key = await scryptAsync(password.normalize("NFKC"), salt, PARAMS);
    return ["scrypt", PARAMS.N, PARAMS.r, PARAMS.p, toBase64Url(salt), toBase64Url(key)].join("$");
  };
  const verify = async (password: string, stored: string | undefined) => {
    dummy ??= hash("not a password");
    const known = stored !== undefined;
    const [scheme, n, r, p, salt, expected] = (stored ?? (await dummy)).split("$");
    if (scheme !== "scrypt" || !n || !r || !p || !salt || !expected) return false;
    const key = await scryptAsync(password.normalize("NFKC"), fromBase64Url(salt), {
      N: Number(n),
      r: Number(r),
      p: Number(p),
      dkLen: 32,
    });
    return constantTimeEqual(toBase64Url(key), expected) && known;
  };
  return { hash, verify };
}
