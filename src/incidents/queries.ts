// Every query the incident pages, feed, admin and API run.
import { desc, eq, inArray, isNotNull, isNull } from "drizzle-orm";
import { incidents, incidentUpdates, polls } from "../../db/schema";
import type { Db } from "../db";

export type Incident = typeof incidents.$inferSelect;
export type IncidentUpdate = typeof incidentUpdates.$inferSelect;

/** Inserts unless the slug is taken; returns the row, or undefined when the slug exists. */
export const insertIncident = async (db: Db, row: typeof incidents.$inferInsert) =>
  (await db.insert(incidents).values(row).onConflictDoNothing().returning())[0];

export const findIncidentById = async (db: Db, id: number) =>
  (await db.select().from(incidents).where(eq(incidents.id, id)).limit(1))[0];

export const findIncidentBySlug = async (db: Db, slug: string) =>
  (await db.select().from(incidents).where(eq(incidents.slug, slug)).limit(1))[0];

/** The timeline, newest first (the id breaks ties between updates of the same instant). */
export const updatesNewestFirst = (db: Db, incidentId: number) =>
  db
    .select()
    .from(incidentUpdates)
    .where(eq(incidentUpdates.incidentId, incidentId))
    .orderBy(desc(incidentUpdates.createdAt), desc(incidentUpdates.id));

/** Appends an update and moves the incident to its status, in one batch. */
export async function appendUpdate(
  db: Db,
  row: typeof incidentUpdates.$inferInsert,
  resolvedAt: string | null,
) {
  const [inserted] = await db.batch([
    db.insert(incidentUpdates).values(row).returning(),
    db
      .update(incidents)
      .set({ status: row.status, updatedAt: row.createdAt, resolvedAt })
      .where(eq(incidents.id, row.incidentId)),
  ]);
  return inserted[0];
}

export const updateIncident = (
  db: Db,
  id: number,
  values: Partial<Pick<Incident, "postmortem" | "postmortemEn" | "updatedAt">>,
) => db.update(incidents).set(values).where(eq(incidents.id, id));

export const incidentsRecentlyUpdated = (db: Db, limit: number) =>
  db.select().from(incidents).orderBy(desc(incidents.updatedAt), desc(incidents.id)).limit(limit);

/** Incidents still open, most recently updated first. */
export const openIncidents = (db: Db, limit: number) =>
  db
    .select()
    .from(incidents)
    .where(isNull(incidents.resolvedAt))
    .orderBy(desc(incidents.updatedAt), desc(incidents.id))
    .limit(limit);

/** The latest resolved incidents, most recently resolved first. */
export const latestResolved = (db: Db, limit: number) =>
  db
    .select()
    .from(incidents)
    .where(isNotNull(incidents.resolvedAt))
    .orderBy(desc(incidents.resolvedAt), desc(incidents.id))
    .limit(limit);

/** Every update of the given incidents (for the Atom feed), newest first. */
export const updatesOf = (db: Db, incidentIds: number[]) =>
  db
    .select()
    .from(incidentUpdates)
    .where(inArray(incidentUpdates.incidentId, incidentIds))
    .orderBy(desc(incidentUpdates.createdAt), desc(incidentUpdates.id));

export const pollsOfIncident = (db: Db, incidentId: number) =>
  db
    .select({ slug: polls.slug, question: polls.question, questionEn: polls.questionEn })
    .from(polls)
    .where(eq(polls.incidentId, incidentId))
    .orderBy(polls.id);
