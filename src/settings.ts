// Instance-wide key/value settings (the generated secret key, which seed steps ran).
import { eq } from "drizzle-orm";
import { settings } from "../db/schema";
import type { Db } from "./db";

export const readSetting = async (db: Db, key: string) =>
  (await db.select().from(settings).where(eq(settings.key, key)).limit(1))[0]?.value;

/** Stores `value` unless the key exists; returns whichever value is stored (race-safe). */
export async function readOrCreateSetting(
  db: Db,
  key: string,
  value: () => string,
): Promise<string> {
  await db.insert(settings).values({ key, value: value() }).onConflictDoNothing();
  const stored = await readSetting(db, key);
  if (stored === undefined) throw new Error(`setting ${key} could not be stored`);
  return stored;
}
