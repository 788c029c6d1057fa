// Password hashing with scrypt (OWASP's N=2^14, r=8, p=5). node:crypto's scrypt runs on libuv's
// thread pool on Node, so the event loop keeps serving pages while a sign-in is checked (the pure
// JS version held it for about 330 ms per attempt); Workers provides it under nodejs_compat.
// Their WebCrypto refuses PBKDF2 above 100,000 iterations, hence scrypt everywhere.
import { scrypt } from "node:crypto";
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

type ScryptParams = { N: number; r: number; p: number; dkLen: number };

const scryptKey = (password: string, salt: Uint8Array, params: ScryptParams) =>
  new Promise<Uint8Array>((resolve, reject) =>
    scrypt(
      password.normalize("NFKC"),
      salt,
      params.dkLen,
      // 128·N·r bytes is what scrypt needs; Node refuses above maxmem (32 MB by default).
      { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r },
      (error, key) => (error ? reject(error) : resolve(new Uint8Array(key))),
    ),
  );

/** Runs at most `limit` tasks at once; the others wait in line (first come, first served). */
function concurrencyCap(limit: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/**
 * At most `maxConcurrent` hashes at once (libuv's pool has 4 threads, shared with file I/O and
 * DNS): a burst of sign-ins waits in line instead of filling the pool and the memory (16 MB each).
 */
export function createPasswords(
  randomBytes: (n: number) => Uint8Array,
  maxConcurrent = 2,
): Passwords {
  const capped = concurrencyCap(maxConcurrent);
  // Checked against when the address is unknown, so that answer takes as long as a wrong password.
  let dummy: Promise<string> | undefined;
  const hash = async (password: string) => {
    const salt = randomBytes(16);
    const key = await capped(() => scryptKey(password, salt, PARAMS));
    return ["scrypt", PARAMS.N, PARAMS.r, PARAMS.p, toBase64Url(salt), toBase64Url(key)].join("$");
  };
  const verify = async (password: string, stored: string | undefined) => {
    dummy ??= hash("not a password");
    // An unknown address, or an admin with no password yet (invited): the same work, then false.
    const usable = stored?.startsWith("scrypt$") === true;
    const [, n, r, p, salt, expected] = (usable && stored ? stored : await dummy).split("$");
    if (!n || !r || !p || !salt || !expected) return false;
    const params = { N: Number(n), r: Number(r), p: Number(p), dkLen: 32 };
    const key = await capped(() => scryptKey(password, fromBase64Url(salt), params));
    return constantTimeEqual(toBase64Url(key), expected) && usable;
  };
  return { hash, verify };
}
