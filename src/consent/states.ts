// Consent states per (contact, list), the events that move them, and the one pure rule deriving
// a state from the ledger. The `status` column is only ever written with what `nextState` says.

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
  "confirmed",
  "declined",
  "expired",
  "unsubscribed",
  "bounced",
  "complained",
  "erased",
] as const;
export type ConsentEventName = (typeof CONSENT_EVENTS)[number];

export const isConsentState = (value: unknown): value is ConsentState =>
  CONSENT_STATES.includes(value as ConsentState);

type Rule = { from: readonly (ConsentState | null)[] | "any"; to: ConsentState };

/**
 * Which state each event leads to, and from which states it may happen. `null` is "not on the
 * list yet". Nothing follows `erased`: the person is gone.
 */
const RULES: Record<ConsentEventName, Rule> = {
  // An address typed or imported never grants consent: it enters as `legacy`.
  imported: { from: [null], to: "legacy" },
  added: { from: [null], to: "legacy" },
  subscribed: { from: [null, "unsubscribed"], to: "pending" },
  // A reminder is a second `invited` while still invited.
  invited: { from: ["legacy", "invited"], to: "invited" },
  confirmed: { from: ["invited", "pending"], to: "confirmed" },
  declined: { from: ["invited"], to: "declined" },
  expired: { from: ["legacy", "invited", "pending"], to: "expired" },
  unsubscribed: { from: "any", to: "unsubscribed" },
  bounced: { from: "any", to: "bounced" },
  complained: { from: "any", to: "complained" },
  erased: { from: "any", to: "erased" },
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
  const rule = RULES[event];
  if (current === "erased") return new InvalidTransition(current, event);
  if (rule.from !== "any" && !rule.from.includes(current)) {
    return new InvalidTransition(current, event);
  }
  return rule.to;
}

/** The states from which `event` may happen (for set-based writes that filter in SQL). */
export function statesAllowing(event: ConsentEventName): ConsentState[] {
  const rule = RULES[event];
  const from = rule.from === "any" ? CONSENT_STATES : rule.from;
  return from.filter((s): s is ConsentState => s !== null && s !== "erased");
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
