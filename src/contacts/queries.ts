// Every query contacts, their list memberships and CSV imports run.
import type { Client, InValue } from "@libsql/client";
import { and, asc, desc, eq, fillPlaceholders, gt, inArray, isNotNull, or, sql } from "drizzle-orm";
import { contacts, importRows, listMembers } from "../../db/schema";
import type { ConsentState } from "../consent/states";
import { enterList } from "../consent/transitions";
import type { Db } from "../db";

export type Attributes = Record<string, string | number | boolean | null>;

export type ContactRow = {
  memberId: number;
  id: number;
  email: string | null;
  name: string | null;
  status: string;
  /** When the membership last changed (absent where a query does not read it). */
  changedAt?: string;
  attributes: Attributes | null;
};

const contactColumns = {
  memberId: listMembers.id,
  id: contacts.id,
  email: contacts.email,
  name: contacts.name,
  status: listMembers.status,
  /** When the membership last changed state: the "last event" of the contacts table. */
  changedAt: listMembers.updatedAt,
  attributes: sql<string | null>`${contacts.attributes}`,
};

const parseAttributes = (raw: string | null): Attributes | null =>
  raw === null ? null : (JSON.parse(raw) as Attributes);

/** `%` and `_` typed in a search box are literal characters, not wildcards. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/**
 * A search is a prefix of the address or of the name, so that it runs on an index at a million
 * contacts: the address key (lower-case, unique index) in a range, the name with `LIKE 'text%'`
 * on `contacts_name_nocase_idx` (SQLite's LIKE ignores ASCII case, as that index does).
 */
const searchBounds = (text: string) => {
  const key = text.normalize("NFKC").toLowerCase();
  // U+10FFFF sorts after every character: the range is every key that starts with `key`.
  return { keyFrom: key, keyTo: `${key}\u{10FFFF}`, namePattern: `${escapeLike(text)}%` };
};

const searchCondition = (bounds: { keyFrom: unknown; keyTo: unknown; namePattern: unknown }) =>
  or(
    and(
      sql`${contacts.emailKey} >= ${bounds.keyFrom}`,
      sql`${contacts.emailKey} < ${bounds.keyTo}`,
    ),
    sql`${contacts.name} LIKE ${bounds.namePattern} ESCAPE '\\'`,
  );

/** A contains-search (suppressions: no index can serve it, their list is small). */
export const likePattern = (text: string) => `%${escapeLike(text)}%`;

/** `ids`: a selection of contacts (ticked in the table); ids not on the list match nothing. */
export type ContactFilter = { status?: ConsentState; q?: string; ids?: number[] };

/**
 * A filtered list's members. Without a search, from the list's members (by the list's or the
 * list-and-state index); with one, from the contacts the search finds (CROSS JOIN keeps SQLite
 * from walking the whole list instead), each then looked up on the list.
 */
const filterWhere = (listId: number, filter: ContactFilter) =>
  and(
    // The join, for the CROSS JOIN (which has no ON).
    eq(listMembers.contactId, contacts.id),
    eq(listMembers.listId, listId),
    filter.status ? eq(listMembers.status, filter.status) : undefined,
    filter.q ? searchCondition(searchBounds(filter.q)) : undefined,
    filter.ids ? inArray(listMembers.contactId, filter.ids) : undefined,
  );

function buildPage(db: Db, withStatus: boolean, withSearch: boolean) {
  const select = db.select(contactColumns);
  const members = withSearch
    ? select.from(contacts).crossJoin(listMembers)
    : select.from(listMembers).innerJoin(contacts, eq(contacts.id, listMembers.contactId));
  return members
    .where(
      and(
        // The join, for the CROSS JOIN (which has no ON).
        eq(listMembers.contactId, contacts.id),
        eq(listMembers.listId, sql.placeholder("listId")),
        withStatus ? eq(listMembers.status, sql.placeholder("status")) : undefined,
        withSearch
          ? searchCondition({
              keyFrom: sql.placeholder("keyFrom"),
              keyTo: sql.placeholder("keyTo"),
              namePattern: sql.placeholder("namePattern"),
            })
          : undefined,
        gt(listMembers.id, sql.placeholder("after")),
      ),
    )
    .orderBy(asc(listMembers.id))
    .limit(sql.placeholder("limit"))
    .prepare();
}

