// The rules around a send: what an admin may start (re-consent, campaign), what a send reports,
// the breaker, and the expiry of unanswered invitations after their deadline.
import { and, desc, eq, isNotNull, isNull, lte, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { z } from "zod";
import { outboxMessages, sends } from "../../db/schema";
import { auditStatement, recordAudit } from "../audit/service";
import { insertSuppression } from "../consent/queries";
import { hashAddress } from "../consent/service";
import { moveMember } from "../consent/transitions";
import type { Deps } from "../deps";
import { erasureStatements, runErasure } from "../erasure/service";
import type { ErrorValues, FieldError } from "../http/problem";
import type { List } from "../lists/service";
import { CONTROL_CHARACTERS_MESSAGE, hasControlCharacters } from "../mail/provider";
import { type BreakerVerdict, judgeOutcomes, type Outcome } from "./breaker";
import { isPaused, pauseSending } from "./kill-switch";
import { type SendReport, type SendStatus, startSend } from "./outbox";
import * as q from "./queries";
import { mayHaveLeft, withdrawUnsentInvitations } from "./uninvite";

/** A one-line header text (a subject): no line break nor any other control character (finding 3). */
export const noLineBreak = (what: string) =>
  z
    .string()
    // Checked before trimming: a trailing tab or NEL is refused too, not silently dropped.
    .refine((v) => !/[\r\n]/.test(v), `${what} cannot contain line breaks.`)
    // (Line breaks have their own message just above: one error per field.)
    .refine(
      (v) => !hasControlCharacters(v.replace(/[\r\n]/g, "")),
      `${what} ${CONTROL_CHARACTERS_MESSAGE}`,
    )
    .trim()
    .min(1, `${what} is empty.`)
    .max(200, `${what} is longer than 200 characters.`);

const isoDate = z
  .string({ error: "Give the deadline as an ISO 8601 date or date-time." })
  .refine((v) => /^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v)), {
    message: "Give the deadline as an ISO 8601 date or date-time, such as 2001-02-15T23:59:00Z.",
    params: { code: "invalidDate" },
  })
  .transform((v) => new Date(v).toISOString());

export const reconsentInput = z.object({
  deadline: isoDate,
  subject: noLineBreak("The subject").optional(),
  reminder_days_before: z
    .number({ error: "reminder_days_before is a whole number of days, 1 or more." })
    .int("reminder_days_before is a whole number of days, 1 or more.")
    .min(1, "reminder_days_before is a whole number of days, 1 or more.")
    .optional(),
  dry_run: z.boolean({ error: "dry_run is true or false." }).optional(),
});
export type ReconsentInput = z.output<typeof reconsentInput>;

/** A refused send: `detail` in English (the API); `code` and `values` name it for pages. */
export type Refusal = {
  ok: false;
  status: 404 | 409 | 422;
  detail: string;
  errors?: FieldError[];
  code?: string;
  values?: ErrorValues;
};

const DAY_MS = 86_400_000;

/**
 * The rules of a re-consent's timing: the unanswered are erased at the deadline, so it is at least
 * RECONSENT_MIN_DAYS ahead; the one reminder falls between now and the deadline. Fields that did
 * not parse are left to their own error.
 */
export function reconsentTimingErrors(
  deps: Pick<Deps, "clock" | "config">,
  input: { deadline?: unknown; reminder_days_before?: unknown },
): FieldError[] {
  const now = deps.clock.now().getTime();
  const deadline = typeof input.deadline === "string" ? Date.parse(input.deadline) : Number.NaN;
  if (Number.isNaN(deadline)) return [];
  const minDays = deps.config.reconsentMinDays;
  const errors: FieldError[] = [];
  if (deadline <= now) {
    const message = "The deadline must be in the future.";
    errors.push({ field: "deadline", message, code: "deadlinePast" });
  } else if (deadline < now + minDays * DAY_MS) {
    const earliest = new Date(now + minDays * DAY_MS).toISOString();
    const message = `The deadline must be at least ${minDays} days ahead (on or after ${earliest}): whoever has not answered by then is erased.`;
    const values = { days: minDays, earliest: earliest.slice(0, 10) };
    errors.push({ field: "deadline", message, code: "deadlineTooClose", values });
  }
  const days = input.reminder_days_before;
  if (typeof days === "number" && Number.isInteger(days) && days >= 1 && deadline > now) {
    if (deadline - days * DAY_MS <= now)
      errors.push({
        field: "reminder_days_before",
        message: `A reminder ${days} days before the deadline would already be past: choose fewer days.`,
        code: "reminderPast",
        values: { days },
      });
  }
  return errors;
}

/**
 * The re-consent input with its timing rules, so that every error is reported at once: the
 * deadline's own rule sits on its field (a field refinement runs whatever its siblings hold).
 */
