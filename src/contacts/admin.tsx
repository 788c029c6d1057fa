// Admin pages for a list's contacts: add, click-to-edit, history, erase, bulk actions, CSV
// import (upload form) and export.
import type { Context } from "hono";
import { Hono } from "hono";
import { consentHistory } from "../consent/service";
import { eraseContact } from "../erasure/service";
import type { AppEnv } from "../http/env";
import { errorText } from "../http/form-errors";
import { readFormWithin } from "../http/limited-body";
import { type FieldError, fieldErrors } from "../http/problem";
import { listFromParam } from "../lists/load";
import { countsByState, type List } from "../lists/service";
import { ListPage } from "../lists/views";
import { CONTROL_CHARACTERS_MESSAGE, hasControlCharacters } from "../mail/provider";
import { messages } from "../messages";
import { errorPage } from "../views/errors";
import { readSort } from "../views/sort";
import { ContactPage } from "./contact-page";
import { MAX_IMPORT_BYTES } from "./csv-stream";
import { type ImportReport, importCsv } from "./import";
import {
  addContact,
  attributesSchema,
  type BulkAction,
  bulkAction,
  CONTACT_SORTS,
  type ContactFilter,
  type ContactOrder,
  type ContactRow,
  contactPage,
  countFiltered,
  DEFAULT_ORDER,
  editContact,
  encodeCursor,
  exportCsv,
  findListContact,
  pagePosition,
  pageQuery,
  selectedOnList,
} from "./service";
import { NoSelectionPage } from "./table-views";
import {
  AddContactForm,
  attributesToText,
  ConfirmPage,
  ContactDisplayRow,
  ContactEditRow,
  type ContactsSectionProps,
  ImportForm,
  type ImportFormErrors,
  listUrl,
} from "./views";

export const contactsAdmin = new Hono<AppEnv>();

const text = (value: unknown) => (typeof value === "string" ? value : "");

/** Reads status, q and cursor from the query string; anything unreadable is simply ignored. */
function readFilter(c: Context<AppEnv>) {
  const parsed = pageQuery.safeParse(c.req.query());
  return parsed.success ? parsed.data : { status: undefined, q: undefined, cursor: undefined };
}

/**
 * The filter an export or a bulk action applies: undefined when unreadable, which is refused
 * (`badFilter`) rather than ignored as the table does, since ignored it would be the whole list.
 */
function actionFilter(c: Context<AppEnv>): ContactFilter | undefined {
  const parsed = pageQuery.safeParse({ status: c.req.query("status"), q: c.req.query("q") });
  return parsed.success ? { status: parsed.data.status, q: parsed.data.q } : undefined;
}

/** The table's order from `sort` and `dir`; an unknown sort is the default order. */
const readOrder = (c: Context<AppEnv>): ContactOrder =>
  readSort(c.req.query(), CONTACT_SORTS, DEFAULT_ORDER);

export async function contactsSection(
  c: Context<AppEnv>,
  list: List,
): Promise<ContactsSectionProps> {
  const query = { ...readFilter(c), limit: 50 };
  const order = readOrder(c);
  const filter: ContactFilter = { status: query.status, q: query.q };
  const [page, total, position, counts] = await Promise.all([
    contactPage(c.var.deps, list.id, query, order),
    countFiltered(c.var.deps, list.id, filter),
    pagePosition(c.var.deps, list.id, query, order),
    countsByState(c.var.deps, list.id),
  ]);
  return {
    list,
    filter,
    order,
    rows: page.items,
    total,
    nextCursor: page.nextCursor,
    paged: page.at !== undefined,
    before: position.before,
    previousCursor: position.previousCursor,
    currentCursor: page.at ? encodeCursor(page.at) : undefined,
    counts,
  };
}

async function loadList(c: Context<AppEnv>) {
  return listFromParam(c.var.deps, c.req.param("id"));
}

