// Selecting contacts in the table: a checkbox per row and one for the whole page, tied to the
// selection form by `form=` (so the row's own edit form is never nested in it), and the bar of
// actions on what is ticked. Without JavaScript the form still sends the ticked ids; with it,
// public/table-select.js ticks the page and keeps the count in the bar.
import { CONSENT_STATES } from "../consent/states";
import { AdminLayout } from "../views/layout";
import { useAdminText } from "../views/org";
import { type ContactFilter, type ContactOrder, DEFAULT_ORDER } from "./service";

export const SELECTION_FORM = "contacts-selection";

export function SelectCell(props: { contactId: number; label: string }) {
  const t = useAdminText().tables;
  return (
    <td class="select">
      <input
        type="checkbox"
        name="id"
        value={String(props.contactId)}
        form={SELECTION_FORM}
        aria-label={`${t.select} ${props.label}`}
      />
    </td>
  );
}

/** "Select all on this page": without JavaScript, sent as `all=1` with the page's ids. */
export function SelectAllHeader() {
  const t = useAdminText().tables;
  return (
    <th scope="col" class="select">
      <input
        type="checkbox"
        name="all"
        value="1"
        form={SELECTION_FORM}
        aria-label={t.selectPage}
        data-select-all
      />
    </th>
  );
}

/**
 * The actions on the selection. A GET form: export is the list's export with the ids, suppress
 * and erase open the bulk confirmation with them (the same routes, so the same roles).
 */
export function SelectionBar(props: { listId: number; pageIds: number[] }) {
  const t = useAdminText().tables;
  const base = `/admin/lists/${props.listId}`;
  return (
    <form
      id={SELECTION_FORM}
      method="get"
      action={`${base}/bulk`}
      class="selection-bar"
      aria-label={t.selection}
      data-selection
    >
      <input type="hidden" name="selection" value="1" />
      <input type="hidden" name="page_ids" value={props.pageIds.join(" ")} />
      <output class="muted" aria-live="polite" data-selected-count>
        <span data-count>0</span> {t.selected}
      </output>
      <button type="submit" formaction={`${base}/export.csv`} class="secondary outline">
        {t.exportSelected}
      </button>
      <button type="submit" name="action" value="suppress" class="secondary outline">
        {t.suppressSelected}
      </button>
      <button type="submit" name="action" value="erase" class="secondary outline">
        {t.eraseSelected}
      </button>
      <script src="/table-select.js" defer />
    </form>
  );
}

/** An action asked on an empty selection: says so, changes nothing. */
export function NoSelectionPage(props: { email: string; back: string; badFilter?: boolean }) {
  const t = useAdminText().tables;
  const title = props.badFilter ? t.badFilter : t.noSelection;
  return (
    <AdminLayout title={title} email={props.email}>
      <article class="narrow">
        <h1>{title}</h1>
        <p role="alert">{props.badFilter ? t.badFilterHelp : t.noSelectionHelp}</p>
        <a href={props.back}>{t.back}</a>
      </article>
    </AdminLayout>
  );
}

/** State and search; the order travels with them, so filtering keeps the table's sort. */
export function ContactsFilterForm(props: {
  listId: number;
  filter: ContactFilter;
  order: ContactOrder;
  swap: Record<string, string>;
}) {
  const t = useAdminText().tables;
  const { filter, order } = props;
  const path = `/admin/lists/${props.listId}`;
  const sorted = order.key !== DEFAULT_ORDER.key || order.dir !== DEFAULT_ORDER.dir;
  return (
    <form method="get" action={path} hx-get={path} {...props.swap} class="filters">
      {sorted ? (
        <>
          <input type="hidden" name="sort" value={order.key} />
          <input type="hidden" name="dir" value={order.dir} />
        </>
      ) : null}
      <label>
        {t.state}
        <select name="status">
          <option value="">{t.allStates}</option>
          {CONSENT_STATES.map((s) => (
            <option value={s} selected={filter.status === s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t.search}
        <input type="search" name="q" value={filter.q ?? ""} />
      </label>
      <button type="submit">{t.filter}</button>
    </form>
  );
}
