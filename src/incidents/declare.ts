// "Declare an incident" from a send: the facts of the send (what, to how many, when it stopped,
// its bounce and complaint rates) pre-fill a draft the admin edits; once declared, the incident
// may be told to exactly that send's recipients, once, through the pipeline.
import { sql } from "drizzle-orm";
import { recordAudit } from "../audit/service";
import type { Deps } from "../deps";
import { findList } from "../lists/queries";
import { sendingStateOf } from "../sending/kill-switch";
import { startSend } from "../sending/outbox";
import * as sending from "../sending/queries";
import { findIncidentById, updatesNewestFirst } from "./queries";

export type SendFacts = {
  sendId: number;
  kind: string;
  subject: string;
  listId: number;
  listName: string;
  total: number;
  sent: number;
  startedAt: string;
  /** When it stopped: the kill switch's time if the pause names this send, else its end. */
  stoppedAt: string | null;
  outcomes: number;
  bounceRate: number;
  complaintRate: number;
};

/** The facts of one send, or undefined when there is no such send. */
export async function sendFacts(deps: Deps, sendId: number): Promise<SendFacts | undefined> {
  const send = await sending.findSend(deps.db, sendId);
  if (!send) return undefined;
  const [list, counts, state, outcomes] = await Promise.all([
    findList(deps.db, send.listId),
    sending.sendCounts(deps.db, sendId),
    sendingStateOf(deps.db),
    deps.db.all<{ outcomes: number; bounced: number; complained: number }>(sql`
      SELECT count(outcome) AS outcomes,
             coalesce(sum(outcome = 'bounced'), 0) AS bounced,
             coalesce(sum(outcome = 'complained'), 0) AS complained
      FROM outbox_messages WHERE send_id = ${sendId}`),
  ]);
  const pausedForThis = state.paused && state.reason?.includes(`send #${sendId})`);
  const o = outcomes[0] ?? { outcomes: 0, bounced: 0, complained: 0 };
  const n = Number(o.outcomes);
  return {
    sendId,
    kind: send.kind,
    subject: send.subject,
    listId: send.listId,
    listName: list?.name ?? `list #${send.listId}`,
    total: send.total,
    sent: counts.sent,
    startedAt: send.createdAt,
    stoppedAt: pausedForThis ? state.since : send.finishedAt,
    outcomes: n,
    bounceRate: n ? Number(o.bounced) / n : 0,
    complaintRate: n ? Number(o.complained) / n : 0,
  };
}

const percent = (rate: number) => `${(rate * 100).toFixed(1)} %`;

/** The draft incident the facts make: every field is the admin's to edit before declaring it. */
export function draftFromSend(f: SendFacts) {
  const what = f.subject || f.kind;
  const stopped = f.stoppedAt ?? "—";
  return {
    slug: `send-${f.sendId}`,
    title: `Envoi « ${what} » interrompu`,
    title_en: `Send "${what}" stopped`,
    status: "investigating",
    impact: "minor",
    body: [
      `Envoi n° ${f.sendId} (${f.kind}) à la liste « ${f.listName} » : ${f.sent} messages partis sur ${f.total}.`,
      `Commencé le ${f.startedAt}, arrêté le ${stopped}.`,
      `Taux de rebond : ${percent(f.bounceRate)}, taux de plainte : ${percent(f.complaintRate)} (sur ${f.outcomes} retours).`,
    ].join("\n\n"),
    body_en: [
      `Send #${f.sendId} (${f.kind}) to the list "${f.listName}": ${f.sent} of ${f.total} messages went out.`,
      `Started at ${f.startedAt}, stopped at ${stopped}.`,
      `Bounce rate: ${percent(f.bounceRate)}, complaint rate: ${percent(f.complaintRate)} (of ${f.outcomes} outcomes).`,
    ].join("\n\n"),
    from_send: String(f.sendId),
    notify: "false",
  };
}

export class NotDeclaredFromSend extends Error {
  override name = "NotDeclaredFromSend";
}
export class RecipientsAlreadyTold extends Error {
  override name = "RecipientsAlreadyTold";
}

/**
 * Tells the incident to those its send reached, once: a notice send of the send's list limited to
 * the messages sent, and only to whom the rule lets receive incident mail. A second call throws
 * `RecipientsAlreadyTold` (the send's `recipients_of` is unique). Undefined: no such incident.
 */
export async function notifySendRecipients(deps: Deps, incidentId: number, actor: string) {
  const incident = await findIncidentById(deps.db, incidentId);
  if (!incident) return undefined;
  if (incident.fromSendId === null) throw new NotDeclaredFromSend();
  const origin = await sending.findSend(deps.db, incident.fromSendId);
  if (!origin) throw new NotDeclaredFromSend();
  const told = await deps.db.all(sql`SELECT 1 FROM sends WHERE recipients_of = ${origin.id}`);
  if (told.length) throw new RecipientsAlreadyTold();
  const list = await findList(deps.db, origin.listId);
  const [latest] = await updatesNewestFirst(deps.db, incidentId);
  try {
    const report = await startSend(deps, {
      kind: "incident",
      listId: origin.listId,
      subject: "",
      textVersion: list?.purposeVersion ?? origin.textVersion,
      actor,
      incident: { id: incidentId, updateId: latest?.id ?? null },
      recipientsOf: origin.id,
    });
    deps.dispatcher?.wake();
    await recordAudit(deps, {
      actor,
      action: "incident.send_recipients_notified",
      listId: origin.listId,
      summary: `Incident "${incident.title}" told to ${report.recipients} recipients of send #${origin.id}`,
      details: { incident_id: incidentId, send_id: report.sendId, recipients_of: origin.id },
    });
    return report;
  } catch (error) {
    // Two clicks at once: the unique `recipients_of` lets one send be recorded.
    if (isSecondNotice(error)) throw new RecipientsAlreadyTold();
    throw error;
  }
}

const isSecondNotice = (error: unknown) =>
  /UNIQUE constraint failed: sends\.recipients_of/.test(
    `${error instanceof Error ? error.message : ""} ${error instanceof Error && error.cause instanceof Error ? error.cause.message : ""}`,
  );