export const reconsentInputNow = (deps: Pick<Deps, "clock" | "config">) =>
  reconsentInput
    .extend({
      deadline: isoDate.superRefine((deadline, ctx) => {
        for (const e of reconsentTimingErrors(deps, { deadline }))
          ctx.addIssue({ code: "custom", message: e.message, params: e });
      }),
    })
    .superRefine((value, ctx) => {
      for (const e of reconsentTimingErrors(deps, value))
        if (e.field !== "deadline")
          ctx.addIssue({ code: "custom", path: [e.field], message: e.message, params: e });
    });

/**
 * Sends the one re-consent invitation to every eligible `legacy` contact of a list. A second call
 * finds nobody: enqueuing moved them to `invited`, and the ledger remembers the invitation.
 */
export async function inviteLegacyContacts(
  deps: Deps,
  actor: string,
  list: List,
  input: ReconsentInput,
): Promise<({ ok: true } & SendReport) | Refusal> {
  if (list.archivedAt) {
    const detail = "This list is archived: nothing can be sent to it.";
    return { ok: false, status: 409, detail, code: "listArchivedNoSend" };
  }
  // Its invitations are recorded only once approved: a second one meanwhile would invite twice.
  const waiting = await q.awaitingReconsent(deps.db, list.id);
  if (waiting && !input.dry_run)
    return {
      ok: false,
      status: 409,
      detail: `Re-consent send #${waiting.id} of this list awaits approval: approve or reject it first.`,
      code: "reconsentAwaitsApproval",
      values: { send: waiting.id },
    };
  const errors = reconsentTimingErrors(deps, input);
  if (errors.length > 0) {
    const detail = errors.map((e) => `${e.field}: ${e.message}`).join("; ");
    return { ok: false, status: 422, detail, errors };
  }
  const report = await startSend(deps, {
    kind: "reconsent",
    listId: list.id,
    subject: input.subject ?? "",
    deadline: input.deadline,
    reminderDaysBefore: input.reminder_days_before,
    textVersion: list.purposeVersion,
    actor,
    dryRun: input.dry_run,
  });
  if (report.sendId !== null) {
    await recordAudit(deps, {
      actor,
      action: "reconsent.sent",
      listId: list.id,
      summary: `Re-consent invitation to ${report.recipients} contacts of "${list.name}" (deadline ${input.deadline})${report.status === "awaiting_approval" ? ", awaiting approval" : ""}`,
      details: { send_id: report.sendId, recipients: report.recipients, excluded: report.excluded },
    });
  }
  return { ok: true, ...report };
}

export type SendProgress = {
  id: number;
  kind: q.Send["kind"];
  status: SendStatus;
  total: number;
  queued: number;
  sent: number;
  failed: number;
  suppressed: number;
  createdAt: string;
  finishedAt: string | null;
  listId: number;
  subject: string;
  createdBy: string;
  excluded: Record<string, number>;
  /** The approval, the stop (rejection, cancel, pause), the canary and the schedule of the send. */
  send: q.Send;
};

/** A send's counters, with `paused` shown while the kill switch is on and the send unfinished. */
export async function sendProgress(deps: Deps, id: number): Promise<SendProgress | undefined> {
  const send = await q.findSend(deps.db, id);
  if (!send) return undefined;
  const counts = await q.sendCounts(deps.db, id);
  const active = send.status === "queued" || send.status === "sending";
  return {
    id: send.id,
    kind: send.kind,
    status: active && (await isPaused(deps.db)) ? "paused" : send.status,
    total: send.total,
    ...counts,
    createdAt: send.createdAt,
    finishedAt: send.finishedAt,
    listId: send.listId,
    subject: send.subject,
    createdBy: send.createdBy,
    excluded: send.excluded,
    send,
  };
}

export const sendJson = (p: SendProgress) => ({
  id: p.id,
  kind: p.kind,
  status: p.status,
  total: p.total,
  sent: p.sent,
  failed: p.failed,
  suppressed: p.suppressed,
  send_at: p.send.sendAt,
  created_by: p.createdBy,
  approved_by: p.send.approvedBy,
  stop_reason: p.send.stopReason,
  canary_hold_until: p.send.canaryHoldUntil,
  // While preparing, how many recipients are enqueued so far (of `total`, the count made at start).
  ...(p.status === "preparing" ? { enqueued: p.queued } : {}),
});

export const recentSends = (deps: Deps, order?: q.SendOrder) => q.recentSends(deps.db, 20, order);

/** The last 500 outcomes reported by the provider, of one send or of all. */
async function recentOutcomes(deps: Deps, sendId?: number): Promise<Outcome[]> {
  const rows = await deps.db
    .select({ outcome: outboxMessages.outcome })
    .from(outboxMessages)
    .where(
      and(
        isNotNull(outboxMessages.outcome),
        sendId === undefined ? undefined : eq(outboxMessages.sendId, sendId),
      ),
    )
    .orderBy(desc(outboxMessages.outcomeAt), desc(outboxMessages.id))
    .limit(500);
  return rows.map((r) => r.outcome as Outcome).reverse();
}

