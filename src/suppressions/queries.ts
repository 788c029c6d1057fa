// Every query of the suppression admin: the latest suppressed hashes (of one reason), every
// reason of some hashes, counts per reason.
import { and, countDistinct, desc, eq, inArray, isNull, max } from "drizzle-orm";
import { contacts, suppressionReasons } from "../../db/schema";
import type { Db } from "../db";

/** The hashes suppressed most recently (for any scope), optionally for one reason. */
export const latestHashes = async (db: Db, reason: string | undefined, limit: number) =>
  (
    await db
      .select({ hash: suppressionReasons.addressHash, last: max(suppressionReasons.at) })
      .from(suppressionReasons)
      .where(reason ? eq(suppressionReasons.reason, reason) : undefined)
      .groupBy(suppressionReasons.addressHash)
      .orderBy(desc(max(suppressionReasons.at)))
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
