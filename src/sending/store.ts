// The sending pipeline's store: every read and write the dispatcher makes, named, behind one
// interface (a test may hand the dispatcher another). The dispatcher's stages describe writes as
// values (`Change`); `commit` turns them into SQL and runs them in one transaction.

import { and, asc, eq, inArray, isNull, lte, or, type SQL, sql } from "drizzle-orm";
import {
  batchPayloads,
  type MailTemplate,
  outboxMessages,
  type StoredMessage,
  sendBatches,
  sendingState,
  sends,
} from "../../db/schema";
import { dispatchFactsSql } from "../consent/eligibility";
import type { Db } from "../db";
import { type NoticeFacts, noticeFacts } from "../subscriptions/notice-facts";
import { type CampaignVersion, campaignVersionsOf } from "./campaign-versions";
import * as q from "./queries";

export type Send = q.Send;
export type Batch = typeof sendBatches.$inferSelect;

/** A queued row with what rendering and the last eligibility check need to know of its contact. */
export type Recipient = {
  id: number;
  /** Null for a test send's one message (its address is on the send). */
  contactId: number | null;
  email: string | null;
  name: string | null;
  attributes: unknown;
  state: string | null;
  /** The consent rule's facts at dispatch (consent/eligibility.ts `dispatchFactsSql`). */
  has_address: number;
  suppressed: number;
  simulated_confirmation: number;
};

/** What a send's mail is made of, read once per send. */
export type SendMaterial = {
  list: { name: string; slug: string; purpose: string };
  campaign: Awaited<ReturnType<typeof q.findCampaign>>;
  /** The campaign's versions in its other languages (none for other kinds of send). */
  versions: CampaignVersion[];
  /** An incident notice's incident or update (subscriptions/notice-facts.ts). */
  notice?: NoticeFacts;
};

/** Whether a provider call may start: the kill switch, and the provider's own hold (a 429). */
export type Gate = { paused: boolean; holdUntil: string | null };

/** A batch's attempt count and first attempt, as the outcome of a call records them. */
/** A batch's error when its send was cancelled before (or while) it was called. */
export const CANCELLED_ERROR = "send cancelled";

/** How a batch's error starts when its retries ran out (every answer was a 5xx, 429 or timeout). */
export const GAVE_UP_ERROR = "gave up after 24 hours";

export type Attempt = { attempts: number; firstAttemptAt: string };

/** A new batch: the rows it takes, their messages, and the rows dropped before it. */
export type ClaimPlan = {
  sendId: number;
  /** The send's first batch marks it as sending. */
  markSending: boolean;
  idempotencyKey: string;
  at: string;
  leaseUntil: string;
  messages: StoredMessage[];
  templates: Record<string, MailTemplate>;
  dropped: { id: number; reason: string }[];
};

export type RowResult = {
  id: number;
  status: "sent" | "failed";
  providerId: string | null;
  error: string | null;
};

/** A write of the pipeline, as a value. */
export type Change =
  | { kind: "claim"; plan: ClaimPlan }
  | { kind: "sent"; batchId: number; attempt: Attempt; results: RowResult[]; at: string }
  | { kind: "failed"; batchId: number; attempt: Attempt; reason: string; at: string }
  | {
      kind: "retry";
      batchId: number;
      attempt: Attempt;
      reason: string;
      nextAttemptAt: string;
      /** The provider asked the whole account to wait until then. */
      holdUntil: string | null;
    }
  /** Claimed rows whose stored message cannot be rebuilt (only a damaged database does that). */
  | { kind: "unreadable"; ids: number[]; reason: string; at: string }
  /** A batch left with nothing to call. */
  | { kind: "emptied"; batchId: number }
  /** A send's canary was all called: it holds until then. */
  | { kind: "canary_hold"; sendId: number; until: string }
  /** The canary was judged at the end of its hold: the send goes on, or pauses (reason `canary`). */
  | { kind: "canary_judged"; sendId: number; pause: boolean; reason: string; at: string };

/** A canary send to move on: into its hold, or (`holdOver`) to its verdict. */
export type CanaryToSettle = { sendId: number; holdOver: boolean };

