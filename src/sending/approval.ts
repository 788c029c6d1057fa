// The two-person rule and stopping a send: a send that reached APPROVAL_THRESHOLD waits until
// another admin who may send approves it (or rejects it); any unfinished send can be cancelled.
// Each decision is written with its audit entry in one transaction.
import { and, eq, inArray, sql } from "drizzle-orm";
import { sendBatches, sends } from "../../db/schema";
import { auditStatement } from "../audit/service";
import { roleAtLeast } from "../auth/roles";
import type { Admin } from "../auth/service";
import type { Deps } from "../deps";
import { enqueueOf, planOf, type SendStatus } from "./outbox";
import { inviteApproved, invites, type PrepareOptions, prepareSend } from "./prepare";
import * as q from "./queries";
import { reconsentTimingErrors } from "./service";
import { CANCELLED_ERROR } from "./store";
import { withdrawUnsentInvitations } from "./uninvite";

export type SendDecisionRefusal = {
  ok: false;
  /** `forbidden`: the role, or the starter approving their own send; `conflict`: its status. */
  reason: "not_found" | "forbidden" | "conflict";
  detail: string;
};
type Decision = { ok: true; send: q.Send } | SendDecisionRefusal;

/** A send no provider call has finished with: it may still be stopped. */
export const UNFINISHED: readonly SendStatus[] = [
  "preparing",
  "scheduled",
  "awaiting_approval",
  "canary_hold",
  "queued",
  "sending",
  "paused",
];

const refuse = (reason: SendDecisionRefusal["reason"], detail: string): SendDecisionRefusal => ({
  ok: false,
  reason,
  detail,
});

const mayDecide = (admin: Admin, what: string) =>
  roleAtLeast(admin.role, "sender")
    ? undefined
    : refuse("forbidden", `Your role (${admin.role}) may not ${what} a send: it needs sender.`);

/** The send, awaiting approval, that `admin` may decide on. */
async function awaitingSend(deps: Deps, admin: Admin, id: number, what: string) {
  const forbidden = mayDecide(admin, what);
  if (forbidden) return forbidden;
  const send = await q.findSend(deps.db, id);
  if (!send) return refuse("not_found", `No send with id ${id}.`);
  if (send.status !== "awaiting_approval")
    return refuse(
      "conflict",
      `Send #${id} is ${send.status}: only a send awaiting approval can be ${what}d.`,
    );
  return { ok: true as const, send };
}

/**
 * Approves a send awaiting approval: it is queued (or scheduled, when its time is still ahead).
 * A re-consent's (or reminder's) invitations are recorded now, chunk by chunk while the send is
 * `preparing` again (prepare.ts `inviteApproved`), then it is queued. Its starter may not approve it.
 */
export async function approveSend(
  deps: Deps,
  admin: Admin,
  id: number,
  options: PrepareOptions = {},
): Promise<Decision> {
  const found = await awaitingSend(deps, admin, id, "approve");
  if (!found.ok) return found;
  const { send } = found;
  if (send.createdBy === admin.email)
    return refuse(
      "forbidden",
      `You started send #${id}: another admin who may send must approve it.`,
    );
  const tooLate = deadlineTooClose(deps, send);
  if (tooLate) return refuse("conflict", tooLate);
  const at = deps.clock.now().toISOString();
  const later = send.sendAt !== null && send.sendAt > at;
  // A scheduled send has no rows yet: its invitations come with its enqueue.
  const inviting = send.sendAt === null && invites(send.kind);
  const next: SendStatus = inviting ? "preparing" : later ? "scheduled" : "queued";
  const [approved] = await deps.db.batch([
    deps.db
      .update(sends)
      .set({
        status: next,
        approvedBy: admin.email,
        approvedAt: at,
        ...(inviting ? { invitedThrough: 0, preparedAt: at } : {}),
      })
      .where(and(eq(sends.id, id), eq(sends.status, "awaiting_approval"))),
    auditStatement(deps, {
      actor: admin.email,
      action: "send.approved",
      listId: send.listId,
      summary: `Send #${id} (${send.kind}, ${send.total} recipients) started by ${send.createdBy} approved`,
      details: { send_id: id, recipients: send.total, started_by: send.createdBy },
    }),
  ]);
  if (approved.rowsAffected === 0) return refuse("conflict", `Send #${id} was decided meanwhile.`);
  if (inviting) await inviteApproved(deps, requestOf(send), id, options);
  if (send.sendAt !== null && !later) await enqueueDueSend(deps, { ...send, status: next });
  return { ok: true, send: (await q.findSend(deps.db, id)) ?? send };
}

/**
 * A re-consent's invitations are recorded at its approval, and whoever has not answered by the
 * deadline is erased: approved while it waited past RECONSENT_MIN_DAYS before it (or past it, when
 * its expiry has already run and would never come back for them), people would be invited with too
 * little time to answer, or for ever.
 */
function deadlineTooClose(deps: Deps, send: q.Send): string | undefined {
  if (send.kind !== "reconsent" || send.deadline === null) return undefined;
  const [error] = reconsentTimingErrors(deps, { deadline: send.deadline });
  if (!error) return undefined;
  return `Send #${send.id} can no longer be approved: ${error.message} Reject it, then ask the list again with a later deadline.`;
}

