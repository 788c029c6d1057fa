// Starting a send, the one door into the outbox: the recipient counts, then one outbox row per
// recipient, written chunk by chunk while the send is `preparing` (with the `invited` events of a
// re-consent send, chunk by chunk too: prepare.ts), and a send that enqueues nobody does not exist.
import { type SQL, sql } from "drizzle-orm";
import { type MaintenanceStage, type SEND_STATUSES, sends } from "../../db/schema";
import type { Deps } from "../deps";
import type { Lang } from "../i18n";
import {
  countRecipients,
  type Excluded,
  eligibleMemberSql,
  mailModeOf,
  type SendKind,
} from "./eligibility";
import {
  type Enqueue,
  PREPARE_CHUNK,
  type PrepareOptions,
  type PreparePlan,
  prepareSend,
  recordInvitations,
  sentBySend,
} from "./prepare";
import * as q from "./queries";
import { mayHaveLeft } from "./uninvite";

export { recordInvitations, sentBySend };

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
  /** Maintenance notice (kind `incident`, no incident): the maintenance, and the moment told. */
  maintenance?: { id: number; stage: MaintenanceStage };
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

export async function startSend(
  deps: Deps,
  request: SendRequest,
  options: PrepareOptions = {},
): Promise<SendReport> {
  const counts = await countRecipients(deps, request.kind, request.listId, request.contactId);
  const none = { sendId: null, recipients: 0, excluded: counts.excluded };
  if (request.dryRun) return { ...none, recipients: counts.recipients };
  if (counts.recipients === 0) return none;
  const awaiting = needsApproval(deps, request.kind, counts.recipients);
  const later = awaiting ? "awaiting_approval" : "scheduled";
  const at = deps.clock.now().toISOString();
  const sendId = await q.insertSend(deps.db, {
    kind: request.kind,
    listId: request.listId,
    campaignId: request.campaignId ?? null,
    pollId: request.pollId ?? null,
    status: request.sendAt ? later : "preparing",
    subject: request.subject,
    deadline: request.deadline ?? null,
    reminderDaysBefore: request.reminderDaysBefore ?? null,
    reminderOf: request.reminderOf ?? null,
    incidentId: request.incident?.id ?? null,
    incidentUpdateId: request.incident?.updateId ?? null,
    maintenanceId: request.maintenance?.id ?? null,
    maintenanceStage: request.maintenance?.stage ?? null,
    recipientsOf: request.recipientsOf ?? null,
    textVersion: request.textVersion,
    // Until its rows are in (or, scheduled, until it is due), its total is the count made now.
    total: counts.recipients,
    excluded: counts.excluded,
    createdBy: request.actor,
    createdAt: at,
    sendAt: request.sendAt ?? null,
    preparedAt: request.sendAt ? null : at,
  });
  if (sendId === undefined) throw new Error("the send could not be recorded");
  if (request.sendAt)
    return { sendId, recipients: counts.recipients, excluded: counts.excluded, status: later };
  const send = await q.findSend(deps.db, sendId);
  if (!send) return none;
  const plan = planOf(deps, send);
  const enqueued = await prepareSend(deps, request, sendId, plan, options);
  if (enqueued === 0) return none;
  return { sendId, recipients: enqueued, excluded: counts.excluded, status: plan.next };
}

/**
 * Where a preparing send goes, read from the send itself (so that a resume decides as its start
 * did): awaiting approval when it is that large and nobody approved it yet, its re-consent then
 * inviting nobody (a rejection leaves nobody half-invited); its canary from the count made at start.
 */
export function planOf(deps: Pick<Deps, "config">, send: q.Send): PreparePlan {
  const awaiting = send.approvedBy === null && needsApproval(deps, send.kind, send.total);
  return {
    next: awaiting ? "awaiting_approval" : "queued",
    invite: !awaiting,
    canary: canarySize(deps, send.kind, send.total),
  };
}

/** How long a preparation may be silent before it is taken for dead (a chunk takes < 1 s). */
const PREPARING_STALE_MS = 2 * 60_000;

/**
 * Preparations a crash stopped: a send of many (re-consent, campaign, reminder, poll) resumes
 * where its last chunk ended; any other (one person's confirmation, an incident notice whose
 * recipients' filter is not recorded, a resend) is discarded, its rows deleted in chunks (none of
 * them invites anybody). Run at start and periodically. Returns the sends resumed and discarded.
 */
export async function resumePreparingSends(deps: Deps, options: PrepareOptions = {}) {
  const stale = new Date(deps.clock.now().getTime() - PREPARING_STALE_MS).toISOString();
  const found = await deps.db.all<{ id: number }>(sql`
    SELECT id FROM sends WHERE status = 'preparing'
      AND coalesce(prepared_at, created_at) <= ${stale} ORDER BY id`);
  const done = { resumed: [] as number[], discarded: [] as number[] };
  for (const { id } of found) {
    const send = await q.findSend(deps.db, id);
    if (send?.status !== "preparing") continue;
    if (GUARDED_KINDS.includes(send.kind) && send.retryOf === null) {
      await prepareSend(deps, enqueueOf(send), id, planOf(deps, send), options);
      done.resumed.push(id);
    } else {
      await discardPreparing(deps, id, options.chunkSize);
      done.discarded.push(id);
    }
  }
  if (done.resumed.length > 0) deps.dispatcher?.wake();
  return done;
}

/** What enqueuing a recorded send needs; its starter stays the one who invited. */
export function enqueueOf(send: q.Send): Enqueue {
  // A test goes to one address, never scheduled, approved nor prepared: it never reaches here.
  if (send.kind === "test") throw new Error(`send ${send.id} is a test`);
  return { ...send, kind: send.kind, actor: send.createdBy, contactId: undefined };
}

/** A preparation given up: its rows go a chunk at a time, then the send (still preparing). */
async function discardPreparing(deps: Deps, sendId: number, chunkSize = PREPARE_CHUNK) {
  for (;;) {
    const removed = await deps.db.run(sql`
      DELETE FROM outbox_messages WHERE id IN (
        SELECT id FROM outbox_messages WHERE send_id = ${sendId} LIMIT ${chunkSize})
        AND EXISTS (SELECT 1 FROM sends WHERE id = ${sendId} AND status = 'preparing')`);
    if (removed.rowsAffected === 0) break;
  }
  await deps.db.run(sql`DELETE FROM sends WHERE id = ${sendId} AND status = 'preparing'`);
  console.warn(`[relance] send #${sendId} was stopped while preparing and is discarded`);
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
    /** The language of the campaign's version the test shows. */
    lang: Lang;
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
        testLang: request.lang,
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
        AND NOT EXISTS (SELECT 1 FROM outbox_messages o WHERE o.id = f.id AND ${mayHaveLeft})
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
