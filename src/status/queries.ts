// Every query the status page, components and maintenance run.

import { and, asc, desc, eq, gte, inArray, isNull, lt, lte, ne, or, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import {
  componentGroups,
  componentStatusChanges,
  components,
  incidentComponents,
  incidents,
  maintenanceComponents,
  maintenances,
} from "../../db/schema";
import type { Db } from "../db";

export type Component = typeof components.$inferSelect;
export type ComponentGroup = typeof componentGroups.$inferSelect;
export type Maintenance = typeof maintenances.$inferSelect;
export type ComponentStatus = Component["status"];

export const componentsInOrder = (db: Db) =>
  db.select().from(components).orderBy(asc(components.position), asc(components.id));

export const groupsInOrder = (db: Db) =>
  db.select().from(componentGroups).orderBy(asc(componentGroups.position), asc(componentGroups.id));

export const componentsBySlugs = (db: Db, slugs: string[]) =>
  slugs.length
    ? db.select().from(components).where(inArray(components.slug, slugs))
    : Promise.resolve([] as Component[]);

export const componentsByIds = (db: Db, ids: number[]) =>
  ids.length
    ? db.select().from(components).where(inArray(components.id, ids))
    : Promise.resolve([] as Component[]);

/** The group of that name, created (last in order) when it does not exist yet. */
export async function groupNamed(db: Db, name: string): Promise<ComponentGroup> {
  const existing = await db.select().from(componentGroups).where(eq(componentGroups.name, name));
  if (existing[0]) return existing[0];
  const count = (await db.select({ id: componentGroups.id }).from(componentGroups)).length;
  const [inserted] = await db
    .insert(componentGroups)
    .values({ name, position: count })
    .onConflictDoNothing()
    .returning();
  if (inserted) return inserted;
  // Created by a concurrent request between the read and the insert.
  const [raced] = await db.select().from(componentGroups).where(eq(componentGroups.name, name));
  if (!raced) throw new Error(`the component group "${name}" could not be created`);
  return raced;
}

/** Inserts unless the slug is taken (then undefined), with its first status in the history. */
export async function insertComponent(db: Db, row: typeof components.$inferInsert) {
  const [inserted] = await db.insert(components).values(row).onConflictDoNothing().returning();
  if (!inserted) return undefined;
  await db
    .insert(componentStatusChanges)
    .values({ componentId: inserted.id, status: inserted.status, at: inserted.statusSince });
  return inserted;
}

/** Moves each component to its new status and records the change, in one batch. */
export async function applyStatusChanges(
  db: Db,
  changes: { id: number; status: ComponentStatus }[],
  at: string,
) {
  if (!changes.length) return;
  const statements: BatchItem<"sqlite">[] = changes.flatMap(({ id, status }) => [
    db
      .update(components)
      .set({ status, statusSince: at, updatedAt: at })
      .where(eq(components.id, id)),
    db.insert(componentStatusChanges).values({ componentId: id, status, at }),
  ]);
  await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
}

/** What open incidents and maintenance in progress hold the given components in. */
export async function heldStatuses(db: Db, componentIds: number[]) {
  if (!componentIds.length) return [];
  const [byIncidents, byMaintenance] = await Promise.all([
    db
      .select({ componentId: incidentComponents.componentId, status: incidentComponents.status })
      .from(incidentComponents)
      .innerJoin(incidents, eq(incidents.id, incidentComponents.incidentId))
      .where(
        and(isNull(incidents.resolvedAt), inArray(incidentComponents.componentId, componentIds)),
      ),
    db
      .select({ componentId: maintenanceComponents.componentId })
      .from(maintenanceComponents)
      .innerJoin(maintenances, eq(maintenances.id, maintenanceComponents.maintenanceId))
      .where(
        and(
          eq(maintenances.status, "in_progress"),
          inArray(maintenanceComponents.componentId, componentIds),
        ),
      ),
  ]);
  return [
    ...byIncidents,
    ...byMaintenance.map((m) => ({ componentId: m.componentId, status: "maintenance" as const })),
  ];
}

/** Sets the status an incident holds each component in (replacing an earlier one). */
export async function holdComponents(
  db: Db,
  incidentId: number,
  held: { componentId: number; status: ComponentStatus }[],
) {
  for (const h of held) {
    await db
      .insert(incidentComponents)
      .values({ incidentId, ...h })
      .onConflictDoUpdate({
        target: [incidentComponents.incidentId, incidentComponents.componentId],
        set: { status: h.status },
      });
  }
}

export const componentsOfIncidents = (db: Db, incidentIds: number[]) =>
  incidentIds.length
    ? db
        .select({
          incidentId: incidentComponents.incidentId,
          componentId: components.id,
          slug: components.slug,
          name: components.name,
          status: incidentComponents.status,
        })
        .from(incidentComponents)
        .innerJoin(components, eq(components.id, incidentComponents.componentId))
        .where(inArray(incidentComponents.incidentId, incidentIds))
        .orderBy(asc(components.position), asc(components.id))
    : Promise.resolve([]);

/** Status changes since `from`, and the last one before it (the status each began the window in). */
export const statusChangesSince = (db: Db, from: string) =>
  db
    .select()
    .from(componentStatusChanges)
    .where(gte(componentStatusChanges.at, from))
    .orderBy(asc(componentStatusChanges.at), asc(componentStatusChanges.id));

export const lastChangeBefore = (db: Db, componentId: number, before: string) =>
  db
    .select()
    .from(componentStatusChanges)
    .where(
      and(
        eq(componentStatusChanges.componentId, componentId),
        lt(componentStatusChanges.at, before),
      ),
    )
    .orderBy(desc(componentStatusChanges.at), desc(componentStatusChanges.id))
    .limit(1);

/** Incidents that touched components and were open at some point since `from`. */
export const componentIncidentsSince = (db: Db, from: string) =>
  db
    .select({
      componentId: incidentComponents.componentId,
      slug: incidents.slug,
      title: incidents.title,
      titleEn: incidents.titleEn,
      createdAt: incidents.createdAt,
      resolvedAt: incidents.resolvedAt,
    })
    .from(incidentComponents)
    .innerJoin(incidents, eq(incidents.id, incidentComponents.incidentId))
    .where(or(isNull(incidents.resolvedAt), gte(incidents.resolvedAt, from)));

export const insertMaintenance = async (db: Db, row: typeof maintenances.$inferInsert) =>
  (await db.insert(maintenances).values(row).returning())[0];

export async function attachMaintenanceComponents(
  db: Db,
  maintenanceId: number,
  componentIds: number[],
) {
  if (!componentIds.length) return;
  await db
    .insert(maintenanceComponents)
    .values(componentIds.map((componentId) => ({ maintenanceId, componentId })))
    .onConflictDoNothing();
}

/** Maintenance whose status the clock has overtaken: due to start, or due to end. */
export const maintenancesDue = (db: Db, now: string) =>
  db
    .select()
    .from(maintenances)
    .where(
      or(
        and(eq(maintenances.status, "scheduled"), lte(maintenances.startsAt, now)),
        and(eq(maintenances.status, "in_progress"), lte(maintenances.endsAt, now)),
      ),
    );

export const setMaintenanceStatus = (
  db: Db,
  id: number,
  status: Maintenance["status"],
  at: string,
) => db.update(maintenances).set({ status, updatedAt: at }).where(eq(maintenances.id, id));

/** Maintenance not completed, soonest first, and the latest completed ones. */
export const upcomingMaintenances = (db: Db, limit: number) =>
  db
    .select()
    .from(maintenances)
    .where(or(eq(maintenances.status, "scheduled"), eq(maintenances.status, "in_progress")))
    .orderBy(asc(maintenances.startsAt), asc(maintenances.id))
    .limit(limit);

/** The latest maintenance that did or will take place (not cancelled), latest start first. */
export const recentMaintenances = (db: Db, limit: number) =>
  db
    .select()
    .from(maintenances)
    .where(ne(maintenances.status, "cancelled"))
    .orderBy(desc(maintenances.startsAt), desc(maintenances.id))
    .limit(limit);

export const componentsOfMaintenances = (db: Db, ids: number[]) =>
  ids.length
    ? db
        .select({
          maintenanceId: maintenanceComponents.maintenanceId,
          slug: components.slug,
          name: components.name,
          componentId: components.id,
        })
        .from(maintenanceComponents)
        .innerJoin(components, eq(components.id, maintenanceComponents.componentId))
        .where(inArray(maintenanceComponents.maintenanceId, ids))
    : Promise.resolve([]);

/** Writes an edit (or a cancellation) of a maintenance. */
export const updateMaintenance = (
  db: Db,
  id: number,
  values: Partial<Omit<typeof maintenances.$inferInsert, "id" | "createdAt">>,
) => db.update(maintenances).set(values).where(eq(maintenances.id, id));

/** The maintenance names exactly these components from now on (one batch: all or nothing). */
export async function replaceMaintenanceComponents(
  db: Db,
  maintenanceId: number,
  componentIds: number[],
) {
  const clear = db
    .delete(maintenanceComponents)
    .where(eq(maintenanceComponents.maintenanceId, maintenanceId));
  if (!componentIds.length) return void (await clear);
  await db.batch([
    clear,
    db
      .insert(maintenanceComponents)
      .values(componentIds.map((componentId) => ({ maintenanceId, componentId }))),
  ]);
}

export const findMaintenance = async (db: Db, id: number) =>
  (await db.select().from(maintenances).where(eq(maintenances.id, id)).limit(1))[0];

/** The last status each component had before `from` (the one it began the window in). */
export const statusesBefore = (db: Db, from: string) =>
  db
    .select({
      componentId: componentStatusChanges.componentId,
      status: componentStatusChanges.status,
      at: componentStatusChanges.at,
    })
    .from(componentStatusChanges)
    .where(
      eq(
        componentStatusChanges.id,
        sql`(select c2.id from component_status_changes c2 where c2.component_id = ${componentStatusChanges.componentId} and c2.at < ${from} order by c2.at desc, c2.id desc limit 1)`,
      ),
    );
