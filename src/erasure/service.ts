// Erasure, the one way a person's data leaves Relance: decline, expiry, the participant's own
// erase, an admin's delete (one or in bulk) and retention all come here. Each domain says what it
// forgets of a contact (`forgetContact`); this module puts them in one batch with the ledger
// events and the suppression, then has the database file drop the old pages.
import { sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import * as audit from "../audit/queries";
import * as consent from "../consent/queries";
import { hashAddress } from "../consent/service";
import { actorKindOf, moveOnAllLists } from "../consent/transitions";
import * as contacts from "../contacts/queries";
import { isLocalFile } from "../db";
import type { Deps } from "../deps";
import { forgetRecipient } from "../mail/outbox-transport";
import * as participant from "../participant/queries";
import * as sending from "../sending/forget";
import * as subscriptions from "../subscriptions/forget";
import * as webhooks from "../webhooks/queries";

/**
 * Why a person is erased; also the reason their address hash is suppressed for every list,
 * except `unconfirmed` (a web subscription never confirmed: they neither consented nor refused,
 * so nothing is kept) and `ended` (a subscription that ended by itself, as following an incident
 * does: no refusal either, and they may subscribe again).
 */
export type ErasureReason = "erased" | "declined" | "expired" | "unconfirmed" | "ended";

const UNSUPPRESSED: readonly ErasureReason[] = ["unconfirmed", "ended"];

export type ErasureContext = {
  reason: ErasureReason;
  actor: string;
  source: string;
  /** A membership left in its state (an expiry keeps `expired`); every other becomes `erased`. */
  keepStateOn?: number;
};

type Erasable = { id: number; emailKey: string | null };

/**
 * The statements that erase one contact, in order: an `erased` event on each of their lists, the
 * suppression, every domain's traces (matched by the address, so before it goes), then the
 * address, name and attributes. Empty for a contact already erased.
 */
export function erasureStatements(
  deps: Deps,
  contact: Erasable,
  ctx: ErasureContext,
): BatchItem<"sqlite">[] {
  if (contact.emailKey === null) return [];
  const at = deps.clock.now().toISOString();
  const event = { at, source: ctx.source, actor: ctx.actor };
  const { db } = deps;
  return [
    ...moveOnAllLists(
      db,
      contact.id,
      "erased",
      { ...event, by: actorKindOf(ctx.actor) },
      ctx.keepStateOn,
    ),
    ...(UNSUPPRESSED.includes(ctx.reason)
      ? []
      : consent.insertSuppression(db, hashAddress(deps, contact.emailKey), ctx.reason, at, {
          listId: null,
          source: ctx.source,
        })),
    participant.forgetContact(db, contact.id),
    ...sending.forgetContact(db, contact.id),
    forgetRecipient(db, contact.id),
    webhooks.forgetContact(db, contact.id),
    subscriptions.forgetContact(db, contact.id),
    audit.forgetContact(db, contact.id),
    ...contacts.forgetContact(db, contact.id, at),
  ];
}

/** Erases one contact; false when there was nobody left to erase. */
export async function eraseContact(deps: Deps, contactId: number, ctx: ErasureContext) {
  return (await eraseContacts(deps, [contactId], ctx)) === 1;
}

/** Contacts erased per batch: one transaction each, then one checkpoint. */
const ERASED_PER_BATCH = 100;

/** Erases contacts in batches; returns how many were erased (not erased already). */
export async function eraseContacts(deps: Deps, contactIds: number[], ctx: ErasureContext) {
  let erased = 0;
  for (let i = 0; i < contactIds.length; i += ERASED_PER_BATCH) {
    const rows = await contacts.contactsByIds(deps.db, contactIds.slice(i, i + ERASED_PER_BATCH));
    const statements = rows.flatMap((row) => erasureStatements(deps, row, ctx));
    erased += rows.filter((row) => row.emailKey !== null).length;
    await runErasure(deps, statements);
  }
  return erased;
}

/**
 * Runs erasure statements in one batch, then, on a local file, copies the write-ahead log into
 * the file and empties it: the log's older frames still hold the pages as they were before.
 * `secure_delete` (on for every connection, see boot.ts) is set again on the batch's own
 * connection, so what is deleted is overwritten whatever connection runs it.
 */
export async function runErasure(deps: Deps, statements: BatchItem<"sqlite">[]) {
  const [first, ...rest] = statements;
  if (!first) return;
  // Turso keeps its own storage; a local file's pages are ours to overwrite.
  if (!isLocalFile(deps.config.databaseUrl)) {
    await deps.db.batch([first, ...rest]);
    return;
  }
  await deps.db.batch([secureDelete(deps), first, ...rest]);
  await deps.client.execute("PRAGMA wal_checkpoint(TRUNCATE)");
}

const secureDelete = (deps: Deps) => deps.db.run(sql.raw("PRAGMA secure_delete = ON"));
