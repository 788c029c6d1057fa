// A send's failed recipients: who failed or was suppressed and why, and a resend to the failed
// only (a campaign's), consent checked again.
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { outboxMessages } from "../../db/schema";
import { recordAudit } from "../audit/service";
import type { ConsentState } from "../consent/states";
import { csvCell } from "../contacts/service";
import type { Deps } from "../deps";
import { findList } from "../lists/service";
import { emptyExcluded, exclusionReason, mailModeOf } from "./eligibility";
import { type SendReport, startRetrySend } from "./outbox";
import type * as q from "./queries";
import { mayHaveLeft } from "./uninvite";

export type Failure = {
  contactId: number | null;
  status: "failed" | "suppressed";
  reason: string;
  at: string;
};

/** The rows of a send that failed at the provider or were dropped before the call, with why. */
export async function sendFailures(deps: Deps, sendId: number): Promise<Failure[]> {
  const rows = await deps.db
    .select({
      contactId: outboxMessages.contactId,
      status: outboxMessages.status,
      reason: outboxMessages.error,
      at: outboxMessages.updatedAt,
    })
    .from(outboxMessages)
    .where(
      and(
        eq(outboxMessages.sendId, sendId),
        inArray(outboxMessages.status, ["failed", "suppressed"]),
      ),
    )
    .orderBy(asc(outboxMessages.id));
  return rows.map((r) => ({
    contactId: r.contactId,
    status: r.status as Failure["status"],
    reason: r.reason ?? "(no reason given)",
    at: r.at,
  }));
}

export const failuresJson = (items: Failure[]) => ({
  items: items.map((f) => ({ contact_id: f.contactId, reason: f.reason, at: f.at })),
});

export function failuresCsv(items: Failure[]): string {
  const line = (cells: unknown[]) => `${cells.map(csvCell).join(",")}\r\n`;
  return (
    line(["contact_id", "status", "reason", "at"]) +
    items.map((f) => line([f.contactId, f.status, f.reason, f.at])).join("")
  );
}

/** A send report whose `excluded` may also count `delivered`: reached by another send since. */
export type RetryReport = Omit<SendReport, "excluded"> & { excluded: Record<string, number> };

export type RetryRefusal = {
  ok: false;
  reason: "not_a_campaign" | "unfinished" | "archived";
  detail: string;
};

/**
 * Why each failed recipient of a send may not be mailed again now: the one rule's reason,
 * `delivered` when another send of the campaign reached them since, or `uncertain` when the call
 * that carried their message had no definite answer (it may have been delivered: sending it again
 * could mail them twice; uninvite.ts `mayHaveLeft`).
 */
async function retryExclusions(deps: Deps, send: q.Send) {
  const rows = await deps.db.all<{
    state: string | null;
    suppressed: number;
    reached: number;
    uncertain: number;
    n: number;
  }>(sql`
    SELECT m.status AS state,
           EXISTS (SELECT 1 FROM suppressions s WHERE s.address_hash = c.email_hash) AS suppressed,
           EXISTS (SELECT 1 FROM outbox_messages o JOIN sends s ON s.id = o.send_id
                   WHERE s.campaign_id = ${send.campaignId} AND s.kind = 'campaign'
                     AND o.contact_id = f.contact_id
                     AND o.status IN ('sent', 'queued', 'claimed')) AS reached,
           EXISTS (SELECT 1 FROM outbox_messages o WHERE o.id = f.id AND ${mayHaveLeft}) AS uncertain,
           count(*) AS n
    FROM outbox_messages f
    LEFT JOIN list_members m ON m.list_id = ${send.listId} AND m.contact_id = f.contact_id
    LEFT JOIN contacts c ON c.id = f.contact_id
    WHERE f.send_id = ${send.id} AND f.status = 'failed'
    GROUP BY 1, 2, 3, 4`);
  const excluded: Record<string, number> = emptyExcluded();
  for (const row of rows) {
    const reason = row.reached
      ? "delivered"
      : row.uncertain
        ? "uncertain"
        : exclusionReason(
            "campaign",
            {
              state: (row.state ?? "erased") as ConsentState,
              hasAddress: row.state !== null && row.state !== "erased",
              suppressed: Boolean(row.suppressed),
              invitedBefore: false,
              simulatedConfirmation: false,
            },
            mailModeOf(deps),
          );
    if (reason !== null) excluded[reason] = (excluded[reason] ?? 0) + Number(row.n);
  }
  return excluded;
}

/** Resends a finished campaign send to its failed recipients only, through the one door. */
export async function retryFailed(
  deps: Deps,
  actor: string,
  send: q.Send,
): Promise<({ ok: true } & RetryReport) | RetryRefusal> {
  if (send.kind !== "campaign" || send.campaignId === null)
    return {
      ok: false,
      reason: "not_a_campaign",
      detail: `Send ${send.id} is not a campaign's: only a campaign's failed recipients can be sent it again.`,
    };
  if (send.status !== "done" && send.status !== "cancelled")
    return {
      ok: false,
      reason: "unfinished",
      detail: `Send ${send.id} is still ${send.status}: resend its failures once it is finished.`,
    };
  const list = await findList(deps, send.listId);
  if (!list || list.archivedAt)
    return {
      ok: false,
      reason: "archived",
      detail: "This list is archived: nothing can be sent to it.",
    };
  const excluded = await retryExclusions(deps, send);
  const failed = (await sendFailures(deps, send.id)).filter((f) => f.status === "failed").length;
  const left = Object.values(excluded).reduce((a, b) => a + b, 0);
  if (failed - left <= 0) return { ok: true, sendId: null, recipients: 0, excluded };
  const original = {
    id: send.id,
    listId: send.listId,
    campaignId: send.campaignId,
    subject: send.subject,
  };
  const report = await startRetrySend(deps, original, {
    textVersion: list.purposeVersion,
    actor,
    excluded,
  });
  if (report.sendId === null) return { ok: true, ...report };
  await recordAudit(deps, {
    actor,
    action: "campaign.retry_failed",
    listId: send.listId,
    summary: `Resend of send #${send.id} to ${report.recipients} of its failed recipients`,
    details: { send_id: report.sendId, retry_of: send.id, recipients: report.recipients, excluded },
  });
  return { ok: true, ...report };
}
