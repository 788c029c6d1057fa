// The personal-data export (GDPR access and portability): everything Relance keeps about one
// person, in the JSON shape documented in docs/personal-data-export.md. Internal row ids stay
// out: they mean nothing to the person and would only show how the database is laid out.
import { hashAddress } from "../consent/service";
import { findContact } from "../contacts/queries";
import type { Deps } from "../deps";
import { envelopeHeaders, singleRecipient } from "../mail/provider";
import { invitedVoter, readInvitation } from "../polls/invitation";
import type { Person } from "./preferences";
import * as q from "./queries";

/** Shape version: bumped when a field changes meaning or goes away (adding one does not). */
export const EXPORT_FORMAT = 2;

type Message = Awaited<ReturnType<typeof q.messagesOf>>[number];

function messageJson(deps: Deps, m: Message, listName: Map<number, string>) {
  const mail = m.payload;
  let headers: Record<string, string> | null = null;
  if (mail) {
    try {
      headers = envelopeHeaders({ ...mail, to: singleRecipient(mail.to) });
    } catch {
      headers = null; // an address that could not be a recipient was never sent
    }
  }
  return {
    list: listName.get(m.listId) ?? null,
    kind: m.kind,
    status: m.status,
    error: m.error,
    outcome: m.outcome,
    outcome_at: m.outcomeAt,
    at: m.updatedAt,
    from: mail ? deps.config.mail.from : null,
    reply_to: mail ? deps.config.mail.replyTo : null,
    to: mail?.to ?? null,
    subject: mail?.subject ?? null,
    headers,
    text: mail?.text ?? null,
    html: mail?.html ?? null,
  };
}

/** The provider's events about their messages, with the message they are about (by position). */
async function eventsJson(deps: Deps, personId: number, messages: Message[]) {
  const position = new Map(messages.map((m, i) => [m.id, i]));
  return (await q.providerEventsOf(deps.db, personId)).map((e) => {
    let payload: unknown = null;
    try {
      payload = e.payload ? JSON.parse(e.payload) : null;
    } catch {
      payload = e.payload;
    }
    return {
      type: e.type,
      kind: e.kind,
      message: e.messageId === null ? null : (position.get(e.messageId) ?? null),
      effect: e.effect,
      received_at: e.receivedAt,
      payload,
    };
  });
}

async function suppressionJson(deps: Deps, personId: number, listName: Map<number, string>) {
  const contact = await findContact(deps.db, personId);
  if (!contact?.emailKey) return { suppressed: false, since: null, reasons: [] };
  const found = await q.suppressionOf(deps.db, hashAddress(deps, contact.emailKey));
  return {
    suppressed: found.since !== null,
    since: found.since,
    reasons: found.reasons.map((r) => ({
      reason: r.reason,
      list: r.listId === null ? null : (listName.get(r.listId) ?? null),
      at: r.at,
      source: r.source,
    })),
  };
}

/** The invite-only polls whose voting link was mailed to them, with what they chose. */
async function pollInvitationsJson(deps: Deps, personId: number, messages: Message[]) {
  const secret = deps.config.secretKey;
  const pollIds = new Set<number>();
  for (const m of messages) {
    for (const [, token] of (m.payload?.text ?? "").matchAll(/\/v\/([A-Za-z0-9_.-]+)/g)) {
      const invitation = readInvitation(secret, token ?? "");
      if (invitation?.contactId === personId) pollIds.add(invitation.pollId);
    }
  }
  const found = await Promise.all(
    [...pollIds].map((pollId) =>
      q.invitedPollOf(deps.db, pollId, invitedVoter(secret, { pollId, contactId: personId })),
    ),
  );
  return found.flatMap((p) =>
    p
      ? [
          {
            poll: p.slug,
            question: p.question,
            voted: p.ballot.map((b) => b.label),
            voted_at: p.ballot[0]?.at ?? null,
          },
        ]
      : [],
  );
}

export async function exportData(deps: Deps, person: Person) {
  const [lists, events, registrations, messages] = await Promise.all([
    q.memberships(deps.db, person.id),
    q.consentEventsOf(deps.db, person.id),
    q.registrationsOf(deps.db, person.id),
    q.messagesOf(deps.db, person.id),
  ]);
  const listName = new Map(lists.map((l) => [l.listId, l.name]));
  return {
    format: EXPORT_FORMAT,
    exported_at: deps.clock.now().toISOString(),
    contact: {
      email: person.email,
      name: person.name,
      attributes: person.attributes,
      created_at: person.createdAt,
    },
    lists: lists.map((l) => ({ list: l.name, slug: l.slug, purpose: l.purpose, status: l.status })),
    consent_history: events.map((e) => ({
      list: listName.get(e.listId) ?? null,
      event: e.event,
      at: e.at,
      source: e.source,
      text_version: e.textVersion,
      ip_hash: e.ipHash,
      user_agent_family: e.uaFamily,
    })),
    registrations: registrations.map((r) => ({
      list: listName.get(r.listId) ?? null,
      data: r.data,
      created_at: r.createdAt,
      updated_at: r.updatedAt,
    })),
    messages: messages.map((m) => messageJson(deps, m, listName)),
    delivery_events: await eventsJson(deps, person.id, messages),
    suppression: await suppressionJson(deps, person.id, listName),
    poll_invitations: await pollInvitationsJson(deps, person.id, messages),
  };
}
