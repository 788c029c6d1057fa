// Contacts on a list: add by hand (always `legacy`), edit name and attributes, erase, page
// through with a keyset cursor, bulk suppress or erase, export.
import { z } from "zod";
import { auditStatement } from "../audit/service";
import * as consent from "../consent/queries";
import { hashAddress, isSuppressed } from "../consent/service";
import { CONSENT_STATES } from "../consent/states";
import { toBase64Url } from "../crypto";
import type { Deps } from "../deps";
import { eraseContacts } from "../erasure/service";
import type { FieldError } from "../http/problem";
import type { List } from "../lists/service";
import { CONTROL_CHARACTERS_MESSAGE, hasControlCharacters } from "../mail/provider";
import { parseAddress } from "./address";
import { MAX_FIELD_LENGTH } from "./import";
import * as q from "./queries";

export type { Attributes, ContactFilter, ContactOrder, ContactRow } from "./queries";
export { CONTACT_SORTS, DEFAULT_ORDER } from "./queries";

const tooLong = `At most ${MAX_FIELD_LENGTH.toLocaleString("en")} characters.`;

const name = z
  .string()
  // A name may reach a subject through a merge tag: no control character (checked untrimmed).
  .refine((v) => !hasControlCharacters(v), {
    message: `A name ${CONTROL_CHARACTERS_MESSAGE}`,
    params: { code: "controlCharacters" },
  })
  .trim()
  .max(MAX_FIELD_LENGTH, tooLong)
  .nullable()
  .transform((v) => v || null);

export const attributesSchema = z
  .record(
    z.string().trim().min(1, "An attribute needs a name.").max(100, "At most 100 characters."),
    z.union([z.string().max(MAX_FIELD_LENGTH, tooLong), z.number(), z.boolean(), z.null()]),
  )
  .refine((value) => Object.keys(value).length <= 100, "At most 100 attributes.");

export const newContactInput = z.object({
  email: z.string().max(MAX_FIELD_LENGTH, tooLong),
  name: name.optional(),
  attributes: attributesSchema.optional(),
});

export const contactEdit = z.object({
  name: name.optional(),
  attributes: attributesSchema.optional(),
});

export const contactJson = (row: q.ContactRow) => ({
  id: row.id,
  email: row.email,
  name: row.name,
  status: row.status,
  attributes: row.attributes,
});

export type AddResult =
  | { ok: true; contact: q.ContactRow }
  | { ok: false; status: 409 | 422; message: string; code: string; errors?: FieldError[] };

/** Adds an address typed by an admin. It enters as `legacy`: typing an address grants nothing. */
export async function addContact(
  deps: Deps,
  list: List,
  actor: string,
  input: z.output<typeof newContactInput>,
): Promise<AddResult> {
  const address = parseAddress(input.email);
  if ("error" in address) {
    return {
      ok: false,
      status: 422,
      message: address.error,
      code: "invalidEmail",
      errors: [{ field: "email", message: address.error, code: "invalidEmail" }],
    };
  }
  if (await isSuppressed(deps, address.key, list.id)) {
    const message =
      "This address is on the suppression list (it bounced, complained, unsubscribed or was erased); it cannot be added again.";
    const code = "addressSuppressed";
    return { ok: false, status: 422, message, code, errors: [{ field: "email", message, code }] };
  }
  const existing = await q.findContactByKey(deps.db, address.key);
  if (existing && (await consent.findMember(deps.db, list.id, existing.id))) {
    return {
      ok: false,
      status: 409,
      message: "This address is already on this list.",
      code: "addressOnList",
    };
  }
  const at = deps.clock.now().toISOString();
  const source = `added by ${actor}`;
  await deps.db.batch([
    q.insertContact(deps.db, {
      email: address.email,
      emailKey: address.key,
      emailHash: hashAddress(deps, address.key),
      name: input.name ?? null,
      attributes: input.attributes ?? {},
      at,
    }),
    ...q.addMemberByKey(deps.db, list.id, address.key, "added", { at, source, actor }),
    auditStatement(deps, {
      actor,
      action: "contact.add",
      listId: list.id,
      summary: "Added 1 contact by hand",
    }),
  ]);
  const contact = await q.findContactByKey(deps.db, address.key);
  const row = contact && (await q.findListContact(deps.db, list.id, contact.id));
  if (!row) throw new Error("the contact just added cannot be read back");
  if (existing && (input.name !== undefined || input.attributes !== undefined)) {
    return editContact(deps, list, row, actor, input) as Promise<AddResult>;
  }
  return { ok: true, contact: row };
}