/** Prepared once per database and filter shape: building the SQL costs more than running it. */
const preparedPages = new WeakMap<Db, Map<string, ReturnType<typeof buildPage>>>();

function pageQuery(db: Db, filter: ContactFilter) {
  const shape = `${Boolean(filter.status)}:${Boolean(filter.q)}`;
  let byShape = preparedPages.get(db);
  if (!byShape) {
    byShape = new Map();
    preparedPages.set(db, byShape);
  }
  let query = byShape.get(shape);
  if (!query) {
    query = buildPage(db, Boolean(filter.status), Boolean(filter.q));
    byShape.set(shape, query);
  }
  return query;
}

const pageValues = (listId: number, filter: ContactFilter, after: number, limit: number) => ({
  listId,
  status: filter.status,
  ...(filter.q ? searchBounds(filter.q) : {}),
  after,
  limit,
});

/** One page in membership order (ids only grow, so a page never skips nor repeats anyone). */
export async function contactPage(
  db: Db,
  listId: number,
  filter: ContactFilter,
  afterMemberId: number,
  limit: number,
): Promise<ContactRow[]> {
  const rows = await pageQuery(db, filter).all(pageValues(listId, filter, afterMemberId, limit));
  return rows.map((r) => ({ ...r, attributes: parseAttributes(r.attributes) }));
}

/**
 * The SQL and arguments `contactPage` runs, as plain text: what the import bench times bare and
 * explains (EXPLAIN QUERY PLAN), and what the tests check runs on indexes.
 */
export function contactPageStatement(
  db: Db,
  listId: number,
  filter: ContactFilter,
  afterMemberId: number,
  limit: number,
) {
  const { sql: text, params } = pageQuery(db, filter).getQuery();
  const args = fillPlaceholders(params, pageValues(listId, filter, afterMemberId, limit));
  return { sql: text, args: args as InValue[] };
}

// ---- Sorted pages ----------------------------------------------------------------------------

/**
 * The orders the contacts table offers: each runs on a list_members index walked from the
 * cursor (list and state, list and last change, or the list's rowids), ties broken by the
 * membership id. Address and name live on contacts, where no index is per list: sorting a list
 * of a million by them would sort the whole list, so they are not offered.
 */
export const CONTACT_SORTS = ["added", "state", "changed"] as const;
export type ContactSortKey = (typeof CONTACT_SORTS)[number];
export type ContactOrder = { key: ContactSortKey; dir: "asc" | "desc" };
export const DEFAULT_ORDER: ContactOrder = { key: "added", dir: "asc" };

/** Where a page starts: the membership id of the row before it and, when sorted, its value. */
export type PagePoint = { id: number; value?: string };

const sortColumn = (key: ContactSortKey) =>
  key === "state" ? listMembers.status : key === "changed" ? listMembers.updatedAt : undefined;

/**
 * Rows after `at` in `order` (or, `back`, rows at or before it): one row-value comparison, which
 * SQLite turns into a range on the index, never a filter over the list.
 */
function keyset(order: ContactOrder, at: PagePoint, back = false) {
  const forward = order.dir === "asc" ? ">" : "<";
  const op = back ? (forward === ">" ? "<=" : ">=") : forward;
  const column = sortColumn(order.key);
  if (!column) return sql`${listMembers.id} ${sql.raw(op)} ${at.id}`;
  return sql`(${column}, ${listMembers.id}) ${sql.raw(op)} (${at.value ?? ""}, ${at.id})`;
}

function orderBy(order: ContactOrder, reverse = false) {
  const dir = (order.dir === "asc") !== reverse ? asc : desc;
  const column = sortColumn(order.key);
  return column ? [dir(column), dir(listMembers.id)] : [dir(listMembers.id)];
}

/** The value a row is sorted by, for the cursor after it. */
export const sortValue = (order: ContactOrder, row: { status: string; changedAt?: string }) =>
  order.key === "state" ? row.status : order.key === "changed" ? row.changedAt : undefined;

function membersOf(db: Db, filter: ContactFilter) {
  const select = db.select(contactColumns);
  return filter.q
    ? select.from(contacts).crossJoin(listMembers)
    : select.from(listMembers).innerJoin(contacts, eq(contacts.id, listMembers.contactId));
}

