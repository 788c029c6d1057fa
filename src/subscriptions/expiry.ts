// Following an incident ends by itself 7 days after it is resolved: each follower's membership
// becomes `expired`, and the person is erased unless another membership (`confirmed`, `pending`
// or `invited`) keeps them, as expiry does on any list. No suppression: ending a follow is no
// refusal, and they may follow the next incident.
import { sql } from "drizzle-orm";
import * as consent from "../consent/queries";
import { moveMembers } from "../consent/transitions";
import type { Deps } from "../deps";
import { eraseContact } from "../erasure/service";

export const FOLLOW_AFTER_RESOLVED_MS = 7 * 24 * 3600_000;
const SOURCE = "incident follow ended 7 days after resolution";

/** The periodic job: ends every follow list due; returns how many followers it ended. */
export async function endFollowsOfResolvedIncidents(deps: Deps): Promise<number> {
  const now = deps.clock.now();
  const cutoff = new Date(now.getTime() - FOLLOW_AFTER_RESOLVED_MS).toISOString();
  const due = await deps.db.all<{ list_id: number }>(sql`
    SELECT l.list_id FROM status_lists l JOIN incidents i ON i.id = l.incident_id
    WHERE l.kind = 'follow' AND l.ended_at IS NULL
      AND i.status = 'resolved' AND i.resolved_at IS NOT NULL AND i.resolved_at <= ${cutoff}`);
  let ended = 0;
  for (const { list_id: listId } of due) ended += await endFollowList(deps, listId, now);
  return ended;
}

async function endFollowList(deps: Deps, listId: number, now: Date): Promise<number> {
  const at = now.toISOString();
  const members = await deps.db.all<{ contact_id: number }>(sql`
    SELECT contact_id FROM list_members
    WHERE list_id = ${listId} AND status IN ('confirmed', 'pending')`);
  const ctx = { at, source: SOURCE, actor: "system", by: "system" } as const;
  await deps.db.batch([
    ...moveMembers(deps.db, sql`m.list_id = ${listId}`, "expired", ctx, ["confirmed", "pending"]),
    deps.db.run(sql`UPDATE status_lists SET ended_at = ${at} WHERE list_id = ${listId}`),
  ]);
  for (const { contact_id: contactId } of members) {
    if (await consent.holdsActiveMembership(deps.db, contactId)) continue;
    await eraseContact(deps, contactId, {
      reason: "ended",
      actor: "system",
      source: SOURCE,
      keepStateOn: listId,
    });
  }
  return members.length;
}
