// "Lost your link?": a person types their address on a list's public form (or the form for any
// list) and, if a membership of theirs may receive it, gets one message with their preferences
// link through the one door (`startSend`). The visitor's answer never depends on the address: the
// route decides it before any of this runs, and nothing here returns what it found.
import { sql } from "drizzle-orm";
import { z } from "zod";
import { parseAddress } from "../contacts/address";
import { findContactByKey } from "../contacts/queries";
import { hmacSha256 } from "../crypto";
import type { Deps } from "../deps";
import { claimWindow, releaseWindow } from "../http/rate-limit";
import { startSend } from "../sending/outbox";

/**
 * At most one preferences link per address a day, whichever form asked. Kept as a keyed hash in
 * the abuse-limit windows (pruned after a day), so an address nobody knows is never stored.
 */
export const LOST_LINK_WINDOW = { name: "lost-link", windowSeconds: 24 * 60 * 60 };

export type LostLinkError = "required" | "invalid" | "too_long";

/** Error messages are codes the views translate. */
const lostLinkInput = z.object({
  email: z.string().trim().min(1, "required").max(254, "too_long"),
});

export function parseLostLink(
  form: Record<string, unknown>,
): { ok: true; value: string; key: string } | { ok: false; value: string; error: LostLinkError } {
  const value = typeof form.email === "string" ? form.email : "";
  const parsed = lostLinkInput.safeParse({ email: value });
  // An oversized value is not echoed back into the page.
  const shown = value.slice(0, 254);
  if (!parsed.success) {
    return { ok: false, value: shown, error: parsed.error.issues[0]?.message as LostLinkError };
  }
  const address = parseAddress(parsed.data.email);
  if ("error" in address) return { ok: false, value: shown, error: "invalid" };
  return { ok: true, value: shown, key: address.key };
}

/** The keyed hash the once-a-day mark is stored under (never the address itself). */
const markOf = (deps: Deps, key: string) =>
  hmacSha256(`lost-link:${deps.config.secretKey}`, key, "hex").slice(0, 32);

type Target = { id: number; purposeVersion: number };

/**
 * Mails the preferences link of the contact with address `key`, once a day at most: through the
 * list given (its own form), else through the first of their lists that lets the message go.
 * Returns nothing on purpose. A known contact nothing could be sent to keeps the day's claim free.
 */
export async function mailPreferencesLink(deps: Deps, key: string, list?: Target): Promise<void> {
  const mark = markOf(deps, key);
  if (!(await claimWindow(deps, LOST_LINK_WINDOW, mark))) return;
  const contact = await findContactByKey(deps.db, key);
  if (!contact) return;
  // A known contact the message could not go to (another list's form, say) keeps their daily link.
  if (!(await sendThrough(deps, contact.id, list)))
    await releaseWindow(deps, LOST_LINK_WINDOW, mark);
}

/** Starts the message through `list`, else the first of the contact's lists that lets it go. */
async function sendThrough(deps: Deps, contactId: number, list?: Target): Promise<boolean> {
  const targets = list ? [list] : await listsOf(deps, contactId);
  for (const target of targets) {
    // startSend applies the consent rule (state, erased, suppressed): nobody, no send.
    const report = await startSend(deps, {
      kind: "preferences_link",
      listId: target.id,
      contactId,
      subject: "",
      textVersion: target.purposeVersion,
      actor: "lost-link form",
    });
    if (report.sendId !== null) {
      deps.dispatcher?.wake();
      return true;
    }
  }
  return false;
}

/** The lists a contact is on that are not archived, oldest first. */
const listsOf = (deps: Deps, contactId: number) =>
  deps.db.all<Target>(sql`
    SELECT l.id AS id, l.purpose_version AS purposeVersion
    FROM list_members m JOIN lists l ON l.id = m.list_id
    WHERE m.contact_id = ${contactId} AND l.archived_at IS NULL
    ORDER BY l.id`);
