// Every query lists and their purpose versions run.
import { asc, eq, sql } from "drizzle-orm";
import { listMembers, listPurposes, lists } from "../../db/schema";
import type { Db } from "../db";

export type List = typeof lists.$inferSelect;

export const allLists = (db: Db) => db.select().from(lists).orderBy(asc(lists.id));

export const findList = async (db: Db, id: number) =>
  (await db.select().from(lists).where(eq(lists.id, id)).limit(1))[0];

export const findListBySlug = async (db: Db, slug: string) =>
  (await db.select().from(lists).where(eq(lists.slug, slug)).limit(1))[0];

export const insertList = (
  db: Db,
  row: { slug: string; name: string; purpose: string; at: string },
) =>
  db
    .insert(lists)
    .values({
      slug: row.slug,
      name: row.name,
      purpose: row.purpose,
      createdAt: row.at,
      updatedAt: row.at,
    })
    .onConflictDoNothing()
    .returning();

export const insertPurposeVersion = (
  db: Db,
  row: { listId: number; version: number; text: string; at: string; by: string },
) =>
  db.insert(listPurposes).values({
    listId: row.listId,
    version: row.version,
    text: row.text,
    createdAt: row.at,
    createdBy: row.by,
  });

export const updateList = (
  db: Db,
  id: number,
  values: Partial<Pick<List, "name" | "purpose" | "purposeVersion" | "archivedAt">>,
  at: string,
) =>
  db
    .update(lists)
    .set({ ...values, updatedAt: at })
    .where(eq(lists.id, id));

export const purposeVersions = (db: Db, listId: number) =>
  db
    .select()
    .from(listPurposes)
    .where(eq(listPurposes.listId, listId))
    .orderBy(asc(listPurposes.version));

export const stateCounts = (db: Db, listId: number) =>
  db
    .select({ status: listMembers.status, n: sql<number>`count(*)` })
    .from(listMembers)
    .where(eq(listMembers.listId, listId))
    .groupBy(listMembers.status);
