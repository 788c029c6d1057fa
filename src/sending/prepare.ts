// Preparing a send: its recipients are enqueued in chunks of list members (keyset on the member
// id), each chunk one batch (one transaction; on Turso over HTTP one pipeline request) writing its
// outbox rows with their re-consent invitations, so that no transaction holds the single writer
// long and the "at most once" promise holds per contact whatever chunk a crash stops at. The send
// stays `preparing` (the dispatcher never calls it) until the last chunk moves it on.
import { type SQL, sql } from "drizzle-orm";
import { inMemberSteps, memberStepBound } from "../consent/eligibility";
import { actorKindOf, moveMembers } from "../consent/transitions";
import type { Deps } from "../deps";
import { nextStepSize, nextTurn } from "../turn";
import { eligibleMemberSql, mailModeOf, type SendKind } from "./eligibility";
import * as q from "./queries";

/**
 * How long each chunk's transaction aims to take. On the embedded database (Node) the event loop
 * waits with it, every request with it: short. Over HTTP (Turso) only the writer waits, and the
 * round trip counts in the measure: longer, for fewer round trips, still under the 200 ms any
 * writer may be held.
 */
export const CHUNK_TARGET_MS = { embedded: 40, remote: 100 } as const;

export const chunkTargetOf = (deps: Pick<Deps, "config">) =>
  /^(file:|:memory:)/.test(deps.config.databaseUrl)
    ? CHUNK_TARGET_MS.embedded
    : CHUNK_TARGET_MS.remote;

/** A chunk's size in list members: at least this (progress), at most this (one slow disk). */
export const CHUNK_BOUNDS = { min: 250, max: 5_000 } as const;

/**
 * The next chunk's size from the previous one's and how long its transaction took (nextStepSize,
 * within CHUNK_BOUNDS). A preparation starts at the smallest: right after a checkpoint the WAL grows again
 * and the same 2,500 members took 200–330 ms instead of 30 (bench -- enqueue).
 */
export const nextChunkSize = (size: number, tookMs: number, targetMs: number) =>
  nextStepSize(size, tookMs, targetMs, CHUNK_BOUNDS);

/** The chunk a discarded preparation's rows are deleted by (a delete is cheaper than a chunk). */
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
  /** The first chunk's size (CHUNK_BOUNDS.min); without `nextSize`, every chunk's (tests). */
  chunkSize?: number;
  /** The next chunk's size from the last one's and its time (nextChunkSize); tests vary it. */
  nextSize?: (size: number, tookMs: number) => number;
  /** A fixed step for reading the list (the canary's pick); otherwise sized by time. */
  readStep?: number;
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
  const send = await q.findSend(deps.db, sendId);
  if (send?.status !== "preparing") return 0;
  if (send.invitedThrough !== null) return inviteApproved(deps, request, sendId, options);
  let through = send.preparedThrough ?? 0;
  if (plan.canary !== null && send.canaryLastMessageId === null && through === 0)
    if (!(await enqueueCanary(deps, request, sendId, plan, options))) return 0;
  const written = await inChunks(deps, options, async (size) => {
    const bound = await memberStepBound(deps, request.listId, through, size);
    if (!(await enqueueChunk(deps, request, sendId, plan, { after: through, upTo: bound })))
      return "stopped";
    if (bound === null) return "done";
    through = bound;
    return through;
  });
  if (!written) return 0;
  const prepared = await q.findSend(deps.db, sendId);
  return prepared && prepared.status !== "preparing" ? prepared.total : 0;
}

/**
 * Writes chunk after chunk until `write` says it is done (true) or that the work is no longer
 * this caller's (false). Each chunk's size comes from the previous one's time (nextChunkSize), or
 * from `options`; between chunks, `afterChunk` with where the work stands, and a turn of the event
 * loop so that requests waiting meanwhile run.
 */
export async function inChunks(
  deps: Deps,
  options: PrepareOptions,
  write: (size: number) => Promise<number | "done" | "stopped">,
): Promise<boolean> {
  for (let size = options.chunkSize ?? CHUNK_BOUNDS.min; ; ) {
    const start = performance.now();
    const outcome = await write(size);
    if (outcome === "stopped") return false;
    if (outcome === "done") return true;
    const took = performance.now() - start;
    size = options.nextSize
      ? options.nextSize(size, took)
      : (options.chunkSize ?? nextChunkSize(size, took, chunkTargetOf(deps)));
    await options.afterChunk?.(outcome);
    await nextTurn();
  }
}

/** Kinds whose sending records an invitation per recipient (the ledger's `invited`). */
export const invites = (kind: string) => kind === "reconsent" || kind === "reminder";

/**
 * An approved send's invitations (its rows were written while it awaited approval), recorded in
 * chunks of outbox rows, in id order, while the send is `preparing` with `invited_through` as the
 * cursor; the last chunk queues it. A resume goes on from the cursor, so nobody is invited twice
 * (a reminder, invited to invited, would be by a second pass). Returns the send's total, or 0 when
 * it is no longer this caller's.
 */
