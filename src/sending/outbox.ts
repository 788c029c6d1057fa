// Starting a send, the one door into the outbox: the recipient counts, then one outbox row per
// recipient, all in one transaction (with the `invited` events of a re-consent send), so a send
// is all or nothing, and a send that enqueues nobody does not exist.
import { type SQL, sql } from "drizzle-orm";
import { type SEND_STATUSES, sends } from "../../db/schema";
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

export type SendStatus = (typeof SEND_STATUSES)[number];

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
  reminderOf?: number | null;
  /** Incident notice: the incident, and the update it tells (none: the incident was declared). */
  incident?: { id: number; updateId: number | null };
  /** Incident notice: only the recipients of this send, and at most once (a unique column). */
  recipientsOf?: number | null;
  /**
   * A further condition over `list_members m` (a subscriber's chosen components, someone already
   * told through another list): applied when enqueuing; the counts stay the list's.
   */
  memberFilter?: SQL;
  /** A scheduled send: recorded now (approval asked now), its recipients enqueued when due. */
  sendAt?: string;
};

/** Over `list_members m`: the member is one a send's message was sent to. */
export const sentBySend = (sendId: number) =>
  sql`m.contact_id IN (SELECT contact_id FROM outbox_messages WHERE send_id = ${sendId} AND status = 'sent')`;

export type SendReport = {
  sendId: number | null;
  recipients: number;
  excluded: Excluded;
  /** Where the send stands once started: `awaiting_approval` when it waits for a second admin. */
  status?: SendStatus;
};

/** Mail to many, which a second admin and a canary guard; not one person's own message. */
const GUARDED_KINDS: readonly string[] = ["reconsent", "campaign", "reminder", "poll"];

/** Whether a send of this kind and size waits for a second admin (APPROVAL_THRESHOLD). */
export function needsApproval(deps: Pick<Deps, "config">, kind: string, recipients: number) {
  const threshold = deps.config.approvalThreshold;
  return GUARDED_KINDS.includes(kind) && threshold !== null && recipients >= threshold;
}

/**
 * How many recipients the canary takes: CANARY_PERCENT % of a send of at least
 * CANARY_MIN_RECIPIENTS, and at least one batch; null when the send has no canary.
 */
export function canarySize(deps: Pick<Deps, "config">, kind: string, recipients: number) {
  const { minRecipients, percent } = deps.config.canary;
  if (!GUARDED_KINDS.includes(kind) || percent === 0 || recipients < minRecipients) return null;
  const share = Math.ceil((recipients * percent) / 100);
  const size = Math.max(share, deps.config.sending.batchSize);
  // A canary of everyone is no canary: the send simply goes.
  return size >= recipients ? null : size;
}

export async function startSend(deps: Deps, request: SendRequest): Promise<SendReport> {
  const counts = await countRecipients(deps, request.kind, request.listId, request.contactId);
  const none = { sendId: null, recipients: 0, excluded: counts.excluded };
  if (request.dryRun) return { ...none, recipients: counts.recipients };
  if (counts.recipients === 0) return none;
  const awaiting = needsApproval(deps, request.kind, counts.recipients);
  const status = awaiting ? "awaiting_approval" : request.sendAt ? "scheduled" : "queued";
  const sendId = await q.insertSend(deps.db, {
    kind: request.kind,
    listId: request.listId,
    campaignId: request.campaignId ?? null,
    pollId: request.pollId ?? null,
    status,
    subject: request.subject,
    deadline: request.deadline ?? null,
    reminderDaysBefore: request.reminderDaysBefore ?? null,
    reminderOf: request.reminderOf ?? null,
    incidentId: request.incident?.id ?? null,
    incidentUpdateId: request.incident?.updateId ?? null,
    recipientsOf: request.recipientsOf ?? null,
    textVersion: request.textVersion,
    // A scheduled send enqueues when due: until then its total is the count made now.
    total: request.sendAt ? counts.recipients : 0,
    excluded: counts.excluded,
    createdBy: request.actor,
    createdAt: deps.clock.now().toISOString(),
    sendAt: request.sendAt ?? null,
  });
  if (sendId === undefined) throw new Error("the send could not be recorded");
  if (request.sendAt)
    return { sendId, recipients: counts.recipients, excluded: counts.excluded, status };
  // Awaiting approval, a re-consent invites nobody yet: a rejection then leaves nobody half-invited.
  const enqueued = await enqueueRecipients(deps, request, sendId, {
    invite: !awaiting,
    canary: canarySize(deps, request.kind, counts.recipients),
  });
  if (enqueued === 0) return none;
  return { sendId, recipients: enqueued, excluded: counts.excluded, status };
}

