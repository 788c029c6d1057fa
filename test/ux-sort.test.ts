// Issue 20 item 4: the sort of a table lives in the URL (`?sort=…&dir=…`); headers are links that
// keep the filters and start again at the first page; an unknown sort is the default order.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { sortedPageStatement } from "../src/contacts/queries";
import { createTestApp, type TestApp } from "./helpers";
import { listWithContacts, moveTo } from "./sending-helpers";

let t: TestApp;
let cookie: string;
let bearer: string;

beforeAll(async () => {
  t = await createTestApp();
  bearer = await t.token();
  cookie = await t.signIn();
});
afterAll(() => t.close());

const page = async (path: string) => {
  const res = await t.request(path, { headers: { Cookie: cookie } });
  return { status: res.status, html: await res.text() };
};

const decodeAmp = (href: string) => href.replace(/&amp;/g, "&");
const rowIds = (html: string) =>
  [...html.matchAll(/<tr id="contact-(\d+)">/g)].map((m) => Number(m[1]));
const nextHref = (html: string) => {
  const found = /href="([^"]+)"[^>]*rel="next"/.exec(html)?.[1];
  return found ? decodeAmp(found) : undefined;
};
const headerOf = (html: string, label: string) =>
  new RegExp(`<th scope="col"[^>]*><a href="[^"]*"[^>]*>${label}[\\s\\S]*?</th>`).exec(html)?.[0] ??
  "";

