// Admin pages for lists: index, create, edit, archive, and a list's page with its contacts.

import type { Context } from "hono";
import { Hono } from "hono";
import { contactsSection } from "../contacts/admin";
import { ContactsSection } from "../contacts/views";
import type { AppEnv } from "../http/env";
import { inLang } from "../http/form-errors";
import { fieldErrors } from "../http/problem";
import { errorPage } from "../views/errors";
import { listFromParam } from "./load";
import {
  allLists,
  countsByState,
  createList,
  editList,
  listEdit,
  listInput,
  setArchived,
} from "./service";
import { ListFormPage, ListPage, ListsIndexPage } from "./views";

export const listsAdmin = new Hono<AppEnv>();

const text = (value: unknown) => (typeof value === "string" ? value : "");

listsAdmin.get("/admin/lists", async (c) => {
  const deps = c.var.deps;
  const lists = await Promise.all(
    (await allLists(deps)).map(async (l) => ({
      ...l,
      total: Object.values(await countsByState(deps, l.id)).reduce((a, b) => a + b, 0),
    })),
  );
  return c.html(<ListsIndexPage email={c.var.admin.email} lists={lists} />);
});

listsAdmin.get("/admin/lists/new", (c) =>
  c.html(<ListFormPage email={c.var.admin.email} values={{}} errors={[]} />),
);

listsAdmin.post("/admin/lists", async (c) => {
  const form = await c.req.parseBody();
  const values = { slug: text(form.slug), name: text(form.name), purpose: text(form.purpose) };
  const parsed = listInput.safeParse(values);
  const errors = parsed.success ? [] : fieldErrors(parsed.error);
  if (parsed.success) {
    const result = await createList(c.var.deps, c.var.admin.email, parsed.data);
    if (result.ok) return c.redirect(`/admin/lists/${result.list.id}`, 303);
    errors.push(...result.errors);
  }
  return c.html(
    <ListFormPage
      email={c.var.admin.email}
      values={values}
      errors={inLang(c.var.adminLang, errors)}
    />,
    422,
  );
});

async function loadList(c: Context<AppEnv>) {
  return listFromParam(c.var.deps, c.req.param("id"));
}

listsAdmin.get("/admin/lists/:id/edit", async (c) => {
  const list = await loadList(c);
  if (!list) return errorPage(c, 404);
  return c.html(<ListFormPage email={c.var.admin.email} list={list} values={list} errors={[]} />);
});

listsAdmin.post("/admin/lists/:id/edit", async (c) => {
  const list = await loadList(c);
  if (!list) return errorPage(c, 404);
  const form = await c.req.parseBody();
  const values = { name: text(form.name), purpose: text(form.purpose) };
  const parsed = listEdit.required().safeParse(values);
  if (!parsed.success) {
    return c.html(
      <ListFormPage
        email={c.var.admin.email}
        list={list}
        values={values}
        errors={inLang(c.var.adminLang, fieldErrors(parsed.error))}
      />,
      422,
    );
  }
  await editList(c.var.deps, c.var.admin.email, list, parsed.data);
  return c.redirect(`/admin/lists/${list.id}`, 303);
});

listsAdmin.post("/admin/lists/:id/archive", async (c) => {
  const list = await loadList(c);
  if (!list) return errorPage(c, 404);
  const form = await c.req.parseBody();
  await setArchived(c.var.deps, list, form.archived === "1");
  return c.redirect(`/admin/lists/${list.id}`, 303);
});

listsAdmin.get("/admin/lists/:id", async (c) => {
  const list = await loadList(c);
  if (!list) return errorPage(c, 404);
  const section = await contactsSection(c, list);
  // htmx asks for the contacts section only (filter and pager); a browser gets the page.
  if (c.req.header("HX-Request") && !c.req.header("HX-History-Restore-Request")) {
    return c.html(<ContactsSection {...section} />);
  }
  return c.html(
    <ListPage
      email={c.var.admin.email}
      list={list}
      counts={await countsByState(c.var.deps, list.id)}
      contacts={section}
    />,
  );
});
