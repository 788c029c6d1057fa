// The suppression admin page: counts per reason, search by address or reason, lift with a reason.
import { errorsByField, SelectField, TextField } from "../views/fields";
import { formatCount, labelOf } from "../views/format";
import { AdminLayout } from "../views/layout";
import { useAdminLang, useAdminText } from "../views/org";
import { type Sort, SortHeader } from "../views/sort";
import { Time } from "../views/time";
import { SUPPRESSION_REASONS, type SuppressionQuery, type SuppressionSearch } from "./service";

export type RowError = { hash: string; message: string; note: string };

type PageProps = {
  email: string;
  query: SuppressionQuery;
  search: SuppressionSearch;
  notice?: string;
  rowError?: RowError;
  sort?: Sort<string>;
};

export function SuppressionsPage(props: PageProps) {
  const { query, search } = props;
  const t = useAdminText().suppressions;
  return (
    <AdminLayout title={t.title} email={props.email}>
      <h1>{t.title}</h1>
      <p class="muted">{t.intro}</p>
      <SuppressionCounts search={search} />
      {props.notice ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}
      <SearchForm query={query} search={search} />
      {search.rows.length === 0 ? (
        <p class="muted">
          {!query.address
            ? t.noMatch
            : query.address.includes("@")
              ? t.addressNotListed
              : t.noneContains}
        </p>
      ) : (
        <SuppressionTable {...props} />
      )}
    </AdminLayout>
  );
}

/** "N suppressed: 3 bounces, 2 complaints…", each count a link to its reason. */
function SuppressionCounts(props: { search: SuppressionSearch }) {
  const t = useAdminText().suppressions;
  const fmt = formatCount(useAdminLang());
  const { counts, total } = props.search;
  return (
    <p>
      {t.suppressed(fmt(total))}
      {counts.length ? useAdminText().sendingBar.colon : "."}
      {counts.map((c, i) => (
        <>
          {i ? ", " : ""}
          <a href={`/admin/suppressions?reason=${encodeURIComponent(c.reason)}`}>
            {fmt(c.n)} {labelOf(t.reasons, c.reason)}
          </a>
        </>
      ))}
    </p>
  );
}

function SearchForm(props: { query: SuppressionQuery; search: SuppressionSearch }) {
  const t = useAdminText().suppressions;
  const errors = errorsByField(props.search.errors, useAdminLang());
  return (
    <form method="get" action="/admin/suppressions" class="suppression-search">
      <TextField
        name="address"
        label={t.address}
        type="search"
        value={props.query.address}
        maxlength={320}
        placeholder={t.addressPlaceholder}
        errors={errors}
      />
      <SelectField
        name="reason"
        label={t.reason}
        value={props.query.reason}
        options={[
          { value: "", label: t.anyReason },
          ...SUPPRESSION_REASONS.map((r) => ({ value: r, label: t.reasons[r] })),
        ]}
        errors={errors}
      />
      <button type="submit">{t.search}</button>
    </form>
  );
}

function SuppressionTable(props: PageProps) {
  const { query, search } = props;
  const t = useAdminText().suppressions;
  const sortable = (label: string, column: string) => (
    <SortHeader
      label={label}
      column={column}
      current={props.sort ?? { key: "date", dir: "desc" }}
      path="/admin/suppressions"
      params={{ address: query.address, reason: query.reason }}
    />
  );
  return (
    <table>
      <thead>
        <tr>
          {sortable(t.addressColumn, "address")}
          <th scope="col">{t.hash}</th>
          {sortable(t.reasonsColumn, "date")}
          <th scope="col">{t.lift}</th>
        </tr>
      </thead>
      <tbody>
        {search.rows.map((row) => (
          <SuppressionRow
            row={row}
            address={query.address}
            error={props.rowError?.hash === row.addressHash ? props.rowError : undefined}
          />
        ))}
      </tbody>
    </table>
  );
}

type Row = SuppressionSearch["rows"][number];

function SuppressionRow(props: { row: Row; address: string; error?: RowError }) {
  const { row } = props;
  const t = useAdminText().suppressions;
  return (
    <tr>
      <td>{row.addressHint ?? <span class="muted">{t.notKept}</span>}</td>
      <td>
        <code title={row.addressHash}>{row.addressHash.slice(0, 12)}…</code>
      </td>
      <td>
        <ul class="plain">
          {row.reasons.map((r) => (
            <li>
              {labelOf(t.reasons, r.reason)}
              {r.listId === null ? "" : t.listOnly(r.listId)}, <Time at={r.at} />, {r.source}
            </li>
          ))}
        </ul>
      </td>
      <td>
        {row.liftable ? (
          <LiftForm hash={row.addressHash} address={props.address} error={props.error} />
        ) : (
          <span
            class={props.error ? "field-error" : "muted"}
            role={props.error ? "alert" : undefined}
          >
            {props.error?.message ?? t.ownChoice}
          </span>
        )}
      </td>
    </tr>
  );
}

/** Lifting asks why (kept in the audit log); a refusal shows next to the note. */
function LiftForm(props: { hash: string; address: string; error?: RowError }) {
  const t = useAdminText().suppressions;
  const { error } = props;
  const id = `note-${props.hash.slice(0, 16)}`;
  return (
    <form method="post" action="/admin/suppressions/remove" class="inline-form">
      <input type="hidden" name="hash" value={props.hash} />
      <input type="hidden" name="address" value={props.address} />
      <label>
        {t.why}
        <input
          name="note"
          id={id}
          required
          minlength={3}
          maxlength={500}
          value={error?.note ?? ""}
          aria-invalid={error ? "true" : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
        />
      </label>
      {error ? (
        <small class="field-error" id={`${id}-error`} role="alert">
          {error.message}
        </small>
      ) : null}
      <button type="submit" class="secondary">
        {t.liftButton}
      </button>
    </form>
  );
}
