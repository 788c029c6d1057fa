// Who may receive a send: the one rule, used by the admin UI, the API, the enqueuing and the
// dispatcher's last check before each provider call.
import { type SQL, sql } from "drizzle-orm";
import { CONSENT_STATES, type ConsentState } from "../consent/states";
import type { Deps } from "../deps";

/**
 * `subscribe`: the double opt-in confirmation mail of one web subscriber (one send per request,
 * one recipient), so that it goes through the same outbox, rate limit and kill switch.
 * `reminder`: the one reminder of a re-consent send, to those of its recipients still `invited`.
 */
export type SendKind = "reconsent" | "campaign" | "subscribe" | "reminder";

export const EXCLUSION_REASONS = [...CONSENT_STATES, "suppressed"] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];
export type Excluded = Record<ExclusionReason, number>;

/** The member state a send of each kind selects. */
const SELECTED_STATE: Record<SendKind, ConsentState> = {
  reconsent: "legacy",
  campaign: "confirmed",
  subscribe: "pending",
  reminder: "invited",
};

/** The state a queued message's member must still be in when it goes out (enqueuing invites). */
const DISPATCH_STATE: Record<SendKind, ConsentState> = {
  reconsent: "invited",
  campaign: "confirmed",
  subscribe: "pending",
  reminder: "invited",
};

export type MemberFacts = {
  state: ConsentState;
  /** The address's hash is on the suppression list. */
  suppressed: boolean;
  /** The ledger already holds an `invited` event for this list. */
  invitedBefore: boolean;
};

/**
 * The rule, as a pure function: eligible, or the reason for exclusion. A state that rules the
 * contact out is the reason; otherwise suppression; for re-consent, a past invitation counts as
 * `invited` (one invitation per list, ever).
 */
export function exclusionReason(kind: SendKind, m: MemberFacts): ExclusionReason | null {
  if (m.state !== SELECTED_STATE[kind]) return m.state;
  if (m.suppressed) return "suppressed";
  if (kind === "reconsent" && m.invitedBefore) return "invited";
  return null;
}

/** The same rule when a queued message is about to go out. */
export function stillEligible(
  kind: SendKind,
  state: ConsentState | null,
  suppressed: boolean,
): boolean {
  return state === DISPATCH_STATE[kind] && !suppressed;
}

export const emptyExcluded = (): Excluded =>
  Object.fromEntries(EXCLUSION_REASONS.map((r) => [r, 0])) as Excluded;

/**
 * The same rule in SQL, over `list_members m JOIN contacts c`: what enqueuing selects. Kept
 * next to `exclusionReason` so that the two cannot drift apart (a test compares them).
 */
export function eligibleMemberSql(kind: SendKind): SQL {
  const base = sql`m.status = ${SELECTED_STATE[kind]}
    AND c.email IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM suppressions s WHERE s.address_hash = c.email_hash)`;
  if (kind !== "reconsent") return base;
  return sql`${base} AND NOT EXISTS (
    SELECT 1 FROM consent_events e
    WHERE e.list_id = m.list_id AND e.contact_id = m.contact_id AND e.event = 'invited')`;
}

export type Eligibility = { recipients: number; excluded: Excluded };

/** Counts who a send of `kind` to `listId` would reach, and who it excludes and why. */
export async function eligibleRecipients(
  deps: Deps,
  kind: SendKind,
  listId: number,
): Promise<Eligibility> {
  const rows = await deps.db.all<{
    state: string;
    suppressed: number;
    invited_before: number;
    n: number;
  }>(sql`
    SELECT m.status AS state,
           EXISTS (SELECT 1 FROM suppressions s WHERE s.address_hash = c.email_hash) AS suppressed,
           EXISTS (SELECT 1 FROM consent_events e
                   WHERE e.list_id = m.list_id AND e.contact_id = m.contact_id
                     AND e.event = 'invited') AS invited_before,
           count(*) AS n
    FROM list_members m JOIN contacts c ON c.id = m.contact_id
    WHERE m.list_id = ${listId}
    GROUP BY 1, 2, 3`);
  const excluded = emptyExcluded();
  let recipients = 0;
  for (const row of rows) {
    const reason = exclusionReason(kind, {
      state: row.state as ConsentState,
      suppressed: Boolean(row.suppressed),
      invitedBefore: Boolean(row.invited_before),
    });
    if (reason === null) recipients += Number(row.n);
    else excluded[reason] += Number(row.n);
  }
  return { recipients, excluded };
}
