// The suppression admin page: counts per reason, search by address or reason, lift with a reason.
import { errorsByField, SelectField, TextField } from "../views/fields";
import { AdminLayout } from "../views/layout";
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
  const errors = errorsByField(search.errors);
  const total = search.total;
  return (
    <AdminLayout title="Suppressions" email={props.email}>
      <h1>Suppressions</h1>
      <p class="muted">
        Addresses that are never invited, mailed or re-imported. Only a salted hash of each is kept;
        the address shows when a contact still has it. Lifting a suppression leaves the consent
        ledger as it is: a bounced or unsubscribed contact stays so until it consents again.
      </p>
      <p>
        {total.toLocaleString("en")} suppressed
        {search.counts.length ? ": " : "."}
        {search.counts.map((c, i) => (
          <>
            {i ? ", " : ""}
            <a href={`/admin/suppressions?reason=${encodeURIComponent(c.reason)}`}>
              {c.n.toLocaleString("en")} {c.reason}
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
          label="Address or name"
          type="search"
          value={query.address}
          maxlength={320}
          placeholder="someone@example.org, or a part of it"
          errors={errors}
        />
        <SelectField
          name="reason"
          label="Reason"
          value={query.reason}
          options={[{ value: "", label: "Any reason" }, ...SUPPRESSION_REASONS]}
          errors={errors}
        />
        <button type="submit">Search</button>
      </form>
      {search.rows.length === 0 ? (
        <p class="muted">
          {!query.address
            ? "No suppression matches."
            : query.address.includes("@")
              ? "This address is not on the suppression list."
              : "No suppressed address or name contains this text."}
        </p>
      ) : (
        <table>
          <thead>
            <tr>
              {sortable("Address", "address")}
              <th scope="col">Hash</th>
              {sortable("Reasons", "date")}
              <th scope="col">Lift</th>
            </tr>
          </thead>
          <tbody>
            {search.rows.map((row) => {
              const error = props.rowError?.hash === row.addressHash ? props.rowError : undefined;
              const id = `note-${row.addressHash.slice(0, 16)}`;
              return (
                <tr>
                  <td>{row.addressHint ?? <span class="muted">(not kept)</span>}</td>
                  <td>
                    <code title={row.addressHash}>{row.addressHash.slice(0, 12)}…</code>
                  </td>
                  <td>
                    <ul class="plain">
                      {row.reasons.map((r) => (
                        <li>
                          {r.reason}
                          {r.listId === null ? "" : ` (list #${r.listId} only)`}, <Time at={r.at} />
                          , {r.source}
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
                          Why may it be mailed again?
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
                          Lift suppression
                        </button>
                      </form>
                    ) : (
                      <span
                        class={error ? "field-error" : "muted"}
                        role={error ? "alert" : undefined}
                      >
                        {error?.message ?? "The person's own choice: only they can lift it."}
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
