// A web subscription not confirmed within 7 days expires: the membership becomes `expired`, and
// the person is erased unless another membership keeps them. No suppression: they never
// consented nor refused, and may subscribe again.
import type { Deps } from "../deps";
import { eraseContact } from "../erasure/service";
import * as q from "./queries";
import { moveMember } from "./transitions";

export const PENDING_LIFETIME_MS = 7 * 24 * 3600 * 1000;
const SOURCE = "subscription not confirmed within 7 days";

/** The periodic job: expires every stale pending subscription; returns how many. */
export async function expirePendingSubscriptions(deps: Deps): Promise<number> {
  const now = deps.clock.now();
  const cutoff = new Date(now.getTime() - PENDING_LIFETIME_MS).toISOString();
  let expired = 0;
  for (;;) {
    const members = await q.stalePendingMembers(deps.db, cutoff, 200);
    if (members.length === 0) return expired;
    for (const member of members) {
      const ctx = { at: now.toISOString(), source: SOURCE, actor: "system", by: "system" } as const;
      await deps.db.batch(moveMember(deps.db, member, "expired", "pending", ctx));
      if (!(await q.holdsActiveMembership(deps.db, member.contactId))) {
        await eraseContact(deps, member.contactId, {
          reason: "unconfirmed",
          actor: "system",
          source: SOURCE,
        });
      }
      expired++;
    }
  }
}
