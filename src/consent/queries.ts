// Every query the consent ledger and the suppression list run. Writers return unexecuted
// statements so that a service can put the event and the state change in one db.batch.
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import {
  consentEvents,
  listMembers,
  lists,
  suppressionReasons,
  suppressions,
} from "../../db/schema";
import type { Db } from "../db";
import type { ConsentEventName, ConsentState } from "./states";

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

/**
 * Appends `event` for one member, only if the member is still in `from`, recording the list's
 * current purpose version. Pair it with `setMemberState` (same guard) in one batch.
 */
export const appendEventIf = (
  db: Db,
  member: { listId: number; contactId: number },
  event: ConsentEventName,
  from: ConsentState,
  ctx: EventContext,
) =>
  db.run(sql`
    INSERT INTO consent_events (list_id, contact_id, event, at, source, text_version, ip_hash, actor, ua_family)
    SELECT m.list_id, m.contact_id, ${event}, ${ctx.at}, ${ctx.source},
           coalesce(${ctx.textVersion ?? null}, l.purpose_version),
           ${ctx.ipHash ?? null}, ${ctx.actor}, ${ctx.uaFamily ?? null}
    FROM list_members m JOIN lists l ON l.id = m.list_id
    WHERE m.list_id = ${member.listId} AND m.contact_id = ${member.contactId}
      AND m.status = ${from}`);

export const setMemberState = (
  db: Db,
  member: { listId: number; contactId: number },
  from: ConsentState,
  to: ConsentState,
  at: string,
) =>
  db
    .update(listMembers)
    .set({ status: to, updatedAt: at })
    .where(
      and(
        eq(listMembers.listId, member.listId),
        eq(listMembers.contactId, member.contactId),
        eq(listMembers.status, from),
      ),
    );

/**
 * Appends `event` on every list a contact is on, except where it already is `to` (or is erased),
 * and except `exceptListId` (an expiry keeps that membership `expired`).
 */
export const appendEventOnAllLists = (
  db: Db,
  contactId: number,
  event: ConsentEventName,
  to: ConsentState,
  ctx: EventContext,
  exceptListId?: number,
) =>
  db.run(sql`
    INSERT INTO consent_events (list_id, contact_id, event, at, source, text_version, ip_hash, actor, ua_family)
    SELECT m.list_id, m.contact_id, ${event}, ${ctx.at}, ${ctx.source}, l.purpose_version,
           ${ctx.ipHash ?? null}, ${ctx.actor}, ${ctx.uaFamily ?? null}
    FROM list_members m JOIN lists l ON l.id = m.list_id
    WHERE m.contact_id = ${contactId} AND m.status <> ${to} AND m.status <> 'erased'
      AND m.list_id IS NOT ${exceptListId ?? null}`);

export const setStateOnAllLists = (
  db: Db,
  contactId: number,
  to: ConsentState,
  at: string,
  exceptListId?: number,
) =>
  db
    .update(listMembers)
    .set({ status: to, updatedAt: at })
    .where(
      and(
        eq(listMembers.contactId, contactId),
        sql`${listMembers.status} <> ${to}`,
        sql`${listMembers.status} <> 'erased'`,
        sql`${listMembers.listId} IS NOT ${exceptListId ?? null}`,
      ),
    );

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

export const currentPurposeVersion = async (db: Db, listId: number) =>
  (await db.select({ v: lists.purposeVersion }).from(lists).where(eq(lists.id, listId)))[0]?.v;
