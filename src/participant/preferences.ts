// What a person may do with their own data from a link in any mail: see their lists, leave or
// rejoin one, choose a language, download everything, erase everything.
import { findMember, liftSuppressionReasons } from "../consent/queries";
import { hashAddress, recordConsentEvent, suppressAddress } from "../consent/service";
import type { ConsentState } from "../consent/states";
import { findContact } from "../contacts/queries";
import type { Deps } from "../deps";
import { eraseContact } from "../erasure/service";
import type { Lang } from "../i18n";
import { findList } from "../lists/service";
import type { Proof } from "./proof";
import * as q from "./queries";
import { queueConfirmation } from "./subscribe";

/** States in which a person still hears from a list (or may): leaving one is an unsubscribe. */
const ACTIVE: readonly ConsentState[] = ["legacy", "invited", "pending", "confirmed"];
export const isActive = (state: ConsentState) => ACTIVE.includes(state);

export type Person = {
  id: number;
  email: string | null;
  name: string | null;
  attributes: Record<string, unknown> | null;
  createdAt: string;
  erased: boolean;
};

export async function findPerson(deps: Deps, contactId: number): Promise<Person | undefined> {
  const c = await findContact(deps.db, contactId);
  return (
    c && {
      id: c.id,
      email: c.email,
      name: c.name,
      attributes: c.attributes,
      createdAt: c.createdAt,
      erased: c.erasedAt !== null,
    }
  );
}

export const membershipsOf = (deps: Deps, contactId: number) => q.memberships(deps.db, contactId);
export type Membership = Awaited<ReturnType<typeof membershipsOf>>[number];

export type UnsubscribeOutcome = "unsubscribed" | "already" | "not_member" | "erased";

/**
 * Unsubscribes a person from one list (idempotent). Once they hear from no list at all, the
 * address goes on the suppression list (reason `unsubscribed`).
 */
export async function unsubscribe(
  deps: Deps,
  contactId: number,
  listId: number,
  source: string,
  proof: Proof,
): Promise<UnsubscribeOutcome> {
  const member = await findMember(deps.db, listId, contactId);
  if (!member) return "not_member";
  if (member.status === "erased") return "erased";
  if (member.status !== "unsubscribed") {
    const result = await recordConsentEvent(deps, { listId, contactId }, "unsubscribed", {
      source,
      actor: "participant",
      by: "participant",
      ...proof,
    });
    if (!result.ok && result.reason !== "conflict") return "already";
  }
  const remaining = (await q.memberships(deps.db, contactId)).filter((m) => isActive(m.status));
  const contact = await findContact(deps.db, contactId);
  if (remaining.length === 0 && contact?.emailKey) {
    await suppressAddress(deps, contact.emailKey, "unsubscribed", { source });
  }
  return member.status === "unsubscribed" ? "already" : "unsubscribed";
}

export type ResubscribeOutcome = "pending" | "not_allowed";

/**
 * Rejoins a list the person left: double opt-in again (`pending` and a confirmation mail),
 * never confirmed silently. A suppression they caused themselves by leaving every list is
 * lifted, since this request comes from their own link; any other reason stands.
 */
export async function resubscribe(
  deps: Deps,
  contactId: number,
  listId: number,
  proof: Proof,
): Promise<ResubscribeOutcome> {
  const [member, contact, list] = await Promise.all([
    findMember(deps.db, listId, contactId),
    findContact(deps.db, contactId),
    findList(deps, listId),
  ]);
  if (!member || !contact?.emailKey || !list || list.archivedAt) return "not_allowed";
  if (member.status === "unsubscribed") {
    // A suppression they caused by leaving every list is theirs to lift; any other reason stands.
    await deps.db.batch(
      liftSuppressionReasons(deps.db, hashAddress(deps, contact.emailKey), ["unsubscribed"]),
    );
    const result = await recordConsentEvent(deps, { listId, contactId }, "subscribed", {
      source: "preferences page",
      actor: "participant",
      by: "participant",
      ...proof,
    });
    if (!result.ok) return "not_allowed";
  } else if (member.status !== "pending") {
    return "not_allowed";
  }
  await queueConfirmation(deps, list, contactId);
  return "pending";
}

export async function setLanguage(deps: Deps, contactId: number, lang: Lang) {
  await q.setLanguageAttribute(deps.db, contactId, lang, deps.clock.now().toISOString());
}

/** Everything Relance holds about a person (export.ts, shape in docs/personal-data-export.md). */
export { exportData } from "./export";

/** Erases everything but the suppression hash (which keeps the address from coming back). */
export const eraseEverything = (deps: Deps, contactId: number) =>
  eraseContact(deps, contactId, {
    reason: "erased",
    actor: "participant",
    source: "erased by the person (preferences page)",
  });