/** One page in any offered order; the default order keeps its prepared statement. */
export async function sortedPage(
  db: Db,
  listId: number,
  filter: ContactFilter,
  order: ContactOrder,
  after: PagePoint | undefined,
  limit: number,
): Promise<ContactRow[]> {
  if (order.key === "added" && order.dir === "asc" && !filter.ids) {
    return contactPage(db, listId, filter, after?.id ?? 0, limit);
  }
  const rows = await membersOf(db, filter)
    .where(and(filterWhere(listId, filter), after ? keyset(order, after) : undefined))
    .orderBy(...orderBy(order))
    .limit(limit);
  return rows.map((r) => ({ ...r, attributes: parseAttributes(r.attributes) }));
}

/** The SQL `sortedPage` runs (not in the default order), for the plans the tests check. */
export function sortedPageStatement(
  db: Db,
  listId: number,
  filter: ContactFilter,
  order: ContactOrder,
  after: PagePoint | undefined,
  limit: number,
) {
  const query = membersOf(db, filter)
    .where(and(filterWhere(listId, filter), after ? keyset(order, after) : undefined))
    .orderBy(...orderBy(order))
    .limit(limit)
    .toSQL();
  return { sql: query.sql, args: query.params as InValue[] };
}

/** How many matching rows come up to `at` (itself included), for "51–100 of 3,800". */
export const countThrough = async (
  db: Db,
  listId: number,
  filter: ContactFilter,
  order: ContactOrder,
  at: PagePoint,
) =>
  Number(
    (
      await db
        .select({ n: sql<number>`count(*)` })
        .from(listMembers)
        .innerJoin(contacts, eq(contacts.id, listMembers.contactId))
        .where(and(filterWhere(listId, filter), keyset(order, at, true)))
    )[0]?.n ?? 0,
  );

/**
 * The point the page before starts after: the row `limit` rows back from `at`, or undefined
 * (the first page) when there are not that many.
 */
export async function pointBefore(
  db: Db,
  listId: number,
  filter: ContactFilter,
  order: ContactOrder,
  at: PagePoint,
  limit: number,
): Promise<PagePoint | undefined> {
  const row = (
    await membersOf(db, filter)
      .where(and(filterWhere(listId, filter), keyset(order, at, true)))
      .orderBy(...orderBy(order, true))
      .limit(1)
      .offset(limit)
  )[0];
  return row && { id: row.memberId, value: sortValue(order, row) };
}

/** How many members a filter keeps; without a search, from the list's index alone. */
export const countFiltered = async (db: Db, listId: number, filter: ContactFilter) =>
  filter.q
    ? ((
        await db
          .select({ n: sql<number>`count(*)` })
          .from(contacts)
          .crossJoin(listMembers)
          .where(filterWhere(listId, filter))
      )[0]?.n ?? 0)
    : ((
        await db
          .select({ n: sql<number>`count(*)` })
          .from(listMembers)
          .where(
            and(
              eq(listMembers.listId, listId),
              filter.status ? eq(listMembers.status, filter.status) : undefined,
              filter.ids ? inArray(listMembers.contactId, filter.ids) : undefined,
            ),
          )
      )[0]?.n ?? 0);

/** Contact ids in a filtered view (for bulk actions), in membership order. */
export const filteredContactIds = async (db: Db, listId: number, filter: ContactFilter) => {
  const select = db.select({ id: contacts.id });
  const members = filter.q
    ? select.from(contacts).crossJoin(listMembers)
    : select.from(listMembers).innerJoin(contacts, eq(contacts.id, listMembers.contactId));
  return (await members.where(filterWhere(listId, filter)).orderBy(asc(listMembers.id))).map(
    (r) => r.id,
  );
};

/** Attribute names used in a filtered view, for the columns of a CSV export. */
export const attributeKeys = async (db: Db, listId: number, filter: ContactFilter) =>
  (
    await db
      .select({ key: sql<string>`DISTINCT j.key` })
      .from(listMembers)
      .innerJoin(contacts, eq(contacts.id, listMembers.contactId))
      .innerJoin(sql`json_each(${contacts.attributes}) AS j`, sql`1 = 1`)
      .where(and(filterWhere(listId, filter), isNotNull(contacts.attributes)))
      .orderBy(sql`j.key`)
  ).map((r) => r.key);

