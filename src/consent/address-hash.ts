// Salted hashes of addresses (HMAC-SHA256 of the address key under SECRET_KEY): what suppression
// is keyed by, so a suppressed address is recognised without being kept.
import { toHex } from "../crypto";

const encoder = new TextEncoder();

/** Returns a hasher that imports the key once: an import hashes every row with it. */
export function addressHasher(secret: string): (key: string) => Promise<string> {
  const hmacKey = crypto.subtle.importKey(
    "raw",
    encoder.encode(`address:${secret}`),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return async (key) =>
    toHex(new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey, encoder.encode(key))));
}
