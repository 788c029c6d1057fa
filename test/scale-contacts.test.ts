// A list's contacts at scale (issue 21, item 6): paging, filtering by state and searching each
// run on an index, never walking nor sorting the whole list. Checked with SQLite's own plans
// (EXPLAIN QUERY PLAN) for the exact statements the contacts page runs; the import bench times
// them at 1,000,000 contacts.
import { afterEach, beforeEach, expect, test } from "vitest";
import { contactPage, contactPageStatement, sortedPageStatement } from "../src/contacts/queries";
import { createTestApp, type TestApp } from "./helpers";

let t: TestApp;
let listId: number;

beforeEach(async () => {
  t = await createTestApp();
  const bearer = await t.token();
  const created = await t.api(bearer, "POST", "/api/v1/lists", {
    slug: "big",
    name: "Big",
    purpose: "Plans.",
  });
  listId = ((await created.json()) as { id: number }).id;
  const now = new Date().toISOString();
  // A second list first, so that ids and list ids interleave as they do in real databases.
  await t.client.batch(
    [
      `INSERT INTO lists (slug, name, purpose, created_at, updated_at) VALUES ('other', 'Other', 'Other', '${now}', '${now}')`,
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
       INSERT INTO contacts (email, email_key, email_hash, name, created_at, updated_at)
       SELECT 'p' || i || '@example.org', 'p' || i || '@example.org', 'h' || i, 'Person ' || i, '${now}', '${now}' FROM n`,
      `INSERT INTO list_members (list_id, contact_id, status, updated_at)
       SELECT CASE WHEN id % 3 = 0 THEN (SELECT max(id) FROM lists) ELSE ${listId} END, id,
              CASE WHEN id % 10 = 0 THEN 'confirmed' ELSE 'legacy' END, '${now}' FROM contacts`,
      "ANALYZE",
    ],
    "write",
  );
});
afterEach(() => t.close());

const planOf = async (filter: { status?: "confirmed"; q?: string }, after = 0) => {
  const statement = contactPageStatement(t.deps.db, listId, filter, after, 51);
  const plan = await t.client.execute({
    sql: `EXPLAIN QUERY PLAN ${statement.sql}`,
    args: statement.args,
  });
  return plan.rows.map((r) => String(r.detail));
};

const scansOrSortsTheList = (plan: string[]) =>
  plan.some((step) => /^SCAN /.test(step) || (/TEMP B-TREE/.test(step) && !/MULTI/.test(step)));

test("paging a list runs on the list's index, in id order, with no scan and no sort", async () => {
  const plan = await planOf({}, 1500);
  expect(plan.join(" | ")).toContain("list_members_list_idx");
  expect(scansOrSortsTheList(plan)).toBe(false);
  const page = await contactPage(t.deps.db, listId, {}, 1500, 51);
  expect(page.every((row, i) => i === 0 || row.memberId > (page[i - 1]?.memberId ?? 0))).toBe(true);
  expect(page[0]?.memberId).toBeGreaterThan(1500);
});

test("filtering by state runs on the list-and-state index, with no scan and no sort", async () => {
  const plan = await planOf({ status: "confirmed" }, 100);
  expect(plan.join(" | ")).toContain("list_members_list_status_idx");
  expect(scansOrSortsTheList(plan)).toBe(false);
});

test("a search starts from the contacts it finds (address and name indexes), never the list", async () => {
  for (const q of ["p12", "Person 12"]) {
    const plan = await planOf({ q });
    const text = plan.join(" | ");
    expect(text).toContain("contacts_name_nocase_idx");
    expect(text).toContain("contacts_email_key_unique (email_key>? AND email_key<?)");
    expect(plan.some((step) => /^SCAN /.test(step))).toBe(false);
  }
  const found = await contactPage(t.deps.db, listId, { q: "p12" }, 0, 500);
  const expected = (
    await t.client.execute({
      sql: `SELECT c.email FROM contacts c JOIN list_members m ON m.contact_id = c.id
            WHERE m.list_id = ? AND c.email LIKE 'p12%' ORDER BY m.id`,
      args: [listId],
    })
  ).rows.map((r) => String(r.email));
  expect(found.map((row) => row.email)).toEqual(expected);
  expect(expected.length).toBeGreaterThan(10);
});

test("each offered sort (issue 20) pages on a list_members index with the planner's statistics", async () => {
  const point = (key: "state" | "changed") => ({
    id: 1500,
    value: key === "state" ? "legacy" : new Date().toISOString(),
  });
  for (const filter of [{}, { status: "confirmed" as const }]) {
    for (const key of ["state", "changed"] as const) {
      for (const dir of ["asc", "desc"] as const) {
        for (const after of [undefined, point(key)]) {
          const statement = sortedPageStatement(t.deps.db, listId, filter, { key, dir }, after, 51);
          const plan = (
            await t.client.execute({
              sql: `EXPLAIN QUERY PLAN ${statement.sql}`,
              args: statement.args,
            })
          ).rows.map((r) => String(r.detail));
          const label = `${key} ${dir} ${JSON.stringify(filter)} ${after ? "after" : "first"}`;
          expect(plan.join(" | "), label).toMatch(
            /list_members_list_(status_)?(updated_)?idx|list_members_list_status_idx/,
          );
          expect(scansOrSortsTheList(plan), `${label}: ${plan.join(" | ")}`).toBe(false);
        }
      }
    }
  }
});
