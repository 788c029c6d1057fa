// The voting link of an invite-only poll: `/v/TOKEN`, signed for one poll and one invited contact.
// The link is the voter (no cookie plays a part): whoever holds it votes once, from any browser,
// and a second use shows the recorded choice. The vote row carries a pseudonym derived from the
// link, never the contact's id, so the tally does not tell who chose what.
import { constantTimeEqual, hmacSha256 } from "../crypto";

/** `v`, the poll id and the contact id in base 36, a dot, and a 132-bit tag. */
const TOKEN = /^v([0-9a-z]{1,11})-([0-9a-z]{1,11})\.([A-Za-z0-9_-]{22})$/;

const tag = (secret: string, body: string) =>
  hmacSha256(`relance-poll-vote:${secret}`, body, "base64url").slice(0, 22);

export type Invitation = { pollId: number; contactId: number };

/** The token of the voting link for `contactId` on `pollId`, signed with SECRET_KEY. */
export function signInvitation(secretKey: string, invitation: Invitation): string {
  const body = `v${invitation.pollId.toString(36)}-${invitation.contactId.toString(36)}`;
  return `${body}.${tag(secretKey, body)}`;
}

/**
 * The poll and contact a token was signed for; undefined when malformed or forged. `keys` is the
 * key ring (current key first): a link mailed before a rotation still opens.
 */
export function readInvitation(
  keys: string | readonly string[],
  token: string,
): Invitation | undefined {
  const match = TOKEN.exec(token);
  if (!match) return undefined;
  const [, poll = "", contact = "", signature = ""] = match;
  const ring = typeof keys === "string" ? [keys] : keys;
  if (!ring.some((key) => constantTimeEqual(tag(key, `v${poll}-${contact}`), signature))) {
    return undefined;
  }
  const pollId = Number.parseInt(poll, 36);
  const contactId = Number.parseInt(contact, 36);
  if (!Number.isSafeInteger(pollId) || !Number.isSafeInteger(contactId)) return undefined;
  return { pollId, contactId };
}

/** The voter id of an invitation in poll_votes: a pseudonym, the same for every use of the link. */
export const invitedVoter = (secretKey: string, invitation: Invitation) =>
  `invited:${hmacSha256(`relance-poll-voter:${secretKey}`, `${invitation.pollId}-${invitation.contactId}`, "base64url").slice(0, 22)}`;
