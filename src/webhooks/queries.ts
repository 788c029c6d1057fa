// Every query the webhook endpoint and the retention job run.
import { and, count, desc, eq, gte, isNotNull, sql } from "drizzle-orm";
import { contacts, outboxMessages, webhookEvents } from "../../db/schema";
import type { Db } from "../db";
import { mentionsErased, personOf, scrubbed } from "../sql-scrub";

export type WebhookEvent = typeof webhookEvents.$inferSelect;
export type NewWebhookEvent = typeof webhookEvents.$inferInsert;
export type Outcome = "delivered" | "bounced" | "complained";

export const isStored = async (db: Db, svixId: string) =>
  (
    await db
      .select({ id: webhookEvents.id })
      .from(webhookEvents)
      .where(eq(webhookEvents.svixId, svixId))
      .limit(1)
  ).length > 0;

/** A list of values as one parameter, read back by `json_each` (see insertEvents). */
const asJson = (values: readonly unknown[]) => JSON.stringify(values);

/**
 * One statement for many events (a group commit's): any svix-id already stored fails it whole.
 * The rows travel as one JSON parameter, so the statement's text is the same for any number of
 * rows: the driver reuses one prepared statement, and no SQL is built per row.
 */
export const insertEvents = (db: Db, rows: NewWebhookEvent[]) =>
  db.run(sql`
    INSERT INTO webhook_events (svix_id, type, kind, provider_id, message_id, send_id, contact_id,
                                effect, payload, received_at)
    SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5,
           value ->> 6, value ->> 7, value ->> 8, value ->> 9
    FROM json_each(${asJson(
      rows.map((r) => [
        r.svixId,
        r.type,
        r.kind,
        r.providerId ?? null,
        r.messageId ?? null,
        r.sendId ?? null,
        r.contactId ?? null,
        r.effect,
        r.payload,
        r.receivedAt,
      ]),
    )})`);

const knownMessage = {
  id: outboxMessages.id,
  sendId: outboxMessages.sendId,
  // Never null here: the inner join leaves out a test send's message, which has no contact.
  contactId: sql<number>`${outboxMessages.contactId}`.mapWith(Number),
  status: outboxMessages.status,
  outcome: outboxMessages.outcome,
  emailKey: contacts.emailKey,
};

/** The message the provider knows by `providerId`, with its contact's address key. */
export const messageByProviderId = async (db: Db, providerId: string) =>
  (
    await db
      .select(knownMessage)
      .from(outboxMessages)
      .innerJoin(contacts, eq(contacts.id, outboxMessages.contactId))
      .where(eq(outboxMessages.providerId, providerId))
      .orderBy(desc(outboxMessages.id))
      .limit(1)
  )[0];

export type KnownMessage = NonNullable<Awaited<ReturnType<typeof messageByProviderId>>>;

/** `messageByProviderId` for many provider ids at once, by provider id. */
export async function messagesByProviderIds(db: Db, providerIds: string[]) {
  const found = new Map<string, KnownMessage>();
  if (providerIds.length === 0) return found;
  const rows = await db
    .select({ ...knownMessage, providerId: outboxMessages.providerId })
    .from(outboxMessages)
    .innerJoin(contacts, eq(contacts.id, outboxMessages.contactId))
    .where(
      sql`${outboxMessages.providerId} IN (SELECT value FROM json_each(${asJson(providerIds)}))`,
    )
    .orderBy(outboxMessages.id);
  // The latest message wins, as in messageByProviderId.
  for (const { providerId, ...message } of rows) if (providerId) found.set(providerId, message);
  return found;
}

export const transientBouncesSince = async (db: Db, contactId: number, since: string) =>
  (
    await db
      .select({ n: count() })
      .from(webhookEvents)
      .where(
        and(
          eq(webhookEvents.contactId, contactId),
          eq(webhookEvents.kind, "bounced_transient"),
          gte(webhookEvents.receivedAt, since),
        ),
      )
  )[0]?.n ?? 0;

