// What an incident or maintenance notice tells, read once per send by the dispatcher's store.
import { eq } from "drizzle-orm";
import { incidents, incidentUpdates, type MaintenanceStage, maintenances } from "../../db/schema";
import type { Db } from "../db";
import type { NoticeFacts } from "./notice-mail";

export type { NoticeFacts };

type NoticeSend = {
  incidentId: number | null;
  incidentUpdateId: number | null;
  maintenanceId: number | null;
  maintenanceStage: MaintenanceStage | null;
};

/** The incident (and the update) or the maintenance a notice send names; undefined when it is gone. */
export async function noticeFacts(db: Db, send: NoticeSend): Promise<NoticeFacts | undefined> {
  if (send.maintenanceId !== null) return maintenanceFacts(db, send.maintenanceId, send);
  if (send.incidentId === null) return undefined;
  const [incident] = await db
    .select()
    .from(incidents)
    .where(eq(incidents.id, send.incidentId))
    .limit(1);
  if (!incident) return undefined;
  const base = {
    about: "incident" as const,
    path: `/incidents/${incident.slug}`,
    title: incident.title,
    titleEn: incident.titleEn,
  };
  if (send.incidentUpdateId === null) {
    return {
      ...base,
      status: incident.status,
      body: incident.body,
      bodyEn: incident.bodyEn,
      declared: true,
    };
  }
  const [update] = await db
    .select()
    .from(incidentUpdates)
    .where(eq(incidentUpdates.id, send.incidentUpdateId))
    .limit(1);
  if (!update) return undefined;
  return {
    ...base,
    status: update.status,
    body: update.body,
    bodyEn: update.bodyEn,
    declared: false,
  };
}

/** A maintenance notice: its text, its window, and the moment told (scheduled, or begun). */
async function maintenanceFacts(
  db: Db,
  maintenanceId: number,
  send: NoticeSend,
): Promise<NoticeFacts | undefined> {
  const [m] = await db
    .select()
    .from(maintenances)
    .where(eq(maintenances.id, maintenanceId))
    .limit(1);
  if (!m) return undefined;
  return {
    about: "maintenance",
    // The status home lists the maintenance (there is no page of its own).
    path: "/",
    title: m.title,
    titleEn: null,
    status: send.maintenanceStage ?? "scheduled",
    body: m.body,
    bodyEn: null,
    declared: (send.maintenanceStage ?? "scheduled") === "scheduled",
    stage: send.maintenanceStage ?? "scheduled",
    window: { startsAt: m.startsAt, endsAt: m.endsAt },
  };
}
