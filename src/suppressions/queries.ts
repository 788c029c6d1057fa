// Every query of the suppression admin: the latest suppressed hashes (of one reason), every
// reason of some hashes, counts per reason.
import { and, asc, countDistinct, desc, eq, inArray, isNull, max, or, sql } from "drizzle-orm";
import { contacts, suppressionReasons } from "../../db/schema";
import { likePattern } from "../contacts/queries";
import type { Db } from "../db";

/** The hashes suppressed most recently (for any scope), optionally for one reason. */
export const latestHashes = async (
  db: Db,
  reason: string | undefined,
  limit: number,
  oldestFirst = false,
) =>
  (
    await db
      .select({ hash: suppressionReasons.addressHash, last: max(suppressionReasons.at) })
      .from(suppressionReasons)
      .where(reason ? eq(suppressionReasons.reason, reason) : undefined)
      .groupBy(suppressionReasons.addressHash)
      .orderBy((oldestFirst ? asc : desc)(max(suppressionReasons.at)))
      .limit(limit)
  ).map((r) => r.hash);

/** Every reason of these hashes, oldest first, with the address of a contact still having it. */
export const reasonsOf = (db: Db, hashes: string[]) =>
  db
    .select({
      addressHash: suppressionReasons.addressHash,
      listId: suppressionReasons.listId,
      reason: suppressionReasons.reason,
      at: suppressionReasons.at,
      source: suppressionReasons.source,
      email: contacts.email,
    })
    .from(suppressionReasons)
    .leftJoin(
      contacts,
      and(eq(contacts.emailHash, suppressionReasons.addressHash), isNull(contacts.erasedAt)),
    )
    .where(inArray(suppressionReasons.addressHash, hashes))
    .orderBy(suppressionReasons.id);

export const countsByReason = (db: Db) =>
  db
    .select({ reason: suppressionReasons.reason, n: countDistinct(suppressionReasons.addressHash) })
    .from(suppressionReasons)
    .groupBy(suppressionReasons.reason)
    .orderBy(suppressionReasons.reason);

export const countSuppressed = async (db: Db) =>
  (
    await db.select({ n: countDistinct(suppressionReasons.addressHash) }).from(suppressionReasons)
  )[0]?.n ?? 0;

/**
 * Hashes whose address or name, as a contact still holds it, contains `text` (SQLite's LIKE
 * ignores ASCII case). An address nobody holds any more is only its hash: found by the full
 * address, never by a part.
 */
export const hashesMatching = async (
  db: Db,
  text: string,
  reason: string | undefined,
  limit: number,
  oldestFirst = false,
) => {
  const pattern = likePattern(text);
  return (
    await db
      .select({ hash: suppressionReasons.addressHash })
      .from(suppressionReasons)
      .innerJoin(
        contacts,
        and(eq(contacts.emailHash, suppressionReasons.addressHash), isNull(contacts.erasedAt)),
      )
      .where(
        and(
          or(
            sql`${contacts.email} LIKE ${pattern} ESCAPE '\\'`,
            sql`${contacts.name} LIKE ${pattern} ESCAPE '\\'`,
          ),
          reason ? eq(suppressionReasons.reason, reason) : undefined,
        ),
      )
      .groupBy(suppressionReasons.addressHash)
      .orderBy((oldestFirst ? asc : desc)(max(suppressionReasons.at)))
      .limit(limit)
  ).map((r) => r.hash);
};
