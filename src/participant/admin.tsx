// Admin page of a list's re-registrations: every entry received, and when entries close.
import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../http/env";
import { listFromParam } from "../lists/load";
import type { List } from "../lists/service";
import { ListCrumbs } from "../lists/views";
import { messages } from "../messages";
import { errorPage } from "../views/errors";
import { formatCount } from "../views/format";
import { AdminLayout } from "../views/layout";
import { useAdminLang, useAdminText } from "../views/org";
import { Time } from "../views/time";
import {
  listRegistrations,
  REGISTRATION_FIELDS,
  type Registration,
  setRegistrationsClose,
} from "./registration";

export const registrationsAdmin = new Hono<AppEnv>();

/** A datetime-local value (`2001-03-31T23:59`) read as UTC. */
function closeTimeFrom(value: unknown): string | null | "invalid" {
  if (typeof value !== "string" || value.trim() === "") return null;
  const v = value.trim();
  const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(v) ? `${v}:00Z` : v;
  const ms = /^\d{4}-\d\d-\d\dT/.test(iso) ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(ms) ? "invalid" : new Date(ms).toISOString();
}

/** When entries close: a UTC date and time, and whether they are open now. */
function CloseForm(props: { list: List; error?: string; open: boolean }) {
  const t = useAdminText().registrationsAdmin;
  const { list } = props;
  const closeValue = list.registrationsCloseAt?.slice(0, 16) ?? "";
  return (
    <form method="post" action={`/admin/lists/${list.id}/registrations/close`}>
      <label>
        {t.closeAt}
        <input
          type="datetime-local"
          name="closes_at"
          value={closeValue}
          aria-invalid={props.error ? "true" : undefined}
          aria-describedby={props.error ? "closes_at-error" : undefined}
        />
        {props.error ? (
          <small class="field-error" id="closes_at-error">
            {props.error}
          </small>
        ) : null}
      </label>
      <button type="submit" class="outline">
        {t.save}
      </button>{" "}
      <span class="muted">{props.open ? t.open : t.closed}</span>
    </form>
  );
}

function RegistrationsTable(props: { listId: number; registrations: Registration[] }) {
  const t = useAdminText().registrationsAdmin;
  if (props.registrations.length === 0) return <p class="muted">{t.none}</p>;
  return (
    <div class="overflow-auto">
      <table>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">{t.contact}</th>
            {REGISTRATION_FIELDS.map((f) => (
              <th scope="col">{t.headings[f]}</th>
            ))}
            <th scope="col">{t.updated}</th>
          </tr>
        </thead>
        <tbody>
          {props.registrations.map((r) => (
            <tr>
              <td>{r.id}</td>
              <td>
                <a href={`/admin/lists/${props.listId}/contacts/${r.contactId}`}>#{r.contactId}</a>
              </td>
              {REGISTRATION_FIELDS.map((f) => (
                <td>{r.data[f] ?? ""}</td>
              ))}
              <td>
                <Time at={r.updatedAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function RegistrationsPage(props: {
  email: string;
  list: List;
  registrations: Registration[];
  error?: string;
  now: Date;
}) {
  const { list } = props;
  const text = useAdminText();
  const t = text.registrationsAdmin;
  const fmt = formatCount(useAdminLang());
  const open =
    list.registrationsCloseAt === null ||
    props.now.getTime() < Date.parse(list.registrationsCloseAt);
  return (
    <AdminLayout title={t.title(list.name)} email={props.email}>
      <ListCrumbs list={list} here={t.crumb} />
      <h1>{t.heading(fmt(props.registrations.length))}</h1>
      <p>
        {t.intro}
        <code>GET /api/v1/lists/{list.id}/registrations</code>.
      </p>
      <CloseForm list={list} error={props.error} open={open} />
      <RegistrationsTable listId={list.id} registrations={props.registrations} />
    </AdminLayout>
  );
}

async function render(c: Context<AppEnv>, list: List, error?: string) {
  return c.html(
    <RegistrationsPage
      email={c.var.admin.email}
      list={list}
      registrations={await listRegistrations(c.var.deps, list.id)}
      error={error}
      now={c.var.deps.clock.now()}
    />,
    error ? 422 : 200,
  );
}

registrationsAdmin.get("/admin/lists/:id/registrations", async (c) => {
  const list = await listFromParam(c.var.deps, c.req.param("id"));
  if (!list) return errorPage(c, 404);
  return render(c, list);
});

registrationsAdmin.post("/admin/lists/:id/registrations/close", async (c) => {
  const list = await listFromParam(c.var.deps, c.req.param("id"));
  if (!list) return errorPage(c, 404);
  const closeAt = closeTimeFrom((await c.req.parseBody()).closes_at);
  if (closeAt === "invalid") {
    return render(c, list, messages(c.var.adminLang).registrationsAdmin.badTime);
  }
  await setRegistrationsClose(c.var.deps, list.id, closeAt);
  return c.redirect(`/admin/lists/${list.id}/registrations`, 303);
});