export const findListContact = (deps: Deps, listId: number, contactId: number) =>
  q.findListContact(deps.db, listId, contactId);

/** Changes name and/or attributes (replacing the whole attribute set). Never the address. */
export async function editContact(
  deps: Deps,
  list: List,
  contact: q.ContactRow,
  actor: string,
  edit: z.output<typeof contactEdit>,
): Promise<{ ok: true; contact: q.ContactRow } | { ok: false; status: 422; message: string }> {
  if (contact.email === null) {
    return {
      ok: false,
      status: 422,
      message: "This contact was erased; there is nothing to edit.",
    };
  }
  const changed = Object.keys(edit).filter((k) => edit[k as keyof typeof edit] !== undefined);
  if (changed.length) {
    await deps.db.batch([
      q.updateContactData(deps.db, contact.id, edit, deps.clock.now().toISOString()),
      auditStatement(deps, {
        actor,
        action: "contact.edit",
        listId: list.id,
        summary: `Edited contact #${contact.id} (${changed.join(", ")})`,
        details: { contact_id: contact.id, fields: changed },
      }),
    ]);
  }
  const row = await q.findListContact(deps.db, list.id, contact.id);
  if (!row) throw new Error("the contact just edited cannot be read back");
  return { ok: true, contact: row };
}

// ---- Paging -------------------------------------------------------------------------------

export const MAX_PAGE = 500;
export const DEFAULT_PAGE = 50;

/** A cursor names the row a page starts after: its membership id and, when sorted, its value. */
export const encodeCursor = (at: q.PagePoint) =>
  toBase64Url(new TextEncoder().encode(`m${at.id}${at.value === undefined ? "" : `~${at.value}`}`));

export function decodeCursor(cursor: string): q.PagePoint | undefined {
  try {
    const text = new TextDecoder().decode(
      Uint8Array.from(atob(cursor.replace(/-/g, "+").replace(/_/g, "/")), (ch) => ch.charCodeAt(0)),
    );
    const match = /^m(\d{1,15})(?:~(.{1,100}))?$/.exec(text);
    if (!match) return undefined;
    return match[2] === undefined
      ? { id: Number(match[1]) }
      : { id: Number(match[1]), value: match[2] };
  } catch {
    return undefined;
  }
}

export const pageQuery = z.object({
  status: z
    .enum(CONSENT_STATES, { error: `One of: ${CONSENT_STATES.join(", ")}.` })
    .optional()
    .or(z.literal("").transform(() => undefined)),
  q: z
    .string()
    .trim()
    .max(200, "At most 200 characters.")
    .optional()
    .transform((v) => v || undefined),
  limit: z.coerce
    .number({ error: "A whole number." })
    .int("A whole number.")
    .min(1, "At least 1.")
    .optional()
    .transform((v) => Math.min(v ?? DEFAULT_PAGE, MAX_PAGE)),
  cursor: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v) return undefined;
      const at = decodeCursor(v);
      if (at === undefined) {
        ctx.addIssue({ code: "custom", message: "Not a cursor from this API; start without one." });
        return z.NEVER;
      }
      return at;
    }),
});
export type PageQuery = z.output<typeof pageQuery>;

/**
 * The cursor's point in this order: a cursor written for another order (a hand-edited URL)
 * starts again at the first page rather than land somewhere arbitrary.
 */
const startAfter = (query: PageQuery, order: q.ContactOrder) => {
  const at = query.cursor;
  if (!at) return undefined;
  return (order.key !== "added") === (at.value !== undefined) ? at : undefined;
};

/** Where a page sits among the matches: rows before it, and the cursor of the page before. */
export async function pagePosition(
  deps: Deps,
  listId: number,
  query: PageQuery,
  order: q.ContactOrder = q.DEFAULT_ORDER,
) {
  const filter = { status: query.status, q: query.q };
  const at = startAfter(query, order);
  if (!at) return { before: 0, previousCursor: null };
  const [before, previous] = await Promise.all([
    q.countThrough(deps.db, listId, filter, order, at),
    q.pointBefore(deps.db, listId, filter, order, at, query.limit),
  ]);
  return { before, previousCursor: previous ? encodeCursor(previous) : "" };
}