export async function overallRates(deps: Deps) {
  return judgeOutcomes(await recentOutcomes(deps), deps.config.breaker);
}

/**
 * Judges a send's recent outcomes and pauses all sending if it crossed a threshold. Called
 * whenever outcomes are recorded (webhooks) and by the dispatcher's caller.
 */
export async function checkBreaker(deps: Deps, sendId: number): Promise<BreakerVerdict> {
  const verdict = judgeOutcomes(await recentOutcomes(deps, sendId), deps.config.breaker);
  if (verdict.trip && !(await isPaused(deps.db))) {
    await pauseSending(deps, `${verdict.reason} (send #${sendId})`, "breaker");
  }
  return verdict;
}

/**
 * After a re-consent deadline: contacts still `invited` by that send, whose invitation may have
 * reached them (uninvite.ts `mayHaveLeft`), become `expired` on its list
 * and their address is suppressed for that list, so no re-import into it brings them back. A
 * person with no other membership `confirmed`, `pending` or `invited` is erased (and suppressed
 * for every list); the others keep their other lists untouched. Idempotent; returns how many
 * expired.
 */
export async function expireUnansweredInvitations(deps: Deps): Promise<number> {
  const now = deps.clock.now().toISOString();
  const due = await deps.db
    .select()
    .from(sends)
    .where(and(eq(sends.kind, "reconsent"), isNull(sends.expiredAt), lte(sends.deadline, now)));
  let expired = 0;
  for (const send of due) {
    for (;;) {
      const members = await unansweredInvitations(deps, send, 200);
      if (members.length === 0) break;
      await runErasure(
        deps,
        members.flatMap((m) => expiryStatements(deps, send, m, now)),
      );
      expired += members.length;
    }
    // Those whose message never left (cancelled, failed, still queued) were never asked.
    await withdrawUnsentInvitations(deps, send, "deadline");
    await deps.db.batch([
      deps.db.update(sends).set({ expiredAt: now }).where(eq(sends.id, send.id)),
      auditStatement(deps, {
        actor: "system",
        action: "reconsent.expired",
        listId: send.listId,
        summary: `Deadline of re-consent send #${send.id} passed: unanswered invitations expired`,
      }),
    ]);
  }
  return expired;
}

type UnansweredInvitation = {
  contactId: number;
  emailKey: string | null;
  /** On another list in a state that still holds them: `confirmed`, `pending` or `invited`. */
  activeElsewhere: boolean;
};

/**
 * Members still `invited` by a re-consent send whose message may have reached them (kept here:
 * only expiry reads them). Nobody expires for not answering a mail they never received.
 */
async function unansweredInvitations(
  deps: Deps,
  send: typeof sends.$inferSelect,
  limit: number,
): Promise<UnansweredInvitation[]> {
  const rows = await deps.db.all<{
    contact_id: number;
    email_key: string | null;
    active: number;
  }>(sql`
    SELECT m.contact_id, c.email_key,
      EXISTS (SELECT 1 FROM list_members o
              WHERE o.contact_id = m.contact_id AND o.list_id <> m.list_id
                AND o.status IN ('confirmed', 'pending', 'invited')) AS active
    FROM list_members m
    JOIN contacts c ON c.id = m.contact_id
    JOIN outbox_messages o ON o.send_id = ${send.id} AND o.contact_id = m.contact_id
      AND ${mayHaveLeft}
    WHERE m.list_id = ${send.listId} AND m.status = 'invited'
    LIMIT ${limit}`);
  return rows.map((r) => ({
    contactId: r.contact_id,
    emailKey: r.email_key,
    activeElsewhere: Boolean(r.active),
  }));
}

/** One unanswered invitation: `expired` on the send's list, then erasure if nothing else holds. */
function expiryStatements(
  deps: Deps,
  send: typeof sends.$inferSelect,
  member: UnansweredInvitation,
  now: string,
) {
  const where = { listId: send.listId, contactId: member.contactId };
  const source = `deadline of re-consent send #${send.id}`;
  const statements: BatchItem<"sqlite">[] = [
    ...moveMember(deps.db, where, "expired", "invited", {
      at: now,
      source,
      actor: "system",
      by: "system",
      textVersion: send.textVersion,
    }),
  ];
  if (member.emailKey === null) return statements;
  const hash = hashAddress(deps, member.emailKey);
  statements.push(
    ...insertSuppression(deps.db, hash, "expired", now, { listId: send.listId, source }),
  );
  if (member.activeElsewhere) return statements;
  const erasure = { reason: "expired" as const, actor: "system", source, keepStateOn: send.listId };
  return [
    ...statements,
    ...erasureStatements(deps, { id: member.contactId, emailKey: member.emailKey }, erasure),
  ];
}
