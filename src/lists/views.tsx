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
import { formatCount } from "../views/format";
import { AdminLayout } from "../views/layout";
import { useAdminLang, useAdminText } from "../views/org";
import type { List } from "./service";

export function ListsIndexPage(props: { email: string; lists: (List & { total: number })[] }) {
  const t = useAdminText().lists;
  const fmt = formatCount(useAdminLang());
  return (
    <AdminLayout title={t.title} email={props.email}>
      <h1>{t.title}</h1>
      <p>
        <a href="/admin/lists/new" class="button-link">
          {t.newList}
        </a>
      </p>
      {props.lists.length === 0 ? (
        <p class="muted">{t.noList}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t.name}</th>
              <th scope="col">{t.slug}</th>
              <th scope="col">{t.contacts}</th>
              <th scope="col">{t.purposeVersion}</th>
            </tr>
          </thead>
          <tbody>
            {props.lists.map((l) => (
              <tr class={l.archivedAt ? "archived" : undefined}>
                <td>
                  <a href={`/admin/lists/${l.id}`}>{l.name}</a>
                  {l.archivedAt ? <small class="muted"> ({t.archived})</small> : null}
                </td>
                <td>
                  <code>{l.slug}</code>
                </td>
                <td>{fmt(l.total)}</td>
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
  const t = useAdminText().lists;
  const action = list ? `/admin/lists/${list.id}/edit` : "/admin/lists";
  const title = list ? t.edit(list.name) : t.newList;
  return (
    <AdminLayout title={title} email={props.email}>
      <h1>{title}</h1>
      <form method="post" action={action}>
        {list ? null : (
          <label>
            {t.slugLabel}
            <em>slug</em>
            {t.slugLabelEnd}
            <input name="slug" required value={values.slug ?? ""} {...invalid(errors, "slug")} />
            <FieldErrorText errors={errors} field="slug" />
          </label>
        )}
        <label>
          {t.name}
          <input name="name" required value={values.name ?? ""} {...invalid(errors, "name")} />
          <FieldErrorText errors={errors} field="name" />
        </label>
        <label>
          {t.purpose}
          <textarea name="purpose" rows={5} required {...invalid(errors, "purpose")}>
            {values.purpose ?? ""}
          </textarea>
          <FieldErrorText errors={errors} field="purpose" />
          {list ? <small class="muted">{t.purposeHint(list.purposeVersion + 1)}</small> : null}
        </label>
        <button type="submit">{list ? t.save : t.create}</button>{" "}
        <a href={list ? `/admin/lists/${list.id}` : "/admin/lists"}>{t.cancel}</a>
      </form>
    </AdminLayout>
  );
}

/** Edit, archive, the audit trail, registrations, the evidence, and the public subscribe form. */
function ListLinks(props: { list: List }) {
  const { list } = props;
  const t = useAdminText().lists;
  return (
    <p class="section-actions">
      <a href={`/admin/lists/${list.id}/edit`}>{t.editNamePurpose}</a>
      {" · "}
      <form method="post" action={`/admin/lists/${list.id}/archive`} class="inline">
        <input type="hidden" name="archived" value={list.archivedAt ? "0" : "1"} />
        <button type="submit" class="outline secondary">
          {list.archivedAt ? t.unarchive : t.archive}
        </button>
      </form>
      {" · "}
      <a href={`/admin/audit?list=${list.id}`}>{t.audit}</a>
      {" · "}
      <a href={`/admin/lists/${list.id}/registrations`}>{t.registrations}</a>
      {" · "}
      <a href={`/admin/lists/${list.id}/consent-evidence.json`} download>
        {t.evidence}
      </a>
      {" · "}
      <a href={`/admin/lists/${list.id}/verify-ip`}>{t.verifyIp}</a>
      {" · "}
      <a href={`/lists/${list.slug}/subscribe`}>{t.subscribeForm}</a>
    </p>
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
  const t = useAdminText().lists;
  return (
    <AdminLayout title={list.name} email={props.email}>
      <ListCrumbs list={list} />
      <hgroup>
        <h1>{list.name}</h1>
        <p>
          <code>{list.slug}</code> · {t.purposeV(list.purposeVersion)}
          {list.archivedAt ? ` · ${t.archived}` : ""}
        </p>
      </hgroup>
      <blockquote class="purpose">{list.purpose}</blockquote>
      {list.archivedAt ? null : (
        <p class="section-actions">
          <a href={`/admin/lists/${list.id}/reconsent`} class="button-link">
            {t.askAgain}
          </a>{" "}
          <a href="/admin/campaigns" class="button-link">
            {t.writeCampaign}
          </a>
        </p>
      )}
      <ListLinks list={list} />
      {list.archivedAt ? (
        <p class="muted">{t.archivedHint}</p>
      ) : (
        // Above the table, folded until used; a refused or reported submission opens it in view.
        <details class="add-import" open={Boolean(props.addForm || props.importForm)}>
          <summary>{t.addOrImport}</summary>
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

/** The breadcrumb of a list's pages: Lists › the list (its own page) › the page within it. */
export function ListCrumbs(props: { list: { id: number; name: string }; here?: Child }) {
  const t = useAdminText().lists;
  return (
    <nav aria-label={t.breadcrumb}>
      <ul>
        <li>
          <a href="/admin/lists">{t.title}</a>
        </li>
        {props.here === undefined ? (
          <li>{props.list.name}</li>
        ) : (
          <>
            <li>
              <a href={`/admin/lists/${props.list.id}`}>{props.list.name}</a>
            </li>
            <li>{props.here}</li>
          </>
        )}
      </ul>
    </nav>
  );
}