async function loadContact(c: Context<AppEnv>) {
  const list = await loadList(c);
  const raw = c.req.param("contactId") ?? "";
  if (!list || !/^\d{1,15}$/.test(raw)) return undefined;
  const contact = await findListContact(c.var.deps, list.id, Number(raw));
  return contact && { list, contact };
}

/** Parses `name: value` lines into attributes, or says which line is wrong. */
function parseAttributeLines(
  raw: string,
): { ok: true; value: Record<string, string> } | { ok: false; error: FieldError } {
  const value: Record<string, string> = {};
  const lines = raw.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    if (!line.trim()) continue;
    const colon = line.indexOf(":");
    if (colon <= 0) {
      const message = `Line ${i + 1}: write each attribute as “name: value”.`;
      const error = {
        field: "attributes",
        message,
        code: "attributeLine",
        values: { line: i + 1 },
      };
      return { ok: false, error };
    }
    value[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  const parsed = attributesSchema.safeParse(value);
  if (!parsed.success) {
    const first = fieldErrors(parsed.error)[0];
    const error = { field: "attributes", message: first?.message ?? "Invalid attributes." };
    return { ok: false, error: { ...first, ...error } };
  }
  return { ok: true, value };
}

/** Validates and saves the click-to-edit form; the error names the field. */
async function saveEdit(c: Context<AppEnv>, list: List, contact: ContactRow) {
  const form = await c.req.parseBody();
  const name = text(form.name);
  const attributesText = text(form.attributes);
  const fail = (error: FieldError) => ({
    ok: false as const,
    name,
    attributesText,
    error: { field: error.field, message: errorText(c.var.adminLang, error) },
  });
  if (name.trim().length > 1000) {
    const message = "The name is longer than 1,000 characters.";
    return fail({ field: "name", message, code: "tooLong", values: { max: 1000 } });
  }
  if (hasControlCharacters(name)) {
    const message = `The name ${CONTROL_CHARACTERS_MESSAGE}`;
    return fail({ field: "name", message, code: "controlCharacters" });
  }
  const attributes = parseAttributeLines(attributesText);
  if (!attributes.ok) return fail(attributes.error);
  const result = await editContact(c.var.deps, list, contact, c.var.admin.email, {
    name: name.trim() || null,
    attributes: attributes.value,
  });
  if (!result.ok) return fail({ field: "name", message: result.message, code: "contactErased" });
  return { ok: true as const, contact: result.contact };
}

contactsAdmin.get("/admin/lists/:id/contacts/:contactId/edit", async (c) => {
  const found = await loadContact(c);
  if (!found) return errorPage(c, 404);
  const { list, contact } = found;
  return c.html(
    <ContactEditRow
      listId={list.id}
      row={contact}
      name={contact.name ?? ""}
      attributes={attributesToText(contact.attributes)}
    />,
  );
});

contactsAdmin.get("/admin/lists/:id/contacts/:contactId/row", async (c) => {
  const found = await loadContact(c);
  if (!found) return errorPage(c, 404);
  return c.html(<ContactDisplayRow listId={found.list.id} row={found.contact} />);
});

contactsAdmin.get("/admin/lists/:id/contacts/:contactId", async (c) => {
  const found = await loadContact(c);
  if (!found) return errorPage(c, 404);
  const { list, contact } = found;
  return c.html(
    <ContactPage
      email={c.var.admin.email}
      list={list}
      contact={contact}
      history={await consentHistory(c.var.deps, list.id, contact.id)}
      name={contact.name ?? ""}
      attributes={attributesToText(contact.attributes)}
      saved={c.req.query("saved") === "1"}
    />,
  );
});

contactsAdmin.post("/admin/lists/:id/contacts/:contactId", async (c) => {
  const found = await loadContact(c);
  if (!found) return errorPage(c, 404);
  const { list, contact } = found;
  const result = await saveEdit(c, list, contact);
  const htmx = Boolean(c.req.header("HX-Request"));
  if (result.ok) {
    if (htmx) return c.html(<ContactDisplayRow listId={list.id} row={result.contact} />);
    return c.redirect(`/admin/lists/${list.id}/contacts/${contact.id}?saved=1`, 303);
  }
  if (htmx) {
    return c.html(
      <ContactEditRow
        listId={list.id}
        row={contact}
        name={result.name}
        attributes={result.attributesText}
        error={result.error}
      />,
      422,
    );
  }
  return c.html(
    <ContactPage
      email={c.var.admin.email}
      list={list}
      contact={contact}
      history={await consentHistory(c.var.deps, list.id, contact.id)}
      name={result.name}
      attributes={result.attributesText}
      error={result.error}
    />,
    422,
  );
});

contactsAdmin.get("/admin/lists/:id/contacts/:contactId/erase", async (c) => {
  const found = await loadContact(c);
  if (!found) return errorPage(c, 404);
  const { list, contact } = found;
  const t = messages(c.var.adminLang).tables;
  return c.html(
    <ConfirmPage
      email={c.var.admin.email}
      title={t.eraseOneTitle}
      message={t.eraseOneWhat(contact.email)}
      action={`/admin/lists/${list.id}/contacts/${contact.id}/erase`}
      hidden={{}}
      button={t.eraseOneButton}
      back={`/admin/lists/${list.id}/contacts/${contact.id}`}
    />,
  );
});

contactsAdmin.post("/admin/lists/:id/contacts/:contactId/erase", async (c) => {
  const found = await loadContact(c);
  if (!found) return errorPage(c, 404);
  const actor = c.var.admin.email;
  await eraseContact(c.var.deps, found.contact.id, {
    reason: "erased",
    actor,
    source: `erased by ${actor}`,
  });
  return c.redirect(`/admin/lists/${found.list.id}/contacts/${found.contact.id}`, 303);
});

contactsAdmin.post("/admin/lists/:id/contacts", async (c) => {
  const list = await loadList(c);
  if (!list) return errorPage(c, 404);
  const form = await c.req.parseBody();
  const values = { email: text(form.email), name: text(form.name) };
  const say = (error: FieldError) => errorText(c.var.adminLang, error);
  const renderPage = async (addForm: ReturnType<typeof AddContactForm>, status: 200 | 409 | 422) =>
    c.html(
      <ListPage
        email={c.var.admin.email}
        list={list}
        counts={await countsByState(c.var.deps, list.id)}
        contacts={await contactsSection(c, list)}
        addForm={addForm}
      />,
      status,
    );
  if (list.archivedAt) {
    return renderPage(
      <AddContactForm
        listId={list.id}
        values={values}
        error={{
          field: "email",
          message: say({ field: "email", message: "This list is archived.", code: "listArchived" }),
        }}
      />,
      409,
    );
  }
  if (values.name.length > 1000) {
    return renderPage(
      <AddContactForm
        listId={list.id}
        values={values}
        error={{
          field: "name",
          message: say({
            field: "name",
            message: "The name is longer than 1,000 characters.",
            code: "tooLong",
            values: { max: 1000 },
          }),
        }}
      />,
      422,
    );
  }
  const result = await addContact(c.var.deps, list, c.var.admin.email, {
    email: values.email,
    name: values.name.trim() || null,
  });
  if (!result.ok) {
    return renderPage(
      <AddContactForm
        listId={list.id}
        values={values}
        error={{
          field: "email",
          message: say({ field: "email", message: result.message, code: result.code }),
        }}
      />,
      result.status,
    );
  }
  return renderPage(<AddContactForm listId={list.id} added={result.contact.email ?? ""} />, 200);
});

contactsAdmin.post("/admin/lists/:id/imports", async (c) => {
  const list = await loadList(c);
  if (!list) return errorPage(c, 404);
  const htmx = Boolean(c.req.header("HX-Request"));
  let source = "";
  const answer = async (
    result: { errors?: ImportFormErrors; report?: ImportReport },
    status: 200 | 400 | 413 | 422,
  ) => {
    const form = <ImportForm listId={list.id} source={source} {...result} />;
    if (htmx) return c.html(form, status);
    return c.html(
      <ListPage
        email={c.var.admin.email}
        list={list}
        counts={await countsByState(c.var.deps, list.id)}
        contacts={await contactsSection(c, list)}
        importForm={form}
      />,
      status,
    );
  };
  const say = (message: string, code: string) =>
    errorText(c.var.adminLang, { field: "file", message, code });
  if (list.archivedAt) {
    return answer({ errors: { file: say("This list is archived.", "listArchived") } }, 422);
  }
  // The multipart envelope adds a little to the file itself.
  if (Number(c.req.header("Content-Length") ?? "0") > MAX_IMPORT_BYTES + 64 * 1024) {
    const file = say(
      "The file is larger than 50 MB; split it and import each part.",
      "fileTooLarge",
    );
    return answer({ errors: { file } }, 413);
  }
  // Read while it streams in, and cut at the limit: a chunked upload has no Content-Length.
  const form = await readFormWithin(c.req.raw, MAX_IMPORT_BYTES + 64 * 1024);
  if (form === "too_large") {
    const file = say(
      "The file is larger than 50 MB; split it and import each part.",
      "fileTooLarge",
    );
    return answer({ errors: { file } }, 413);
  }
  if (form === "unreadable") {
    return answer(
      {
        errors: { file: say("The upload could not be read; choose the file again.", "unreadable") },
      },
      400,
    );
  }
  const file = form.get("file");
  source = text(form.get("source")).trim();
  const errors: ImportFormErrors = {};
  if (!source || source.length > 500)
    errors.source = say(
      "Say where these addresses come from (at most 500 characters).",
      "importSource",
    );
  if (!(file instanceof File) || file.size === 0)
    errors.file = say("Choose a CSV file to import.", "importFile");
  if (errors.source || errors.file || !(file instanceof File)) return answer({ errors }, 422);
  const result = await importCsv(
    c.var.deps,
    { listId: list.id, source, actor: c.var.admin.email },
    file.stream(),
  );
  if (!result.ok) {
    return answer({ errors: { file: say(result.message, "badCsv") } }, result.status);
  }
  if (htmx) c.header("HX-Trigger", "contacts-changed");
  return answer({ report: result.report }, 200);
});

/** At most one page of ids (the largest page): a selection is ticked by hand. */
const MAX_SELECTED = 500;

/**
 * The contact ids a selection form sent (`all=1`: every row of the page), or undefined when the
 * request is not a selection. Anything that is not an id is dropped; ids off the list match
 * nothing later, since every query of a selection is also by list.
 */
function readSelection(fields: {
  selection?: string;
  all?: string;
  pageIds?: string;
  ids: string[];
}): number[] | undefined {
  if (fields.selection !== "1") return undefined;
  const raw = fields.all === "1" ? (fields.pageIds ?? "").split(" ") : fields.ids;
  const ids = raw.filter((id) => /^\d{1,15}$/.test(id)).map(Number);
  return [...new Set(ids)].slice(0, MAX_SELECTED);
}

const selectionOfQuery = (c: Context<AppEnv>) =>
  readSelection({
    selection: c.req.query("selection"),
    all: c.req.query("all"),
    pageIds: c.req.query("page_ids"),
    ids: c.req.queries("id") ?? [],
  });

/** An action on an empty selection (or one with no contact of this list): nothing is done. */
const noSelection = (c: Context<AppEnv>, list: List) =>
  c.html(<NoSelectionPage email={c.var.admin.email} back={`/admin/lists/${list.id}`} />, 422);

/** An export or action whose filter cannot be read: nothing is done. */
const badFilter = (c: Context<AppEnv>, list: List) =>
  c.html(
    <NoSelectionPage email={c.var.admin.email} back={`/admin/lists/${list.id}`} badFilter />,
    422,
  );

contactsAdmin.get("/admin/lists/:id/export.csv", async (c) => {
  const list = await loadList(c);
  if (!list) return errorPage(c, 404);
  const selected = selectionOfQuery(c);
  if (selected?.length === 0) return noSelection(c, list);
  const filter = selected ? { ids: selected } : actionFilter(c);
  if (!filter) return badFilter(c, list);
  const stream = await exportCsv(c.var.deps, list, c.var.admin.email, filter);
  return c.body(stream, 200, {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="${list.slug}-contacts.csv"`,
  });
});

const BULK_ACTIONS: BulkAction[] = ["suppress", "erase"];

/** The confirmation of an action on ticked contacts: how many, and what will happen to them. */
async function confirmSelected(
  c: Context<AppEnv>,
  list: List,
  action: BulkAction,
  selected: number[],
) {
  const ids = await selectedOnList(c.var.deps, list.id, selected);
  const count = ids.length;
  if (count === 0) return noSelection(c, list);
  const t = messages(c.var.adminLang).tables;
  return c.html(
    <ConfirmPage
      email={c.var.admin.email}
      title={t.selectedTitle(action, count)}
      message={t.selectedWhat(action, count)}
      action={`/admin/lists/${list.id}/bulk`}
      hidden={{ action, selection: "1", ids: ids.join(" "), expected: String(count) }}
      button={t.selectedButton(action, count)}
      back={`/admin/lists/${list.id}`}
    />,
  );
}

contactsAdmin.get("/admin/lists/:id/bulk", async (c) => {
  const list = await loadList(c);
  if (!list) return errorPage(c, 404);
  const action = c.req.query("action") as BulkAction;
  if (!BULK_ACTIONS.includes(action)) return errorPage(c, 404);
  const selected = selectionOfQuery(c);
  if (selected?.length === 0) return noSelection(c, list);
  if (selected) return confirmSelected(c, list, action, selected);
  const filter = actionFilter(c);
  if (!filter) return badFilter(c, list);
  const { status, q } = filter;
  const count = await countFiltered(c.var.deps, list.id, { status, q });
  const t = messages(c.var.adminLang).tables;
  return c.html(
    <ConfirmPage
      email={c.var.admin.email}
      title={t.filteredTitle(action, count)}
      message={t.filteredWhat(action, count, status, q)}
      action={`/admin/lists/${list.id}/bulk`}
      hidden={{ action, status: status ?? "", q: q ?? "", expected: String(count) }}
      button={t.filteredButton(action, count)}
      back={listUrl(list.id, { status, q })}
    />,
  );
});

contactsAdmin.post("/admin/lists/:id/bulk", async (c) => {
  const list = await loadList(c);
  if (!list) return errorPage(c, 404);
  const form = await c.req.parseBody();
  const action = text(form.action) as BulkAction;
  const parsed = pageQuery.safeParse({ status: text(form.status), q: text(form.q) });
  if (!BULK_ACTIONS.includes(action) || !parsed.success) return errorPage(c, 404);
  const sent = readSelection({ selection: text(form.selection), ids: text(form.ids).split(" ") });
  const selected = sent && (await selectedOnList(c.var.deps, list.id, sent));
  if (selected?.length === 0) return noSelection(c, list);
  const filter = selected ? { ids: selected } : { status: parsed.data.status, q: parsed.data.q };
  // The confirmation stated a number: if the view changed since, ask again rather than surprise.
  const count = await countFiltered(c.var.deps, list.id, filter);
  if (String(count) !== text(form.expected)) {
    if (selected) return confirmSelected(c, list, action, selected);
    const back = `${listUrl(list.id, filter, undefined, "/bulk")}${filter.status || filter.q ? "&" : "?"}action=${action}`;
    return c.redirect(back, 303);
  }
  await bulkAction(c.var.deps, list, c.var.admin.email, action, filter);
  return c.redirect(listUrl(list.id, selected ? {} : filter), 303);
});
