// The system lists of the status page: one for every update, one per followed incident. They are
// ordinary lists (a subscriber is a contact with a membership), made on first use and marked in
// `status_lists` so the status page finds them and the follower-expiry job can end them.
import { and, eq, isNull } from "drizzle-orm";
import { statusLists } from "../../db/schema";
import type { Deps } from "../deps";
import * as lists from "../lists/queries";
import { createList } from "../lists/service";

export const PAGE_LIST_SLUG = "status-updates";
const ACTOR = "status page";

const PAGE_LIST = {
  slug: PAGE_LIST_SLUG,
  name: "Mises à jour du statut / Status updates",
  purpose:
    "Recevoir un message à chaque incident déclaré ou mis à jour sur la page de statut, jusqu'à ce que vous vous désinscriviez. / " +
    "Receive a message for each incident declared or updated on the status page, until you unsubscribe.",
};

const followList = (incident: { slug: string; title: string }) => ({
  slug: `follow-${incident.slug}`.slice(0, 64),
  name: `Suivi / Following: ${incident.title}`.slice(0, 200),
  purpose:
    `Recevoir un message à chaque mise à jour de l'incident « ${incident.title} ». Ce suivi prend fin seul 7 jours après sa résolution, et votre adresse est alors effacée. / ` +
    `Receive a message for each update of the incident "${incident.title}". Following ends by itself 7 days after it is resolved, and your address is then erased.`,
});

export type StatusList = typeof statusLists.$inferSelect;

/** The page's list of every update, made on first use. */
export async function pageList(deps: Deps) {
  const existing = await existingPageList(deps);
  const list = existing === undefined ? undefined : await lists.findList(deps.db, existing);
  return list ?? ensureList(deps, PAGE_LIST, { kind: "page", incidentId: null });
}

/** The followers' list of one incident, made on first use. */
export async function incidentFollowList(
  deps: Deps,
  incident: { id: number; slug: string; title: string },
) {
  const existing = await deps.db
    .select()
    .from(statusLists)
    .where(eq(statusLists.incidentId, incident.id))
    .limit(1);
  // An ended follow list takes nobody new: its incident was resolved more than 7 days ago.
  if (existing[0])
    return existing[0].endedAt ? undefined : lists.findList(deps.db, existing[0].listId);
  return ensureList(deps, followList(incident), { kind: "follow", incidentId: incident.id });
}

/** The page list if it exists (a notice needs no list nobody subscribed to). */
export async function existingPageList(deps: Deps) {
  const rows = await deps.db
    .select({ listId: statusLists.listId })
    .from(statusLists)
    .where(and(eq(statusLists.kind, "page"), isNull(statusLists.endedAt)))
    .limit(1);
  return rows[0]?.listId;
}

/** The live follow list of an incident, if anyone asked to follow it. */
export async function existingFollowList(deps: Deps, incidentId: number) {
  const rows = await deps.db
    .select({ listId: statusLists.listId })
    .from(statusLists)
    .where(and(eq(statusLists.incidentId, incidentId), isNull(statusLists.endedAt)))
    .limit(1);
  return rows[0]?.listId;
}

/** Creates the list (or finds it, when two requests made it at once) and marks it a system list. */
async function ensureList(
  deps: Deps,
  input: { slug: string; name: string; purpose: string },
  mark: { kind: "page" | "follow"; incidentId: number | null },
) {
  const created = await createList(deps, ACTOR, input);
  const list = created.ok ? created.list : await lists.findListBySlug(deps.db, input.slug);
  if (!list) throw new Error(`the system list ${input.slug} can neither be made nor found`);
  await deps.db
    .insert(statusLists)
    .values({ listId: list.id, ...mark })
    .onConflictDoNothing();
  return list;
}
