// The one reminder a re-consent send may carry: at deadline − reminder_days_before, to those of
// its recipients still `invited` and not suppressed, through the same pipeline; once, and never
// at or after the deadline (the unique `sends.reminder_of` makes "once" hold even for two runners).
import { and, eq, gt, isNotNull, isNull, sql } from "drizzle-orm";
import { sends } from "../../db/schema";
import { recordAudit } from "../audit/service";
import type { Deps } from "../deps";
import { startSend } from "./outbox";
import type { Send } from "./queries";

const DAY_MS = 86_400_000;

/** The periodic job: sends every reminder that is due; returns how many messages it enqueued. */
export async function sendDueReminders(deps: Deps): Promise<number> {
  const now = deps.clock.now();
  const candidates = await deps.db
    .select()
    .from(sends)
    .where(
      and(
        eq(sends.kind, "reconsent"),
        isNotNull(sends.reminderDaysBefore),
        isNull(sends.expiredAt),
        gt(sends.deadline, now.toISOString()),
        sql`NOT EXISTS (SELECT 1 FROM sends r WHERE r.reminder_of = ${sends.id})`,
      ),
    );
  let enqueued = 0;
  for (const send of candidates) {
    if (reminderTime(send) <= now.getTime()) enqueued += await remind(deps, send);
  }
  return enqueued;
}

const reminderTime = (send: Send) =>
  Date.parse(send.deadline ?? "") - (send.reminderDaysBefore ?? 0) * DAY_MS;

/**
 * Enqueues the reminder of one re-consent send. When nobody is left to remind (yet: invitations
 * may still be queued), nothing is recorded and the next run looks again.
 */
async function remind(deps: Deps, send: Send): Promise<number> {
  // startSend records no send when nobody is left to remind.
  const report = await startSend(deps, {
    kind: "reminder",
    listId: send.listId,
    subject: send.subject,
    deadline: send.deadline ?? undefined,
    textVersion: send.textVersion,
    actor: "system",
    reminderOf: send.id,
  });
  if (report.sendId === null) return 0;
  await recordAudit(deps, {
    actor: "system",
    action: "reconsent.reminded",
    listId: send.listId,
    summary: `Reminder of re-consent send #${send.id} to ${report.recipients} contacts still invited`,
    details: { send_id: report.sendId, reminder_of: send.id, recipients: report.recipients },
  });
  deps.dispatcher?.wake();
  return report.recipients;
}