/** What committing a claim gave: the batch, and whether it got every row planned. */
export type Claimed = { batch: Batch; complete: boolean } | undefined;

export interface PipelineStore {
  gate(): Promise<Gate>;
  /** The oldest unfinished send that still has queued messages to claim. */
  nextSendToClaim(): Promise<Send | undefined>;
  /** Its next queued rows, oldest first. */
  queuedRecipients(send: Send, limit: number): Promise<Recipient[]>;
  sendMaterial(send: Send): Promise<SendMaterial | undefined>;
  /** A pending batch whose retry is due, leased so that no other dispatcher calls it meanwhile. */
  leaseDueBatch(now: string, leaseUntil: string): Promise<Batch | undefined>;
  /** A batch's claimed rows, and the messages stored with it when it was claimed. */
  claimedRows(batchId: number): Promise<{
    ids: number[];
    stored: { messages: StoredMessage[]; templates: Record<string, MailTemplate> | null } | null;
  }>;
  releaseLease(batchId: number): Promise<void>;
  /** On Node one process dispatches: every lease left at start is a killed process's. */
  releaseAllLeases(): Promise<void>;
  /** Marks done every active send with no message left to send. */
  closeFinishedSends(at: string): Promise<void>;
  earliestPendingAttempt(): Promise<string | null>;
  /** When the next pending batch may be called: its retry time, or the end of its lease. */
  nextCallableAt(): Promise<string | null>;
  /** Queued rows of an active send to claim, or a due pending batch no live lease holds. */
  workDue(now: string): Promise<boolean>;
  /** Canary sends whose canary was all called, or whose hold is over. */
  canariesToSettle(now: string): Promise<CanaryToSettle[]>;
  /** What the canary of a send gave: messages called, and their bounces and complaints. */
  canaryFigures(sendId: number): Promise<q.CanaryFigures>;
  /** Writes the changes in one transaction; one entry per claim among them, in order. */
  commit(changes: readonly Change[]): Promise<Claimed[]>;
}

const STATE_ROW = 1;

export function pipelineStore(db: Db): PipelineStore {
  return {
    gate: () => gate(db),
    nextSendToClaim: () => nextSendToClaim(db),
    queuedRecipients: (send, limit) => queuedRecipients(db, send, limit),
    sendMaterial: async (send) => {
      const list = await q.listWithPurpose(db, send.listId, send.textVersion);
      if (!list) return undefined;
      const campaign = send.campaignId ? await q.findCampaign(db, send.campaignId) : undefined;
      const versions = campaign ? await campaignVersionsOf(db, campaign.id) : [];
      const notice = send.kind === "incident" ? await noticeFacts(db, send) : undefined;
      return { list, campaign, versions, notice };
    },
    leaseDueBatch: (now, leaseUntil) => leaseDueBatch(db, now, leaseUntil),
    claimedRows: (batchId) => claimedRows(db, batchId),
    releaseLease: async (batchId) => {
      await db.update(sendBatches).set({ leaseUntil: null }).where(eq(sendBatches.id, batchId));
    },
    releaseAllLeases: async () => {
      await db
        .update(sendBatches)
        .set({ leaseUntil: null })
        .where(eq(sendBatches.status, "pending"));
    },
    closeFinishedSends: async (at) => {
      await closeFinishedSends(db, at);
    },
    earliestPendingAttempt: () => pendingBatchesAt(db, sql`min(${sendBatches.nextAttemptAt})`),
    nextCallableAt: async () => {
      const batch = await pendingBatchesAt(
        db,
        sql`min(max(${sendBatches.nextAttemptAt}, coalesce(${sendBatches.leaseUntil}, '')))`,
      );
      const hold = await canaryHoldEnd(db);
      return [batch, hold].filter((t) => t !== null).sort()[0] ?? null;
    },
    workDue: (now) => workDue(db, now),
    canariesToSettle: (now) => canariesToSettle(db, now),
    canaryFigures: (sendId) => q.canaryFigures(db, sendId),
    commit: (changes) => commit(db, changes),
  };
}

async function gate(db: Db): Promise<Gate> {
  const row = (
    await db
      .select({ paused: sendingState.paused, holdUntil: sendingState.providerHoldUntil })
      .from(sendingState)
      .where(eq(sendingState.id, STATE_ROW))
      .limit(1)
  )[0];
  return row ?? { paused: false, holdUntil: null };
}

