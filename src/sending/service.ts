// The rules around a send: what an admin may start (re-consent, campaign), what a send reports,
// the breaker, and the expiry of unanswered invitations after their deadline.
import { and, desc, eq, isNotNull, isNull, lte, sql } from "drizzle-orm";
import { z } from "zod";
import { consentEvents, listMembers, outboxMessages, sends } from "../../db/schema";
import { auditStatement, recordAudit } from "../audit/service";
import { insertSuppression } from "../consent/queries";
import { hashAddress } from "../consent/service";
import { erasePersonalData, eraseTraces } from "../contacts/queries";
import type { Deps } from "../deps";
import type { FieldError } from "../http/problem";
import type { List } from "../lists/service";
import { type BreakerVerdict, judgeOutcomes, type Outcome } from "./breaker";
import { isPaused, pauseSending } from "./kill-switch";
import { type SendReport, startSend } from "./outbox";
import * as q from "./queries";

export const noLineBreak = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what} is empty.`)
    .max(200, `${what} is longer than 200 characters.`)
    .refine((v) => !/[\r\n]/.test(v), `${what} cannot contain line breaks.`);

const isoDate = z
  .string({ error: "Give the deadline as an ISO 8601 date or date-time." })
  .refine((v) => /^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v)), {
    message: "Give the deadline as an ISO 8601 date or date-time, such as 2001-02-15T23:59:00Z.",
  })
  .transform((v) => new Date(v).toISOString());

export const reconsentInput = z.object({
  deadline: isoDate,
  subject: noLineBreak("The subject").optional(),
  dry_run: z.boolean({ error: "dry_run is true or false." }).optional(),
});
export type ReconsentInput = z.output<typeof reconsentInput>;

export type Refusal = { ok: false; status: 404 | 409 | 422; detail: string; errors?: FieldError[] };

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
  if (list.archivedAt)
    return { ok: false, status: 409, detail: "This list is archived: nothing can be sent to it." };
  if (Date.parse(input.deadline) <= deps.clock.now().getTime()) {
    const message = "The deadline must be in the future.";
    return {
      ok: false,
      status: 422,
      detail: `deadline: ${message}`,
      errors: [{ field: "deadline", message }],
    };
  }
  const report = await startSend(deps, {
    kind: "reconsent",
    listId: list.id,
    subject: input.subject ?? "",
    deadline: input.deadline,
    textVersion: list.purposeVersion,
    actor,
    dryRun: input.dry_run,
  });
  if (report.sendId !== null) {
    await recordAudit(deps, {
      actor,
      action: "reconsent.sent",
      listId: list.id,
      summary: `Re-consent invitation to ${report.recipients} contacts of "${list.name}" (deadline ${input.deadline})`,
      details: { send_id: report.sendId, recipients: report.recipients, excluded: report.excluded },
    });
  }
  return { ok: true, ...report };
}

export type SendProgress = {
  id: number;
  kind: q.Send["kind"];
  status: "queued" | "sending" | "paused" | "done" | "cancelled";
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
});

export const recentSends = (deps: Deps) => q.recentSends(deps.db);

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
 * After a re-consent deadline: contacts still `invited` by that send become `expired`, their
 * personal data is erased and their address hash suppressed, so no re-import brings them back.
 * Idempotent; returns how many expired.
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
      const members = await deps.db.all<{ contact_id: number; email_key: string | null }>(sql`
        SELECT m.contact_id, c.email_key FROM list_members m
        JOIN contacts c ON c.id = m.contact_id
        JOIN outbox_messages o ON o.send_id = ${send.id} AND o.contact_id = m.contact_id
        WHERE m.list_id = ${send.listId} AND m.status = 'invited'
        LIMIT 200`);
      if (members.length === 0) break;
      const statements = [];
      for (const m of members) {
        const member = { listId: send.listId, contactId: m.contact_id };
        statements.push(
          deps.db.insert(consentEvents).values({
            ...member,
            event: "expired",
            at: now,
            source: `deadline of re-consent send #${send.id}`,
            textVersion: send.textVersion,
            ipHash: null,
            actor: "system",
          }),
          deps.db
            .update(listMembers)
            .set({ status: "expired", updatedAt: now })
            .where(
              and(
                eq(listMembers.listId, send.listId),
                eq(listMembers.contactId, m.contact_id),
                eq(listMembers.status, "invited"),
              ),
            ),
        );
        if (m.email_key)
          statements.push(
            insertSuppression(deps.db, await hashAddress(deps, m.email_key), "expired", now),
          );
        statements.push(
          ...eraseTraces(deps.db, m.contact_id),
          erasePersonalData(deps.db, m.contact_id, now),
        );
      }
      await deps.db.batch(
        statements as [(typeof statements)[number], ...(typeof statements)[number][]],
      );
      expired += members.length;
    }
    await deps.db.batch([
      deps.db.update(sends).set({ expiredAt: now }).where(eq(sends.id, send.id)),
      auditStatement(deps, {
        actor: "system",
        action: "reconsent.expired",
        listId: send.listId,
        summary: `Deadline of re-consent send #${send.id} passed: unanswered invitations expired and erased`,
      }),
    ]);
  }
  return expired;
}
