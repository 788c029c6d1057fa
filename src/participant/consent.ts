// Answering a re-consent invitation: what the invitation asked (the purpose text of its send),
// and the two answers. Confirming records the proof; declining records it, then erases the
// person and suppresses the address. Both are idempotent: the answer given stands.
import { findMember } from "../consent/queries";
import { recordConsentEvent } from "../consent/service";
import type { ConsentState } from "../consent/states";
import { findContact } from "../contacts/queries";
import type { Deps } from "../deps";
import { eraseContact } from "../erasure/service";
import * as sendingQueries from "../sending/queries";
import type { TokenPayload } from "../tokens";
import type { Proof } from "./proof";

export type Invitation = {
  sendId: number;
  list: { id: number; name: string; slug: string };
  /** The purpose text the invitation quoted, and its version. */
  purpose: string;
  textVersion: number;
  deadline: string;
  contact: {
    id: number;
    name: string | null;
    attributes: Record<string, unknown> | null;
    erased: boolean;
  };
  state: ConsentState | null;
};

/** The invitation a consent link came with, or undefined when the link names none. */
export async function loadInvitation(
  deps: Deps,
  payload: TokenPayload,
): Promise<Invitation | undefined> {
  if (payload.s === undefined || payload.l === undefined) return undefined;
  const send = await sendingQueries.findSend(deps.db, payload.s);
  if (send?.kind !== "reconsent" || send.listId !== payload.l || !send.deadline) {
    return undefined;
  }
  const [list, contact, member] = await Promise.all([
    sendingQueries.listWithPurpose(deps.db, send.listId, send.textVersion),
    findContact(deps.db, payload.c),
    findMember(deps.db, send.listId, payload.c),
  ]);
  if (!list || !contact) return undefined;
  return {
    sendId: send.id,
    list: { id: send.listId, name: list.name, slug: list.slug },
    purpose: list.purpose,
    textVersion: send.textVersion,
    deadline: send.deadline,
    contact: {
      id: contact.id,
      name: contact.name,
      attributes: contact.attributes,
      erased: contact.erasedAt !== null,
    },
    state: member?.status ?? null,
  };
}

/** What the consent page shows for an invitation, from the member's state and the deadline. */
export type InvitationView = "question" | "confirmed" | "erased" | "expired" | "closed";

export function invitationView(invitation: Invitation, now: Date): InvitationView {
  switch (invitation.state) {
    case "confirmed":
      return "confirmed";
    case "declined":
    case "erased":
      return "erased";
    case "expired":
      return "expired";
    case "invited":
      if (invitation.contact.erased) return "erased";
      return now.getTime() > Date.parse(invitation.deadline) ? "expired" : "question";
    default:
      // Unsubscribed, bounced, complained, legacy, pending: this invitation no longer applies.
      return "closed";
  }
}

const source = (invitation: Invitation) => `consent page (re-consent send #${invitation.sendId})`;

/** Records `confirmed` with its proof; a second click finds it confirmed and changes nothing. */
export async function confirmInvitation(
  deps: Deps,
  invitation: Invitation,
  proof: Proof,
): Promise<InvitationView> {
  const view = invitationView(invitation, deps.clock.now());
  if (view !== "question") return view;
  await recordConsentEvent(
    deps,
    { listId: invitation.list.id, contactId: invitation.contact.id },
    "confirmed",
    {
      source: source(invitation),
      actor: "participant",
      by: "participant",
      textVersion: invitation.textVersion,
      ...proof,
    },
  );
  return reread(deps, invitation);
}

/**
 * Records `declined` with its proof, suppresses the address and erases the person. A retry after
 * an interruption between the two finds the member `declined` and finishes the erasure.
 */
export async function declineInvitation(
  deps: Deps,
  invitation: Invitation,
  proof: Proof,
): Promise<InvitationView> {
  const member = { listId: invitation.list.id, contactId: invitation.contact.id };
  const view = invitationView(invitation, deps.clock.now());
  if (view === "question") {
    await recordConsentEvent(deps, member, "declined", {
      source: source(invitation),
      actor: "participant",
      by: "participant",
      textVersion: invitation.textVersion,
      ...proof,
    });
  } else if (invitation.state !== "declined") {
    return view;
  }
  if ((await findMember(deps.db, member.listId, member.contactId))?.status === "declined") {
    await eraseContact(deps, invitation.contact.id, {
      reason: "declined",
      actor: "participant",
      source: `${source(invitation)}: declined`,
    });
  }
  return reread(deps, invitation);
}

async function reread(deps: Deps, invitation: Invitation): Promise<InvitationView> {
  const member = await findMember(deps.db, invitation.list.id, invitation.contact.id);
  const contact = await findContact(deps.db, invitation.contact.id);
  return invitationView(
    {
      ...invitation,
      state: member?.status ?? null,
      contact: { ...invitation.contact, erased: contact?.erasedAt != null },
    },
    deps.clock.now(),
  );
}
