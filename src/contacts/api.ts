// JSON API for a list's contacts: CSV import, paging, add by hand, edit, erase.
import type { Context } from "hono";
import { Hono } from "hono";
import { eraseContact } from "../erasure/service";
import type { AppEnv } from "../http/env";
import { fieldErrors, parseJson, problem } from "../http/problem";
import { listFromParam } from "../lists/load";
import { MAX_IMPORT_BYTES } from "./csv-stream";
import { importCsv } from "./import";
import {
  addContact,
  contactEdit,
  contactJson,
  contactPage,
  editContact,
  findListContact,
  newContactInput,
  pageQuery,
} from "./service";

export const contactsApi = new Hono<AppEnv>();

const CSV_TYPES = /^(text\/csv|application\/csv|text\/plain|application\/vnd\.ms-excel)\b/i;

async function loadList(c: Context<AppEnv>) {
  const list = await listFromParam(c.var.deps, c.req.param("id"));
  return list ?? problem(c, 404, `No list with id ${c.req.param("id")}.`);
}

const archivedProblem = (c: Context<AppEnv>) =>
  problem(c, 409, "This list is archived; unarchive it before adding contacts.");

contactsApi.post("/api/v1/lists/:id/imports", async (c) => {
  const list = await loadList(c);
  if (list instanceof Response) return list;
  if (list.archivedAt) return archivedProblem(c);
  const source = c.req.query("source")?.trim() ?? "";
  if (!source || source.length > 500) {
    const message = source
      ? "At most 500 characters."
      : "Say where these addresses come from, e.g. ?source=extraction des participants 2000.";
    return problem(c, 422, `source: ${message}`, { errors: [{ field: "source", message }] });
  }
  const type = c.req.header("Content-Type") ?? "";
  if (!CSV_TYPES.test(type)) {
    return problem(c, 415, "Send the file as the request body with Content-Type: text/csv.");
  }
  const length = Number(c.req.header("Content-Length") ?? "0");
  if (length > MAX_IMPORT_BYTES) {
    return problem(c, 413, "The file is larger than 50 MB; split it and import each part.");
  }
  const body = c.req.raw.body;
  if (!body) return problem(c, 400, "The file is empty: send a CSV with a header row.");
  const result = await importCsv(
    c.var.deps,
    { listId: list.id, source, actor: c.var.admin.email },
    body,
  );
  if (!result.ok) {
    const errors = result.status === 422 ? [{ field: "file", message: result.message }] : undefined;
    return problem(c, result.status, result.message, { errors });
  }
  return c.json(result.report, 200);
});

contactsApi.get("/api/v1/lists/:id/contacts", async (c) => {
  const list = await loadList(c);
  if (list instanceof Response) return list;
  const parsed = pageQuery.safeParse(c.req.query());
  if (!parsed.success) {
    const errors = fieldErrors(parsed.error);
    return problem(c, 422, errors.map((e) => `${e.field}: ${e.message}`).join("; "), { errors });
  }
  const page = await contactPage(c.var.deps, list.id, parsed.data);
  return c.json({ items: page.items.map(contactJson), next_cursor: page.nextCursor });
});

contactsApi.post("/api/v1/lists/:id/contacts", async (c) => {
  const list = await loadList(c);
  if (list instanceof Response) return list;
  if (list.archivedAt) return archivedProblem(c);
  const body = await parseJson(c, newContactInput);
  if (!body.ok) return body.response;
  const result = await addContact(c.var.deps, list, c.var.admin.email, body.value);
  if (!result.ok) return problem(c, result.status, result.message, { errors: result.errors });
  return c.json(contactJson(result.contact), 201);
});

async function loadContact(c: Context<AppEnv>) {
  const list = await loadList(c);
  if (list instanceof Response) return list;
  const raw = c.req.param("contactId") ?? "";
  const contact = /^\d{1,15}$/.test(raw)
    ? await findListContact(c.var.deps, list.id, Number(raw))
    : undefined;
  return contact ? { list, contact } : problem(c, 404, `No contact ${raw} on list ${list.id}.`);
}

contactsApi.patch("/api/v1/lists/:id/contacts/:contactId", async (c) => {
  const found = await loadContact(c);
  if (found instanceof Response) return found;
  const body = await parseJson(c, contactEdit.strict());
  if (!body.ok) return body.response;
  const result = await editContact(
    c.var.deps,
    found.list,
    found.contact,
    c.var.admin.email,
    body.value,
  );
  if (!result.ok) return problem(c, result.status, result.message);
  return c.json(contactJson(result.contact));
});

contactsApi.delete("/api/v1/lists/:id/contacts/:contactId", async (c) => {
  const found = await loadContact(c);
  if (found instanceof Response) return found;
  const actor = c.var.admin.email;
  await eraseContact(c.var.deps, found.contact.id, {
    reason: "erased",
    actor,
    source: `erased by ${actor}`,
  });
  return c.body(null, 204);
});
