// The consent ledger's and the suppression list's reads, and the suppression writer. State
// changes and their events are written by transitions.ts only.
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { consentEvents, listMembers, suppressions } from "../../db/schema";
import type { Db } from "../db";

export type EventContext = {
  at: string;
  source: string;
  actor: string;
  ipHash?: string | null;
  /** The browser family of a participant's own answer (proof of consent), when known. */
  uaFamily?: string | null;
  /**
   * The consent-text version the person was shown, when it is not the list's current one (an
   * invitation quotes the version of its send).
   */
  textVersion?: number;
};

export const findMember = async (db: Db, listId: number, contactId: number) =>
  (
    await db
      .select()
      .from(listMembers)
      .where(and(eq(listMembers.listId, listId), eq(listMembers.contactId, contactId)))
      .limit(1)
  )[0];

export const memberHistory = (db: Db, listId: number, contactId: number) =>
  db
    .select({
      id: consentEvents.id,
      event: consentEvents.event,
      at: consentEvents.at,
      source: consentEvents.source,
      textVersion: consentEvents.textVersion,
      ipHash: consentEvents.ipHash,
      actor: consentEvents.actor,
      uaFamily: consentEvents.uaFamily,
    })
    .from(consentEvents)
    .where(and(eq(consentEvents.listId, listId), eq(consentEvents.contactId, contactId)))
    .orderBy(asc(consentEvents.id));

export const insertSuppression = (db: Db, addressHash: string, reason: string, at: string) =>
  db.insert(suppressions).values({ addressHash, reason, createdAt: at }).onConflictDoNothing();

export const suppressedAmong = async (db: Db, hashes: string[]) =>
  hashes.length === 0
    ? []
    : (
        await db
          .select({ hash: suppressions.addressHash })
          .from(suppressions)
          .where(inArray(suppressions.addressHash, hashes))
      ).map((r) => r.hash);

/** Members still `pending` whose subscription was recorded at or before `cutoff`. */
export const stalePendingMembers = (db: Db, cutoff: string, limit: number) =>
  db.all<{ listId: number; contactId: number }>(sql`
    SELECT m.list_id AS listId, m.contact_id AS contactId FROM list_members m
    WHERE m.status = 'pending'
      AND (SELECT max(e.at) FROM consent_events e
           WHERE e.list_id = m.list_id AND e.contact_id = m.contact_id
             AND e.event = 'subscribed') <= ${cutoff}
    ORDER BY m.id
    LIMIT ${limit}`);

/** Whether the contact holds a membership that keeps them: confirmed, pending or invited. */
export const holdsActiveMembership = async (db: Db, contactId: number) =>
  (
    await db
      .select({ id: listMembers.id })
      .from(listMembers)
      .where(
        and(
          eq(listMembers.contactId, contactId),
          inArray(listMembers.status, ["confirmed", "pending", "invited"]),
        ),
      )
      .limit(1)
  ).length > 0;
