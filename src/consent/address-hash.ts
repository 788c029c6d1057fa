// Salted hashes of addresses (HMAC-SHA256 of the address key under SECRET_KEY): what suppression
// is keyed by, so a suppressed address is recognised without being kept.
//
// node:crypto rather than crypto.subtle: an import hashes every row, and WebCrypto's per-call
// async round trip costs about 26 µs against 4 µs here. Workers provides node:crypto's
// createHmac under the nodejs_compat flag, and both compute the same HMAC.
import { createHmac } from "node:crypto";

export function addressHasher(secret: string): (key: string) => string {
  const keyBytes = `address:${secret}`;
  return (key) => createHmac("sha256", keyBytes).update(key, "utf8").digest("hex");
}
