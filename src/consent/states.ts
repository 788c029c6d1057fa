// The consent rule table: each state per (contact, list), what mail it lets a member receive, and
// which events may move it, by whom. Eligibility (TypeScript, SQL, counts) is derived from
// `RECEIVES` in consent/eligibility.ts; every write of the state goes through consent/transitions.ts,
// which follows `TRANSITIONS`.

export const CONSENT_STATES = [
  "legacy",
  "pending",
  "invited",
  "confirmed",
  "declined",
  "expired",
  "unsubscribed",
  "bounced",
  "complained",
  "erased",
] as const;
export type ConsentState = (typeof CONSENT_STATES)[number];

export const CONSENT_EVENTS = [
  "imported",
  "added",
  "subscribed",
  "invited",
  "uninvited",
  "confirmed",
  "declined",
  "expired",
  "unsubscribed",
  "bounced",
  "complained",
  "erased",
] as const;
export type ConsentEventName = (typeof CONSENT_EVENTS)[number];

/**
 * What a message is for. `reconsent` is the one invitation of a `legacy` member; `reminder` the
 * one optional reminder of a member still `invited`; `subscribe` the double opt-in mail of a web
 * subscriber; `incident` and `poll` are notifications and poll invitations to a list;
 * `preferences_link` the one message a person asks for on a list's "lost your link?" form.
 */
export const MAIL_PURPOSES = [
  "reconsent",
  "reminder",
  "campaign",
  "incident",
  "poll",
  "subscribe",
  "preferences_link",
] as const;
export type MailPurpose = (typeof MAIL_PURPOSES)[number];

/** Who makes a transition: the person, an admin, Relance itself, or the mail provider's webhook. */
export type ActorKind = "participant" | "admin" | "system" | "provider";

/** Per state, the mail a member in it may receive. Nothing else is mailed to anyone. */
export const RECEIVES: Record<ConsentState, readonly MailPurpose[]> = {
  legacy: ["reconsent", "preferences_link"],
  pending: ["subscribe", "preferences_link"],
  invited: ["reminder", "preferences_link"],
  confirmed: ["campaign", "incident", "poll", "preferences_link"],
  // Their own link, asked for by them: leaving a list does not take away the page that lets them
  // rejoin it, download or erase their data (an address suppressed for every list gets nothing).
  declined: ["preferences_link"],
  expired: ["preferences_link"],
  unsubscribed: ["preferences_link"],
  // A mailbox that bounces or complained is not written to again, even on request.
  bounced: [],
  complained: [],
  erased: [],
};

/**
 * The event a send of a purpose records for each recipient as it enqueues them: the invitation
 * itself moves `legacy` to `invited`, in the same transaction as the outbox row.
 */
export const EVENT_ON_ENQUEUE: Partial<Record<MailPurpose, ConsentEventName>> = {
  reconsent: "invited",
};

type Transition = {
  /** `null` is "not on the list yet"; "any" is every state but `erased` (nothing follows it). */
  from: readonly (ConsentState | null)[] | "any";
  to: ConsentState;
  by: readonly ActorKind[];
};

/** Which state each event leads to, from which states, and who may cause it. */
export const TRANSITIONS: Record<ConsentEventName, Transition> = {
  // An address typed or imported never grants consent: it enters as `legacy`.
  imported: { from: [null], to: "legacy", by: ["admin"] },
  added: { from: [null], to: "legacy", by: ["admin"] },
  subscribed: { from: [null, "unsubscribed"], to: "pending", by: ["participant"] },
  // A reminder is a second `invited` while still invited.
  invited: { from: ["legacy", "invited"], to: "invited", by: ["admin", "system"] },
  // An invitation that never left (its send cancelled, or its deadline passed, before its message
  // was sent): the member was never asked, so is `legacy` again and a later send may ask them.
  uninvited: { from: ["invited"], to: "legacy", by: ["system"] },
  confirmed: { from: ["invited", "pending"], to: "confirmed", by: ["participant"] },
  declined: { from: ["invited"], to: "declined", by: ["participant"] },
  // A confirmed member expires only where the list's purpose says so (an incident's followers).
  expired: { from: ["legacy", "invited", "pending", "confirmed"], to: "expired", by: ["system"] },
  unsubscribed: { from: "any", to: "unsubscribed", by: ["participant", "admin"] },
  bounced: { from: "any", to: "bounced", by: ["provider"] },
  complained: { from: "any", to: "complained", by: ["provider"] },
  erased: { from: "any", to: "erased", by: ["participant", "admin", "system"] },
};

export class InvalidTransition extends Error {
  override name = "InvalidTransition";
  constructor(
    readonly from: ConsentState | null,
    readonly event: ConsentEventName,
  ) {
    super(`A contact ${from ? `in state ${from}` : "not on the list"} cannot be ${event}.`);
  }
}

/** The state after `event`, or an InvalidTransition when the event cannot happen now. */
export function nextState(
  current: ConsentState | null,
  event: ConsentEventName,
): ConsentState | InvalidTransition {
  const rule = TRANSITIONS[event];
  if (current === "erased") return new InvalidTransition(current, event);
  if (rule.from !== "any" && !rule.from.includes(current)) {
    return new InvalidTransition(current, event);
  }
  return rule.to;
}

/**
 * The existing states from which `event` moves a member, for set-based writes that filter in SQL.
 * An "any" event skips members already in its target state: bouncing twice changes nothing.
 */
export function statesAllowing(event: ConsentEventName): ConsentState[] {
  const rule = TRANSITIONS[event];
  if (rule.from === "any") return CONSENT_STATES.filter((s) => s !== "erased" && s !== rule.to);
  return rule.from.filter((s): s is ConsentState => s !== null);
}

/** The states whose members may receive mail of `purpose` (selected when a send starts). */
export const statesReceiving = (purpose: MailPurpose): ConsentState[] =>
  CONSENT_STATES.filter((s) => RECEIVES[s].includes(purpose));

/**
 * The states a queued message's member may be in when it goes out: the selected ones, moved by
 * the event recorded on enqueuing (a re-consent invitation goes to an `invited` member).
 */
export function statesAtDispatch(purpose: MailPurpose): ConsentState[] {
  const event = EVENT_ON_ENQUEUE[purpose];
  if (event === undefined) return statesReceiving(purpose);
  return statesReceiving(purpose).map((s) => {
    const next = nextState(s, event);
    if (next instanceof InvalidTransition) throw next;
    return next;
  });
}

/** Replays a ledger, oldest first: the state it proves. Throws if the ledger is inconsistent. */
export function deriveState(events: readonly { event: string }[]): ConsentState | null {
  let state: ConsentState | null = null;
  for (const { event } of events) {
    const next = nextState(state, event as ConsentEventName);
    if (next instanceof InvalidTransition) throw next;
    state = next;
  }
  return state;
}