const nextSendToClaim = async (db: Db) =>
  (
    await db
      .select()
      .from(sends)
      .where(
        and(
          inArray(sends.status, ["queued", "sending"]),
          sql`EXISTS (SELECT 1 FROM outbox_messages o WHERE o.send_id = ${sends.id} AND ${claimableRow(sql`sends`)})`,
        ),
      )
      .orderBy(asc(sends.id))
      .limit(1)
  )[0];

async function claimedRows(db: Db, batchId: number) {
  // One after the other: concurrent queries would make the client open a second connection.
  const rows = await db
    .select({ id: outboxMessages.id })
    .from(outboxMessages)
    .where(and(eq(outboxMessages.batchId, batchId), eq(outboxMessages.status, "claimed")))
    .orderBy(asc(outboxMessages.id));
  const stored = await db
    .select({ messages: batchPayloads.messages, templates: batchPayloads.templates })
    .from(batchPayloads)
    .where(eq(batchPayloads.batchId, batchId))
    .limit(1);
  return { ids: rows.map((r) => r.id), stored: stored[0] ?? null };
}

/** A time computed over the pending batches (`at`), or null when there is none. */
const pendingBatchesAt = async (db: Db, at: SQL) =>
  (
    await db
      .select({ at: sql<string | null>`${at}` })
      .from(sendBatches)
      .where(eq(sendBatches.status, "pending"))
  )[0]?.at ?? null;

/** When the first canary hold ends, if a send holds one (a queue message must come back then). */
const canaryHoldEnd = async (db: Db) =>
  (
    await db.get<{ at: string | null }>(sql`
      SELECT min(canary_hold_until) AS at FROM sends WHERE status = 'canary_hold'`)
  )?.at ?? null;

/**
 * One query (a row lookup per join, no scan), in SQL rather than the query builder, whose per-row
 * mapping of 100 rows was a visible share of the dispatcher.
 */
async function queuedRecipients(db: Db, send: Send, limit: number): Promise<Recipient[]> {
  const rows = await db.all<Recipient & { attributes: string | null }>(sql`
    SELECT o.id, o.contact_id AS contactId, c.email, c.name, c.attributes, m.status AS state,
           ${dispatchFactsSql}
    FROM outbox_messages o
    LEFT JOIN contacts c ON c.id = o.contact_id
    LEFT JOIN list_members m ON m.list_id = ${send.listId} AND m.contact_id = o.contact_id
    JOIN sends s ON s.id = o.send_id
    WHERE o.send_id = ${send.id} AND ${claimableRow(sql`s`)}
    ORDER BY o.id
    LIMIT ${limit}`);
  return rows.map((r) => ({
    ...r,
    attributes: r.attributes === null ? null : (JSON.parse(r.attributes) as unknown),
  }));
}

async function leaseDueBatch(db: Db, now: string, leaseUntil: string) {
  const due = (
    await db
      .select()
      .from(sendBatches)
      .where(
        and(
          eq(sendBatches.status, "pending"),
          lte(sendBatches.nextAttemptAt, now),
          or(isNull(sendBatches.leaseUntil), lte(sendBatches.leaseUntil, now)),
          sendMayCall(sendBatches.sendId),
        ),
      )
      .orderBy(asc(sendBatches.nextAttemptAt), asc(sendBatches.id))
      .limit(1)
  )[0];
  if (!due) return undefined;
  const leased = await db
    .update(sendBatches)
    .set({ leaseUntil })
    .where(
      and(
        eq(sendBatches.id, due.id),
        eq(sendBatches.status, "pending"),
        or(isNull(sendBatches.leaseUntil), lte(sendBatches.leaseUntil, now)),
      ),
    );
  return leased.rowsAffected === 1 ? { ...due, leaseUntil } : undefined;
}

/**
 * Over `outbox_messages o` and its send (`send`): a queued row the dispatcher may claim now. Until
 * its canary is judged, a canary send's rows past the canary wait.
 */
