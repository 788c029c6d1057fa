// Preparing a send: its recipients are enqueued in chunks of list members (keyset on the member
// id), each chunk one batch (one transaction; on Turso over HTTP one pipeline request) writing its
// outbox rows with their re-consent invitations, so that no transaction holds the single writer
// long and the "at most once" promise holds per contact whatever chunk a crash stops at. The send
// stays `preparing` (the dispatcher never calls it) until the last chunk moves it on.
import { type SQL, sql } from "drizzle-orm";
import { actorKindOf, moveMembers } from "../consent/transitions";
import type { Deps } from "../deps";
import { eligibleMemberSql, mailModeOf, type SendKind } from "./eligibility";
import * as q from "./queries";

/**
 * List members per chunk: its transaction writes a row, an event and a state per member, which
 * took a median of 92–173 ms for 5,000 on this shared machine (bench -- enqueue): half that keeps
 * the longest well under 200 ms when the disk is slow, for one round trip more per 2,500 on Turso.
 */
export const PREPARE_CHUNK = 2_500;

/** What enqueuing needs of a send's request. */
export type Enqueue = {
  kind: SendKind;
  listId: number;
  contactId?: number;
  reminderOf?: number | null;
  recipientsOf?: number | null;
  memberFilter?: SQL;
  actor: string;
  textVersion: number;
};

/** Where a prepared send goes next, whether its re-consent invites now, and its canary's size. */
export type PreparePlan = {
  next: "queued" | "awaiting_approval";
  invite: boolean;
  canary: number | null;
};

export type PrepareOptions = {
  chunkSize?: number;
  /** Called after each committed chunk (a test stops the preparation there, as a crash would). */
  afterChunk?: (through: number) => Promise<void> | void;
};

/** Over `list_members m`: the member is one a send's message was sent to. */
export const sentBySend = (sendId: number) =>
  sql`m.contact_id IN (SELECT contact_id FROM outbox_messages WHERE send_id = ${sendId} AND status = 'sent')`;

/**
 * Enqueues a `preparing` send from where it stands (its canary first, chosen at random, then the
 * list in member id order), then moves it to `plan.next`. Returns how many it enqueued in all;
 * 0 when it found nobody (the send is then gone) or when it is no longer this caller's to prepare.
 */
export async function prepareSend(
  deps: Deps,
  request: Enqueue,
  sendId: number,
  plan: PreparePlan,
  options: PrepareOptions = {},
): Promise<number> {
  const size = options.chunkSize ?? PREPARE_CHUNK;
  const send = await q.findSend(deps.db, sendId);
  if (send?.status !== "preparing") return 0;
  let through = send.preparedThrough ?? 0;
  if (plan.canary !== null && send.canaryLastMessageId === null && through === 0)
    if (!(await enqueueCanary(deps, request, sendId, plan, options))) return 0;
  for (;;) {
    const bound = await chunkBound(deps, request.listId, through, size);
    if (!(await enqueueChunk(deps, request, sendId, plan, { after: through, upTo: bound })))
      return 0;
    if (bound === null) break;
    through = bound;
    await options.afterChunk?.(through);
    await letOthersRun();
  }
  const prepared = await q.findSend(deps.db, sendId);
  return prepared && prepared.status !== "preparing" ? prepared.total : 0;
}

/**
 * Between chunks, a turn of the event loop: on Node the driver runs each statement on it, so
 * without this a whole preparation would keep every request (a vote, a sign-in) waiting.
 */
const letOthersRun = () => new Promise((resolve) => setTimeout(resolve, 0));

/** The member id ending the chunk after `after`; null when the rest of the list fits in one. */
async function chunkBound(deps: Deps, listId: number, after: number, size: number) {
  const [row] = await deps.db.all<{ id: number }>(sql`
    SELECT id FROM list_members WHERE list_id = ${listId} AND id > ${after}
    ORDER BY id LIMIT 1 OFFSET ${size - 1}`);
  return row?.id ?? null;
}

/** Over `sends`: this send is still preparing, and nobody else wrote the chunk after `after`. */
const stillAt = (sendId: number, after: number) =>
  sql`EXISTS (SELECT 1 FROM sends WHERE id = ${sendId} AND status = 'preparing'
    AND coalesce(prepared_through, 0) = ${after})`;

