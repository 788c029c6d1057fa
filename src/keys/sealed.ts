// Small secrets the server must read back (an admin's TOTP secret), sealed with AES-256-GCM under
// a key derived from SECRET_KEY: a copy of the database alone does not reveal them. Opening tries
// the key ring, current key first, so a rotation does not lock anyone out; start re-seals them.
import { createCipheriv, createDecipheriv, createHmac } from "node:crypto";
import { toBase64Url } from "../crypto";

const VERSION = "s1";

/** A 256-bit key for sealing, derived from SECRET_KEY and a fixed label. */
const sealingKey = (secretKey: string) =>
  createHmac("sha256", secretKey).update("relance-sealed-secret").digest();

const fromBase64Url = (text: string) => Buffer.from(text, "base64url");

/** `s1.<iv>.<ciphertext>.<tag>`, base64url; `iv` is 12 fresh random bytes. */
export function seal(secretKey: string, plaintext: string, iv: Uint8Array): string {
  const cipher = createCipheriv("aes-256-gcm", sealingKey(secretKey), iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, toBase64Url(iv), toBase64Url(body), toBase64Url(cipher.getAuthTag())].join(".");
}

/** The sealed text and the key that opened it; undefined when no key of the ring opens it. */
export function unseal(
  keys: readonly string[],
  sealed: string,
): { plaintext: string; key: string } | undefined {
  const [version, iv, body, tag] = sealed.split(".");
  if (version !== VERSION || !iv || body === undefined || !tag) return undefined;
  for (const key of keys) {
    try {
      const decipher = createDecipheriv("aes-256-gcm", sealingKey(key), fromBase64Url(iv));
      decipher.setAuthTag(fromBase64Url(tag));
      const plain = Buffer.concat([decipher.update(fromBase64Url(body)), decipher.final()]);
      return { plaintext: plain.toString("utf8"), key };
    } catch {
      // Not this key (the tag does not verify): try the next one.
    }
  }
  return undefined;
}
