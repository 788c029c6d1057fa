// Issue 20 item 5: ticked contacts can be exported, suppressed or erased, and nothing else is.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { hashAddress } from "../src/consent/service";
import { createTestApp, type TestApp } from "./helpers";
import { listWithContacts } from "./sending-helpers";
import { addMember } from "./team-helpers";

let t: TestApp;
let cookie: string;
let listId: number;
let otherListOnly: number;
let contacts: Map<string, number>;

beforeAll(async () => {
  t = await createTestApp();
  const bearer = await t.token();
  cookie = await t.signIn();
  ({ listId, contacts } = await listWithContacts(t, bearer, 10, "chosen"));
  // A contact of another list only: its id sent with a selection of this list must do nothing.
  const other = await t.api(bearer, "POST", "/api/v1/lists", {
    slug: "other",
    name: "Other",
    purpose: "Another list.",
  });
  const otherId = ((await other.json()) as { id: number }).id;
  await t.request(`/api/v1/lists/${otherId}/imports?source=test`, {
    method: "POST",
    headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "text/csv" },
    body: "email,name\nstranger@example.org,Stranger\n",
  });
  otherListOnly = Number(
    (await t.client.execute("SELECT id FROM contacts WHERE email = 'stranger@example.org'")).rows[0]
      ?.id,
  );
});
afterAll(() => t.close());

const id = (n: number) => contacts.get(`p${n}@example.org`) as number;
const get = (path: string, who = cookie) => t.request(path, { headers: { Cookie: who } });
const selection = (ids: number[], extra = "") =>
  `selection=1${ids.map((i) => `&id=${i}`).join("")}${extra}`;

describe("the table", () => {
  test("each row has a checkbox of the selection form, and the page one to tick them all", async () => {
    const html = await (await get(`/admin/lists/${listId}`)).text();
    expect(html).toContain(`name="id" value="${id(0)}" form="contacts-selection"`);
    expect(html).toContain('name="all" value="1" form="contacts-selection"');
    expect(html).toMatch(/<form id="contacts-selection" method="get"/);
    expect(html).toContain("Export selected");
    expect(html).toContain("Erase selected…");
    expect(html).toContain("Suppress selected…");
    expect(html).toContain("data-selected-count");
  });

  test("in French, the selection speaks French", async () => {
    const html = await (await get(`/admin/lists/${listId}`, `${cookie}; lang=fr`)).text();
    expect(html).toContain("Exporter la sélection");
    expect(html).toContain("Tout sélectionner sur cette page");
    expect(html).not.toContain("Export selected");
  });
});

describe("export selected", () => {
  test("the CSV has exactly the ticked contacts, in the list export's columns", async () => {
    const res = await get(
      `/admin/lists/${listId}/export.csv?${selection([id(3), id(7), otherListOnly])}`,
    );
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split("\r\n");
    expect(lines[0]).toBe("email,name,status,language");
    expect(lines.slice(1).sort()).toEqual([
      "p3@example.org,Participant 3,legacy,en",
      "p7@example.org,Participant 7,legacy,en",
    ]);
  });

  test("select all on this page without JavaScript sends the page's ids", async () => {
    const page = `${id(1)} ${id(2)}`;
    const res = await get(
      `/admin/lists/${listId}/export.csv?selection=1&all=1&page_ids=${encodeURIComponent(page)}`,
    );
    const lines = (await res.text()).trim().split("\r\n");
    expect(lines.length).toBe(3);
  });

  test("an empty selection says so and exports nothing", async () => {
    const res = await get(`/admin/lists/${listId}/export.csv?selection=1`);
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(await res.text()).toContain("No contact selected");
  });
});

