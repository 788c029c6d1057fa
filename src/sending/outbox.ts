// Starting a send: the eligibility report, then one outbox row per recipient, all in one
// transaction (with the `invited` events of a re-consent send), so a send is all or nothing.
import { sql } from "drizzle-orm";
import { sends } from "../../db/schema";
import type { Deps } from "../deps";
import {
  type Eligibility,
  type Excluded,
  eligibleMemberSql,
  eligibleRecipients,
  type SendKind,
} from "./eligibility";
import * as q from "./queries";

export type SendRequest = {
  kind: SendKind;
  listId: number;
  campaignId?: number;
  subject: string;
  /** Re-consent: when unanswered invitations expire (ISO 8601). */
  deadline?: string;
  textVersion: number;
  actor: string;
  dryRun?: boolean;
};

export type SendReport = { sendId: number | null; recipients: number; excluded: Excluded };

export async function startSend(deps: Deps, request: SendRequest): Promise<SendReport> {
  const eligibility: Eligibility = await eligibleRecipients(deps, request.kind, request.listId);
  if (request.dryRun || eligibility.recipients === 0) {
    return { sendId: null, recipients: eligibility.recipients, excluded: eligibility.excluded };
  }
  const at = deps.clock.now().toISOString();
  const sendId = await q.insertSend(deps.db, {
    kind: request.kind,
    listId: request.listId,
    campaignId: request.campaignId ?? null,
    status: "queued",
    subject: request.subject,
    deadline: request.deadline ?? null,
    textVersion: request.textVersion,
    total: 0,
    excluded: eligibility.excluded,
    createdBy: request.actor,
    createdAt: at,
  });
  if (sendId === undefined) throw new Error("the send could not be recorded");

  const eligible = eligibleMemberSql(request.kind);
  const ofThisSend = sql`m.contact_id IN (SELECT contact_id FROM outbox_messages WHERE send_id = ${sendId})`;
  const source = `${request.kind} send #${sendId}`;
  await deps.db.batch([
    deps.db.run(sql`
      INSERT INTO outbox_messages (send_id, contact_id, status, updated_at)
      SELECT ${sendId}, m.contact_id, 'queued', ${at}
      FROM list_members m JOIN contacts c ON c.id = m.contact_id
      WHERE m.list_id = ${request.listId} AND ${eligible}
      ORDER BY m.id`),
    // Re-consent: the invitation is recorded in the ledger, and the member leaves `legacy`, in the
    // same transaction as its outbox row, so a second send can never find it again.
    ...(request.kind === "reconsent"
      ? [
          deps.db.run(sql`
            INSERT INTO consent_events (list_id, contact_id, event, at, source, text_version, ip_hash, actor)
            SELECT m.list_id, m.contact_id, 'invited', ${at}, ${source}, ${request.textVersion}, NULL, ${request.actor}
            FROM list_members m
            WHERE m.list_id = ${request.listId} AND m.status = 'legacy' AND ${ofThisSend}`),
          deps.db.run(sql`
            UPDATE list_members AS m SET status = 'invited', updated_at = ${at}
            WHERE m.list_id = ${request.listId} AND m.status = 'legacy' AND ${ofThisSend}`),
        ]
      : []),
    deps.db.run(sql`
      UPDATE sends SET total = (SELECT count(*) FROM outbox_messages WHERE send_id = ${sendId})
      WHERE id = ${sendId}`),
  ]);
  const send = await q.findSend(deps.db, sendId);
  return { sendId, recipients: send?.total ?? 0, excluded: eligibility.excluded };
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
        AND ${eligibleMemberSql("campaign")}
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
