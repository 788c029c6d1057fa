// Starting a send, the one door into the outbox: the recipient counts, then one outbox row per
// recipient, all in one transaction (with the `invited` events of a re-consent send), so a send
// is all or nothing, and a send that enqueues nobody does not exist.
import { sql } from "drizzle-orm";
import { sends } from "../../db/schema";
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
  /** Poll invitations: the invite-only poll whose voting links the messages carry. */
  pollId?: number;
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
    pollId: request.pollId ?? null,
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

/**
 * A test of a campaign: a send of its own kind with one message to one address that is no
 * contact (the row has no contact; the address waits on the send until the send is finished).
 * It goes through the same dispatcher as every message: kill switch, rate limit, outbox.
 */
export async function startTestSend(
  deps: Deps,
  request: Pick<SendRequest, "listId" | "subject" | "textVersion" | "actor"> & {
    campaignId: number;
    to: string;
  },
): Promise<number> {
  const at = deps.clock.now().toISOString();
  const [send] = await deps.db.batch([
    deps.db
      .insert(sends)
      .values({
        kind: "test",
        listId: request.listId,
        campaignId: request.campaignId,
        status: "queued",
        subject: request.subject,
        textVersion: request.textVersion,
        total: 1,
        excluded: {},
        createdBy: request.actor,
        createdAt: at,
        testRecipient: request.to,
      })
      .returning({ id: sends.id }),
    deps.db.run(sql`
      INSERT INTO outbox_messages (send_id, contact_id, status, updated_at)
      VALUES (last_insert_rowid(), NULL, 'queued', ${at})`),
  ]);
  const id = send[0]?.id;
  if (id === undefined) throw new Error("the test send could not be recorded");
  return id;
}

/**
 * A resend of a finished campaign send to its failed recipients only: each must still be
 * eligible now (the same rule as any campaign), and nobody any send of the campaign delivered to,
 * or is about to, is ever included. Enqueued in one transaction, like `startSend`.
 */
export async function startRetrySend(
  deps: Deps,
  original: { id: number; listId: number; campaignId: number; subject: string },
  request: Pick<SendRequest, "textVersion" | "actor"> & { excluded: Record<string, number> },
): Promise<Omit<SendReport, "excluded"> & { excluded: Record<string, number> }> {
  const at = deps.clock.now().toISOString();
  const sendId = await q.insertSend(deps.db, {
    kind: "campaign",
    listId: original.listId,
    campaignId: original.campaignId,
    retryOf: original.id,
    status: "queued",
    subject: original.subject,
    textVersion: request.textVersion,
    total: 0,
    excluded: request.excluded,
    createdBy: request.actor,
    createdAt: at,
  });
  if (sendId === undefined) throw new Error("the resend could not be recorded");
  await deps.db.batch([
    deps.db.run(sql`
      INSERT INTO outbox_messages (send_id, contact_id, status, updated_at)
      SELECT ${sendId}, f.contact_id, 'queued', ${at}
      FROM outbox_messages f
      JOIN list_members m ON m.list_id = ${original.listId} AND m.contact_id = f.contact_id
      JOIN contacts c ON c.id = m.contact_id
      WHERE f.send_id = ${original.id} AND f.status = 'failed'
        AND ${eligibleMemberSql("campaign", mailModeOf(deps))}
        AND NOT EXISTS (
          SELECT 1 FROM outbox_messages o JOIN sends s ON s.id = o.send_id
          WHERE s.campaign_id = ${original.campaignId} AND s.kind = 'campaign'
            AND o.contact_id = f.contact_id AND o.status IN ('sent', 'queued', 'claimed'))
      ORDER BY f.id`),
    deps.db.run(sql`
      UPDATE sends SET total = (SELECT count(*) FROM outbox_messages WHERE send_id = ${sendId})
      WHERE id = ${sendId}`),
  ]);
  const send = await q.findSend(deps.db, sendId);
  // Someone left between the count and the enqueue: a send that enqueued nobody is not kept.
  if (!send?.total) {
    await deps.db.run(sql`DELETE FROM sends WHERE id = ${sendId} AND total = 0`);
    return { sendId: null, recipients: 0, excluded: request.excluded };
  }
  return { sendId, recipients: send.total, excluded: request.excluded };
}
