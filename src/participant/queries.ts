// Every query the participant site runs: memberships, registrations, subscriptions, the export.
import { and, asc, eq, gt, sql } from "drizzle-orm";
import {
  consentEvents,
  contacts,
  listMembers,
  lists,
  type MailTemplate,
  outboxMessages,
  pollOptions,
  polls,
  pollVotes,
  registrations,
  type StoredMessage,
  sends,
  suppressionReasons,
  suppressions,
  webhookEvents,
} from "../../db/schema";
import type { Db } from "../db";
import { storedMail } from "../sending/templates";

export type Registration = typeof registrations.$inferSelect;

/** Every list a contact is on, with its state, in list order. */
export const memberships = (db: Db, contactId: number) =>
  db
    .select({
      listId: lists.id,
      slug: lists.slug,
      name: lists.name,
      purpose: lists.purpose,
      status: listMembers.status,
    })
    .from(listMembers)
    .innerJoin(lists, eq(lists.id, listMembers.listId))
    .where(eq(listMembers.contactId, contactId))
    .orderBy(asc(lists.id));

export const findRegistration = async (db: Db, listId: number, contactId: number) =>
  (
    await db
      .select()
      .from(registrations)
      .where(and(eq(registrations.listId, listId), eq(registrations.contactId, contactId)))
      .limit(1)
  )[0];

/** One registration per (list, contact): a second save edits the first. */
export const upsertRegistration = (
  db: Db,
  row: { listId: number; contactId: number; data: Record<string, string>; at: string },
) =>
  db
    .insert(registrations)
    .values({
      listId: row.listId,
      contactId: row.contactId,
      data: row.data,
      createdAt: row.at,
      updatedAt: row.at,
    })
    .onConflictDoUpdate({
      target: [registrations.listId, registrations.contactId],
      set: { data: row.data, updatedAt: row.at },
    });

export const registrationsOfList = (db: Db, listId: number) =>
  db
    .select()
    .from(registrations)
    .where(eq(registrations.listId, listId))
    .orderBy(asc(registrations.id));

export const setRegistrationsClose = (db: Db, listId: number, closeAt: string | null) =>
  db.update(lists).set({ registrationsCloseAt: closeAt }).where(eq(lists.id, listId));

/** The contact's preferred language, kept as the `language` attribute the mail renderer reads. */
export const setLanguageAttribute = (db: Db, contactId: number, lang: string, at: string) =>
  db
    .update(contacts)
    .set({
      attributes: sql`json_set(coalesce(${contacts.attributes}, '{}'), '$.language', ${lang})`,
      updatedAt: at,
    })
    .where(and(eq(contacts.id, contactId), sql`${contacts.erasedAt} IS NULL`));

/** Erasure: the person's contest entries. */
export const forgetContact = (db: Db, contactId: number) =>
  db.delete(registrations).where(eq(registrations.contactId, contactId));

// ---- Public subscription ----------------------------------------------------------------

/** Whether a confirmation mail to this member was queued since `since`. */
export const confirmationSentSince = async (
  db: Db,
  member: { listId: number; contactId: number },
  since: string,
) =>
  (
    await db
      .select({ id: outboxMessages.id })
      .from(outboxMessages)
      .innerJoin(sends, eq(sends.id, outboxMessages.sendId))
      .where(
        and(
          eq(sends.kind, "subscribe"),
          eq(sends.listId, member.listId),
          eq(outboxMessages.contactId, member.contactId),
          gt(sends.createdAt, since),
        ),
      )
      .limit(1)
  ).length > 0;

// ---- Export -------------------------------------------------------------------------------

export const consentEventsOf = (db: Db, contactId: number) =>
  db
    .select({
      listId: consentEvents.listId,
      event: consentEvents.event,
      at: consentEvents.at,
      source: consentEvents.source,
      textVersion: consentEvents.textVersion,
      ipHash: consentEvents.ipHash,
      uaFamily: consentEvents.uaFamily,
    })
    .from(consentEvents)
    .where(eq(consentEvents.contactId, contactId))
    .orderBy(asc(consentEvents.id));

export const registrationsOf = (db: Db, contactId: number) =>
  db
    .select()
    .from(registrations)
    .where(eq(registrations.contactId, contactId))
    .orderBy(asc(registrations.id));

/** The messages Relance queued for a contact, with what each said (its batch's copy, filled in). */
export const messagesOf = async (db: Db, contactId: number) =>
  (
    await db
      .select({
        id: outboxMessages.id,
        listId: sends.listId,
        kind: sends.kind,
        status: outboxMessages.status,
        error: outboxMessages.error,
        outcome: outboxMessages.outcome,
        outcomeAt: outboxMessages.outcomeAt,
        providerId: outboxMessages.providerId,
        stored: sql<string | null>`(
          SELECT json_array(json(j.value), json(p.templates)) FROM batch_payloads p, json_each(p.messages) AS j
          WHERE p.batch_id = ${outboxMessages.batchId} AND j.value ->> '$.id' = ${outboxMessages.id})`,
        updatedAt: outboxMessages.updatedAt,
      })
      .from(outboxMessages)
      .innerJoin(sends, eq(sends.id, outboxMessages.sendId))
      .where(eq(outboxMessages.contactId, contactId))
      .orderBy(asc(outboxMessages.id))
  ).map(({ stored, ...message }) => {
    const [copy, templates] = stored
      ? (JSON.parse(stored) as [StoredMessage, Record<string, MailTemplate>])
      : [];
    return { ...message, payload: (copy && templates && storedMail(copy, templates)) || null };
  });

/** The provider's events about a contact's messages (delivery, bounce, complaint), oldest first. */
export const providerEventsOf = (db: Db, contactId: number) =>
  db
    .select({
      type: webhookEvents.type,
      kind: webhookEvents.kind,
      messageId: webhookEvents.messageId,
      effect: webhookEvents.effect,
      payload: webhookEvents.payload,
      receivedAt: webhookEvents.receivedAt,
    })
    .from(webhookEvents)
    .where(eq(webhookEvents.contactId, contactId))
    .orderBy(asc(webhookEvents.id));

/** Whether an address hash is suppressed for every list, and each reason kept for it. */
export async function suppressionOf(db: Db, addressHash: string) {
  const [row] = await db
    .select({ createdAt: suppressions.createdAt })
    .from(suppressions)
    .where(eq(suppressions.addressHash, addressHash));
  const reasons = await db
    .select({
      listId: suppressionReasons.listId,
      reason: suppressionReasons.reason,
      at: suppressionReasons.at,
      source: suppressionReasons.source,
    })
    .from(suppressionReasons)
    .where(eq(suppressionReasons.addressHash, addressHash))
    .orderBy(asc(suppressionReasons.id));
  return { since: row?.createdAt ?? null, reasons };
}

/** An invite-only poll and what its invited voter (by pseudonym) chose, if anything. */
export async function invitedPollOf(db: Db, pollId: number, voter: string) {
  const [poll] = await db
    .select({ slug: polls.slug, question: polls.question })
    .from(polls)
    .where(eq(polls.id, pollId));
  if (!poll) return undefined;
  const ballot = await db
    .select({ label: pollOptions.label, at: pollVotes.createdAt })
    .from(pollVotes)
    .innerJoin(pollOptions, eq(pollOptions.id, pollVotes.optionId))
    .where(and(eq(pollVotes.pollId, pollId), eq(pollVotes.voter, voter)))
    .orderBy(asc(pollOptions.position));
  return { ...poll, ballot };
}