export async function inviteApproved(
  deps: Deps,
  request: Enqueue,
  sendId: number,
  options: PrepareOptions = {},
): Promise<number> {
  const send = await q.findSend(deps.db, sendId);
  if (send?.status !== "preparing" || send.invitedThrough === null) return 0;
  let through = send.invitedThrough;
  const written = await inChunks(deps, options, async (size) => {
    const [row] = await deps.db.all<{ id: number }>(sql`
      SELECT id FROM outbox_messages WHERE send_id = ${sendId} AND id > ${through}
      ORDER BY id LIMIT 1 OFFSET ${size - 1}`);
    const bound = row?.id ?? null;
    if (!(await inviteChunk(deps, request, sendId, { after: through, upTo: bound })))
      return "stopped";
    if (bound === null) return "done";
    through = bound;
    return through;
  });
  if (!written) return 0;
  const invited = await q.findSend(deps.db, sendId);
  return invited && invited.status !== "preparing" ? invited.total : 0;
}

/** The invitations of the send's rows after `after` up to `upTo` (the rest when null), one batch. */
async function inviteChunk(
  deps: Deps,
  request: Enqueue,
  sendId: number,
  range: { after: number; upTo: number | null },
): Promise<boolean> {
  const at = deps.clock.now().toISOString();
  const upTo = range.upTo === null ? sql`` : sql` AND o.id <= ${range.upTo}`;
  const still = sql`EXISTS (SELECT 1 FROM sends WHERE id = ${sendId} AND status = 'preparing'
    AND invited_through = ${range.after})`;
  const rows = sql`m.contact_id IN (SELECT o.contact_id FROM outbox_messages o
    WHERE o.send_id = ${sendId} AND o.id > ${range.after}${upTo}) AND ${still}`;
  const moved =
    range.upTo === null
      ? sql`status = 'queued', invited_through = NULL, prepared_at = NULL`
      : sql`invited_through = ${range.upTo}, prepared_at = ${at}`;
  const move = deps.db.run(sql`
    UPDATE sends SET ${moved}
    WHERE id = ${sendId} AND status = 'preparing' AND invited_through = ${range.after}`);
  // The invitations first (never none: only kinds that invite get here): their guard reads the
  // cursor the last statement moves.
  const statements = [...recordInvitations(deps, request, sendId, at, rows), move];
  const results = await deps.db.batch(statements as [typeof move, ...(typeof move)[]]);
  return (results[results.length - 1]?.rowsAffected ?? 0) > 0;
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
 * The canary: `plan.canary` eligible members chosen at random, enqueued first, in chunks, with
 * their invitations, so that the canary is every row of the send up to the last chunk's last id.
 * Resumed, it picks only what is missing.
 */
async function enqueueCanary(
  deps: Deps,
  request: Enqueue,
  sendId: number,
  plan: PreparePlan,
  options: PrepareOptions,
): Promise<boolean> {
  const enqueued = await deps.db.get<{ n: number }>(
    sql`SELECT count(*) AS n FROM outbox_messages WHERE send_id = ${sendId}`,
  );
  const missing = Math.max(0, (plan.canary ?? 0) - (enqueued?.n ?? 0));
  const ids = await pickAtRandom(deps, request, sendId, missing, options.readStep);
  let from = 0;
  return inChunks(deps, options, async (size) => {
    const chunk = ids.slice(from, from + size);
    const last = from + size >= ids.length;
    if (!(await enqueueCanaryChunk(deps, request, sendId, plan, chunk, last))) return "stopped";
    if (last) return "done";
    from += chunk.length;
    // The canary's chunks are before any member's: a crash there stands at member 0.
    return 0;
  });
}

/**
 * `count` eligible members the send has no row for, at random: each gets a random key, and the
 * `count` smallest keys of the whole list win. The list is read a step of members at a time with
 * a turn of the event loop between steps (one `ORDER BY random()` over a million members held the
 * event loop for seconds on Node), each step keeping only its own `count` smallest.
 */
async function pickAtRandom(
  deps: Deps,
  request: Enqueue,
  sendId: number,
  count: number,
  step?: number,
) {
  let picked: { id: number; key: number }[] = [];
  if (count === 0) return [];
  await inMemberSteps(
    deps,
    request.listId,
    async (members) => {
      const keyed = await deps.db.all<{ id: number; key: number }>(sql`
      SELECT m.id, abs(random() % 9007199254740991) AS key
      FROM list_members m JOIN contacts c ON c.id = m.contact_id
      WHERE ${recipientFilter(deps, request)} AND ${members}
        AND NOT EXISTS (SELECT 1 FROM outbox_messages o
                        WHERE o.send_id = ${sendId} AND o.contact_id = m.contact_id)
      ORDER BY key LIMIT ${count}`);
      picked = [...picked, ...keyed].sort((x, y) => x.key - y.key).slice(0, count);
    },
    step,
  );
  return picked.map((r) => r.id);
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
  if (!invites(request.kind)) return [];
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