/**
 * One chunk in one batch: the members after `after` up to `upTo` (the rest when null). Every
 * statement checks that the send still stands where it was read, so a second preparer (a resume
 * racing a slow first one) writes nothing twice. The last chunk also moves the send on.
 */
async function enqueueChunk(
  deps: Deps,
  request: Enqueue,
  sendId: number,
  plan: PreparePlan,
  range: { after: number; upTo: number | null },
): Promise<boolean> {
  const at = deps.clock.now().toISOString();
  const guard = stillAt(sendId, range.after);
  const upTo = range.upTo === null ? sql`` : sql` AND m.id <= ${range.upTo}`;
  const members = sql`m.list_id = ${request.listId} AND m.id > ${range.after}${upTo}`;
  // The canary's members were invited with their rows: only rows past the canary invite here.
  const enqueuedNow = sql`EXISTS (SELECT 1 FROM outbox_messages o WHERE o.send_id = ${sendId}
    AND o.contact_id = m.contact_id
    AND o.id > coalesce((SELECT canary_last_message_id FROM sends WHERE id = ${sendId}), 0))`;
  const last = range.upTo === null;
  const results = await deps.db.batch([
    enqueueRows(deps, request, sendId, at, sql`${members} AND ${guard}`, sql`ORDER BY m.id`),
    countEnqueued(deps, sendId),
    ...(plan.invite
      ? recordInvitations(
          deps,
          request,
          sendId,
          at,
          sql`${members} AND ${enqueuedNow} AND ${guard}`,
        )
      : []),
    last
      ? finishStatement(deps, sendId, plan, range.after)
      : deps.db.run(sql`
          UPDATE sends SET prepared_through = ${range.upTo}, prepared_at = ${at}
          WHERE id = ${sendId} AND status = 'preparing'
            AND coalesce(prepared_through, 0) = ${range.after}`),
    // The counts and the enqueue read the database at different moments: a send that enqueued
    // nobody after all is not kept.
    deps.db.run(sql`
      DELETE FROM sends WHERE id = ${sendId} AND ${last ? sql`1` : sql`0`}
        AND NOT EXISTS (SELECT 1 FROM outbox_messages WHERE send_id = ${sendId})`),
  ]);
  return (results[results.length - 2]?.rowsAffected ?? 0) > 0;
}

/**
 * Right after an enqueue statement: adds the rows it wrote (`changes()`, that statement's count)
 * to the send's running count, which becomes its total at the end (a count(*) of a million rows
 * would hold the last transaction far longer than a chunk).
 */
const countEnqueued = (deps: Deps, sendId: number) =>
  deps.db.run(sql`
    UPDATE sends SET prepared_count = coalesce(prepared_count, 0) + changes() WHERE id = ${sendId}`);

/** The last chunk's: the total is the rows written, and the send moves to its next status. */
const finishStatement = (deps: Deps, sendId: number, plan: PreparePlan, after: number) =>
  deps.db.run(sql`
    UPDATE sends SET status = ${plan.next}, total = coalesce(prepared_count, 0),
      prepared_through = NULL, prepared_at = NULL, prepared_count = NULL
    WHERE id = ${sendId} AND status = 'preparing' AND coalesce(prepared_through, 0) = ${after}`);

/**
 * The canary: `plan.canary` eligible members chosen at random (a read, outside any transaction),
 * enqueued first, in chunks, with their invitations, so that the canary is every row of the send
 * up to the last chunk's last id. Resumed, it picks only what is missing.
 */
async function enqueueCanary(
  deps: Deps,
  request: Enqueue,
  sendId: number,
  plan: PreparePlan,
  options: PrepareOptions,
): Promise<boolean> {
  const size = options.chunkSize ?? PREPARE_CHUNK;
  const enqueued = await deps.db.get<{ n: number }>(
    sql`SELECT count(*) AS n FROM outbox_messages WHERE send_id = ${sendId}`,
  );
  const ids = (
    await deps.db.all<{ id: number }>(sql`
      SELECT m.id FROM list_members m JOIN contacts c ON c.id = m.contact_id
      WHERE ${recipientFilter(deps, request)}
        AND NOT EXISTS (SELECT 1 FROM outbox_messages o
                        WHERE o.send_id = ${sendId} AND o.contact_id = m.contact_id)
      ORDER BY random() LIMIT ${Math.max(0, (plan.canary ?? 0) - (enqueued?.n ?? 0))}`)
  ).map((r) => r.id);
  for (let from = 0; from === 0 || from < ids.length; from += size) {
    const last = from + size >= ids.length;
    const ok = await enqueueCanaryChunk(
      deps,
      request,
      sendId,
      plan,
      ids.slice(from, from + size),
      last,
    );
    if (!ok) return false;
    if (!last) await options.afterChunk?.(0);
    await letOthersRun();
  }
  return true;
}