/**
 * Records what the provider said about messages, one statement for all those with the same
 * outcome. A worse outcome replaces a better one (delivered < bounced < complained: a bounce or a
 * complaint can follow a delivery), never the reverse, so a late `delivered` cannot hide a bounce.
 */
export const setOutcomes = (db: Db, outcome: Outcome, messageIds: number[], at: string) => {
  const replaceable: Outcome[] =
    outcome === "complained"
      ? ["delivered", "bounced"]
      : outcome === "bounced"
        ? ["delivered"]
        : [];
  return db.run(sql`
    UPDATE outbox_messages SET outcome = ${outcome}, outcome_at = ${at}, updated_at = ${at}
    WHERE id IN (SELECT value FROM json_each(${asJson(messageIds)}))
      AND (outcome IS NULL OR outcome IN (SELECT value FROM json_each(${asJson(replaceable)})))`);
};

export const failMessage = (db: Db, messageId: number, error: string, at: string) =>
  db
    .update(outboxMessages)
    .set({ status: "failed", error, updatedAt: at })
    .where(and(eq(outboxMessages.id, messageId), eq(outboxMessages.status, "sent")));

/** Deletes up to `limit` events received before `cutoff`; returns how many. */
export const deleteEventsBefore = async (db: Db, cutoff: string, limit: number) =>
  (
    await db.run(sql`
      DELETE FROM webhook_events WHERE id IN (
        SELECT id FROM webhook_events WHERE received_at < ${cutoff} LIMIT ${limit})`)
  ).rowsAffected;

export const inboundEvents = (db: Db, limit: number) =>
  db
    .select()
    .from(webhookEvents)
    .where(eq(webhookEvents.kind, "received"))
    .orderBy(desc(webhookEvents.id))
    .limit(limit);

/**
 * Erasure: the provider's words may quote the address (a bounce message) or come from the person
 * (mail they sent in). Events about them, and any other event naming the address, keep their row
 * (a replayed svix-id must stay a no-op) but not their words: the body takes the shape of
 * `erasedEventBody`, which later events about them are stored as, and the effect loses the text.
 * Run before the contact's address is nulled (it matches by it).
 */
export const forgetContact = (db: Db, contactId: number) =>
  db.run(sql`
    UPDATE webhook_events
    SET payload = json_object('type', type, 'data', json_object(
          'email_id', provider_id, 'from', '[erased]', 'to', json_array(), 'subject', '')),
        effect = CASE WHEN webhook_events.contact_id = ${contactId}
          THEN 'About a contact since erased (' || kind || '): the provider''s words are not kept.'
          ELSE ${scrubbed(sql`effect`)} END
    FROM ${personOf(contactId)} AS erased
    WHERE webhook_events.contact_id = ${contactId}
       -- Events matched to no contact (inbound mail, unknown messages): few, so read in full.
       OR (webhook_events.contact_id IS NULL
           AND (${mentionsErased(sql`payload`)} OR ${mentionsErased(sql`effect`)}))`);

/** Which of these svix-ids are already stored. */
export const storedAmong = async (db: Db, svixIds: string[]) =>
  new Set(
    (
      await db
        .select({ svixId: webhookEvents.svixId })
        .from(webhookEvents)
        .where(sql`${webhookEvents.svixId} IN (SELECT value FROM json_each(${asJson(svixIds)}))`)
    ).map((r) => r.svixId),
  );

/** A send's `limit` latest outcomes, oldest first, in the order the breaker reads them. */
export const latestOutcomes = async (db: Db, sendId: number, limit: number) =>
  (
    await db
      .select({ outcome: outboxMessages.outcome })
      .from(outboxMessages)
      .where(and(eq(outboxMessages.sendId, sendId), isNotNull(outboxMessages.outcome)))
      .orderBy(desc(outboxMessages.outcomeAt), desc(outboxMessages.id))
      .limit(limit)
  )
    .map((r) => r.outcome as Outcome)
    .reverse();
