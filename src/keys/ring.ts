// The keys an instance holds: SECRET_KEY signs and hashes everything new; the keys before a
// rotation (SECRET_KEY_PREVIOUS, and a key generated before SECRET_KEY was given) only verify and
// match what they made. The database keeps a fingerprint of the key it was used with, never the
// key, so a start with another key is told apart from a start with the same one.
import { ConfigError } from "../config";
import { hmacSha256 } from "../crypto";
import type { Deps } from "../deps";

/** The setting holding the fingerprint of the key the database was last used with. */
export const FINGERPRINT_SETTING = "secret_key_fingerprint";
/**
 * The last rotation: when, and the last message, vote and sign-in failure made before it (by id,
 * which a clock set wrong cannot reorder). What came before may be under an older key.
 */
export const ROTATION_SETTING = "secret_key_rotation";

export type RotationMark = { at: string; message: number; vote: number; failure: number };
/** The setting holding the key generated on a first start without SECRET_KEY (Node only). */
export const GENERATED_KEY_SETTING = "secret_key";

/** A keyed digest of a fixed label: equal for equal keys, and says nothing about the key. */
export const fingerprintOf = (key: string) =>
  hmacSha256(key, "relance-secret-key-fingerprint", "hex").slice(0, 32);

/** What a suppression row's `key_id` holds: the start of the fingerprint of its hash's key. */
export const keyIdOf = (key: string) => fingerprintOf(key).slice(0, 12);

/** Every key that may have signed or hashed something: the current one first (the cheap case). */
export const keyRing = (deps: Pick<Deps, "config">): readonly string[] => [
  deps.config.secretKey,
  ...deps.config.secretKeyPrevious,
];

/** The one line a start with an unknown key refuses with. */
export class KeyMismatch extends ConfigError {
  constructor() {
    super(
      "SECRET_KEY is not the key this database was used with: set SECRET_KEY back, or keep the new one and give the old one in SECRET_KEY_PREVIOUS (comma-separated if several) so links, cookies and suppressions made with it still hold.",
    );
  }
}

/**
 * Which configured key the stored fingerprint names: "current" (no rotation), the previous key
 * it matches (a rotation from that key), or "unknown" (refuse to start).
 */
export function matchFingerprint(
  stored: string,
  current: string,
  previous: readonly string[],
): "current" | "unknown" | { from: string } {
  if (stored === fingerprintOf(current)) return "current";
  const from = previous.find((key) => fingerprintOf(key) === stored);
  return from === undefined ? "unknown" : { from };
}

/** Distinct keys other than `current`, in the order given. */
export const previousKeys = (current: string, candidates: readonly (string | undefined)[]) => [
  ...new Set(candidates.filter((key): key is string => key !== undefined && key !== current)),
];