async function enqueueCanaryChunk(
  deps: Deps,
  request: Enqueue,
  sendId: number,
  plan: PreparePlan,
  ids: number[],
  last: boolean,
): Promise<boolean> {
  const at = deps.clock.now().toISOString();
  const guard = sql`EXISTS (SELECT 1 FROM sends WHERE id = ${sendId} AND status = 'preparing'
    AND canary_last_message_id IS NULL AND prepared_through IS NULL)`;
  const chosen = sql`m.id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`;
  const mine = sql`EXISTS (SELECT 1 FROM outbox_messages o WHERE o.send_id = ${sendId}
    AND o.contact_id = m.contact_id)`;
  const canaryEnd = last
    ? sql`, canary_last_message_id = (SELECT max(id) FROM outbox_messages WHERE send_id = ${sendId})`
    : sql``;
  const results = await deps.db.batch([
    enqueueRows(deps, request, sendId, at, sql`${chosen} AND ${guard}`, sql`ORDER BY random()`),
    countEnqueued(deps, sendId),
    ...(plan.invite
      ? recordInvitations(deps, request, sendId, at, sql`${chosen} AND ${mine} AND ${guard}`)
      : []),
    deps.db.run(sql`
      UPDATE sends SET prepared_at = ${at}${canaryEnd}
      WHERE id = ${sendId} AND status = 'preparing'
        AND canary_last_message_id IS NULL AND prepared_through IS NULL`),
  ]);
  return (results[results.length - 1]?.rowsAffected ?? 0) > 0;
}

/** Over `list_members m JOIN contacts c`: the members of the request this kind may reach. */
function recipientFilter(deps: Deps, request: Enqueue) {
  const one =
    request.contactId === undefined ? sql`` : sql` AND m.contact_id = ${request.contactId}`;
  // A reminder goes only to those its re-consent send reached.
  const reminded = request.reminderOf == null ? sql`` : sql` AND ${sentBySend(request.reminderOf)}`;
  const told = request.recipientsOf == null ? sql`` : sql` AND ${sentBySend(request.recipientsOf)}`;
  const filtered = request.memberFilter === undefined ? sql`` : sql` AND ${request.memberFilter}`;
  return sql`m.list_id = ${request.listId}${one}${reminded}${told}${filtered} AND ${eligibleMemberSql(request.kind, mailModeOf(deps))}`;
}

/** Queued outbox rows for the members in `scope` the rule lets receive this kind of mail. */
function enqueueRows(
  deps: Deps,
  request: Enqueue,
  sendId: number,
  at: string,
  scope: SQL,
  order: SQL,
) {
  return deps.db.run(sql`
    INSERT OR IGNORE INTO outbox_messages (send_id, contact_id, status, updated_at)
    SELECT ${sendId}, m.contact_id, 'queued', ${at}
    FROM list_members m JOIN contacts c ON c.id = m.contact_id
    WHERE ${recipientFilter(deps, request)} AND ${scope}
    ${order}`);
}

/**
 * Re-consent: the invitation is recorded in the ledger, and the member leaves `legacy`, in the
 * same transaction as its outbox row (or as the send's approval), so a second send can never find
 * it again. `scope` (over `list_members m`) narrows it to a chunk's members.
 */
export function recordInvitations(
  deps: Deps,
  request: Enqueue,
  sendId: number,
  at: string,
  scope: SQL = sql`m.contact_id IN (SELECT contact_id FROM outbox_messages WHERE send_id = ${sendId})`,
) {
  if (request.kind !== "reconsent" && request.kind !== "reminder") return [];
  const reminder = request.kind === "reminder";
  return moveMembers(
    deps.db,
    sql`m.list_id = ${request.listId} AND ${scope}`,
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
