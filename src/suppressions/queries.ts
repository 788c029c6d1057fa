// Every query of the suppression admin: the list by date, by reason, one hash, and removal.
import { and, count, desc, eq, isNull } from "drizzle-orm";
import { contacts, suppressions } from "../../db/schema";
import type { Db } from "../db";

/** Suppressions with the address of the contact behind each hash, when one is still known. */
const withAddress = (db: Db) =>
  db
    .select({
      addressHash: suppressions.addressHash,
      reason: suppressions.reason,
      createdAt: suppressions.createdAt,
      email: contacts.email,
    })
    .from(suppressions)
    .leftJoin(
      contacts,
      and(eq(contacts.emailHash, suppressions.addressHash), isNull(contacts.erasedAt)),
    );

export const latestSuppressions = (db: Db, reason: string | undefined, limit: number) =>
  withAddress(db)
    .where(reason ? eq(suppressions.reason, reason) : undefined)
    .orderBy(desc(suppressions.createdAt))
    .limit(limit);

export const suppressionByHash = async (db: Db, hash: string) =>
  (await withAddress(db).where(eq(suppressions.addressHash, hash)).limit(1))[0];

export const countsByReason = (db: Db) =>
  db
    .select({ reason: suppressions.reason, n: count() })
    .from(suppressions)
    .groupBy(suppressions.reason)
    .orderBy(suppressions.reason);

export const deleteSuppression = (db: Db, hash: string) =>
  db.delete(suppressions).where(eq(suppressions.addressHash, hash));