describe("contacts", () => {
  let listId: number;
  let contacts: Map<string, number>;
  /** Membership order (what `added` means), and each member's state and last change. */
  let members: { contactId: number; memberId: number; status: string; changed: string }[];

  beforeAll(async () => {
    ({ listId, contacts } = await listWithContacts(t, bearer, 120, "sorted"));
    // Twenty members change state at distinct times; the hundred others tie (one import).
    for (let i = 0; i < 20; i++) {
      t.clock.advance(60_000);
      const id = contacts.get(`p${i * 5}@example.org`) as number;
      await moveTo(t.deps, listId, id, i % 2 ? ["invited"] : ["invited", "confirmed"]);
    }
    members = (
      await t.client.execute({
        sql: "SELECT contact_id, id, status, updated_at FROM list_members WHERE list_id = ? ORDER BY id",
        args: [listId],
      })
    ).rows.map((r) => ({
      contactId: Number(r.contact_id),
      memberId: Number(r.id),
      status: String(r.status),
      changed: String(r.updated_at),
    }));
  });

  /** Follows the next links from `path`, collecting every row in the order shown. */
  const walk = async (path: string) => {
    const seen: number[] = [];
    let next: string | undefined = path;
    while (next) {
      const res = await page(next);
      expect(res.status).toBe(200);
      seen.push(...rowIds(res.html));
      next = nextHref(res.html);
    }
    return seen;
  };

  const expected = (
    key: "status" | "changed",
    dir: 1 | -1,
    keep: (m: (typeof members)[number]) => boolean = () => true,
  ) =>
    members
      .filter(keep)
      .sort((a, b) =>
        a[key] === b[key] ? dir * (a.memberId - b.memberId) : dir * (a[key] < b[key] ? -1 : 1),
      )
      .map((m) => m.contactId);

  test("the order follows the query, across pages, ties broken by id: nothing lost nor repeated", async () => {
    expect(await walk(`/admin/lists/${listId}?sort=changed&dir=desc`)).toEqual(
      expected("changed", -1),
    );
    expect(await walk(`/admin/lists/${listId}?sort=state&dir=asc`)).toEqual(expected("status", 1));
    expect(await walk(`/admin/lists/${listId}?sort=changed&dir=asc`)).toEqual(
      expected("changed", 1),
    );
  });

  test("a sorted, filtered view pages through its own rows", async () => {
    expect(await walk(`/admin/lists/${listId}?status=legacy&sort=changed&dir=desc`)).toEqual(
      expected("changed", -1, (m) => m.status === "legacy"),
    );
  });

  test("the previous page of a sorted view is the page before", async () => {
    const first = await page(`/admin/lists/${listId}?sort=changed&dir=desc`);
    const second = await page(nextHref(first.html) as string);
    const prev = /href="([^"]+)"[^>]*rel="prev"/.exec(second.html)?.[1] as string;
    expect(decodeAmp(prev)).toContain("sort=changed");
    const back = await page(decodeAmp(prev));
    expect(rowIds(back.html)).toEqual(rowIds(first.html));
    expect(second.html).toContain("51–100 of 120");
  });

  test("headers are links keeping the filter, dropping the page, with aria-sort and an arrow", async () => {
    const first = await page(`/admin/lists/${listId}?status=legacy&q=p1`);
    const state = headerOf(first.html, "State");
    expect(state).not.toContain("aria-sort");
    expect(state).toContain('href="/admin/lists/');
    expect(decodeAmp(state)).toContain("status=legacy&q=p1&sort=state&dir=asc");
    const paged = nextHref((await page(`/admin/lists/${listId}?sort=state&dir=asc`)).html);
    const sorted = await page(paged as string);
    const header = headerOf(sorted.html, "State");
    expect(header).toContain('aria-sort="ascending"');
    expect(header).toContain("▲");
    expect(decodeAmp(header)).toContain("sort=state&dir=desc");
    expect(header).not.toContain("cursor=");
  });

  test("the filter form keeps the sort", async () => {
    const res = await page(`/admin/lists/${listId}?sort=changed&dir=desc`);
    const form = /<form method="get"[\s\S]*?<\/form>/.exec(res.html)?.[0] ?? "";
    expect(form).toContain('name="sort" value="changed"');
    expect(form).toContain('name="dir" value="desc"');
  });

  test("an unknown sort or direction is the default order, never an error", async () => {
    const plain = rowIds((await page(`/admin/lists/${listId}`)).html);
    for (const query of [
      "sort=email%27%3B--&dir=asc",
      "sort=id&dir=sideways",
      "sort=&dir=",
      "sort=state&dir=%27",
    ]) {
      const res = await page(`/admin/lists/${listId}?${query}`);
      expect(res.status).toBe(200);
      if (query.startsWith("sort=state")) continue;
      expect(rowIds(res.html)).toEqual(plain);
    }
  });

  test("a cursor of another order starts at the first page rather than fail", async () => {
    const first = await page(`/admin/lists/${listId}`);
    const cursor = /cursor=([^"&]+)/.exec(nextHref(first.html) as string)?.[1];
    const res = await page(`/admin/lists/${listId}?sort=changed&dir=desc&cursor=${cursor}`);
    expect(res.status).toBe(200);
    expect(rowIds(res.html)).toEqual(expected("changed", -1).slice(0, 50));
  });

  test("each offered sort runs on an index: no scan, no sort of the list", async () => {
    const filters = [{}, { status: "legacy" as const }];
    for (const filter of filters) {
      for (const key of ["state", "changed"] as const) {
        for (const dir of ["asc", "desc"] as const) {
          const statement = sortedPageStatement(
            t.deps.db,
            listId,
            filter,
            { key, dir },
            { id: 50, value: key === "state" ? "legacy" : "2026-01-15T08:00:00.000Z" },
            51,
          );
          const plan = (
            await t.client.execute({
              sql: `EXPLAIN QUERY PLAN ${statement.sql}`,
              args: statement.args,
            })
          ).rows.map((r) => String(r.detail));
          const text = plan.join(" | ");
          expect(text, `${key} ${dir} ${JSON.stringify(filter)}`).toMatch(/list_members_list_/);
          expect(
            plan.some((s) => /^SCAN /.test(s)),
            text,
          ).toBe(false);
          expect(
            plan.some((s) => /TEMP B-TREE/.test(s)),
            text,
          ).toBe(false);
        }
      }
    }
  });
});

/** The text of each body row's first cell matching `cell`, in order. */
const column = (html: string, cell: RegExp) =>
  [...(/<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? "").matchAll(cell)].map((m) => m[1]);

