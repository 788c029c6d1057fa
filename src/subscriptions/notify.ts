// The notice of an incident or of its update, or of a maintenance (scheduled, then begun): one
// message to each confirmed subscriber concerned, through the one pipeline (`startSend`: kill switch, rate limit, outbox, audit), never from the
// request itself: the request only enqueues, the dispatcher sends.
import { type SQL, sql } from "drizzle-orm";
import type { MaintenanceStage } from "../../db/schema";
import { recordAudit } from "../audit/service";
import type { Deps } from "../deps";
import { findList } from "../lists/queries";
import { startSend } from "../sending/outbox";
import { existingFollowList, existingPageList } from "./lists";

export type Notice = {
  incidentId: number;
  /** The update told; null when the notice is the incident's declaration. */
  updateId: number | null;
  /** The components the incident names (none yet: every page subscriber is concerned). */
  components: readonly string[];
  actor: string;
};

/**
 * Enqueues the notice: first to the page's subscribers (those who chose none of the components,
 * or one the incident names), then to the incident's followers not already told through the
 * page list, so each person gets exactly one message per update. Returns the sends made.
 */
export async function notifySubscribers(deps: Deps, notice: Notice): Promise<number[]> {
  const sendIds: number[] = [];
  const pageListId = await existingPageList(deps);
  if (pageListId !== undefined) {
    const report = await startNotice(
      deps,
      incidentOf(notice),
      pageListId,
      concerned(notice.components),
    );
    if (report.sendId !== null) sendIds.push(report.sendId);
  }
  const followListId = await existingFollowList(deps, notice.incidentId);
  if (followListId !== undefined) {
    const told = sendIds.length
      ? sql`m.contact_id NOT IN (SELECT contact_id FROM outbox_messages WHERE send_id = ${sendIds[0]})`
      : undefined;
    const report = await startNotice(deps, incidentOf(notice), followListId, told);
    if (report.sendId !== null) sendIds.push(report.sendId);
  }
  if (sendIds.length) deps.dispatcher?.wake();
  return sendIds;
}

/** What the notice send names: an incident (and its update), or a maintenance. */
type NoticeSubject =
  | { incident: { id: number; updateId: number | null } }
  | { maintenance: { id: number; stage: MaintenanceStage } };

const incidentOf = (notice: Notice) => ({
  incident: { id: notice.incidentId, updateId: notice.updateId },
  actor: notice.actor,
});

async function startNotice(
  deps: Deps,
  about: NoticeSubject & { actor: string },
  listId: number,
  memberFilter: SQL | undefined,
) {
  const list = await findList(deps.db, listId);
  const report = await startSend(deps, {
    ...about,
    kind: "incident",
    listId,
    subject: "",
    textVersion: list?.purposeVersion ?? 1,
    memberFilter,
  });
  if (report.sendId !== null) {
    const what = "incident" in about ? "incident" : "maintenance";
    await recordAudit(deps, {
      actor: about.actor,
      action: `${what}.notified`,
      listId,
      summary: `${what === "incident" ? "Incident" : "Maintenance"} notice to ${report.recipients} confirmed subscribers of "${list?.name}"`,
      details: {
        send_id: report.sendId,
        ...("incident" in about
          ? { incident_id: about.incident.id, update_id: about.incident.updateId }
          : { maintenance_id: about.maintenance.id, stage: about.maintenance.stage }),
        recipients: report.recipients,
      },
    });
  }
  return report;
}

export type MaintenanceNotice = {
  maintenanceId: number;
  /** The moment told: it was scheduled, began, changed, was called off or ended early. */
  stage: MaintenanceStage;
  /** The components it names (none: every page subscriber is concerned). */
  components: readonly string[];
  actor: string;
};

/**
 * Enqueues a maintenance notice to the page's subscribers it concerns (those who chose none of
 * the components, or one it names). Returns the send made, if anyone is concerned.
 */
export async function notifyMaintenance(deps: Deps, notice: MaintenanceNotice) {
  const pageListId = await existingPageList(deps);
  if (pageListId === undefined) return null;
  const report = await startNotice(
    deps,
    { maintenance: { id: notice.maintenanceId, stage: notice.stage }, actor: notice.actor },
    pageListId,
    concerned(notice.components),
  );
  if (report.sendId !== null) deps.dispatcher?.wake();
  return report.sendId;
}

/**
 * Over `list_members m`: a page subscriber this incident concerns. Filtering applies once
 * incidents name components; an incident naming none concerns every subscriber.
 */
function concerned(components: readonly string[]) {
  if (components.length === 0) return undefined;
  return sql`(NOT EXISTS (SELECT 1 FROM subscriber_components sc
      WHERE sc.list_id = m.list_id AND sc.contact_id = m.contact_id)
    OR EXISTS (SELECT 1 FROM subscriber_components sc
      WHERE sc.list_id = m.list_id AND sc.contact_id = m.contact_id
        AND sc.component_slug IN (${sql.join(
          components.map((c) => sql`${c}`),
          sql`, `,
        )})))`;
}
