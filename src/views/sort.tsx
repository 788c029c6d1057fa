// Sortable table headers: the sort lives in the query string (`?sort=name&dir=asc`), so Back and
// reload keep it; a header is a plain link that keeps the other parameters and drops the page.

export type SortDir = "asc" | "desc";
export type Sort<K extends string> = { key: K; dir: SortDir };

/**
 * The sort a query asks for, if it names one of `keys` (a whitelist: the value never reaches SQL,
 * only the key it matched); anything else is the table's default order.
 */
export function readSort<K extends string>(
  query: Record<string, string | undefined>,
  keys: readonly K[],
  fallback: Sort<K>,
): Sort<K> {
  const key = keys.find((k) => k === query.sort);
  if (!key) return fallback;
  const dir = query.dir === "asc" || query.dir === "desc" ? query.dir : "asc";
  return { key, dir };
}

/** Parameters that name a page: a new order starts again at the first page. */
const PAGE_PARAMS = ["cursor", "page", "before", "after"];

/** `path` with `params` (empty values left out), the sort set and the page dropped. */
export function sortHref(
  path: string,
  params: Record<string, string | undefined>,
  sort: Sort<string>,
) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value && !PAGE_PARAMS.includes(name) && name !== "sort" && name !== "dir") {
      search.set(name, value);
    }
  }
  search.set("sort", sort.key);
  search.set("dir", sort.dir);
  return `${path}?${search.toString()}`;
}

/**
 * A column header that sorts: the sorted one carries `aria-sort` and an arrow, and its link
 * turns the order round; another column's link sorts by it, ascending first.
 */
export function SortHeader(props: {
  label: string;
  column: string;
  current: Sort<string>;
  path: string;
  params: Record<string, string | undefined>;
  /** htmx attributes, where the table is swapped in place. */
  swap?: Record<string, string>;
}) {
  const sorted = props.current.key === props.column;
  const dir: SortDir = sorted && props.current.dir === "asc" ? "desc" : "asc";
  const href = sortHref(props.path, props.params, { key: props.column, dir });
  const htmx = props.swap ? { "hx-get": href, ...props.swap } : {};
  return (
    <th
      scope="col"
      aria-sort={sorted ? (props.current.dir === "asc" ? "ascending" : "descending") : undefined}
    >
      <a href={href} class="sort" {...htmx}>
        {props.label}
        {sorted ? (
          <span aria-hidden="true">{props.current.dir === "asc" ? " ▲" : " ▼"}</span>
        ) : null}
      </a>
    </th>
  );
}

/**
 * Rows already in memory (a short table: incidents, polls) in `sort`'s order; equal values keep
 * the order they came in, so ties stay stable from one load to the next.
 */
export function sortRows<T, K extends string>(
  rows: readonly T[],
  sort: Sort<K>,
  valuesBy: Record<K, (row: T) => string | number>,
): T[] {
  const value = valuesBy[sort.key];
  const sign = sort.dir === "asc" ? 1 : -1;
  return rows
    .map((row, i) => ({ row, i, v: value(row) }))
    .sort((a, b) => (a.v === b.v ? a.i - b.i : a.v < b.v ? -sign : sign))
    .map((x) => x.row);
}