describe("audit", () => {
  beforeAll(async () => {
    for (const n of [1, 2, 3]) {
      t.clock.advance(60_000);
      await t.client.execute({
        sql: "INSERT INTO audit_log (at, actor, action, summary) VALUES (?, 'test', 'test', ?)",
        args: [t.clock.now().toISOString(), `Entry ${n}`],
      });
    }
  });

  test("newest first by default; dir=asc reverses; the header keeps the list filter", async () => {
    const newest = await page("/admin/audit");
    const oldest = await page("/admin/audit?sort=date&dir=asc");
    const summaries = (html: string) => column(html, /<td[^>]*>(Entry \d)<\/td>/g);
    expect(summaries(newest.html)).toEqual(["Entry 3", "Entry 2", "Entry 1"]);
    expect(summaries(oldest.html)).toEqual(["Entry 1", "Entry 2", "Entry 3"]);
    const header = headerOf(newest.html, "Time");
    expect(header).toContain('aria-sort="descending"');
    expect(decodeAmp(header)).toContain("sort=date&dir=asc");
    const filtered = await page("/admin/audit?list=1");
    expect(decodeAmp(headerOf(filtered.html, "Time"))).toContain("list=1&sort=date&dir=asc");
  });

  test("an unknown sort is the default order", async () => {
    const res = await page("/admin/audit?sort=actor%20DESC--&dir=up");
    expect(res.status).toBe(200);
    // The page's <main> (the header's language switch keeps the query to come back to).
    const main = (html: string) => html.slice(html.indexOf("<main"));
    expect(main(res.html)).toBe(main((await page("/admin/audit")).html));
  });
});

describe("sends", () => {
  beforeAll(async () => {
    const now = t.clock.now().toISOString();
    // Three sends of different sizes and states, written as the dispatcher leaves them.
    for (const [status, total] of [
      ["done", 30],
      ["queued", 5],
      ["cancelled", 12],
    ] as const) {
      await t.client.execute({
        sql: `INSERT INTO sends (kind, list_id, status, subject, text_version, total, excluded,
                created_at, created_by)
              VALUES ('campaign', (SELECT min(id) FROM lists), ?, 'News', 1, ?, '{}', ?, 'test')`,
        args: [status, total, now],
      });
    }
  });
  const ids = (html: string) => column(html, /href="\/admin\/sends\/(\d+)"/g).map(Number);
  const totals = async (query: string) => {
    const res = await page(`/admin/sending${query}`);
    expect(res.status).toBe(200);
    return ids(res.html);
  };

  test("by recipients, status or date, both ways, from the URL", async () => {
    const rows = (
      await t.client.execute("SELECT id, status, total FROM sends ORDER BY id")
    ).rows.map((r) => ({ id: Number(r.id), status: String(r.status), total: Number(r.total) }));
    const order = (f: (a: (typeof rows)[0], b: (typeof rows)[0]) => number) =>
      [...rows].sort((a, b) => f(a, b) || a.id - b.id).map((r) => r.id);
    expect(await totals("")).toEqual(order((a, b) => b.id - a.id));
    expect(await totals("?sort=recipients&dir=desc")).toEqual(order((a, b) => b.total - a.total));
    expect(await totals("?sort=recipients&dir=asc")).toEqual(order((a, b) => a.total - b.total));
    expect(await totals("?sort=status&dir=asc")).toEqual(
      order((a, b) => a.status.localeCompare(b.status)),
    );
    expect(await totals("?sort=date&dir=asc")).toEqual(order((a, b) => a.id - b.id));
    expect(await totals("?sort=total;DROP&dir=asc")).toEqual(order((a, b) => b.id - a.id));
  });

  test("the sorted header says so", async () => {
    const res = await page("/admin/sending?sort=recipients&dir=asc");
    const header = headerOf(res.html, "Recipients");
    expect(header).toContain('aria-sort="ascending"');
    expect(header).toContain("▲");
    expect(decodeAmp(header)).toContain("sort=recipients&dir=desc");
  });
});