describe("erase and suppress selected", () => {
  test("the confirmation says how many and what will happen", async () => {
    const res = await get(
      `/admin/lists/${listId}/bulk?action=erase&${selection([id(4), id(5), otherListOnly])}`,
    );
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Erase 2 selected contacts?");
    expect(html).toContain("will be erased from every list");
    expect(html).toContain(`name="ids" value="${id(4)} ${id(5)}"`);
  });

  test("an empty selection is a clear message, nothing changed", async () => {
    const before = await t.client.execute("SELECT count(*) AS n FROM audit_log");
    const res = await get(`/admin/lists/${listId}/bulk?action=erase&selection=1`);
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("No contact selected");
    const posted = await t.form(
      `/admin/lists/${listId}/bulk`,
      { action: "erase", selection: "1", ids: "", expected: "0" },
      { Cookie: cookie },
    );
    expect(posted.status).toBe(422);
    const after = await t.client.execute("SELECT count(*) AS n FROM audit_log");
    expect(after.rows[0]?.n).toBe(before.rows[0]?.n);
    const erased = await t.client.execute(
      "SELECT count(*) AS n FROM contacts WHERE erased_at IS NOT NULL",
    );
    expect(erased.rows[0]?.n).toBe(0);
  });

  test("a selection whose count changed since the confirmation is asked again, nothing erased", async () => {
    const res = await t.form(
      `/admin/lists/${listId}/bulk`,
      { action: "erase", selection: "1", ids: `${id(6)} ${id(7)}`, expected: "1" },
      { Cookie: cookie },
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Erase 2 selected contacts?");
    const erased = await t.client.execute({
      sql: "SELECT count(*) AS n FROM contacts WHERE erased_at IS NOT NULL AND id IN (?, ?)",
      args: [id(6), id(7)],
    });
    expect(erased.rows[0]?.n).toBe(0);
  });

  test("an unreadable filter is refused, never widened to the whole list", async () => {
    for (const query of ["status=confirmd", `q=${"x".repeat(201)}`]) {
      const res = await get(`/admin/lists/${listId}/bulk?action=erase&${query}`);
      expect(res.status, query).toBe(422);
      const html = await res.text();
      expect(html).toContain("This filter cannot be read");
      expect(html).not.toContain('name="expected"');
      const exported = await get(`/admin/lists/${listId}/export.csv?${query}`);
      expect(exported.status, query).toBe(422);
    }
  });

  test("erase selected erases exactly those contacts of this list, audited", async () => {
    const res = await t.form(
      `/admin/lists/${listId}/bulk`,
      {
        action: "erase",
        selection: "1",
        ids: `${id(4)} ${id(5)} ${otherListOnly}`,
        expected: "2",
      },
      { Cookie: cookie },
    );
    expect(res.status).toBe(303);
    const erased = await t.client.execute(
      "SELECT id FROM contacts WHERE erased_at IS NOT NULL ORDER BY id",
    );
    expect(erased.rows.map((r) => Number(r.id))).toEqual([id(4), id(5)]);
    const audit = await t.client.execute(
      "SELECT summary, details FROM audit_log WHERE action = 'bulk.erase'",
    );
    expect(audit.rows[0]?.summary).toBe("Erased 2 contacts");
    expect(JSON.parse(String(audit.rows[0]?.details)).filter.selected).toBe(2);
  });

  test("suppress selected suppresses exactly those addresses", async () => {
    const res = await t.form(
      `/admin/lists/${listId}/bulk`,
      { action: "suppress", selection: "1", ids: `${id(8)}`, expected: "1" },
      { Cookie: cookie },
    );
    expect(res.status).toBe(303);
    const rows = await t.client.execute(
      "SELECT address_hash FROM suppression_reasons WHERE source LIKE 'bulk suppress%'",
    );
    expect(rows.rows.map((r) => String(r.address_hash))).toEqual([
      hashAddress(t.deps, "p8@example.org"),
    ]);
  });

  test("a viewer may export a selection but not erase it", async () => {
    const ownerToken = await t.token();
    const viewer = await addMember(t, ownerToken, "viewer");
    const viewerCookie = await t.signIn(viewer.email, viewer.password);
    const exported = await get(
      `/admin/lists/${listId}/export.csv?${selection([id(9)])}`,
      viewerCookie,
    );
    expect(exported.status).toBe(200);
    const refused = await t.form(
      `/admin/lists/${listId}/bulk`,
      { action: "erase", selection: "1", ids: `${id(9)}`, expected: "1" },
      { Cookie: viewerCookie },
    );
    expect(refused.status).toBe(403);
  });
});
