// Lists: creation, edits (each new purpose text is a new consent-text version), archiving,
// and the counts per consent state.
import { z } from "zod";
import { CONSENT_STATES, type ConsentState } from "../consent/states";
import type { Deps } from "../deps";
import type { FieldError } from "../http/problem";
import { CONTROL_CHARACTERS_MESSAGE, hasControlCharacters } from "../mail/provider";
import * as q from "./queries";

export type { List } from "./queries";

export const listInput = z.object({
  slug: z
    .string()
    .trim()
    .min(1, "Enter a slug.")
    .max(64, "At most 64 characters.")
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "Lower-case letters, digits and single hyphens only."),
  // The list's name is in the re-consent and confirmation subjects: no control character.
  name: z
    .string()
    .refine((v) => !hasControlCharacters(v), {
      message: `The name ${CONTROL_CHARACTERS_MESSAGE}`,
      params: { code: "controlCharacters" },
    })
    .trim()
    .min(1, "Enter a name.")
    .max(200, "At most 200 characters."),
  purpose: z
    .string()
    .trim()
    .min(1, "Say what subscribers consent to.")
    .max(5000, "At most 5,000 characters."),
});
export type ListInput = z.output<typeof listInput>;

export const listEdit = listInput.omit({ slug: true }).partial();
export type ListEdit = z.output<typeof listEdit>;

export async function createList(
  deps: Deps,
  actor: string,
  input: ListInput,
): Promise<{ ok: true; list: q.List } | { ok: false; errors: FieldError[] }> {
  const at = deps.clock.now().toISOString();
  const [list] = await q.insertList(deps.db, { ...input, at });
  if (!list) {
    return {
      ok: false,
      errors: [
        { field: "slug", message: "Another list already uses this slug.", code: "slugTaken" },
      ],
    };
  }
  await q.insertPurposeVersion(deps.db, {
    listId: list.id,
    version: 1,
    text: list.purpose,
    at,
    by: actor,
  });
  return { ok: true, list };
}

/** Edits name and purpose; a changed purpose text becomes the next consent-text version. */
export async function editList(deps: Deps, actor: string, list: q.List, edit: ListEdit) {
  const at = deps.clock.now().toISOString();
  const purposeChanged = edit.purpose !== undefined && edit.purpose !== list.purpose;
  const version = purposeChanged ? list.purposeVersion + 1 : list.purposeVersion;
  const update = q.updateList(
    deps.db,
    list.id,
    {
      name: edit.name ?? list.name,
      purpose: edit.purpose ?? list.purpose,
      purposeVersion: version,
    },
    at,
  );
  if (purposeChanged && edit.purpose !== undefined) {
    await deps.db.batch([
      update,
      q.insertPurposeVersion(deps.db, {
        listId: list.id,
        version,
        text: edit.purpose,
        at,
        by: actor,
      }),
    ]);
  } else {
    await update;
  }
  return (await q.findList(deps.db, list.id)) as q.List;
}

export async function setArchived(deps: Deps, list: q.List, archived: boolean) {
  const at = deps.clock.now().toISOString();
  await q.updateList(deps.db, list.id, { archivedAt: archived ? at : null }, at);
}

export const findList = (deps: Deps, id: number) => q.findList(deps.db, id);
export const allLists = (deps: Deps) => q.allLists(deps.db);
export const purposeVersions = (deps: Deps, listId: number) => q.purposeVersions(deps.db, listId);

/** Members per consent state, every state present (0 when none). */
export async function countsByState(deps: Deps, listId: number) {
  const counts = Object.fromEntries(CONSENT_STATES.map((s) => [s, 0])) as Record<
    ConsentState,
    number
  >;
  for (const row of await q.stateCounts(deps.db, listId)) {
    counts[row.status] = Number(row.n);
  }
  return counts;
}

export const listJson = (list: q.List) => ({
  id: list.id,
  slug: list.slug,
  name: list.name,
  purpose: list.purpose,
  purpose_version: list.purposeVersion,
  archived: list.archivedAt !== null,
  created_at: list.createdAt,
  updated_at: list.updatedAt,
});