/** Rejects a send awaiting approval: nobody is called, and no re-consent invitation was recorded. */
export async function rejectSend(
  deps: Deps,
  admin: Admin,
  id: number,
  reason: string,
): Promise<Decision> {
  const found = await awaitingSend(deps, admin, id, "reject");
  if (!found.ok) return found;
  const { send } = found;
  const at = deps.clock.now().toISOString();
  const [rejected] = await deps.db.batch([
    deps.db
      .update(sends)
      .set({
        status: "rejected",
        stoppedBy: admin.email,
        stoppedAt: at,
        stopReason: reason,
        finishedAt: at,
      })
      .where(and(eq(sends.id, id), eq(sends.status, "awaiting_approval"))),
    auditStatement(deps, {
      actor: admin.email,
      action: "send.rejected",
      listId: send.listId,
      summary: `Send #${id} (${send.kind}, ${send.total} recipients) started by ${send.createdBy} rejected: ${reason}`,
      details: { send_id: id, reason, started_by: send.createdBy },
    }),
  ]);
  if (rejected.rowsAffected === 0) return refuse("conflict", `Send #${id} was decided meanwhile.`);
  return { ok: true, send: (await q.findSend(deps.db, id)) ?? send };
}

/**
 * Cancels an unfinished send: its queued messages and the batches nobody is calling now are never
 * called (a call already under way finishes). A re-consent's members whose invitation never left
 * go back to `legacy`. A scheduled campaign's send takes its campaign with it.
 */
export async function cancelSend(
  deps: Deps,
  admin: Admin,
  id: number,
  options: PrepareOptions = {},
): Promise<Decision> {
  const forbidden = mayDecide(admin, "cancel");
  if (forbidden) return forbidden;
  const send = await q.findSend(deps.db, id);
  if (!send) return refuse("not_found", `No send with id ${id}.`);
  if (!UNFINISHED.includes(send.status))
    return refuse("conflict", `Send #${id} is ${send.status}: it can no longer be cancelled.`);
  const at = deps.clock.now().toISOString();
  const [cancelled] = await deps.db.batch([
    deps.db
      .update(sends)
      .set({
        status: "cancelled",
        stoppedBy: admin.email,
        stoppedAt: at,
        stopReason: "cancelled",
        finishedAt: at,
        // A re-consent's invitations that never left are withdrawn from the start (uninvite.ts).
        invitedThrough: sql`CASE WHEN ${sends.kind} = 'reconsent' THEN 0 END`,
      })
      .where(and(eq(sends.id, id), inArray(sends.status, [...UNFINISHED]))),
    // Batches claimed but not being called: they fail, their messages with them.
    deps.db.run(sql`
      UPDATE outbox_messages SET status = 'failed', error = ${CANCELLED_ERROR}, updated_at = ${at}
      WHERE status = 'claimed' AND batch_id IN (
        SELECT id FROM send_batches WHERE send_id = ${id} AND status = 'pending'
          AND (lease_until IS NULL OR lease_until <= ${at}))`),
    deps.db
      .update(sendBatches)
      .set({ status: "failed", lastError: CANCELLED_ERROR })
      .where(
        and(
          eq(sendBatches.sendId, id),
          eq(sendBatches.status, "pending"),
          sql`(${sendBatches.leaseUntil} IS NULL OR ${sendBatches.leaseUntil} <= ${at})`,
        ),
      ),
    auditStatement(deps, {
      actor: admin.email,
      action: "send.cancelled",
      listId: send.listId,
      summary: `Send #${id} (${send.kind}) cancelled while ${send.status}`,
      details: { send_id: id, was: send.status },
    }),
  ]);
  if (cancelled.rowsAffected === 0) return refuse("conflict", `Send #${id} finished meanwhile.`);
  if (send.kind === "reconsent") await withdrawUnsentInvitations(deps, send, "cancelled", options);
  return { ok: true, send: (await q.findSend(deps.db, id)) ?? send };
}

/**
 * A scheduled send whose time has come: its recipients are enqueued now (consent checked now),
 * chunk by chunk while it is `preparing`, with its canary. Returns how many; a send that finds
 * nobody is not kept.
 */
export async function enqueueDueSend(
  deps: Deps,
  send: q.Send,
  options: PrepareOptions = {},
): Promise<number> {
  const at = deps.clock.now().toISOString();
  const started = await deps.db
    .update(sends)
    .set({ status: "preparing", preparedAt: at })
    .where(and(eq(sends.id, send.id), inArray(sends.status, ["scheduled", "queued"])));
  if (started.rowsAffected === 0) return 0;
  // Read again: its approval, when it needed one, is what lets it go straight to the queue.
  const preparing = await q.findSend(deps.db, send.id);
  if (!preparing) return 0;
  return prepareSend(deps, enqueueOf(preparing), send.id, planOf(deps, preparing), options);
}

/** What enqueuing a recorded send needs; its starter stays the one who invited. */
const requestOf = enqueueOf;
