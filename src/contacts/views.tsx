// Admin views of a list's contacts: the filterable, pageable table (htmx fragment or full page),
// click-to-edit rows, add and import forms, confirmations (a contact's own page: contact-page.tsx).

import { CONSENT_STATES, type ConsentState } from "../consent/states";
import type { List } from "../lists/service";
import { languageOf } from "../sending/render";
import { formatCount } from "../views/format";
import { AdminLayout } from "../views/layout";
import { useAdminLang, useAdminText } from "../views/org";
import { SortHeader } from "../views/sort";
import { Time } from "../views/time";
import type { ImportReport } from "./import";
import {
  type Attributes,
  type ContactFilter,
  type ContactOrder,
  type ContactRow,
  DEFAULT_ORDER,
} from "./service";
import { ContactsFilterForm, SelectAllHeader, SelectCell, SelectionBar } from "./table-views";

/** The list page URL for a filter, order (and cursor): the same URL serves htmx and browsers. */
export function listUrl(
  listId: number,
  filter: ContactFilter,
  cursor?: string,
  suffix = "",
  order?: ContactOrder,
) {
  const params = new URLSearchParams();
  if (filter.status) params.set("status", filter.status);
  if (filter.q) params.set("q", filter.q);
  if (order && (order.key !== DEFAULT_ORDER.key || order.dir !== DEFAULT_ORDER.dir)) {
    params.set("sort", order.key);
    params.set("dir", order.dir);
  }
  if (cursor) params.set("cursor", cursor);
  const query = params.toString();
  return `/admin/lists/${listId}${suffix}${query ? `?${query}` : ""}`;
}

export const contactUrl = (listId: number, contactId: number, suffix = "") =>
  `/admin/lists/${listId}/contacts/${contactId}${suffix}`;

/** Attributes as editable `name: value` lines. */
export const attributesToText = (attributes: Attributes | null) =>
  Object.entries(attributes ?? {})
    .map(([k, v]) => `${k}: ${v ?? ""}`)
    .join("\n");

export function ContactDisplayRow(props: { listId: number; row: ContactRow }) {
  const { row, listId } = props;
  const t = useAdminText().tables;
  const erased = row.email === null;
  return (
    <tr id={`contact-${row.id}`}>
      <SelectCell contactId={row.id} label={row.email ?? t.erased} />
      <td>{erased ? <em class="muted">{t.erased}</em> : row.email}</td>
      <td>
        {erased ? (
          "—"
        ) : (
          <a
            href={contactUrl(listId, row.id)}
            class="click-to-edit"
            title={t.editTitle}
            hx-get={contactUrl(listId, row.id, "/edit")}
            hx-target="closest tr"
            hx-swap="outerHTML"
          >
            {row.name || <span class="muted">{t.noName}</span>}
          </a>
        )}
      </td>
      <td>
        <span class={`state state-${row.status}`}>{row.status}</span>
      </td>
      <td>{erased ? "—" : languageOf(row.attributes)}</td>
      <td>
        <Time at={row.changedAt} relative />
      </td>
      <td class="attributes-line">{attributesLine(row.attributes)}</td>
      <td>
        <a href={contactUrl(listId, row.id)}>{t.history}</a>
      </td>
    </tr>
  );
}

/** The editable part of a contact (the address is never edited), with its error in place. */
export function ContactFields(props: {
  name: string;
  attributes: string;
  rows: number;
  error?: { field: string; message: string };
}) {
  const { error } = props;
  const t = useAdminText().contacts;
  return (
    <>
      <label>
        {t.name}
        <input
          name="name"
          value={props.name}
          aria-invalid={error?.field === "name" ? "true" : undefined}
        />
      </label>
      <label>
        {t.attributes}
        <code>{t.attributesSyntax}</code>
        {t.attributesEnd}
        <textarea
          name="attributes"
          rows={props.rows}
          aria-invalid={error?.field === "attributes" ? "true" : undefined}
        >
          {props.attributes}
        </textarea>
      </label>
      {error ? (
        <p class="field-error" role="alert">
          {error.message}
        </p>
      ) : null}
    </>
  );
}

