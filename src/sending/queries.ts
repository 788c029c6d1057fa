// Queries about sends and their messages; the dispatcher's own are in store.ts.
import { and, asc, count, desc, eq, gte, type SQL, sql } from "drizzle-orm";
import { campaigns, listPurposes, lists, outboxMessages, sends } from "../../db/schema";
import type { Db } from "../db";

export type Send = typeof sends.$inferSelect;
export type OutboxRow = typeof outboxMessages.$inferSelect;

export const findSend = async (db: Db, id: number) =>
  (await db.select().from(sends).where(eq(sends.id, id)).limit(1))[0];

export const insertSend = async (db: Db, row: typeof sends.$inferInsert) =>
  (await db.insert(sends).values(row).returning({ id: sends.id }))[0]?.id;

export const SEND_SORTS = ["date", "status", "recipients"] as const;
export type SendOrder = { key: (typeof SEND_SORTS)[number]; dir: "asc" | "desc" };

/**
 * Sends in an order of the sends table (ties by id). Sends are a few hundred rows, not a list of
 * contacts: ordering by recipients may sort them all.
 */
export const recentSends = (
  db: Db,
  limit = 20,
  order: SendOrder = { key: "date", dir: "desc" },
) => {
  const by = order.dir === "asc" ? asc : desc;
  const column = { date: undefined, status: sends.status, recipients: sends.total }[order.key];
  return db
    .select()
    .from(sends)
    .orderBy(...(column ? [by(column), by(sends.id)] : [by(sends.id)]))
    .limit(limit);
};

export const sendCounts = async (db: Db, sendId: number) => {
  const rows = await db
    .select({ status: outboxMessages.status, n: count() })
    .from(outboxMessages)
    .where(eq(outboxMessages.sendId, sendId))
    .groupBy(outboxMessages.status);
  const by = Object.fromEntries(rows.map((r) => [r.status, r.n])) as Partial<
    Record<OutboxRow["status"], number>
  >;
  return {
    queued: (by.queued ?? 0) + (by.claimed ?? 0),
    sent: by.sent ?? 0,
    failed: by.failed ?? 0,
    suppressed: by.suppressed ?? 0,
  };
};

export const listWithPurpose = async (db: Db, listId: number, version: number) =>
  (
    await db
      .select({ name: lists.name, slug: lists.slug, purpose: listPurposes.text })
      .from(lists)
      .innerJoin(
        listPurposes,
        and(eq(listPurposes.listId, lists.id), eq(listPurposes.version, version)),
      )
      .where(eq(lists.id, listId))
      .limit(1)
  )[0];

export const findCampaign = async (db: Db, id: number) =>
  (await db.select().from(campaigns).where(eq(campaigns.id, id)).limit(1))[0];

/**
 * The messages of a batch's stored list (`messages`, a JSON array) that `keep` keeps, in their
 * order; `keep` sees each message as `j.value`. Claiming and erasure both filter a batch's list.
 */
export const keptMessages = (messages: SQL, keep: SQL) => sql`(
  SELECT json_group_array(json(j.value) ORDER BY j.key)
  FROM json_each(${messages}) AS j
  WHERE ${keep})`;

/** What a canary gave, judged on its own outcomes: its messages called, bounced, complained. */
export type CanaryFigures = { size: number; called: number; bounced: number; complained: number };

export const canaryFigures = async (db: Db, sendId: number): Promise<CanaryFigures> => {
  const row = await db.get<CanaryFigures>(sql`
    SELECT count(o.id) AS size,
           coalesce(sum(o.status = 'sent'), 0) AS called,
           coalesce(sum(o.outcome = 'bounced'), 0) AS bounced,
           coalesce(sum(o.outcome = 'complained'), 0) AS complained
    FROM sends s JOIN outbox_messages o ON o.send_id = s.id AND o.id <= s.canary_last_message_id
    WHERE s.id = ${sendId}`);
  return row ?? { size: 0, called: 0, bounced: 0, complained: 0 };
};

/** A re-consent send of the list still waiting for a second admin. */
export const awaitingReconsent = async (db: Db, listId: number) =>
  (
    await db
      .select({ id: sends.id })
      .from(sends)
      .where(
        and(
          eq(sends.listId, listId),
          eq(sends.kind, "reconsent"),
          eq(sends.status, "awaiting_approval"),
        ),
      )
      .limit(1)
  )[0];

/** Messages of a send marked sent at or after `since` (the progress rate's window). */
export const sentSince = async (db: Db, sendId: number, since: string) =>
  (
    await db
      .select({ n: count() })
      .from(outboxMessages)
      .where(
        and(
          eq(outboxMessages.sendId, sendId),
          eq(outboxMessages.status, "sent"),
          gte(outboxMessages.updatedAt, since),
        ),
      )
  )[0]?.n ?? 0;
