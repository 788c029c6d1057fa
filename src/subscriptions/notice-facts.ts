// What an incident notice tells, read once per send by the dispatcher's store.
import { eq } from "drizzle-orm";
import { incidents, incidentUpdates } from "../../db/schema";
import type { Db } from "../db";
import type { NoticeFacts } from "./notice-mail";

export type { NoticeFacts };

/** The incident (and the update) a notice send names; undefined when it is gone. */
export async function noticeFacts(
  db: Db,
  send: { incidentId: number | null; incidentUpdateId: number | null },
): Promise<NoticeFacts | undefined> {
  if (send.incidentId === null) return undefined;
  const [incident] = await db
    .select()
    .from(incidents)
    .where(eq(incidents.id, send.incidentId))
    .limit(1);
  if (!incident) return undefined;
  const base = { slug: incident.slug, title: incident.title, titleEn: incident.titleEn };
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
