// Invitations that never left are not invitations. A re-consent send moves its recipients to
// `invited` as it enqueues them; when it is cancelled, or its deadline passes, before a member's
// message left, that member was never asked: they go back to `legacy` (ledger event `uninvited`),
// never expire for it, and a later re-consent send may ask them.
import { type SQL, sql } from "drizzle-orm";
import { moveMembers } from "../consent/transitions";
import type { Deps } from "../deps";
import { inChunks, type PrepareOptions } from "./prepare";
import { CANCELLED_ERROR, GAVE_UP_ERROR } from "./store";

/**
 * Over `outbox_messages o`: the message may have reached its recipient. `sent` did. For consent
 * the safe reading of a call whose outcome is unknown is "may have been mailed": withdrawing the
 * invitation could invite a person twice, which the brief forbids; they stay `invited`, may
 * answer, and expire at the deadline like a sent one. Unknown are: `claimed` (a call possibly under
 * way, or cut short by a crash); `failed` by a cancel in a batch that had been leased for a call
 * (a crash mid-call leaves its lease) or called with no definite answer (a retry was due); and
 * `failed` after 24 hours of retries (a timeout may hide an acceptance). A definite refusal (a
 * 4xx, or a refused message in an answered batch), `queued` and `suppressed` reached nobody.
 */
export const mayHaveLeft = sql`(o.status IN ('sent', 'claimed')
  OR (o.status = 'failed' AND EXISTS (SELECT 1 FROM send_batches b WHERE b.id = o.batch_id
    AND ((b.last_error = ${CANCELLED_ERROR} AND (b.attempts > 0 OR b.lease_until IS NOT NULL))
      OR b.last_error LIKE ${`${GAVE_UP_ERROR}%`}))))`;

type ReconsentSend = { id: number; listId: number; textVersion: number };

/** Why invitations are withdrawn: the ledger's source says so. */
export type Withdrawal = "cancelled" | "deadline";

const sourceOf = (sendId: number, why: Withdrawal) =>
  why === "cancelled"
    ? `re-consent send #${sendId} cancelled before their invitation left`
    : `re-consent send #${sendId}: deadline passed before their invitation left`;

/**
 * Over `list_members m`: members of the send's list whose message in the send's rows after `after`
 * (up to `upTo`) never left, and who were not put in a later re-consent send of the list since
 * (their `invited` would then be that send's, not this one's).
 */
function neverReached(send: ReconsentSend, after: number, upTo: number | null): SQL {
  const until = upTo === null ? sql`` : sql` AND o.id <= ${upTo}`;
  return sql`m.list_id = ${send.listId}
    AND m.contact_id IN (SELECT o.contact_id FROM outbox_messages o
      WHERE o.send_id = ${send.id} AND o.id > ${after}${until} AND NOT (${mayHaveLeft}))
    AND NOT EXISTS (SELECT 1 FROM outbox_messages l JOIN sends s ON s.id = l.send_id
      WHERE l.contact_id = m.contact_id AND l.send_id > ${send.id}
        AND s.list_id = ${send.listId} AND s.kind = 'reconsent')`;
}

/**
 * Withdraws the send's invitations that never left, in chunks of its outbox rows (id order), each
 * one batch, so that a million-member send never holds the writer long. `cancelled`: the cursor
 * is the send's `invited_through` (set to 0 by the cancel), each chunk moving it with its members,
 * so a crash resumes where it stopped (resumeWithdrawals). `deadline`: no cursor, every statement
 * is guarded (only `invited` members move), and the expiry that calls it runs again until done.
 * Returns how many members went back to `legacy`.
 */
export async function withdrawUnsentInvitations(
  deps: Deps,
  send: ReconsentSend,
  why: Withdrawal,
  options: PrepareOptions = {},
): Promise<number> {
  let through = why === "deadline" ? 0 : await cursorOf(deps, send.id);
  if (through === null) return 0;
  // A send whose every message left (most of them, at their deadline) has nothing to walk through.
  if (!(await anyUnsent(deps, send.id))) {
    if (why === "cancelled")
      await deps.db.run(sql`
      UPDATE sends SET invited_through = NULL WHERE id = ${send.id} AND status = 'cancelled'`);
    return 0;
  }
  let withdrawn = 0;
  await inChunks(deps, options, async (size) => {
    const [row] = await deps.db.all<{ id: number }>(sql`
      SELECT id FROM outbox_messages WHERE send_id = ${send.id} AND id > ${through}
      ORDER BY id LIMIT 1 OFFSET ${size - 1}`);
    const bound = row?.id ?? null;
    const moved = await withdrawChunk(deps, send, why, { after: through as number, upTo: bound });
    if (moved === null) return "stopped";
    withdrawn += moved;
    if (bound === null) return "done";
    through = bound;
    return through;
  });
  return withdrawn;
}

/** Whether any message of the send surely never left (the status index answers at once). */
async function anyUnsent(deps: Deps, sendId: number): Promise<boolean> {
  const [row] = await deps.db.all<{ one: number }>(sql`
    SELECT 1 AS one FROM outbox_messages
    WHERE send_id = ${sendId} AND status IN ('queued', 'failed', 'suppressed') LIMIT 1`);
  return row !== undefined;
}

async function cursorOf(deps: Deps, sendId: number): Promise<number | null> {
  const [row] = await deps.db.all<{ at: number | null }>(sql`
    SELECT invited_through AS at FROM sends WHERE id = ${sendId} AND status = 'cancelled'`);
  return row?.at ?? null;
}

/**
 * One chunk in one batch: the ledger events and the moves, then (when cancelled) the cursor.
 * Returns how many members moved, or null when the cursor was not where it was read.
 */
async function withdrawChunk(
  deps: Deps,
  send: ReconsentSend,
  why: Withdrawal,
  range: { after: number; upTo: number | null },
): Promise<number | null> {
  const at = deps.clock.now().toISOString();
  const cursored = why === "cancelled";
  const still = cursored
    ? sql` AND EXISTS (SELECT 1 FROM sends WHERE id = ${send.id} AND status = 'cancelled'
        AND invited_through = ${range.after})`
    : sql``;
  const [record, move] = moveMembers(
    deps.db,
    sql`${neverReached(send, range.after, range.upTo)}${still}`,
    "uninvited",
    {
      at,
      source: sourceOf(send.id, why),
      actor: "system",
      by: "system",
      textVersion: send.textVersion,
    },
    ["invited"],
  );
  if (!cursored) {
    const [, moved] = await deps.db.batch([record, move]);
    return moved.rowsAffected;
  }
  const [, moved, cursor] = await deps.db.batch([
    record,
    move,
    deps.db.run(sql`
      UPDATE sends SET invited_through = ${range.upTo}
      WHERE id = ${send.id} AND status = 'cancelled' AND invited_through = ${range.after}`),
  ]);
  return cursor.rowsAffected > 0 ? moved.rowsAffected : null;
}

/**
 * The periodic job's part: cancelled re-consent sends whose withdrawal a crash (or a restart)
 * stopped half-way are finished. Returns how many members went back to `legacy`.
 */
export async function resumeWithdrawals(deps: Deps): Promise<number> {
  const pending = await deps.db.all<{ id: number; list_id: number; text_version: number }>(sql`
    SELECT id, list_id, text_version FROM sends
    WHERE kind = 'reconsent' AND status = 'cancelled' AND invited_through IS NOT NULL`);
  let withdrawn = 0;
  for (const s of pending)
    withdrawn += await withdrawUnsentInvitations(
      deps,
      { id: s.id, listId: s.list_id, textVersion: s.text_version },
      "cancelled",
    );
  return withdrawn;
}
