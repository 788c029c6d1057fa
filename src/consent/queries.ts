// Every query the consent ledger and the suppression list run. Writers return unexecuted
// statements so that a service can put the event and the state change in one db.batch.
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { consentEvents, listMembers, suppressionReasons, suppressions } from "../../db/schema";
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

/** Where a suppression applies: one list, or every list (`null`). */
export type SuppressionScope = { listId: number | null; source: string };

/**
 * Records one reason for suppressing an address hash: idempotent for the same hash, reason and
 * scope (the first time and source stay). A reason for every list also puts the hash in
 * `suppressions`, which is what eligibility reads.
 */
export function insertSuppression(
  db: Db,
  addressHash: string,
  reason: string,
  at: string,
  scope: SuppressionScope,
): [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]] {
  const reasonRow = db.run(sql`
    INSERT INTO suppression_reasons (address_hash, list_id, reason, at, source)
    SELECT ${addressHash}, ${scope.listId}, ${reason}, ${at}, ${scope.source}
    WHERE NOT EXISTS (SELECT 1 FROM suppression_reasons
                      WHERE address_hash = ${addressHash} AND list_id IS ${scope.listId}
                        AND reason = ${reason})`);
  if (scope.listId !== null) return [reasonRow];
  return [
    reasonRow,
    db.insert(suppressions).values({ addressHash, createdAt: at }).onConflictDoNothing(),
  ];
}

/**
 * Removes the given reasons for every list from a hash; the hash leaves `suppressions` once no
 * reason for every list is left. List-scoped reasons are never lifted.
 */
export const liftSuppressionReasons = (db: Db, addressHash: string, reasons: readonly string[]) =>
  [
    db
      .delete(suppressionReasons)
      .where(
        and(
          eq(suppressionReasons.addressHash, addressHash),
          isNull(suppressionReasons.listId),
          inArray(suppressionReasons.reason, [...reasons]),
        ),
      ),
    db.run(sql`
      DELETE FROM suppressions WHERE address_hash = ${addressHash}
        AND NOT EXISTS (SELECT 1 FROM suppression_reasons
                        WHERE address_hash = ${addressHash} AND list_id IS NULL)`),
  ] as const;

/** Suppression reasons that mean the person's data was erased (an expiry erases only then). */
const ERASING_REASONS = ["erased", "declined", "expired"];

/** The hashes among `hashes` whose person was erased (suppressed for every list for it). */
export const erasedAmong = async (db: Db, hashes: string[]) =>
  hashes.length === 0
    ? []
    : (
        await db
          .selectDistinct({ hash: suppressionReasons.addressHash })
          .from(suppressionReasons)
          .where(
            and(
              inArray(suppressionReasons.addressHash, hashes),
              isNull(suppressionReasons.listId),
              inArray(suppressionReasons.reason, ERASING_REASONS),
            ),
          )
      ).map((r) => r.hash);

/** The hashes among `hashes` suppressed for every list, or (given a list) for that list too. */
export const suppressedAmong = async (db: Db, hashes: string[], listId?: number) =>
  hashes.length === 0
    ? []
    : (
        await db
          .select({ hash: suppressions.addressHash })
          .from(suppressions)
          .where(inArray(suppressions.addressHash, hashes))
          .union(
            db
              .select({ hash: suppressionReasons.addressHash })
              .from(suppressionReasons)
              .where(
                and(
                  inArray(suppressionReasons.addressHash, hashes),
                  eq(suppressionReasons.listId, listId ?? -1),
                ),
              ),
          )
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