export async function findListContact(db: Db, listId: number, contactId: number) {
  const row = (
    await db
      .select(contactColumns)
      .from(listMembers)
      .innerJoin(contacts, eq(contacts.id, listMembers.contactId))
      .where(and(eq(listMembers.listId, listId), eq(listMembers.contactId, contactId)))
      .limit(1)
  )[0];
  return row && { ...row, attributes: parseAttributes(row.attributes) };
}

export const findContactByKey = async (db: Db, emailKey: string) =>
  (await db.select().from(contacts).where(eq(contacts.emailKey, emailKey)).limit(1))[0];

export const findContact = async (db: Db, id: number) =>
  (await db.select().from(contacts).where(eq(contacts.id, id)).limit(1))[0];

export const insertContact = (
  db: Db,
  row: {
    email: string;
    emailKey: string;
    emailHash: string;
    name: string | null;
    attributes: Attributes;
    at: string;
  },
) =>
  db
    .insert(contacts)
    .values({
      email: row.email,
      emailKey: row.emailKey,
      emailHash: row.emailHash,
      name: row.name,
      attributes: row.attributes as Record<string, string>,
      createdAt: row.at,
      updatedAt: row.at,
    })
    .onConflictDoNothing();

/**
 * Puts a contact (found by key) on a list as `legacy` with its first event, `event`. The event is
 * written only when the member has no event yet, i.e. when this batch created the membership.
 */
export const addMemberByKey = (
  db: Db,
  listId: number,
  emailKey: string,
  event: "imported" | "added",
  ctx: { at: string; source: string; actor: string },
) =>
  enterList(db, listId, { id: sql`id`, from: sql`contacts WHERE email_key = ${emailKey}` }, event, {
    ...ctx,
    by: "admin",
  });

export const updateContactData = (
  db: Db,
  id: number,
  values: { name?: string | null; attributes?: Attributes },
  at: string,
) =>
  db
    .update(contacts)
    .set({
      ...(values.name !== undefined ? { name: values.name } : {}),
      ...(values.attributes !== undefined
        ? { attributes: values.attributes as Record<string, string> }
        : {}),
      updatedAt: at,
    })
    .where(and(eq(contacts.id, id), sql`${contacts.erasedAt} IS NULL`));

/**
 * Erasure, the contacts' part: rows of an interrupted import staging the address (matched by
 * it, so first), then the address, name and attributes; the row stays for the ledger.
 */
export const forgetContact = (db: Db, id: number, at: string) =>
  [
    db.run(sql`
    DELETE FROM import_rows
    WHERE email_key = (SELECT email_key FROM contacts WHERE id = ${id})`),
    db
      .update(contacts)
      .set({
        email: null,
        emailKey: null,
        emailHash: null,
        name: null,
        attributes: null,
        erasedAt: at,
        updatedAt: at,
      })
      .where(eq(contacts.id, id)),
  ] as const;

/** Staged rows of imports that are not running (an import interrupted by a stop or a crash). */
export const discardAllStaged = (db: Db) => db.delete(importRows);

export const contactsByIds = (db: Db, ids: number[]) =>
  db
    .select({ id: contacts.id, emailKey: contacts.emailKey })
    .from(contacts)
    .where(inArray(contacts.id, ids));

// ---- CSV import staging -------------------------------------------------------------------

export type StagedRow = {
  importId: number;
  emailKey: string;
  line: number;
  email: string;
  emailHash: string;
  name: string | null;
  attributes: string;
};

const STAGED_COLUMNS = "(import_id, email_key, line, email, email_hash, name, attributes)";

/**
 * Stages rows; returns the lines kept (an address repeated in the file is not staged twice).
 * Plain parameterised SQL on the client rather than drizzle's insert builder, which spends
 * about 40 µs per row building the statement: most of an import's time on 100,000 rows.
 */
export const stageRows = async (client: Client, rows: StagedRow[]) => {
  const placeholders = rows.map(() => "(?, ?, ?, ?, ?, ?, ?)").join(", ");
  const args = rows.flatMap((r) => [
    r.importId,
    r.emailKey,
    r.line,
    r.email,
    r.emailHash,
    r.name,
    r.attributes,
  ]);
  const result = await client.execute({
    sql: `INSERT INTO import_rows ${STAGED_COLUMNS} VALUES ${placeholders} ON CONFLICT DO NOTHING RETURNING line`,
    args,
  });
  return result.rows.map((r) => Number(r.line));
};

export const discardStaged = (db: Db, importId: number) =>
  db.delete(importRows).where(eq(importRows.importId, importId));

