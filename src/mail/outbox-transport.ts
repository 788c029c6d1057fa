// The `outbox` transport: mail is stored in the database for the admin to read, never sent.
import { and, desc, lt, sql } from "drizzle-orm";
import { mailOutbox } from "../../db/schema";
import type { Db } from "../db";
import type { Clock } from "../deps";
import {
  type BatchOutcome,
  envelopeHeaders,
  headerSafe,
  MAX_BATCH,
  type MailMessage,
  type MailProvider,
} from "./provider";

export function outboxProvider(
  db: Db,
  clock: Clock,
  settings: { from: string; replyTo: string },
): MailProvider {
  return {
    name: "outbox",
    async sendBatch(messages: MailMessage[], idempotencyKey: string): Promise<BatchOutcome> {
      if (messages.length === 0 || messages.length > MAX_BATCH) {
        return { kind: "rejected", reason: `a batch holds 1 to ${MAX_BATCH} messages` };
      }
      const createdAt = clock.now().toISOString();
      const rows = messages.map((m, position) => ({
        providerId: `outbox-${idempotencyKey}-${position}`,
        idempotencyKey,
        position,
        to: m.to as string,
        from: headerSafe(settings.from),
        replyTo: headerSafe(settings.replyTo),
        subject: headerSafe(m.subject),
        text: m.text,
        html: m.html,
        headers: envelopeHeaders(m),
        createdAt,
      }));
      // Like the provider's Idempotency-Key: the same batch stored twice is stored once.
      await db.insert(mailOutbox).values(rows).onConflictDoNothing();
      return { kind: "sent", results: rows.map((r) => ({ ok: true, providerId: r.providerId })) };
    },
  };
}

export type OutboxMessage = typeof mailOutbox.$inferSelect;

/** The newest stored messages first, optionally only those to one address. */
export function listOutbox(db: Db, options: { to?: string; limit?: number; before?: number } = {}) {
  const filters = [
    // Addresses compare case-insensitively, as everywhere in Relance.
    options.to ? sql`lower(${mailOutbox.to}) = ${options.to.toLowerCase()}` : undefined,
    options.before ? lt(mailOutbox.id, options.before) : undefined,
  ].filter((f) => f !== undefined);
  return db
    .select()
    .from(mailOutbox)
    .where(filters.length ? and(...filters) : undefined)
    .orderBy(desc(mailOutbox.id))
    .limit(options.limit ?? 50);
}

/** Erasure: the dev mailbox's copies of mail to a contact about to be erased (matched by address). */
export const forgetRecipient = (db: Db, contactId: number) =>
  db
    .delete(mailOutbox)
    .where(
      sql`lower(${mailOutbox.to}) = (SELECT lower(email) FROM contacts WHERE id = ${contactId})`,
    );
