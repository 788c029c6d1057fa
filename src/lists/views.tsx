// Admin views of lists: the index, the create/edit form, and a list's page (counts per state,
// contacts table, add and import forms).
import type { Child } from "hono/jsx";
import type { ConsentState } from "../consent/states";
import {
  AddContactForm,
  ContactsSection,
  type ContactsSectionProps,
  ImportForm,
} from "../contacts/views";
import type { FieldError } from "../http/problem";
import { AdminLayout } from "../views/layout";
import type { List } from "./service";

export function ListsIndexPage(props: { email: string; lists: (List & { total: number })[] }) {
  return (
    <AdminLayout title="Lists" email={props.email}>
      <h1>Lists</h1>
      <p>
        <a href="/admin/lists/new" class="button-link">
          New list
        </a>
      </p>
      {props.lists.length === 0 ? (
        <p class="muted">No list yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Slug</th>
              <th scope="col">Contacts</th>
              <th scope="col">Purpose version</th>
            </tr>
          </thead>
          <tbody>
            {props.lists.map((l) => (
              <tr class={l.archivedAt ? "archived" : undefined}>
                <td>
                  <a href={`/admin/lists/${l.id}`}>{l.name}</a>
                  {l.archivedAt ? <small class="muted"> (archived)</small> : null}
                </td>
                <td>
                  <code>{l.slug}</code>
                </td>
                <td>{l.total.toLocaleString("en")}</td>
                <td>v{l.purposeVersion}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </AdminLayout>
  );
}

function FieldErrorText(props: { errors: FieldError[]; field: string }) {
  const error = props.errors.find((e) => e.field === props.field);
  return error ? (
    <small class="field-error" id={`${props.field}-error`} role="alert">
      {error.message}
    </small>
  ) : null;
}

const invalid = (errors: FieldError[], field: string) =>
  errors.some((e) => e.field === field)
    ? { "aria-invalid": "true" as const, "aria-describedby": `${field}-error` }
    : {};

export function ListFormPage(props: {
  email: string;
  list?: List;
  values: { slug?: string; name?: string; purpose?: string };
  errors: FieldError[];
}) {
  const { list, values, errors } = props;
  const action = list ? `/admin/lists/${list.id}/edit` : "/admin/lists";
  return (
    <AdminLayout title={list ? `Edit ${list.name}` : "New list"} email={props.email}>
      <h1>{list ? `Edit ${list.name}` : "New list"}</h1>
      <form method="post" action={action}>
        {list ? null : (
          <label>
            Slug (in addresses such as /lists/<em>slug</em>/subscribe)
            <input name="slug" required value={values.slug ?? ""} {...invalid(errors, "slug")} />
            <FieldErrorText errors={errors} field="slug" />
          </label>
        )}
        <label>
          Name
          <input name="name" required value={values.name ?? ""} {...invalid(errors, "name")} />
          <FieldErrorText errors={errors} field="name" />
        </label>
        <label>
          Purpose: what subscribers consent to
          <textarea name="purpose" rows={5} required {...invalid(errors, "purpose")}>
            {values.purpose ?? ""}
          </textarea>
          <FieldErrorText errors={errors} field="purpose" />
          {list ? (
            <small class="muted">
              Changing this text makes version {list.purposeVersion + 1}; consent events record the
              version they refer to.
            </small>
          ) : null}
        </label>
        <button type="submit">{list ? "Save" : "Create list"}</button>{" "}
        <a href={list ? `/admin/lists/${list.id}` : "/admin/lists"}>Cancel</a>
      </form>
    </AdminLayout>
  );
}

export function ListPage(props: {
  email: string;
  list: List;
  counts: Record<ConsentState, number>;
  contacts: ContactsSectionProps;
  addForm?: Child;
  /** The upload form as re-rendered with its errors or report (without htmx). */
  importForm?: Child;
}) {
  const { list } = props;
  return (
    <AdminLayout title={list.name} email={props.email}>
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <a href="/admin/lists">Lists</a>
          </li>
          <li>{list.name}</li>
        </ul>
      </nav>
      <hgroup>
        <h1>{list.name}</h1>
        <p>
          <code>{list.slug}</code> · purpose v{list.purposeVersion}
          {list.archivedAt ? " · archived" : ""}
        </p>
      </hgroup>
      <blockquote class="purpose">{list.purpose}</blockquote>
      {list.archivedAt ? null : (
        <p class="section-actions">
          <a href={`/admin/lists/${list.id}/reconsent`} class="button-link">
            Ask for consent again…
          </a>{" "}
          <a href="/admin/campaigns" class="button-link">
            Write a campaign…
          </a>
        </p>
      )}
      <p class="section-actions">
        <a href={`/admin/lists/${list.id}/edit`}>Edit name and purpose</a>
        {" · "}
        <form method="post" action={`/admin/lists/${list.id}/archive`} class="inline">
          <input type="hidden" name="archived" value={list.archivedAt ? "0" : "1"} />
          <button type="submit" class="outline secondary">
            {list.archivedAt ? "Unarchive" : "Archive"}
          </button>
        </form>
        {" · "}
        <a href={`/admin/audit?list=${list.id}`}>Audit log</a>
        {" · "}
        <a href={`/admin/lists/${list.id}/registrations`}>Registrations</a>
        {" · "}
        <a href={`/admin/lists/${list.id}/consent-evidence.json`} download>
          Consent evidence (JSON)
        </a>
        {" · "}
        <a href={`/admin/lists/${list.id}/verify-ip`}>Verify an IP…</a>
        {" · "}
        <a href={`/lists/${list.slug}/subscribe`}>Public subscribe form</a>
      </p>
      {list.archivedAt ? (
        <p class="muted">This list is archived: unarchive it to add or import contacts.</p>
      ) : (
        // Above the table, folded until used; a refused or reported submission opens it in view.
        <details class="add-import" open={Boolean(props.addForm || props.importForm)}>
          <summary>Add or import contacts</summary>
          <section class="grid-2">
            {props.addForm ?? <AddContactForm listId={list.id} />}
            {props.importForm ?? <ImportForm listId={list.id} />}
          </section>
        </details>
      )}
      <ContactsSection {...props.contacts} />
    </AdminLayout>
  );
}