export async function contactPage(
  deps: Deps,
  listId: number,
  query: PageQuery,
  order: q.ContactOrder = q.DEFAULT_ORDER,
) {
  const filter = { status: query.status, q: query.q };
  const at = startAfter(query, order);
  const rows = await q.sortedPage(deps.db, listId, filter, order, at, query.limit + 1);
  const items = rows.slice(0, query.limit);
  const last = items[items.length - 1];
  return {
    items,
    /** The point this page started after (undefined on the first page). */
    at,
    nextCursor:
      rows.length > query.limit && last
        ? encodeCursor({ id: last.memberId, value: q.sortValue(order, last) })
        : null,
  };
}

/** The ids of a selection that are contacts of this list (any other id is dropped). */
export const selectedOnList = (deps: Deps, listId: number, ids: number[]) =>
  ids.length ? q.filteredContactIds(deps.db, listId, { ids }) : Promise.resolve([]);

export const countFiltered = (deps: Deps, listId: number, filter: q.ContactFilter) =>
  q.countFiltered(deps.db, listId, filter);

/**
 * A filter as the audit log keeps it: the state, and whether text was searched, never the text
 * (an admin types an address or a name there, which must not outlive the person's erasure).
 */
const auditedFilter = (filter: q.ContactFilter) => ({
  status: filter.status ?? null,
  q: filter.q ? "(search text not kept)" : null,
  ...(filter.ids ? { selected: filter.ids.length } : {}),
});

// ---- Bulk actions ---------------------------------------------------------------------------

export type BulkAction = "suppress" | "erase";

/** Suppresses or erases every contact in a filtered view; returns how many were affected. */
export async function bulkAction(
  deps: Deps,
  list: List,
  actor: string,
  action: BulkAction,
  filter: q.ContactFilter,
): Promise<number> {
  const ids = await q.filteredContactIds(deps.db, list.id, filter);
  let affected = 0;
  if (action === "erase") {
    affected = await eraseContacts(deps, ids, {
      reason: "erased",
      actor,
      source: `bulk erase by ${actor}`,
    });
  } else {
    const at = deps.clock.now().toISOString();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await q.contactsByIds(deps.db, ids.slice(i, i + 500));
      const keys = rows.flatMap((r) => (r.emailKey ? [r.emailKey] : []));
      const hashes = keys.map((k) => hashAddress(deps, k));
      const statements = hashes.flatMap((h) =>
        consent.insertSuppression(deps.db, h, "admin", at, {
          listId: null,
          source: `bulk suppress by ${actor}`,
        }),
      );
      const [first, ...rest] = statements;
      if (first) await deps.db.batch([first, ...rest]);
      affected += hashes.length;
    }
  }
  await auditStatement(deps, {
    actor,
    action: `bulk.${action}`,
    listId: list.id,
    summary: `${action === "erase" ? "Erased" : "Suppressed"} ${affected} contacts`,
    details: { affected, filter: auditedFilter(filter) },
  });
  return affected;
}

// ---- Export ---------------------------------------------------------------------------------

/**
 * A spreadsheet treats a cell starting with = + - @ (or a tab or carriage return) as a formula;
 * prefixing a quote keeps it text (OWASP's CSV injection advice).
 */
export const neutraliseCell = (value: string) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

export const csvCell = (value: unknown) => {
  const text = neutraliseCell(value === null || value === undefined ? "" : String(value));
  return /[",\r\n;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** Streams the filtered view as CSV (email, name, status, then one column per attribute). */
export async function exportCsv(
  deps: Deps,
  list: List,
  actor: string,
  filter: q.ContactFilter,
): Promise<ReadableStream<Uint8Array>> {
  const keys = await q.attributeKeys(deps.db, list.id, filter);
  const total = await q.countFiltered(deps.db, list.id, filter);
  await auditStatement(deps, {
    actor,
    action: "export",
    listId: list.id,
    summary: `Exported ${total} contacts as CSV`,
    details: { count: total, filter: auditedFilter(filter) },
  });
  const encoder = new TextEncoder();
  const line = (cells: unknown[]) => encoder.encode(`${cells.map(csvCell).join(",")}\r\n`);
  let after: q.PagePoint | undefined;
  return new ReadableStream({
    start(controller) {
      controller.enqueue(line(["email", "name", "status", ...keys]));
    },
    async pull(controller) {
      const rows = await q.sortedPage(deps.db, list.id, filter, q.DEFAULT_ORDER, after, 1000);
      for (const r of rows) {
        controller.enqueue(
          line([r.email, r.name, r.status, ...keys.map((k) => r.attributes?.[k] ?? "")]),
        );
      }
      const last = rows[rows.length - 1];
      if (!last) controller.close();
      else after = { id: last.memberId };
    },
  });
}
