// What start does with the keys, on Node and on Workers alike: pick the current key, refuse a key
// the database does not know, and after a rotation re-key what can be re-keyed.
import { settings } from "../../db/schema";
import type { Config } from "../config";
import { toBase64Url } from "../crypto";
import type { Db } from "../db";
import type { Deps } from "../deps";
import { readOrCreateSetting, readSetting } from "../settings";
import { labelUnlabelledHashes, rekeyContacts } from "./rekey";
import {
  FINGERPRINT_SETTING,
  fingerprintOf,
  GENERATED_KEY_SETTING,
  KeyMismatch,
  matchFingerprint,
  previousKeys,
} from "./ring";

export type SettledKeys = {
  current: string;
  previous: string[];
  /** The fingerprint the database held before this start, if any. */
  stored: string | undefined;
};

/**
 * The current key (SECRET_KEY, else the generated one, created on a first start) and the keys
 * before it. A key generated before SECRET_KEY was given counts as a previous key: it is in the
 * database already, and without it every link mailed until then would break.
 * Throws KeyMismatch when the database was used with a key none of these is.
 */
export async function resolveKeys(
  db: Db,
  config: Pick<Config, "secretKey" | "secretKeyPrevious">,
  randomBytes: (n: number) => Uint8Array,
): Promise<SettledKeys> {
  const generated = await readSetting(db, GENERATED_KEY_SETTING);
  const current =
    config.secretKey ??
    generated ??
    (await readOrCreateSetting(db, GENERATED_KEY_SETTING, () => toBase64Url(randomBytes(32))));
  const previous = previousKeys(current, [...config.secretKeyPrevious, generated]);
  // A database from before fingerprints were kept: a generated key tells which key it used.
  const stored =
    (await readSetting(db, FINGERPRINT_SETTING)) ??
    (generated === undefined ? undefined : fingerprintOf(generated));
  if (stored !== undefined && matchFingerprint(stored, current, previous) === "unknown") {
    throw new KeyMismatch();
  }
  return { current, previous, stored };
}

/**
 * Records that the database is now used with the current key. After a rotation, contacts and
 * their suppressions are re-keyed first, so a start cut short redoes it rather than forgets it.
 */
export async function settleKeyChange(deps: Deps, keys: SettledKeys) {
  const now = fingerprintOf(keys.current);
  await labelUnlabelledHashes(deps, (keys.stored ?? now).slice(0, 12));
  if (keys.stored === now) return;
  if (keys.stored !== undefined) await rekeyContacts(deps);
  await deps.db
    .insert(settings)
    .values({ key: FINGERPRINT_SETTING, value: now })
    .onConflictDoUpdate({ target: settings.key, set: { value: now } });
}
