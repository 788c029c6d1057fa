// Starting a send, the one door into the outbox: the recipient counts, then one outbox row per
// recipient, all in one transaction (with the `invited` events of a re-consent send), so a send
// is all or nothing, and a send that enqueues nobody does not exist.
import { sql } from "drizzle-orm";
import { actorKindOf, moveMembers } from "../consent/transitions";
import type { Deps } from "../deps";
import {
  countRecipients,
  type Excluded,
  eligibleMemberSql,
  mailModeOf,
  type SendKind,
} from "./eligibility";
import * as q from "./queries";

export type SendRequest = {
  kind: SendKind;
  listId: number;
  /** Only this member of the list (a subscriber's confirmation mail). */
  contactId?: number;
  campaignId?: number;
  subject: string;
  /** Re-consent: when unanswered invitations expire (ISO 8601). */
  deadline?: string;
  textVersion: number;
  actor: string;
  dryRun?: boolean;
  /** Re-consent: the one reminder goes this many days before the deadline. */
  reminderDaysBefore?: number;
  /** Reminder: the re-consent send whose (sent) recipients alone it may reach. */
  reminderOf?: number;
};

/** Over `list_members m`: the member is one a send's message was sent to. */
export const sentBySend = (sendId: number) =>
  sql`m.contact_id IN (SELECT contact_id FROM outbox_messages WHERE send_id = ${sendId} AND status = 'sent')`;

export type SendReport = { sendId: number | null; recipients: number; excluded: Excluded };

export async function startSend(deps: Deps, request: SendRequest): Promise<SendReport> {
  const counts = await countRecipients(deps, request.kind, request.listId, request.contactId);
  const none = { sendId: null, recipients: 0, excluded: counts.excluded };
  if (request.dryRun) return { ...none, recipients: counts.recipients };
  if (counts.recipients === 0) return none;
  const at = deps.clock.now().toISOString();
  const sendId = await q.insertSend(deps.db, {
    kind: request.kind,
    listId: request.listId,
    campaignId: request.campaignId ?? null,
    status: "queued",
    subject: request.subject,
    deadline: request.deadline ?? null,
    reminderDaysBefore: request.reminderDaysBefore ?? null,
    reminderOf: request.reminderOf ?? null,
    textVersion: request.textVersion,
    total: 0,
    excluded: counts.excluded,
    createdBy: request.actor,
    createdAt: at,
  });
  if (sendId === undefined) throw new Error("the send could not be recorded");
  const results = await deps.db.batch([
    enqueue(deps, request, sendId, at),
    ...recordInvitations(deps, request, sendId, at),
    deps.db.run(sql`
      UPDATE sends SET total = (SELECT count(*) FROM outbox_messages WHERE send_id = ${sendId})
      WHERE id = ${sendId}`),
    // The counts and the enqueue read the database at different moments: if nobody was
    // enqueued after all, the send is not kept (it answers `send_id: null`).
    deps.db.run(sql`
      DELETE FROM sends WHERE id = ${sendId}
        AND NOT EXISTS (SELECT 1 FROM outbox_messages WHERE send_id = ${sendId})`),
  ]);
  const enqueued = results[0].rowsAffected;
  if (enqueued === 0) return none;
  return { sendId, recipients: enqueued, excluded: counts.excluded };
}

/** One queued outbox row per member the rule lets receive this kind of mail. */
function enqueue(deps: Deps, request: SendRequest, sendId: number, at: string) {
  const one =
    request.contactId === undefined ? sql`` : sql` AND m.contact_id = ${request.contactId}`;
  // A reminder goes only to those its re-consent send reached.
  const reminded =
    request.reminderOf === undefined ? sql`` : sql` AND ${sentBySend(request.reminderOf)}`;
  return deps.db.run(sql`
    INSERT INTO outbox_messages (send_id, contact_id, status, updated_at)
    SELECT ${sendId}, m.contact_id, 'queued', ${at}
    FROM list_members m JOIN contacts c ON c.id = m.contact_id
    WHERE m.list_id = ${request.listId}${one}${reminded} AND ${eligibleMemberSql(request.kind, mailModeOf(deps))}
    ORDER BY m.id`);
}

/**
 * Re-consent: the invitation is recorded in the ledger, and the member leaves `legacy`, in the
 * same transaction as its outbox row, so a second send can never find it again.
 */
function recordInvitations(deps: Deps, request: SendRequest, sendId: number, at: string) {
  if (request.kind !== "reconsent" && request.kind !== "reminder") return [];
  const reminder = request.kind === "reminder";
  return moveMembers(
    deps.db,
    sql`m.list_id = ${request.listId}
      AND m.contact_id IN (SELECT contact_id FROM outbox_messages WHERE send_id = ${sendId})`,
    "invited",
    {
      at,
      // A reminder is a second `invited` while still invited (no state change).
      source: reminder
        ? `reminder of re-consent send #${request.reminderOf}`
        : `${request.kind} send #${sendId}`,
      actor: request.actor,
      by: actorKindOf(request.actor),
      textVersion: request.textVersion,
    },
    [reminder ? "invited" : "legacy"],
  );
}