describe("suppressions", () => {
  beforeAll(async () => {
    const { suppressAddress } = await import("../src/consent/service");
    for (const address of ["zed@example.org", "amy@example.org", "mid@example.org"]) {
      t.clock.advance(60_000);
      await suppressAddress(t.deps, address, "admin");
    }
  });
  const hashes = (html: string) => column(html, /<code title="([^"]+)"/g);

  test("newest first by default, oldest first with dir=asc, keeping the reason filter", async () => {
    const newest = await page("/admin/suppressions?reason=admin");
    const oldest = await page("/admin/suppressions?reason=admin&sort=date&dir=asc");
    expect(hashes(newest.html).length).toBe(3);
    expect(hashes(oldest.html)).toEqual([...hashes(newest.html)].reverse());
    expect(decodeAmp(headerOf(newest.html, "Reasons"))).toContain("reason=admin&sort=date&dir=asc");
  });

  test("by address hint, both ways; an unknown sort is the default order", async () => {
    const res = await page("/admin/suppressions?reason=admin&sort=address&dir=desc");
    const cells = column(res.html, /<tr>\s*<td>([^<]+)<\/td>/g);
    expect(cells).toEqual([...cells].sort().reverse());
    const bad = await page("/admin/suppressions?reason=admin&sort=hash'&dir=asc");
    expect(bad.status).toBe(200);
    expect(hashes(bad.html)).toEqual(hashes((await page("/admin/suppressions?reason=admin")).html));
  });
});

describe("incidents and polls", () => {
  beforeAll(async () => {
    for (const [slug, impact] of [
      ["first", "minor"],
      ["second", "critical"],
      ["third", "major"],
    ] as const) {
      t.clock.advance(60_000);
      const res = await t.api(bearer, "POST", "/api/v1/incidents", {
        slug,
        title: `Incident ${slug}`,
        status: "investigating",
        impact,
        body: "Ça ne marche pas.",
      });
      expect(res.status).toBe(201);
    }
    for (const question of ["Poll one?", "Poll two?"]) {
      t.clock.advance(60_000);
      const res = await t.api(bearer, "POST", "/api/v1/polls", {
        slug: question.replace(/\W/g, "").toLowerCase(),
        question,
        options: ["Yes", "No"],
      });
      expect(res.status).toBe(201);
    }
  });
  const titles = async (path: string, pattern: RegExp) => {
    const res = await page(path);
    expect(res.status).toBe(200);
    return { html: res.html, rows: column(res.html, pattern) };
  };
  const incident = /<a href="\/admin\/incidents\/\d+">Incident (\w+)<\/a>/g;

  test("incidents by last update, both ways, and by impact", async () => {
    expect((await titles("/admin/incidents", incident)).rows).toEqual(["third", "second", "first"]);
    expect((await titles("/admin/incidents?sort=updated&dir=asc", incident)).rows).toEqual([
      "first",
      "second",
      "third",
    ]);
    const byImpact = await titles("/admin/incidents?sort=impact&dir=asc", incident);
    // By gravity: minor, major, critical.
    expect(byImpact.rows).toEqual(["first", "third", "second"]);
    expect(headerOf(byImpact.html, "Impact")).toContain('aria-sort="ascending"');
    expect((await titles("/admin/incidents?sort=title&dir=asc", incident)).rows).toEqual([
      "third",
      "second",
      "first",
    ]);
  });

  test("polls by creation, both ways", async () => {
    const poll = /<a href="\/admin\/polls\/\d+">(Poll \w+)\?<\/a>/g;
    const newest = await titles("/admin/polls", poll);
    expect(newest.rows).toEqual(["Poll two", "Poll one"]);
    expect(headerOf(newest.html, "Created")).toContain('aria-sort="descending"');
    expect((await titles("/admin/polls?sort=created&dir=asc", poll)).rows).toEqual([
      "Poll one",
      "Poll two",
    ]);
  });
});
