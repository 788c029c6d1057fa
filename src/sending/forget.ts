// What the sending pipeline forgets of a person being erased: the rendered copies of mail sent
// to them, and their address in the errors of the batches their messages were in.
import { sql } from "drizzle-orm";
import type { Db } from "../db";
import { mentionsErased, personOf, scrubbed } from "../sql-scrub";
import { keptMessages } from "./queries";

/**
 * Statements to run before the contact's address is nulled (they match by it). A batch still in
 * flight keeps its copy, so that a retry stays identical under its key; the dispatcher removes it
 * when the batch is finished (`forgetErasedInBatch`).
 */
export const forgetContact = (db: Db, contactId: number) => [
  db.run(sql`
    UPDATE batch_payloads
    SET messages = ${keptMessages(
      sql`batch_payloads.messages`,
      sql`j.value ->> '$.id' NOT IN (SELECT id FROM outbox_messages WHERE contact_id = ${contactId})`,
    )}
    WHERE batch_id IN (
      SELECT b.id FROM outbox_messages o JOIN send_batches b ON b.id = o.batch_id
      WHERE o.contact_id = ${contactId} AND b.status <> 'pending')`),
  db.run(sql`
    UPDATE outbox_messages SET error = ${scrubbed(sql`error`)}
    FROM ${personOf(contactId)} AS erased
    WHERE outbox_messages.batch_id IN (SELECT batch_id FROM outbox_messages WHERE contact_id = ${contactId})
      AND ${mentionsErased(sql`error`)}`),
  db.run(sql`
    UPDATE send_batches SET last_error = ${scrubbed(sql`last_error`)}
    FROM ${personOf(contactId)} AS erased
    WHERE send_batches.id IN (SELECT batch_id FROM outbox_messages WHERE contact_id = ${contactId})
      AND ${mentionsErased(sql`last_error`)}`),
];
