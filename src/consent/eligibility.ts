// Who may receive mail of a purpose, derived from the rule table (states.ts `RECEIVES`) in the
// three forms Relance needs: a TypeScript check, the SQL predicate that selects recipients, and
// the counts shown to admins (which classify grouped SQL facts with the TypeScript check).
// test/consent-eligibility.test.ts proves the three agree over random contact histories.
import { type SQL, sql } from "drizzle-orm";
import type { Deps } from "../deps";
import { nextStepSize, nextTurn } from "../turn";
import { memberStatusIn } from "./sql";
import {
  CONSENT_STATES,
  type ConsentState,
  type MailPurpose,
  RECEIVES,
  statesAtDispatch,
  statesReceiving,
} from "./states";

/** The `source` of every participant answer recorded while no mail leaves the machine. */
export const SIMULATED_SOURCE = "simulated";

export const EXCLUSION_REASONS = [...CONSENT_STATES, "suppressed"] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];
export type Excluded = Record<ExclusionReason, number>;

export const emptyExcluded = (): Excluded =>
  Object.fromEntries(EXCLUSION_REASONS.map((r) => [r, 0])) as Excluded;

/** What the rule looks at for one member of a list. */
export type MemberFacts = {
  state: ConsentState;
  /** False once the person was erased (address gone), whatever this membership says. */
  hasAddress: boolean;
  /** The address's hash is on the suppression list. */
  suppressed: boolean;
  /** The ledger holds an `invited` event for this list, not withdrawn since (`uninvited`). */
  invitedBefore: boolean;
  /** The member's latest confirmation was given while mail never left the machine. */
  simulatedConfirmation: boolean;
};

/** Whether mail really leaves the machine: only then is a simulated answer not consent. */
export type MailMode = { mailLeavesMachine: boolean };

export const mailModeOf = (deps: Pick<Deps, "config">): MailMode => ({
  mailLeavesMachine: deps.config.mail.transport !== "outbox",
});

/**
 * The rule, as a pure function: eligible (null), or the reason for exclusion, first match wins:
 * 1. a state whose row in `RECEIVES` lacks the purpose is itself the reason;
 * 2. no address left (the person was erased through another list) counts as `erased`;
 * 3. a suppressed address is `suppressed`;
 * 4. re-consent: a past invitation on this list counts as `invited` (one invitation, ever; one
 *    withdrawn because it never left does not count);
 * 5. when mail leaves the machine, a simulated confirmation is no consent: the member counts in
 *    the state the simulated answer moved them from, `invited` after an invitation, otherwise
 *    `pending` (a web subscriber whose confirmation mail never really went out).
 */
export function exclusionReason(
  purpose: MailPurpose,
  m: MemberFacts,
  mode: MailMode,
): ExclusionReason | null {
  if (!RECEIVES[m.state].includes(purpose)) return m.state;
  if (!m.hasAddress) return "erased";
  if (m.suppressed) return "suppressed";
  if (purpose === "reconsent" && m.invitedBefore) return "invited";
  if (mode.mailLeavesMachine && m.state === "confirmed" && m.simulatedConfirmation) {
    return m.invitedBefore ? "invited" : "pending";
  }
  return null;
}

/**
 * The rule when a queued message is about to go out: the member is in a state the send may reach
 * at dispatch (`statesAtDispatch`: a re-consent recipient is `invited` by then), still has an
 * address, is not suppressed, and (when mail leaves the machine) was not confirmed by a
 * simulated answer. The dispatcher selects these facts with `dispatchFactsSql`.
 */
export function eligibleAtDispatch(
  purpose: MailPurpose,
  m: Omit<MemberFacts, "state" | "invitedBefore"> & { state: ConsentState | null },
  mode: MailMode,
): boolean {
  if (m.state === null || !statesAtDispatch(purpose).includes(m.state)) return false;
  if (!m.hasAddress || m.suppressed) return false;
  return !(mode.mailLeavesMachine && m.state === "confirmed" && m.simulatedConfirmation);
}

/** `eligibleAtDispatch` for a caller that knows only the state and the suppression. */
export const stillEligible = (
  purpose: MailPurpose,
  state: ConsentState | null,
  suppressed: boolean,
): boolean =>
  eligibleAtDispatch(
    purpose,
    { state, hasAddress: true, suppressed, simulatedConfirmation: false },
    { mailLeavesMachine: false },
  );

const suppressedSql = sql`EXISTS (SELECT 1 FROM suppressions s WHERE s.address_hash = c.email_hash)`;
// An invitation counts unless withdrawn since (`uninvited`: it never left, sending/uninvite.ts).
const invitedBeforeSql = sql`coalesce((SELECT e.event = 'invited' FROM consent_events e
  WHERE e.list_id = m.list_id AND e.contact_id = m.contact_id
    AND e.event IN ('invited', 'uninvited')
  ORDER BY e.id DESC LIMIT 1), 0)`;
const simulatedConfirmationSql = sql`coalesce((SELECT e.source = ${SIMULATED_SOURCE}
  FROM consent_events e
  WHERE e.list_id = m.list_id AND e.contact_id = m.contact_id AND e.event = 'confirmed'
  ORDER BY e.id DESC LIMIT 1), 0)`;

/**
 * The facts `eligibleAtDispatch` needs, as SELECT columns over `list_members m JOIN contacts c`:
 * `has_address`, `suppressed`, `simulated_confirmation`.
 */