const claimableRow = (send: SQL) => sql`o.status = 'queued'
  AND (${send}.canary_last_message_id IS NULL OR ${send}.canary_judged_at IS NOT NULL
       OR o.id <= ${send}.canary_last_message_id)`;

/**
 * The send of a pending batch still lets its messages go: running, or holding its canary (whose
 * retries still go). A cancelled, rejected or paused send calls nobody more.
 */
const sendMayCall = (sendId: SQL | typeof sendBatches.sendId) =>
  sql`EXISTS (SELECT 1 FROM sends s WHERE s.id = ${sendId}
    AND s.status IN ('queued', 'sending', 'canary_hold'))`;

/**
 * Canary sends with something to settle: the canary all called (the hold starts), or the hold
 * over (the canary is judged).
 */
const canariesToSettle = async (db: Db, now: string): Promise<CanaryToSettle[]> =>
  (
    await db.all<{ id: number; status: string }>(sql`
      SELECT s.id, s.status FROM sends s
      WHERE s.canary_last_message_id IS NOT NULL AND s.canary_judged_at IS NULL
        AND ((s.status = 'canary_hold' AND s.canary_hold_until <= ${now})
          OR (s.status = 'sending' AND s.canary_hold_until IS NULL
              AND NOT EXISTS (SELECT 1 FROM outbox_messages o
                              WHERE o.send_id = s.id AND o.id <= s.canary_last_message_id
                                AND o.status IN ('queued', 'claimed'))))
      ORDER BY s.id`)
  ).map((r) => ({ sendId: r.id, holdOver: r.status === "canary_hold" }));

const closeFinishedSends = (db: Db, at: string) =>
  db.run(sql`
    UPDATE sends SET status = 'done', finished_at = ${at}
    WHERE status IN ('queued', 'sending')
      AND NOT EXISTS (SELECT 1 FROM outbox_messages o
                      WHERE o.send_id = sends.id AND o.status IN ('queued', 'claimed'))`);

const workDue = async (db: Db, now: string) =>
  Boolean(
    (
      await db.get<{ due: number }>(sql`
        SELECT EXISTS (
                 SELECT 1 FROM sends s
                 WHERE s.status IN ('queued', 'sending')
                   AND EXISTS (SELECT 1 FROM outbox_messages o
                               WHERE o.send_id = s.id AND ${claimableRow(sql`s`)}))
            OR EXISTS (
                 SELECT 1 FROM sends s
                 WHERE s.status = 'canary_hold' AND s.canary_hold_until <= ${now})
            OR EXISTS (
                 SELECT 1 FROM send_batches b
                 WHERE b.status = 'pending' AND b.next_attempt_at <= ${now}
                   AND (b.lease_until IS NULL OR b.lease_until <= ${now})
                   AND ${sendMayCall(sql`b.send_id`)}) AS due`)
    )?.due,
  );

/**
 * Once a batch is finished, the messages of contacts erased while it was in flight (kept until
 * then, so that a retry stayed identical) go from the batch's payload. Changes nothing when no
 * such contact is in it.
 */
const forgetErasedInBatch = (db: Db, batchId: number) =>
  db.run(sql`
    UPDATE batch_payloads
    SET messages = ${q.keptMessages(
      sql`batch_payloads.messages`,
      sql`NOT EXISTS (
        SELECT 1 FROM outbox_messages o JOIN contacts c ON c.id = o.contact_id
        WHERE o.id = j.value ->> '$.id' AND c.erased_at IS NOT NULL)`,
    )}
    WHERE batch_id = ${batchId}
      AND EXISTS (
        SELECT 1 FROM outbox_messages o JOIN contacts c ON c.id = o.contact_id
        WHERE o.batch_id = ${batchId} AND c.erased_at IS NOT NULL)`);

// ---- Writes: each change as statements, all of them run in one transaction --------------------

type Statement = Parameters<Db["batch"]>[0][number];

async function commit(db: Db, changes: readonly Change[]): Promise<Claimed[]> {
  const planned = changes.map((change) => statementsOf(db, change));
  const statements = planned.flat();
  const [first, ...rest] = statements;
  if (!first) return changes.filter((c) => c.kind === "claim").map(() => undefined);
  const results = await db.batch([first, ...rest]);
  // Each claim reads its own results: the batch it created (none when another dispatcher created
  // it first), and how many rows it got.
  const claimed: Claimed[] = [];
  let offset = 0;
  changes.forEach((change, i) => {
    if (change.kind === "claim") claimed.push(claimResult(change.plan, results.slice(offset)));
    offset += planned[i]?.length ?? 0;
  });
  return claimed;
}

