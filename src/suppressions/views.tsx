// The suppression admin page: counts per reason, search by address or reason, lift with a reason.
import { errorsByField, SelectField, TextField } from "../views/fields";
import { formatCount, labelOf } from "../views/format";
import { AdminLayout } from "../views/layout";
import { useAdminLang, useAdminText } from "../views/org";
import { type Sort, SortHeader } from "../views/sort";
import { Time } from "../views/time";
import { SUPPRESSION_REASONS, type SuppressionQuery, type SuppressionSearch } from "./service";

export type RowError = { hash: string; message: string; note: string };

export function SuppressionsPage(props: {
  email: string;
  query: SuppressionQuery;
  search: SuppressionSearch;
  notice?: string;
  rowError?: RowError;
  sort?: Sort<string>;
}) {
  const { query, search } = props;
  const sortable = (label: string, column: string) => (
    <SortHeader
      label={label}
      column={column}
      current={props.sort ?? { key: "date", dir: "desc" }}
      path="/admin/suppressions"
      params={{ address: query.address, reason: query.reason }}
    />
  );
  const errors = errorsByField(search.errors, useAdminLang());
  const total = search.total;
  const t = useAdminText().suppressions;
  const fmt = formatCount(useAdminLang());
  return (
    <AdminLayout title={t.title} email={props.email}>
      <h1>{t.title}</h1>
      <p class="muted">{t.intro}</p>
      <p>
        {t.suppressed(fmt(total))}
        {search.counts.length ? useAdminText().sendingBar.colon : "."}
        {search.counts.map((c, i) => (
          <>
            {i ? ", " : ""}
            <a href={`/admin/suppressions?reason=${encodeURIComponent(c.reason)}`}>
              {fmt(c.n)} {labelOf(t.reasons, c.reason)}
            </a>
          </>
        ))}
      </p>
      {props.notice ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}
      <form method="get" action="/admin/suppressions" class="suppression-search">
        <TextField
          name="address"
          label={t.address}
          type="search"
          value={query.address}
          maxlength={320}
          placeholder={t.addressPlaceholder}
          errors={errors}
        />
        <SelectField
          name="reason"
          label={t.reason}
          value={query.reason}
          options={[
            { value: "", label: t.anyReason },
            ...SUPPRESSION_REASONS.map((r) => ({ value: r, label: t.reasons[r] })),
          ]}
          errors={errors}
        />
        <button type="submit">{t.search}</button>
      </form>
      {search.rows.length === 0 ? (
        <p class="muted">
          {!query.address
            ? t.noMatch
            : query.address.includes("@")
              ? t.addressNotListed
              : t.noneContains}
        </p>
      ) : (
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
            {search.rows.map((row) => {
              const error = props.rowError?.hash === row.addressHash ? props.rowError : undefined;
              const id = `note-${row.addressHash.slice(0, 16)}`;
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
                          {r.listId === null ? "" : t.listOnly(r.listId)}, <Time at={r.at} />,{" "}
                          {r.source}
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td>
                    {row.liftable ? (
                      <form method="post" action="/admin/suppressions/remove" class="inline-form">
                        <input type="hidden" name="hash" value={row.addressHash} />
                        <input type="hidden" name="address" value={query.address} />
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
                    ) : (
                      <span
                        class={error ? "field-error" : "muted"}
                        role={error ? "alert" : undefined}
                      >
                        {error?.message ?? t.ownChoice}
                      </span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </AdminLayout>
  );
}
