// What start does with the keys, on Node and on Workers alike: pick the current key, refuse a key
// the database does not know, and after a rotation re-key what can be re-keyed.
import { settings } from "../../db/schema";
import { resealTotpSecrets } from "../auth/totp";
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
  ROTATION_SETTING,
  type RotationMark,
} from "./ring";

export type SettledKeys = {
  current: string;
  previous: string[];
  /** The fingerprint of the key the database was used with before this start, if known. */
  stored: string | undefined;
  /** Whether the database held that fingerprint (older databases did not keep one). */
  recorded: boolean;
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
  const recorded = await readSetting(db, FINGERPRINT_SETTING);
  const stored = recorded ?? (generated === undefined ? undefined : fingerprintOf(generated));
  if (stored !== undefined && matchFingerprint(stored, current, previous) === "unknown") {
    throw new KeyMismatch();
  }
  return { current, previous, stored, recorded: recorded !== undefined };
}

async function rotationMark(deps: Deps): Promise<RotationMark> {
  const { rows } = await deps.client.execute(`SELECT
      (SELECT coalesce(max(id), 0) FROM outbox_messages) AS message,
      (SELECT coalesce(max(id), 0) FROM poll_votes) AS vote,
      (SELECT coalesce(max(id), 0) FROM login_failures) AS failure`);
  const row = rows[0];
  return {
    at: deps.clock.now().toISOString(),
    message: Number(row?.message ?? 0),
    vote: Number(row?.vote ?? 0),
    failure: Number(row?.failure ?? 0),
  };
}

const writeSetting = (db: Db, key: string, value: string) =>
  db.insert(settings).values({ key, value }).onConflictDoUpdate({
    target: settings.key,
    set: { value },
  });

/**
 * Records that the database is now used with the current key. After a rotation, contacts and
 * their suppressions are re-keyed first, so a start cut short redoes it rather than forgets it.
 */
export async function settleKeyChange(deps: Deps, keys: SettledKeys) {
  const now = fingerprintOf(keys.current);
  await labelUnlabelledHashes(deps, (keys.stored ?? now).slice(0, 12));
  if (keys.stored === now && keys.recorded) return;
  if (keys.stored !== undefined && keys.stored !== now) {
    await rekeyContacts(deps);
    await resealTotpSecrets(deps);
    // What was signed before this mark may be under the previous key (see rotate-report).
    await writeSetting(deps.db, ROTATION_SETTING, JSON.stringify(await rotationMark(deps)));
  }
  await writeSetting(deps.db, FINGERPRINT_SETTING, now);
}