export function ContactEditRow(props: {
  listId: number;
  row: ContactRow;
  name: string;
  attributes: string;
  error?: { field: string; message: string };
}) {
  const { row, listId, error } = props;
  const t = useAdminText().contacts;
  const url = contactUrl(listId, row.id);
  return (
    <tr id={`contact-${row.id}`} class="editing">
      {/* The selection checkbox's column: nothing to select while the row is edited. */}
      <td />
      <td>{row.email}</td>
      <td colspan={6}>
        <form
          method="post"
          action={url}
          hx-post={url}
          hx-target="closest tr"
          hx-swap="outerHTML"
          class="edit-row"
        >
          <ContactFields
            name={props.name}
            attributes={props.attributes}
            error={error}
            rows={Math.min(8, props.attributes.split("\n").length + 1)}
          />
          <div class="row-actions">
            <button type="submit">{t.save}</button>
            <a
              href={url}
              class="secondary outline"
              hx-get={contactUrl(listId, row.id, "/row")}
              hx-target="closest tr"
              hx-swap="outerHTML"
            >
              {t.cancel}
            </a>
          </div>
        </form>
      </td>
    </tr>
  );
}

export type ContactsSectionProps = {
  list: List;
  filter: ContactFilter;
  /** The table's order, from `sort` and `dir` in the query string. */
  order: ContactOrder;
  rows: ContactRow[];
  total: number;
  nextCursor: string | null;
  paged: boolean;
  /** Matching rows before this page, and the previous page's cursor ("" for the first page). */
  before?: number;
  previousCursor?: string | null;
  /** The page's own cursor, so a reload after an import stays on it. */
  currentCursor?: string;
  /** Members per state: refreshed with the table (after an import, for instance). */
  counts?: Record<ConsentState, number>;
};

