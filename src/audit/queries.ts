// Every query the audit log runs.
import { and, asc, desc, eq, inArray, lt, sql } from "drizzle-orm";
import { auditLog } from "../../db/schema";
import type { Db } from "../db";
import { mentionsErased, personOf, scrubbed } from "../sql-scrub";

export type AuditEntry = typeof auditLog.$inferSelect;

export const insertEntry = (db: Db, entry: Omit<AuditEntry, "id">) =>
  db.insert(auditLog).values(entry);

/** `oldestFirst`: the log from its beginning (ids grow with time: the id order is the date's). */
export const latestEntries = (
  db: Db,
  limit: number,
  beforeId?: number,
  listId?: number,
  oldestFirst = false,
) =>
  db
    .select()
    .from(auditLog)
    .where(
      and(
        beforeId ? lt(auditLog.id, beforeId) : undefined,
        listId ? eq(auditLog.listId, listId) : undefined,
      ),
    )
    .orderBy(oldestFirst ? asc(auditLog.id) : desc(auditLog.id))
    .limit(limit);

/** Entries holding text an admin typed; every other entry is written from counts and ids. */
const FREE_TEXT_ACTIONS = ["suppression.removed"];

/**
 * Erasure: what an admin typed that names the person (a note when lifting a suppression) loses
 * their address and name; details stay valid JSON. Run before the contact's address is nulled.
 */
export const forgetContact = (db: Db, contactId: number) => {
  const details = scrubbed(sql`details`);
  return db.run(sql`
    UPDATE audit_log
    SET summary = ${scrubbed(sql`summary`)},
        details = CASE WHEN details IS NULL THEN NULL
          WHEN json_valid(${details}) THEN ${details}
          ELSE json_object('note', 'named an erased person') END
    FROM ${personOf(contactId)} AS erased
    WHERE ${inArray(auditLog.action, FREE_TEXT_ACTIONS)}
      AND (${mentionsErased(sql`summary`)} OR ${mentionsErased(sql`details`)})`);
};
