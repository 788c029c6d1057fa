// Salted hashes of addresses (HMAC-SHA256 of the address key under SECRET_KEY): what suppression
// is keyed by, so a suppressed address is recognised without being kept.
// An import hashes every row: synchronously, its key imported once (src/crypto.ts).
import { hmacSha256 } from "../crypto";

export function addressHasher(secret: string): (key: string) => string {
  const keyed = `address:${secret}`;
  return (key) => hmacSha256(keyed, key, "hex");
}