function ConsentCounts(props: { listId: number; counts: Record<ConsentState, number> }) {
  const text = useAdminText();
  const count = formatCount(useAdminLang());
  const total = Object.values(props.counts).reduce((a, b) => a + b, 0);
  return (
    <section aria-labelledby="counts-title">
      <h2 id="counts-title">{text.contacts.countsTitle(count(total))}</h2>
      <ul class="state-counts">
        {CONSENT_STATES.map((s) => (
          <li>
            <a href={listUrl(props.listId, { status: s })}>
              <span class={`state state-${s}`}>{text.states.consent[s]}</span>{" "}
              <strong data-state={s}>{count(props.counts[s] ?? 0)}</strong>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Pushed to the address bar, so Back and reload keep the filter, search, order and page. */
const SECTION_SWAP = { "hx-target": "#contacts", "hx-swap": "outerHTML", "hx-push-url": "true" };

/** "51–100 of 3,800", with previous and next pages; every link keeps the filter. */
const fmt = (n: number) => n.toLocaleString("en");

/** Attributes on one line ("site: …; url: …"), cut by CSS; the contact page shows them whole. */
const attributesLine = (attributes: Attributes | null) =>
  Object.entries(attributes ?? {})
    .map(([k, v]) => `${k}: ${v ?? ""}`)
    .join("; ");

function Pager(props: ContactsSectionProps) {
  const { list, filter, order } = props;
  const t = useAdminText().tables;
  const first = (props.before ?? 0) + (props.rows.length > 0 ? 1 : 0);
  const last = (props.before ?? 0) + props.rows.length;
  const previous =
    props.previousCursor === null || props.previousCursor === undefined
      ? undefined
      : listUrl(list.id, filter, props.previousCursor || undefined, "", order);
  const next = props.nextCursor ? listUrl(list.id, filter, props.nextCursor, "", order) : undefined;
  return (
    <nav aria-label={t.pages} class="pager">
      <span>
        {fmt(first)}–{fmt(last)} {t.of} {fmt(props.total)}
      </span>
      {previous ? (
        <a href={previous} hx-get={previous} {...SECTION_SWAP} rel="prev">
          {t.previous}
        </a>
      ) : null}
      {next ? (
        <a href={next} hx-get={next} {...SECTION_SWAP} rel="next">
          {t.next}
        </a>
      ) : null}
    </nav>
  );
}

/** The page of contacts; the state and last-change headers sort. */
function ContactsTable(props: ContactsSectionProps) {
  const { list, filter, order } = props;
  const t = useAdminText().tables;
  const sortable = (label: string, column: string) => (
    <SortHeader
      label={label}
      column={column}
      current={order}
      path={`/admin/lists/${list.id}`}
      params={{ status: filter.status, q: filter.q }}
      swap={SECTION_SWAP}
    />
  );
  return (
    <div class="table-scroll">
      <table class="contacts">
        <thead>
          <tr>
            <SelectAllHeader />
            <th scope="col">{t.email}</th>
            <th scope="col">{t.name}</th>
            {sortable(t.state, "state")}
            <th scope="col">{t.language}</th>
            {sortable(t.lastChange, "changed")}
            <th scope="col">{t.attributes}</th>
            <th scope="col">
              <span class="visually-hidden">{t.history}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <ContactDisplayRow listId={list.id} row={row} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** What may be done with every contact the filter matches: export, suppress, erase. */
function FilteredActions(props: { listId: number; filter: ContactFilter; total: number }) {
  const { listId, filter } = props;
  const t = useAdminText().tables;
  const bulk = (action: string) =>
    `${listUrl(listId, filter, undefined, "/bulk")}${filter.status || filter.q ? "&" : "?"}action=${action}`;
  return (
    <p class="section-actions">
      <a href={listUrl(listId, filter, undefined, "/export.csv")} download>
        {t.exportThese} ({fmt(props.total)})
      </a>
      {props.total > 0 ? (
        <>
          {" · "}
          <a href={bulk("suppress")}>{t.suppressThese}</a>
          {" · "}
          <a href={bulk("erase")}>{t.eraseThese}</a>
        </>
      ) : null}
    </p>
  );
}

/** The filter form, the table and the pager: swapped as one piece by htmx. */
export function ContactsSection(props: ContactsSectionProps) {
  const { list, filter, order } = props;
  const t = useAdminText().tables;
  // An import elsewhere on the page says "contacts-changed": counts and table reload in place.
  const here = listUrl(list.id, filter, props.currentCursor, "", order);
  return (
    <section
      id="contacts"
      aria-labelledby="contacts-title"
      hx-get={here}
      hx-trigger="contacts-changed from:body"
      hx-target="this"
      hx-swap="outerHTML"
    >
      {props.counts ? <ConsentCounts listId={list.id} counts={props.counts} /> : null}
      <div>
        <h2 id="contacts-title">{t.contacts}</h2>
        <ContactsFilterForm listId={list.id} filter={filter} order={order} swap={SECTION_SWAP} />
        <p role="status" id="contacts-count">
          {fmt(props.total)} {props.total === 1 ? t.matchOne : t.matchMany}
          {filter.status || filter.q ? t.thisFilter : ""}.
        </p>
        <SelectionBar listId={list.id} pageIds={props.rows.map((r) => r.id)} />
        <ContactsTable {...props} />
        <Pager {...props} />
        <FilteredActions listId={list.id} filter={filter} total={props.total} />
      </div>
    </section>
  );
}

export function AddContactForm(props: {
  listId: number;
  values?: { email?: string; name?: string };
  error?: { field: string; message: string };
  added?: string;
}) {
  const { error } = props;
  const text = useAdminText();
  const t = text.contacts;
  return (
    <form method="post" action={`/admin/lists/${props.listId}/contacts`} id="add-contact">
      <h3>{t.addTitle}</h3>
      <p class="muted">
        {t.addHintStart}
        <strong>{text.states.consent.legacy}</strong>
        {t.addHintEnd}
      </p>
      {props.added ? (
        <p class="notice" role="status">
          {t.added(props.added)}
        </p>
      ) : null}
      <div class="grid">
        <label>
          {t.email}
          <input
            name="email"
            type="email"
            required
            value={props.values?.email ?? ""}
            aria-invalid={error?.field === "email" ? "true" : undefined}
            aria-describedby={error ? "add-error" : undefined}
          />
        </label>
        <label>
          {t.name}
          <input name="name" value={props.values?.name ?? ""} />
        </label>
      </div>
      {error ? (
        <p class="field-error" id="add-error" role="alert">
          {error.message}
        </p>
      ) : null}
      <button type="submit">{t.addAsLegacy}</button>
    </form>
  );
}

export function ImportResult(props: { report?: ImportReport }) {
  const r = props.report;
  const t = useAdminText().contacts;
  if (!r) return <div id="import-result" />;
  return (
    <div id="import-result" class="notice" role="status">
      <p>{t.importReport(r.imported, r.updated, r.duplicates, r.rejected.length)}</p>
      {r.rejected.length ? (
        <details>
          <summary>{t.rejectedRows}</summary>
          <ul>
            {r.rejected.slice(0, 200).map((x) => (
              <li>{t.line(x.line, x.reason)}</li>
            ))}
            {r.rejected.length > 200 ? <li>{t.more(r.rejected.length - 200)}</li> : null}
          </ul>
        </details>
      ) : null}
    </div>
  );
}

export type ImportFormErrors = { file?: string; source?: string };

/** The file and the source it came from, each with its error. */
function ImportFields(props: { source?: string; errors: ImportFormErrors }) {
  const t = useAdminText().contacts;
  const e = props.errors;
  const aria = (field: keyof ImportFormErrors) =>
    e[field] ? { "aria-invalid": "true" as const, "aria-describedby": `${field}-error` } : {};
  return (
    <div class="grid">
      <div>
        <label>
          {t.file}
          <input type="file" name="file" accept=".csv,text/csv" required {...aria("file")} />
        </label>
        {e.file ? (
          <small class="field-error" id="file-error">
            {e.file}
          </small>
        ) : null}
      </div>
      <div>
        <label>
          {t.source}
          <input
            name="source"
            required
            maxlength={500}
            value={props.source ?? ""}
            placeholder={t.sourcePlaceholder}
            {...aria("source")}
          />
        </label>
        {e.source ? (
          <small class="field-error" id="source-error">
            {e.source}
          </small>
        ) : null}
      </div>
    </div>
  );
}

/** The upload form; htmx swaps the whole form, so an error lands next to its field. */
export function ImportForm(props: {
  listId: number;
  source?: string;
  errors?: ImportFormErrors;
  report?: ImportReport;
}) {
  const url = `/admin/lists/${props.listId}/imports`;
  const text = useAdminText();
  const t = text.contacts;
  const e = props.errors ?? {};
  return (
    <form
      method="post"
      action={url}
      enctype="multipart/form-data"
      hx-post={url}
      hx-target="this"
      hx-swap="outerHTML"
      hx-indicator="#import-progress"
      hx-disable="find button"
      id="import-form"
    >
      <h3>{t.importTitle}</h3>
      <p class="muted">
        {t.importHint1}
        <code>email</code>
        {t.importHint2}
        <code>name</code>
        {t.importHint3}
        <strong>{text.states.consent.legacy}</strong>
        {t.importHint4}
      </p>
      <ImportFields source={props.source} errors={e} />
      <button type="submit">{t.import}</button>
      <progress id="import-progress" class="htmx-indicator" aria-label={t.importing} />
      <ImportResult report={props.report} />
    </form>
  );
}

export function ConfirmPage(props: {
  email: string;
  title: string;
  message: string;
  action: string;
  hidden: Record<string, string>;
  button: string;
  back: string;
}) {
  return (
    <AdminLayout title={props.title} email={props.email}>
      <article class="narrow">
        <h1>{props.title}</h1>
        <p>{props.message}</p>
        <form method="post" action={props.action}>
          {Object.entries(props.hidden).map(([name, value]) => (
            <input type="hidden" name={name} value={value} />
          ))}
          <button type="submit" class="danger">
            {props.button}
          </button>{" "}
          <a href={props.back}>{useAdminText().contacts.cancel}</a>
        </form>
      </article>
    </AdminLayout>
  );
}