/**
 * Applies a staged import in one batch: classify each row, merge data into existing contacts,
 * create new contacts, memberships (`legacy`) and their `imported` events, record the audit
 * entry, report, and empty the staging rows. Set-based, so 100,000 rows are a few statements.
 */
export function applyImport(
  db: Db,
  p: {
    importId: number;
    listId: number;
    at: string;
    source: string;
    actor: string;
    rejectedInFile: number;
    duplicatesInFile: number;
  },
) {
  const same = (r: string, c: string) =>
    sql.raw(
      `(coalesce(${r}.name, ${c}.name) IS ${c}.name AND json_patch(${c}.attributes, ${r}.attributes) = ${c}.attributes)`,
    );
  const i = p.importId;
  return [
    db.run(sql`
      UPDATE import_rows SET outcome = 'suppressed'
      WHERE import_id = ${i} AND email_hash IN (
        SELECT address_hash FROM suppressions
        UNION ALL SELECT address_hash FROM suppression_reasons WHERE list_id = ${p.listId})`),
    db.run(sql`
      UPDATE import_rows
      SET contact_id = (SELECT c.id FROM contacts c WHERE c.email_key = import_rows.email_key)
      WHERE import_id = ${i} AND outcome IS NULL`),
    db.run(sql`
      UPDATE import_rows SET outcome = CASE
        WHEN contact_id IS NULL THEN 'imported'
        WHEN NOT EXISTS (SELECT 1 FROM list_members m
                         WHERE m.list_id = ${p.listId} AND m.contact_id = import_rows.contact_id)
          THEN 'imported'
        WHEN EXISTS (SELECT 1 FROM contacts c
                     WHERE c.id = import_rows.contact_id AND ${same("import_rows", "c")})
          THEN 'duplicate'
        ELSE 'updated' END
      WHERE import_id = ${i} AND outcome IS NULL`),
    db.run(sql`
      UPDATE contacts
      SET name = coalesce(r.name, contacts.name),
          attributes = json_patch(contacts.attributes, r.attributes),
          updated_at = ${p.at}
      FROM import_rows r
      WHERE r.import_id = ${i} AND r.contact_id = contacts.id
        AND r.outcome IN ('imported', 'updated') AND NOT ${same("r", "contacts")}`),
    db.run(sql`
      INSERT INTO contacts (email, email_key, email_hash, name, attributes, created_at, updated_at)
      SELECT email, email_key, email_hash, name, json(attributes), ${p.at}, ${p.at}
      FROM import_rows
      WHERE import_id = ${i} AND outcome = 'imported' AND contact_id IS NULL
      ORDER BY line`),
    ...enterList(
      db,
      p.listId,
      {
        id: sql`c.id`,
        from: sql`import_rows r JOIN contacts c ON c.email_key = r.email_key
          WHERE r.import_id = ${i} AND r.outcome = 'imported'`,
        orderBy: sql`r.line`,
      },
      "imported",
      { at: p.at, source: p.source, actor: p.actor, by: "admin" },
    ),
    db.all<{ outcome: string; n: number }>(sql`
      SELECT outcome, count(*) AS n FROM import_rows WHERE import_id = ${i} GROUP BY outcome`),
    db.all<{ line: number }>(sql`
      SELECT line FROM import_rows WHERE import_id = ${i} AND outcome = 'suppressed'`),
    db.run(sql`
      INSERT INTO audit_log (at, actor, action, list_id, summary, details)
      SELECT ${p.at}, ${p.actor}, 'import', ${p.listId},
        printf('Imported %d, updated %d, %d duplicates, %d rejected',
               imported, updated, duplicates, rejected),
        json_object('source', ${p.source}, 'imported', imported, 'updated', updated,
                    'duplicates', duplicates, 'rejected', rejected)
      FROM (SELECT
        count(*) FILTER (WHERE outcome = 'imported') AS imported,
        count(*) FILTER (WHERE outcome = 'updated') AS updated,
        count(*) FILTER (WHERE outcome = 'duplicate') + ${p.duplicatesInFile} AS duplicates,
        count(*) FILTER (WHERE outcome = 'suppressed') + ${p.rejectedInFile} AS rejected
        FROM import_rows WHERE import_id = ${i})`),
    db.delete(importRows).where(eq(importRows.importId, i)),
  ] as const;
}
