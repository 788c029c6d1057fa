// The kinds of send the pipeline runs. Who may receive each is the consent rule
// (consent/eligibility.ts), re-exported here for the pipeline's modules.
import type { MailPurpose } from "../consent/states";

/**
 * `subscribe`: the double opt-in confirmation mail of one web subscriber (one send per request,
 * one recipient), so that it goes through the same outbox, rate limit and kill switch.
 * `reminder`: the one reminder of a re-consent send, to those of its recipients still `invited`.
 * `incident`: the notice of an incident or of its update, to the status page's subscribers.
 * `poll`: the invitations of an invite-only poll, each with its own voting link.
 * `preferences_link`: one person's preferences link, asked for on a list's "lost your link?" form.
 */
export type SendKind = Extract<
  MailPurpose,
  "reconsent" | "campaign" | "subscribe" | "reminder" | "incident" | "poll" | "preferences_link"
>;

export {
  countRecipients,
  dispatchFactsSql,
  EXCLUSION_REASONS,
  type Excluded,
  type ExclusionReason,
  eligibleAtDispatch,
  eligibleMemberSql,
  emptyExcluded,
  exclusionReason,
  type MailMode,
  mailModeOf,
  type RecipientCounts,
  stillEligible,
} from "../consent/eligibility";