function claimResult(plan: ClaimPlan, results: readonly unknown[]): Claimed {
  if (plan.messages.length === 0) return undefined;
  const batch = (results[0] as Batch[])[0];
  if (!batch) return undefined;
  const rows = (results[1] as { rowsAffected: number }).rowsAffected;
  return { batch, complete: rows === plan.messages.length };
}

function statementsOf(db: Db, change: Change): Statement[] {
  switch (change.kind) {
    case "claim":
      return claimStatements(db, change.plan);
    case "sent":
      return [
        finishBatch(db, change.batchId, { status: "sent", ...change.attempt, lastError: null }),
        forgetErasedInBatch(db, change.batchId),
        db.run(sql`
          UPDATE outbox_messages
          SET status = j.value ->> '$.status',
              provider_id = j.value ->> '$.providerId',
              error = j.value ->> '$.error',
              updated_at = ${change.at}
          FROM json_each(${JSON.stringify(change.results)}) AS j
          WHERE outbox_messages.id = j.value ->> '$.id' AND outbox_messages.status = 'claimed'`),
        // In the same transaction: the send is done as soon as its last batch is.
        closeFinishedSends(db, change.at),
      ];
    case "failed":
      return [
        finishBatch(db, change.batchId, {
          status: "failed",
          ...change.attempt,
          lastError: change.reason,
        }),
        db
          .update(outboxMessages)
          .set({ status: "failed", error: change.reason, updatedAt: change.at })
          .where(
            and(eq(outboxMessages.batchId, change.batchId), eq(outboxMessages.status, "claimed")),
          ),
        forgetErasedInBatch(db, change.batchId),
        closeFinishedSends(db, change.at),
      ];
    case "retry":
      return retryStatements(db, change);
    case "unreadable":
      return [
        db
          .update(outboxMessages)
          .set({ status: "failed", error: change.reason, updatedAt: change.at })
          .where(
            and(
              sql`${outboxMessages.id} IN (SELECT value FROM json_each(${JSON.stringify(change.ids)}))`,
              eq(outboxMessages.status, "claimed"),
            ),
          ),
      ];
    case "canary_hold":
    case "canary_judged":
      return canaryStatements(db, change);
    case "emptied":
      return [
        finishBatch(db, change.batchId, { status: "sent" }),
        forgetErasedInBatch(db, change.batchId),
      ];
  }
}

/** The canary's hold starts; or its verdict: the send goes on, or pauses (audited). */
function canaryStatements(
  db: Db,
  change: Extract<Change, { kind: "canary_hold" | "canary_judged" }>,
): Statement[] {
  if (change.kind === "canary_hold")
    return [
      db
        .update(sends)
        .set({ status: "canary_hold", canaryHoldUntil: change.until })
        .where(and(eq(sends.id, change.sendId), eq(sends.status, "sending"))),
    ];
  const judged = db
    .update(sends)
    .set(
      change.pause
        ? {
            status: "paused",
            canaryJudgedAt: change.at,
            stoppedBy: "system",
            stoppedAt: change.at,
            stopReason: `canary: ${change.reason}`,
          }
        : { status: "sending", canaryJudgedAt: change.at },
    )
    .where(and(eq(sends.id, change.sendId), eq(sends.status, "canary_hold")));
  if (!change.pause) return [judged];
  // Audited only by the consumer whose verdict was written (two may judge at once on Workers).
  const summary = `Send #${change.sendId} paused after its canary: ${change.reason}`;
  const audit = db.run(sql`
    INSERT INTO audit_log (at, actor, action, list_id, summary, details)
    SELECT ${change.at}, 'system', 'send.canary_paused', s.list_id, ${summary},
           json_object('send_id', s.id)
    FROM sends s WHERE s.id = ${change.sendId} AND changes() = 1 AND s.canary_judged_at = ${change.at}`);
  return [judged, audit];
}

