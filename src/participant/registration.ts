// Re-registration for this year's contest, after confirming: one entry per (list, contact),
// pre-filled from last year's data, editable until the list's registrations close.
//
// Closing time: a per-list setting (`lists.registrations_close_at`, set on the admin's
// registrations page); while it is empty, registrations stay open.
import { z } from "zod";
import { findMember } from "../consent/queries";
import type { Deps } from "../deps";
import type { List } from "../lists/service";
import { hasControlCharacters } from "../mail/provider";
import * as q from "./queries";

export type { Registration } from "./queries";

/** The fields of an entry, in form order. Error messages are codes the views translate. */
export const REGISTRATION_FIELDS = ["name", "site", "url", "category"] as const;
export type RegistrationField = (typeof REGISTRATION_FIELDS)[number];
export type RegistrationData = Record<RegistrationField, string>;

export const LIMITS: Record<RegistrationField, number> = {
  name: 200,
  site: 200,
  url: 2000,
  category: 100,
};

const isWebAddress = (value: string) => {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
};

const field = (name: RegistrationField) =>
  z
    .string()
    .refine((v) => !hasControlCharacters(v), "control_characters")
    .trim()
    .min(1, "required")
    .max(LIMITS[name], "too_long");

export const registrationInput = z.object({
  name: field("name"),
  site: field("site"),
  url: field("url").refine(isWebAddress, "url"),
  category: field("category"),
});

export type RegistrationErrors = Partial<Record<RegistrationField, string>>;

/** Parses a submitted form; the errors are per field, as codes (required, too_long, url). */
export function parseRegistration(
  form: Record<string, unknown>,
):
  | { ok: true; data: RegistrationData }
  | { ok: false; values: RegistrationData; errors: RegistrationErrors } {
  const values = Object.fromEntries(
    REGISTRATION_FIELDS.map((f) => [f, typeof form[f] === "string" ? (form[f] as string) : ""]),
  ) as RegistrationData;
  const parsed = registrationInput.safeParse(values);
  if (parsed.success) return { ok: true, data: parsed.data };
  const errors: RegistrationErrors = {};
  for (const issue of parsed.error.issues) {
    const name = issue.path[0] as RegistrationField;
    errors[name] ??= issue.message;
  }
  return { ok: false, values, errors };
}

const attribute = (attributes: Record<string, unknown> | null, ...names: string[]) => {
  for (const name of names) {
    const value = attributes?.[name];
    if (typeof value === "string" || typeof value === "number") return String(value);
  }
  return "";
};

/** What the form shows first: the saved entry, else last year's data (name and attributes). */
export function prefill(
  contact: { name: string | null; attributes: Record<string, unknown> | null },
  saved: q.Registration | undefined,
): RegistrationData {
  if (saved) {
    return Object.fromEntries(
      REGISTRATION_FIELDS.map((f) => [f, saved.data[f] ?? ""]),
    ) as RegistrationData;
  }
  const a = contact.attributes;
  return {
    name: contact.name ?? "",
    site: attribute(a, "site", "site_name", "sitename"),
    url: attribute(a, "url", "site_url", "website"),
    category: attribute(a, "category", "categorie", "catégorie"),
  };
}

export const registrationsOpen = (list: Pick<List, "registrationsCloseAt">, now: Date) =>
  list.registrationsCloseAt === null || now.getTime() < Date.parse(list.registrationsCloseAt);

export const findRegistration = (deps: Deps, listId: number, contactId: number) =>
  q.findRegistration(deps.db, listId, contactId);

export type SaveResult =
  | { ok: true; registration: q.Registration }
  | { ok: false; reason: "closed" | "not_confirmed" };

/** Saves (or edits) an entry: only a confirmed member, only while registrations are open. */
export async function saveRegistration(
  deps: Deps,
  list: List,
  contactId: number,
  data: RegistrationData,
): Promise<SaveResult> {
  const now = deps.clock.now();
  if (!registrationsOpen(list, now)) return { ok: false, reason: "closed" };
  if ((await findMember(deps.db, list.id, contactId))?.status !== "confirmed") {
    return { ok: false, reason: "not_confirmed" };
  }
  await q.upsertRegistration(deps.db, { listId: list.id, contactId, data, at: now.toISOString() });
  const registration = await q.findRegistration(deps.db, list.id, contactId);
  if (!registration) throw new Error("the registration just saved cannot be read back");
  return { ok: true, registration };
}

export const registrationJson = (r: q.Registration) => ({
  id: r.id,
  contact_id: r.contactId,
  data: r.data,
  created_at: r.createdAt,
  updated_at: r.updatedAt,
});

export const listRegistrations = (deps: Deps, listId: number) =>
  q.registrationsOfList(deps.db, listId);

/** Sets or clears when a list's registrations close (ISO 8601, or null to keep them open). */
export const setRegistrationsClose = (deps: Deps, listId: number, closeAt: string | null) =>
  q.setRegistrationsClose(deps.db, listId, closeAt);
