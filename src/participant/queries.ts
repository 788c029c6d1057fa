// Every query the participant site runs: memberships, registrations, subscriptions, the export.
import { and, asc, eq, gt, sql } from "drizzle-orm";
import {
  consentEvents,
  contacts,
  listMembers,
  lists,
  type MailTemplate,
  outboxMessages,
  registrations,
  type StoredMessage,
  sends,
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
        listId: sends.listId,
        kind: sends.kind,
        status: outboxMessages.status,
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