const finishBatch = (
  db: Db,
  batchId: number,
  set: Partial<Attempt> & { status: "sent" | "failed"; lastError?: string | null },
) =>
  db
    .update(sendBatches)
    .set({ ...set, leaseUntil: null })
    .where(eq(sendBatches.id, batchId));

function retryStatements(db: Db, change: Extract<Change, { kind: "retry" }>): Statement[] {
  const retry = db
    .update(sendBatches)
    .set({
      ...change.attempt,
      nextAttemptAt: change.nextAttemptAt,
      leaseUntil: null,
      lastError: change.reason,
    })
    .where(eq(sendBatches.id, change.batchId));
  if (!change.holdUntil) return [retry];
  // A later hold never shortens one already recorded (another consumer's longer wait stands).
  const hold = db.run(sql`
    INSERT INTO sending_state (id, paused, provider_hold_until) VALUES (${STATE_ROW}, 0, ${change.holdUntil})
    ON CONFLICT (id) DO UPDATE SET provider_hold_until = excluded.provider_hold_until
    WHERE sending_state.provider_hold_until IS NULL
       OR sending_state.provider_hold_until < excluded.provider_hold_until`);
  return [retry, hold];
}

/**
 * Claiming: the rows dropped before the batch, the batch, its rows, its stored messages. Only the
 * dropped rows and the send's status when no row is left to take.
 */
function claimStatements(db: Db, plan: ClaimPlan): Statement[] {
  const dropped = plan.dropped.map((d) =>
    db
      .update(outboxMessages)
      .set({ status: "suppressed", error: d.reason, updatedAt: plan.at })
      .where(and(eq(outboxMessages.id, d.id), eq(outboxMessages.status, "queued"))),
  );
  const markSending = plan.markSending
    ? [
        db
          .update(sends)
          .set({ status: "sending" })
          .where(and(eq(sends.id, plan.sendId), eq(sends.status, "queued"))),
      ]
    : [];
  if (plan.messages.length === 0) return [...dropped, ...markSending];
  const key = plan.idempotencyKey;
  return [
    db
      .insert(sendBatches)
      .values({
        sendId: plan.sendId,
        idempotencyKey: key,
        status: "pending",
        nextAttemptAt: plan.at,
        leaseUntil: plan.leaseUntil,
        createdAt: plan.at,
      })
      .onConflictDoNothing()
      .returning(),
    // One set-based statement for the whole batch (a row lookup per id, not a scan); the rows
    // stay small, since the rendered messages are stored once, with the batch.
    db.run(sql`
      UPDATE outbox_messages
      SET status = 'claimed',
          batch_id = (SELECT id FROM send_batches WHERE idempotency_key = ${key}),
          updated_at = ${plan.at}
      WHERE id IN (SELECT value FROM json_each(${JSON.stringify(plan.messages.map((m) => m.id))}))
        AND status = 'queued'`),
    storeMessages(db, plan),
    ...dropped,
    ...markSending,
  ];
}

/**
 * Never replaced: when another dispatcher claimed the same rows first, its messages stand. Only
 * the messages of rows this batch got: when one left the queue meanwhile (counted from the index,
 * so the usual case stores the text as it is), its copy is not kept, since erasure finds a
 * contact's copies through their rows' batches. The messages are bound once.
 */
const storeMessages = (db: Db, plan: ClaimPlan) =>
  db.run(sql`
    WITH given(messages) AS (SELECT ${JSON.stringify(plan.messages)})
    INSERT INTO batch_payloads (batch_id, messages, templates)
    SELECT b.id,
      CASE WHEN (SELECT count(*) FROM outbox_messages WHERE batch_id = b.id) = ${plan.messages.length}
        THEN given.messages
        ELSE ${q.keptMessages(
          sql`given.messages`,
          sql`EXISTS (SELECT 1 FROM outbox_messages o
                      WHERE o.id = j.value ->> '$.id' AND o.batch_id = b.id)`,
        )}
      END,
      ${JSON.stringify(plan.templates)}
    FROM send_batches b, given WHERE b.idempotency_key = ${plan.idempotencyKey}
    ON CONFLICT DO NOTHING`);
