// Named queries of outgoing webhooks: endpoints, and the deliveries queue that is also their log.
import { and, asc, desc, eq, inArray, lt, lte, ne } from "drizzle-orm";
import { webhookDeliveries, webhookEndpoints } from "../../db/schema";
import type { Db } from "../db";

export type Endpoint = typeof webhookEndpoints.$inferSelect;
export type Delivery = typeof webhookDeliveries.$inferSelect;
export type NewDelivery = typeof webhookDeliveries.$inferInsert;

export const insertEndpoint = async (db: Db, row: typeof webhookEndpoints.$inferInsert) =>
  (await db.insert(webhookEndpoints).values(row).returning())[0] as Endpoint;

export const allEndpoints = (db: Db) =>
  db.select().from(webhookEndpoints).orderBy(asc(webhookEndpoints.id));

export const endpointById = async (db: Db, id: number) =>
  (await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)))[0];

/** The endpoint and its deliveries, together (the foreign key's cascade may be off). */
export async function deleteEndpoint(db: Db, id: number) {
  const [, removed] = await db.batch([
    db.delete(webhookDeliveries).where(eq(webhookDeliveries.endpointId, id)),
    db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id)).returning(),
  ]);
  return removed.length > 0;
}

export async function insertDeliveries(db: Db, rows: NewDelivery[]) {
  if (rows.length === 0) return [];
  return db.insert(webhookDeliveries).values(rows).returning({ id: webhookDeliveries.id });
}

export const dueDeliveries = (db: Db, now: string, limit: number) =>
  db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.status, "pending"), lte(webhookDeliveries.nextAttemptAt, now)))
    .orderBy(asc(webhookDeliveries.nextAttemptAt), asc(webhookDeliveries.id))
    .limit(limit);

/**
 * Takes a due delivery for one attempt by pushing its next attempt past `leaseUntil`; false when
 * another process took it first (its `nextAttemptAt` is no longer the one read).
 */
export async function claimDelivery(db: Db, row: Delivery, leaseUntil: string) {
  const claimed = await db
    .update(webhookDeliveries)
    .set({ nextAttemptAt: leaseUntil })
    .where(
      and(
        eq(webhookDeliveries.id, row.id),
        eq(webhookDeliveries.status, "pending"),
        eq(webhookDeliveries.nextAttemptAt, row.nextAttemptAt),
      ),
    )
    .returning({ id: webhookDeliveries.id });
  return claimed.length === 1;
}

export const recordAttempt = (db: Db, id: number, set: Partial<NewDelivery>) =>
  db.update(webhookDeliveries).set(set).where(eq(webhookDeliveries.id, id));

/** The newest deliveries of each endpoint (the admin's log). */
export const recentDeliveries = (db: Db, endpointIds: number[], perEndpoint = 20) =>
  endpointIds.length === 0
    ? Promise.resolve([] as Delivery[])
    : db
        .select()
        .from(webhookDeliveries)
        .where(inArray(webhookDeliveries.endpointId, endpointIds))
        .orderBy(desc(webhookDeliveries.id))
        .limit(perEndpoint * endpointIds.length);

/** Finished deliveries (delivered or given up) created before `before`: the log stays bounded. */
export const pruneDeliveries = (db: Db, before: string) =>
  db
    .delete(webhookDeliveries)
    .where(and(ne(webhookDeliveries.status, "pending"), lt(webhookDeliveries.createdAt, before)));
