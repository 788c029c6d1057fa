// Proof of consent for an auditor: per contact, the ledger of one list with the exact consent text
// of the version each event refers to; and a check of a typed IP address against the stored
// salted hashes, the address itself never kept (invariant 6).
import { and, asc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { consentEvents, contacts, listMembers, listPurposes } from "../../db/schema";
import type { Deps } from "../deps";
import { hashClientAddressUnder } from "../http/client-address";
import { keyRing } from "../keys/ring";
import type { List } from "../lists/service";

export type EvidenceEvent = {
  event: string;
  at: string;
  source: string;
  actor: string;
  text_version: number;
  /** The purpose text of that version, word for word, as it was shown. */
  consent_text: string | null;
  /** Whether a salted hash of the client's IP was recorded (the hash itself stays inside). */
  ip_hash_present: boolean;
  ua_family: string | null;
};

export type Evidence = {
  list: { id: number; slug: string; name: string };
  generated_at: string;
  texts: { version: number; text: string; created_at: string }[];
  contacts: { contact_id: number; email: string | null; status: string; events: EvidenceEvent[] }[];
};

/** The whole ledger of a list, grouped by contact, each event with the text it refers to. */
export async function consentEvidence(deps: Deps, list: List): Promise<Evidence> {
  const [texts, members, events] = await Promise.all([
    deps.db
      .select()
      .from(listPurposes)
      .where(eq(listPurposes.listId, list.id))
      .orderBy(asc(listPurposes.version)),
    deps.db
      .select({ id: contacts.id, email: contacts.email, status: listMembers.status })
      .from(listMembers)
      .innerJoin(contacts, eq(contacts.id, listMembers.contactId))
      .where(eq(listMembers.listId, list.id))
      .orderBy(asc(contacts.id)),
    deps.db
      .select()
      .from(consentEvents)
      .where(eq(consentEvents.listId, list.id))
      .orderBy(asc(consentEvents.contactId), asc(consentEvents.id)),
  ]);
  const textOf = new Map(texts.map((t) => [t.version, t.text]));
  const ledger = new Map<number, EvidenceEvent[]>();
  for (const e of events) {
    const entry: EvidenceEvent = {
      event: e.event,
      at: e.at,
      source: e.source,
      actor: e.actor,
      text_version: e.textVersion,
      consent_text: textOf.get(e.textVersion) ?? null,
      ip_hash_present: e.ipHash !== null,
      ua_family: e.uaFamily,
    };
    const list = ledger.get(e.contactId);
    if (list) list.push(entry);
    else ledger.set(e.contactId, [entry]);
  }
  return {
    list: { id: list.id, slug: list.slug, name: list.name },
    generated_at: deps.clock.now().toISOString(),
    texts: texts.map((t) => ({ version: t.version, text: t.text, created_at: t.createdAt })),
    contacts: members.map((m) => ({
      contact_id: m.id,
      email: m.email,
      status: m.status,
      events: ledger.get(m.id) ?? [],
    })),
  };
}

const IP_MESSAGE = "Type an IPv4 address such as 192.0.2.1 or an IPv6 address such as 2001:db8::1.";

/**
 * The forms a runtime may have handed to the hash for one address: IPv4 as written and as an
 * IPv4-mapped IPv6 (a dual-stack Node socket), IPv6 in its canonical compressed form.
 */
export function ipCandidates(input: string): string[] | undefined {
  const v = input.trim();
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(v);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    const dotted = parts.join(".");
    return [dotted, `::ffff:${dotted}`];
  }
  if (!v.includes(":") || !/^[0-9a-fA-F:.]+$/.test(v)) return undefined;
  try {
    const canonical = new URL(`http://[${v}]`).hostname.slice(1, -1);
    const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
    if (!mapped) return [canonical];
    const [hi, lo] = [Number.parseInt(mapped[1] ?? "", 16), Number.parseInt(mapped[2] ?? "", 16)];
    const dotted = [hi >> 8, hi & 255, lo >> 8, lo & 255].join(".");
    return [canonical, `::ffff:${dotted}`, dotted];
  } catch {
    return undefined;
  }
}

export const verifyIpInput = z.object({
  ip: z
    .string({ error: IP_MESSAGE })
    .max(100, IP_MESSAGE)
    .refine((v) => ipCandidates(v) !== undefined, IP_MESSAGE),
  contact_id: z
    .number({ error: "contact_id is the id of a contact (a number), or empty for the whole list." })
    .int("contact_id is the id of a contact (a number), or empty for the whole list.")
    .positive("contact_id is the id of a contact (a number), or empty for the whole list.")
    .optional(),
});
export type VerifyIpInput = z.output<typeof verifyIpInput>;

export type IpMatch = { event_id: number; contact_id: number; event: string; at: string };

export type VerifyIpResult =
  | { ok: true; matches: IpMatch[] }
  | { ok: false; field: "contact_id"; message: string };

/**
 * The events of a list (or of one of its contacts) whose stored IP hash is the hash of the typed
 * address. The address lives only in this call: hashed, compared, forgotten.
 */
export async function eventsMatchingIp(
  deps: Deps,
  list: List,
  input: VerifyIpInput,
): Promise<VerifyIpResult> {
  if (input.contact_id !== undefined) {
    const member = await deps.db
      .select({ id: listMembers.contactId })
      .from(listMembers)
      .where(and(eq(listMembers.listId, list.id), eq(listMembers.contactId, input.contact_id)))
      .limit(1);
    if (member.length === 0)
      return {
        ok: false,
        field: "contact_id",
        message: `No contact #${input.contact_id} on this list.`,
      };
  }
  // Answers recorded before a rotation hold the address hashed under a previous key.
  const hashes = (ipCandidates(input.ip) ?? []).flatMap((ip) =>
    keyRing(deps).map((key) => hashClientAddressUnder(key, ip)),
  );
  const rows = await deps.db
    .select()
    .from(consentEvents)
    .where(
      and(
        eq(consentEvents.listId, list.id),
        input.contact_id === undefined ? undefined : eq(consentEvents.contactId, input.contact_id),
        inArray(consentEvents.ipHash, hashes),
      ),
    )
    .orderBy(asc(consentEvents.id));
  return {
    ok: true,
    matches: rows.map((e) => ({
      event_id: e.id,
      contact_id: e.contactId,
      event: e.event,
      at: e.at,
    })),
  };
}
