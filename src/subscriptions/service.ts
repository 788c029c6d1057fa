// Following the status page: "get updates" (every incident, or chosen components) and "follow
// this incident". Both join a system list as a web subscriber does (`requestSubscription`: a
// `pending` member and a double opt-in mail through `startSend`), so nothing reaches anyone who
// did not click the confirmation link. Nothing here tells the caller whether an address is known.
import { sql } from "drizzle-orm";
import { z } from "zod";
import { subscriberComponents } from "../../db/schema";
import { parseAddress } from "../contacts/address";
import { findContactByKey } from "../contacts/queries";
import type { Deps } from "../deps";
import type { Lang } from "../i18n";
import type { Proof } from "../participant/proof";
import { requestSubscription } from "../participant/subscribe";
import { incidentFollowList, pageList } from "./lists";

/** A form may mail one address once a day at most, whichever status form and list it names. */
export const STATUS_CONFIRMATION_INTERVAL_MS = 24 * 3600_000;

const COMPONENT_SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const componentsField = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : v.split(",")))
  .transform((v) => [...new Set(v.map((s) => s.trim()).filter(Boolean))])
  .pipe(z.array(z.string().max(100).regex(COMPONENT_SLUG, "components")).max(50, "components"));

const emailField = z.string().trim().min(1, "required").max(254, "too_long");

export type StatusForm = { email: string; key: string; components: string[] };
export type StatusFormError = { field: "email" | "components"; code: string };

/** Parses a status form (`email`, optional `components` as slugs); codes the views translate. */
export function parseStatusForm(
  form: Record<string, unknown>,
): { ok: true; value: StatusForm } | { ok: false; error: StatusFormError } {
  const email = emailField.safeParse(form.email);
  if (!email.success) return { ok: false, error: { field: "email", code: codeOf(email.error) } };
  const address = parseAddress(email.data);
  if ("error" in address) return { ok: false, error: { field: "email", code: "email" } };
  const components = componentsField.safeParse(form.components);
  if (!components.success) return { ok: false, error: { field: "components", code: "components" } };
  return {
    ok: true,
    value: { email: address.email, key: address.key, components: components.data },
  };
}

const codeOf = (error: z.ZodError) => error.issues[0]?.message ?? "email";

type Request = StatusForm & { lang: Lang };

/** "Get updates": joins the page list, with the chosen components (none: every update). */
export async function subscribeToStatus(deps: Deps, request: Request, proof: Proof) {
  const list = await pageList(deps);
  if (await mailedToday(deps, request.key)) return;
  await requestSubscription(deps, list, { ...request, name: "" }, proof);
  await rememberComponents(deps, list.id, request);
}

/** "Follow this incident": joins the incident's follow list (unless following it has ended). */
export async function followIncident(
  deps: Deps,
  incident: { id: number; slug: string; title: string },
  request: Omit<Request, "components">,
  proof: Proof,
) {
  const list = await incidentFollowList(deps, incident);
  if (!list) return;
  if (await mailedToday(deps, request.key)) return;
  await requestSubscription(deps, list, { ...request, name: "" }, proof);
}

/**
 * Whether a status confirmation went to this address in the last day, on any status list: the
 * forms can then never be used to mail someone else's address more than once a day.
 */
async function mailedToday(deps: Deps, key: string): Promise<boolean> {
  const contact = await findContactByKey(deps.db, key);
  if (!contact) return false;
  const since = new Date(
    deps.clock.now().getTime() - STATUS_CONFIRMATION_INTERVAL_MS,
  ).toISOString();
  const rows = await deps.db.all(sql`
    SELECT 1 FROM outbox_messages o
    JOIN sends s ON s.id = o.send_id
    JOIN status_lists l ON l.list_id = s.list_id
    WHERE o.contact_id = ${contact.id} AND s.kind = 'subscribe' AND s.created_at > ${since}
    LIMIT 1`);
  return rows.length > 0;
}

/**
 * Keeps the components of a member still pending (a confirmed subscriber's choice changes only
 * through a new confirmation, so a stranger cannot narrow someone else's updates).
 */
async function rememberComponents(deps: Deps, listId: number, request: Request) {
  const contact = await findContactByKey(deps.db, request.key);
  if (!contact) return;
  const pending = sql`EXISTS (SELECT 1 FROM list_members m
    WHERE m.list_id = ${listId} AND m.contact_id = ${contact.id} AND m.status = 'pending')`;
  const rows = await deps.db.all(sql`SELECT ${pending} AS p`);
  if (!(rows[0] as { p: number } | undefined)?.p) return;
  await deps.db.batch([
    deps.db.run(sql`DELETE FROM subscriber_components
      WHERE list_id = ${listId} AND contact_id = ${contact.id}`),
    ...request.components.map((slug) =>
      deps.db
        .insert(subscriberComponents)
        .values({ listId, contactId: contact.id, componentSlug: slug })
        .onConflictDoNothing(),
    ),
  ]);
}