type Enqueue = Pick<
  SendRequest,
  | "kind"
  | "listId"
  | "contactId"
  | "reminderOf"
  | "recipientsOf"
  | "memberFilter"
  | "actor"
  | "textVersion"
>;

/**
 * One transaction: the outbox rows (the canary's first, chosen at random), the re-consent
 * invitations when `invite`, the total. The counts and the enqueue read the database at different
 * moments: if nobody was enqueued after all, the send is not kept. Returns how many were enqueued.
 */
export async function enqueueRecipients(
  deps: Deps,
  request: Enqueue,
  sendId: number,
  options: { invite: boolean; canary: number | null },
): Promise<number> {
  const at = deps.clock.now().toISOString();
  // The canary's rows come first (chosen at random), so that it is every row up to the last id.
  const first =
    options.canary === null ? sql`ORDER BY m.id` : sql`ORDER BY random() LIMIT ${options.canary}`;
  const rest =
    options.canary === null
      ? []
      : [
          deps.db.run(sql`
            UPDATE sends SET canary_last_message_id =
              (SELECT max(id) FROM outbox_messages WHERE send_id = ${sendId})
            WHERE id = ${sendId}`),
          enqueue(deps, request, sendId, at, sql`ORDER BY m.id`),
        ];
  const results = await deps.db.batch([
    enqueue(deps, request, sendId, at, first),
    ...rest,
    ...(options.invite ? recordInvitations(deps, request, sendId, at) : []),
    deps.db.run(sql`
      UPDATE sends SET total = (SELECT count(*) FROM outbox_messages WHERE send_id = ${sendId})
      WHERE id = ${sendId}`),
    deps.db.run(sql`
      DELETE FROM sends WHERE id = ${sendId}
        AND NOT EXISTS (SELECT 1 FROM outbox_messages WHERE send_id = ${sendId})`),
  ]);
  const deleted = results[results.length - 1]?.rowsAffected ?? 0;
  if (deleted > 0) return 0;
  return (await q.findSend(deps.db, sendId))?.total ?? 0;
}

/** Queued outbox rows for the members the rule lets receive this kind of mail, not yet enqueued. */
function enqueue(deps: Deps, request: Enqueue, sendId: number, at: string, order: SQL) {
  const one =
    request.contactId === undefined ? sql`` : sql` AND m.contact_id = ${request.contactId}`;
  // A reminder goes only to those its re-consent send reached.
  const reminded = request.reminderOf == null ? sql`` : sql` AND ${sentBySend(request.reminderOf)}`;
  const told = request.recipientsOf == null ? sql`` : sql` AND ${sentBySend(request.recipientsOf)}`;
  const filtered = request.memberFilter === undefined ? sql`` : sql` AND ${request.memberFilter}`;
  return deps.db.run(sql`
    INSERT OR IGNORE INTO outbox_messages (send_id, contact_id, status, updated_at)
    SELECT ${sendId}, m.contact_id, 'queued', ${at}
    FROM list_members m JOIN contacts c ON c.id = m.contact_id
    WHERE m.list_id = ${request.listId}${one}${reminded}${told}${filtered} AND ${eligibleMemberSql(request.kind, mailModeOf(deps))}
    ${order}`);
}

/**
 * Re-consent: the invitation is recorded in the ledger, and the member leaves `legacy`, in the
 * same transaction as its outbox row (or as the send's approval), so a second send can never find
 * it again.
 */
export function recordInvitations(deps: Deps, request: Enqueue, sendId: number, at: string) {
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
    // Preparing until its rows are in: then queued, or awaiting approval when it is that large.
    status: "preparing",
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
    deps.db.run(sql`
      UPDATE sends SET status = CASE WHEN total >= ${deps.config.approvalThreshold ?? Number.MAX_SAFE_INTEGER}
        THEN 'awaiting_approval' ELSE 'queued' END
      WHERE id = ${sendId}`),
  ]);
  const send = await q.findSend(deps.db, sendId);
  // Someone left between the count and the enqueue: a send that enqueued nobody is not kept.
  if (!send?.total) {
    await deps.db.run(sql`DELETE FROM sends WHERE id = ${sendId} AND total = 0`);
    return { sendId: null, recipients: 0, excluded: request.excluded };
  }
  return { sendId, recipients: send.total, excluded: request.excluded, status: send.status };
}
