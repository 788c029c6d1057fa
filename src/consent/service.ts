// The consent ledger's rules: every state change is an appended event plus the matching state
// column, written together; suppression is consulted by hash.
import type { Deps } from "../deps";
import { adoptPreviousHashes } from "../keys/rekey";
import { addressHasher } from "./address-hash";
import { mailModeOf, SIMULATED_SOURCE } from "./eligibility";
import * as q from "./queries";
import { type ConsentEventName, type ConsentState, InvalidTransition, nextState } from "./states";
import { moveMember, type TransitionContext } from "./transitions";

/** Why an address is suppressed. All but `bounced` and `admin` are the person's own act. */
export type SuppressionReason =
  | "bounced"
  | "complained"
  | "declined"
  | "unsubscribed"
  | "expired"
  | "erased"
  | "admin";

/** The salted hash of an address key (see contacts/address.ts for what a key is). */
export function hashAddress(deps: Deps, key: string): string {
  return addressHasher(deps.config.secretKey)(key);
}

/** Whether an address is suppressed for every list, or (given a list) for that list. */
export async function isSuppressed(deps: Deps, key: string, listId?: number): Promise<boolean> {
  await adoptPreviousHashes(deps, [key]);
  return (await q.suppressedAmong(deps.db, [hashAddress(deps, key)], listId)).length > 0;
}

/**
 * Adds a reason to an address's suppression (idempotent per reason and scope), for every list
 * unless `listId` is given.
 */
export async function suppressAddress(
  deps: Deps,
  key: string,
  reason: SuppressionReason,
  scope: { source?: string; listId?: number } = {},
) {
  await deps.db.batch(
    q.insertSuppression(deps.db, hashAddress(deps, key), reason, deps.clock.now().toISOString(), {
      listId: scope.listId ?? null,
      source: scope.source ?? "relance",
    }),
  );
}

export type RecordResult =
  | { ok: true; state: ConsentState }
  | { ok: false; reason: "not_member" | "invalid_transition" | "conflict"; message: string };

/**
 * Appends one consent event for a member of a list and moves its state, in one batch. Both
 * writes are guarded by the state read first, so a concurrent change makes this a no-op
 * (`conflict`) rather than a ledger and a column that disagree.
 */
export async function recordConsentEvent(
  deps: Deps,
  member: { listId: number; contactId: number },
  event: ConsentEventName,
  ctx: Omit<TransitionContext, "at">,
): Promise<RecordResult> {
  const current = await q.findMember(deps.db, member.listId, member.contactId);
  if (!current) {
    return { ok: false, reason: "not_member", message: "This contact is not on this list." };
  }
  const from = current.status;
  const to = nextState(from, event);
  if (to instanceof InvalidTransition) {
    return { ok: false, reason: "invalid_transition", message: to.message };
  }
  const at = deps.clock.now().toISOString();
  const source = answerSource(deps, ctx);
  const [inserted] = await deps.db.batch(
    moveMember(deps.db, member, event, from, { ...ctx, source, at }),
  );
  if (inserted.rowsAffected === 0) {
    return { ok: false, reason: "conflict", message: "The contact's state changed meanwhile." };
  }
  return { ok: true, state: to };
}

/**
 * With the outbox transport no mail ever leaves the machine, so nobody outside could have
 * received the link a participant answers through: every answer recorded then is simulated
 * (opened from the admin's Mailbox) and never counts as consent once mail really leaves.
 */
export function answerSource(
  deps: Pick<Deps, "config">,
  ctx: { by: TransitionContext["by"]; source: string },
) {
  if (ctx.by !== "participant" || mailModeOf(deps).mailLeavesMachine) return ctx.source;
  return SIMULATED_SOURCE;
}

export const consentHistory = (deps: Deps, listId: number, contactId: number) =>
  q.memberHistory(deps.db, listId, contactId);

export type ConsentHistoryEntry = Awaited<ReturnType<typeof consentHistory>>[number];
