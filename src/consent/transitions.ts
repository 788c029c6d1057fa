// The one writer of `list_members.status`. Each function returns unexecuted statements that append
// the ledger event and move the state together, for the caller's db.batch (one transaction). Both
// statements select the same members (same scope, same from-states), so the ledger and the column
// cannot disagree. test/consent-transitions.test.ts fails if any other module writes the column.
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../db";
import type { EventContext } from "./queries";
import { memberStatusIn } from "./sql";
import {
  type ActorKind,
  type ConsentEventName,
  type ConsentState,
  InvalidTransition,
  nextState,
  statesAllowing,
  TRANSITIONS,
} from "./states";

export type TransitionContext = EventContext & { by: ActorKind };

export class ForbiddenTransition extends Error {
  override name = "ForbiddenTransition";
}

function checkActor(event: ConsentEventName, by: ActorKind) {
  if (!TRANSITIONS[event].by.includes(by)) {
    throw new ForbiddenTransition(`A ${by} cannot record "${event}".`);
  }
}

/**
 * Moves every member `scope` matches (SQL over `list_members m`) that `event` may move, and
 * appends `event` for each. `from` names the states moved (each must be allowed by the table);
 * by default every state the event may leave, except its target.
 * Run the two statements in this order, in one batch: the event is selected before the move.
 */
export function moveMembers(
  db: Db,
  scope: SQL,
  event: ConsentEventName,
  ctx: TransitionContext,
  from: readonly ConsentState[] = statesAllowing(event),
) {
  checkActor(event, ctx.by);
  const bad = from.find((s) => nextState(s, event) instanceof InvalidTransition);
  if (bad !== undefined || from.length === 0) {
    throw new ForbiddenTransition(`"${event}" cannot move a member from ${bad ?? "nothing"}.`);
  }
  const guard = sql`(${scope}) AND ${memberStatusIn(from)}`;
  return [
    db.run(sql`
      INSERT INTO consent_events
        (list_id, contact_id, event, at, source, text_version, ip_hash, actor, ua_family)
      SELECT m.list_id, m.contact_id, ${event}, ${ctx.at}, ${ctx.source},
             coalesce(${ctx.textVersion ?? null}, l.purpose_version),
             ${ctx.ipHash ?? null}, ${ctx.actor}, ${ctx.uaFamily ?? null}
      FROM list_members m JOIN lists l ON l.id = m.list_id
      WHERE ${guard}
      ORDER BY m.id`),
    db.run(sql`
      UPDATE list_members AS m SET status = ${TRANSITIONS[event].to}, updated_at = ${ctx.at}
      WHERE ${guard}`),
  ] as const;
}

/** One member, moved only if still in `from` (the state read before): a no-op on a race. */
export const moveMember = (
  db: Db,
  member: { listId: number; contactId: number },
  event: ConsentEventName,
  from: ConsentState,
  ctx: TransitionContext,
) =>
  moveMembers(
    db,
    sql`m.list_id = ${member.listId} AND m.contact_id = ${member.contactId}`,
    event,
    ctx,
    [from],
  );

/** `event` on every list the contact is on (unsubscribe from all, bounce, complaint, erasure). */
export const moveOnAllLists = (
  db: Db,
  contactId: number,
  event: "unsubscribed" | "bounced" | "complained" | "erased",
  ctx: TransitionContext,
  /** A membership left as it is (an expiry keeps that list `expired`). */
  exceptListId?: number,
) =>
  moveMembers(
    db,
    sql`m.contact_id = ${contactId} AND m.list_id IS NOT ${exceptListId ?? null}`,
    event,
    ctx,
  );

/**
 * Puts contacts on a list with their first event (`imported`, `added`: as `legacy`; `subscribed`:
 * as `pending`). `contacts` is `FROM … WHERE …` naming the contacts as `id` (the WHERE is needed
 * before an upsert); members already on the list are left as they are, and get no event.
 */
export function enterList(
  db: Db,
  listId: number,
  contacts: { id: SQL; from: SQL; orderBy?: SQL },
  event: "imported" | "added" | "subscribed",
  ctx: TransitionContext,
) {
  checkActor(event, ctx.by);
  const order = contacts.orderBy ? sql` ORDER BY ${contacts.orderBy}` : sql``;
  return [
    db.run(sql`
      INSERT INTO list_members (list_id, contact_id, status, updated_at)
      SELECT ${listId}, ${contacts.id}, ${TRANSITIONS[event].to}, ${ctx.at}
      FROM ${contacts.from}${order}
      ON CONFLICT DO NOTHING`),
    db.run(sql`
      INSERT INTO consent_events
        (list_id, contact_id, event, at, source, text_version, ip_hash, actor, ua_family)
      SELECT m.list_id, m.contact_id, ${event}, ${ctx.at}, ${ctx.source}, l.purpose_version,
             ${ctx.ipHash ?? null}, ${ctx.actor}, ${ctx.uaFamily ?? null}
      FROM list_members m JOIN lists l ON l.id = m.list_id
      WHERE m.list_id = ${listId}
        AND m.contact_id IN (SELECT ${contacts.id} FROM ${contacts.from})
        AND NOT EXISTS (SELECT 1 FROM consent_events e
                        WHERE e.list_id = m.list_id AND e.contact_id = m.contact_id)
      ORDER BY m.id`),
  ] as const;
}

/**
 * The deadline of a re-consent send: its recipients still `invited` on its list, whose message may
 * have reached them (sent, or claimed: a call possibly under way), become `expired`.
 * (Erasing them, where no other membership holds them, is the caller's business.)
 */
export const expireInvitations = (
  db: Db,
  send: { id: number; listId: number },
  ctx: TransitionContext,
) =>
  moveMembers(
    db,
    sql`m.list_id = ${send.listId}
      AND m.contact_id IN (SELECT contact_id FROM outbox_messages
        WHERE send_id = ${send.id} AND status IN ('sent', 'claimed'))`,
    "expired",
    ctx,
    ["invited"],
  );

/** The kind of actor behind an actor label (`participant`, `system`, `resend`, an admin's email). */
export function actorKindOf(actor: string): ActorKind {
  if (actor === "participant" || actor === "system") return actor;
  if (actor === "resend") return "provider";
  return "admin";
}