export const dispatchFactsSql = sql`c.email IS NOT NULL AS has_address,
  ${suppressedSql} AS suppressed, ${simulatedConfirmationSql} AS simulated_confirmation`;

/**
 * `exclusionReason(...) === null` in SQL, over `list_members m JOIN contacts c`: what a send
 * selects when it enqueues.
 */
export function eligibleMemberSql(purpose: MailPurpose, mode: MailMode): SQL {
  const states = statesReceiving(purpose);
  const parts = [memberStatusIn(states), sql`c.email IS NOT NULL`, sql`NOT ${suppressedSql}`];
  if (purpose === "reconsent") parts.push(sql`NOT ${invitedBeforeSql}`);
  if (mode.mailLeavesMachine && states.includes("confirmed")) {
    parts.push(sql`NOT (m.status = 'confirmed' AND ${simulatedConfirmationSql})`);
  }
  return sql.join(parts, sql` AND `);
}

export type RecipientCounts = { recipients: number; excluded: Excluded };

/**
 * Reading a whole list a step at a time. On Node the embedded driver runs a statement on the event
 * loop, and one count of a million members kept every request waiting 2–3 s (bench -- enqueue):
 * each step aims at READ_STEP_MS, from READ_STEPS.first members, with a turn of the loop after it.
 */
export const READ_STEP_MS = 25;
export const READ_STEPS = { first: 5_000, min: 1_000, max: 50_000 } as const;

/**
 * Calls `read` with each step of the list's members in member id order, as a condition over
 * `list_members m`; a fixed `step` size when given (tests), otherwise sized by time.
 */
export async function inMemberSteps(
  deps: Pick<Deps, "db">,
  listId: number,
  read: (step: SQL) => Promise<void>,
  step?: number,
) {
  for (let after = 0, size = step ?? READ_STEPS.first; ; ) {
    const start = performance.now();
    const bound = await memberStepBound(deps, listId, after, size);
    const upTo = bound === null ? sql`` : sql` AND m.id <= ${bound}`;
    await read(sql`m.list_id = ${listId} AND m.id > ${after}${upTo}`);
    if (bound === null) return;
    after = bound;
    size = step ?? nextStepSize(size, performance.now() - start, READ_STEP_MS, READ_STEPS);
    await nextTurn();
  }
}

/**
 * Counts who mail of `purpose` to `listId` (or to one contact of it) would reach, and who it
 * excludes and why: the members' facts grouped in SQL, each group classified by `exclusionReason`.
 * The list is read in steps (inMemberSteps), so that others run meanwhile.
 */
export async function countRecipients(
  deps: Pick<Deps, "db" | "config">,
  purpose: MailPurpose,
  listId: number,
  onlyContact?: number,
  step?: number,
): Promise<RecipientCounts> {
  const mode = mailModeOf(deps);
  const counts: RecipientCounts = { recipients: 0, excluded: emptyExcluded() };
  const one = onlyContact === undefined ? sql`` : sql` AND m.contact_id = ${onlyContact}`;
  const read = async (members: SQL) => {
    for (const row of await groupedFacts(deps, mode, sql`${members}${one}`)) {
      const reason = exclusionReason(purpose, factsOf(row), mode);
      if (reason === null) counts.recipients += Number(row.n);
      else counts.excluded[reason] += Number(row.n);
    }
  };
  if (onlyContact === undefined) await inMemberSteps(deps, listId, read, step);
  else await read(sql`m.list_id = ${listId}`);
  return counts;
}

/**
 * The member id ending the step of `step` members of the list after member id `after`; null when
 * the rest of the list fits in one (an index walk of `step` entries, no row read).
 */
export async function memberStepBound(
  deps: Pick<Deps, "db">,
  listId: number,
  after: number,
  step: number,
) {
  const [row] = await deps.db.all<{ id: number }>(sql`
    SELECT id FROM list_members WHERE list_id = ${listId} AND id > ${after}
    ORDER BY id LIMIT 1 OFFSET ${step - 1}`);
  return row?.id ?? null;
}

type GroupedFacts = {
  state: ConsentState;
  has_address: number;
  suppressed: number;
  invited_before: number;
  simulated: number;
  n: number;
};

/** The facts of the members in `scope` (over `list_members m`), grouped, with their counts. */
function groupedFacts(deps: Pick<Deps, "db">, mode: MailMode, scope: SQL) {
  // The simulated fact matters only when mail leaves the machine; skip its subquery otherwise.
  const simulated = mode.mailLeavesMachine ? simulatedConfirmationSql : sql`0`;
  return deps.db.all<GroupedFacts>(sql`
    SELECT m.status AS state, c.email IS NOT NULL AS has_address, ${suppressedSql} AS suppressed,
           ${invitedBeforeSql} AS invited_before, ${simulated} AS simulated, count(*) AS n
    FROM list_members m JOIN contacts c ON c.id = m.contact_id
    WHERE ${scope}
    GROUP BY 1, 2, 3, 4, 5`);
}

const factsOf = (row: GroupedFacts): MemberFacts => ({
  state: row.state,
  hasAddress: Boolean(row.has_address),
  suppressed: Boolean(row.suppressed),
  invitedBefore: Boolean(row.invited_before),
  simulatedConfirmation: Boolean(row.simulated),
});
