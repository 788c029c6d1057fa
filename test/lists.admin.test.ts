import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createTestApp, ORIGIN, type TestApp } from "./helpers";

let t: TestApp;
let bearer: string;
let cookie: string;
let listId: number;

beforeEach(async () => {
  t = await createTestApp();
  bearer = await t.token();
  cookie = await t.signIn();
  const res = await t.api(bearer, "POST", "/api/v1/lists", {
    slug: "nets",
    name: "Nets",
    purpose: "News.",
  });
  listId = ((await res.json()) as { id: number }).id;
});
afterEach(() => t.close());

const get = (path: string, headers: Record<string, string> = {}) =>
  t.request(path, { headers: { Cookie: cookie, ...headers } });
const post = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  t.form(path, fields, { Cookie: cookie, ...headers });
const importCsv = (csv: string) =>
  t.request(`/api/v1/lists/${listId}/imports?source=test`, {
    method: "POST",
    headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "text/csv" },
    body: csv,
  });

describe("admin lists", () => {
  test("needs a session", async () => {
    const res = await t.request("/admin/lists");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toMatch(/^\/admin\/login/);
  });

  test("creates a list from the form; invalid input re-renders with the message by the field", async () => {
    const bad = await post("/admin/lists", { slug: "Bad Slug", name: "", purpose: "" });
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain("Lower-case letters, digits and single hyphens only.");
    expect(html).toContain('value="Bad Slug"');
    const ok = await post("/admin/lists", { slug: "second", name: "Second", purpose: "Why." });
    expect(ok.status).toBe(303);
    const page = await get(ok.headers.get("location") ?? "");
    expect(await page.text()).toContain("<h1>Second</h1>");
    expect(await (await get("/admin/lists")).text()).toContain("Second");
  });

  test("editing the purpose shows the new version; archive blocks adding", async () => {
    await post(`/admin/lists/${listId}/edit`, { name: "Nets", purpose: "News and entries." });
    expect(await (await get(`/admin/lists/${listId}`)).text()).toContain("purpose v2");
    await post(`/admin/lists/${listId}/archive`, { archived: "1" });
    const add = await post(`/admin/lists/${listId}/contacts`, { email: "a@example.org", name: "" });
    expect(add.status).toBe(409);
  });

  test("shows counts per state, filters by state and search, and htmx gets only the section", async () => {
    await importCsv("email,name\nana@example.org,Ana\nbob@example.org,Bob\n");
    const page = await (await get(`/admin/lists/${listId}`)).text();
    expect(page).toContain('data-state="legacy">2<');
    expect(page).toContain("ana@example.org");
    const filtered = await (await get(`/admin/lists/${listId}?q=bob`)).text();
    expect(filtered).toContain("bob@example.org");
    expect(filtered).not.toContain("ana@example.org");
    const fragment = await (
      await get(`/admin/lists/${listId}?status=erased`, { "HX-Request": "true" })
    ).text();
    expect(fragment.startsWith('<section id="contacts"')).toBe(true);
    expect(fragment).toContain("0 contacts match this filter");
  });

  test("markup in names and attributes is rendered escaped", async () => {
    await importCsv(
      'email,name,site\nx@example.org,"<script>alert(1)</script>","<img src=x onerror=alert(2)>"\n',
    );
    const html = await (await get(`/admin/lists/${listId}`)).text();
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("&lt;img src=x onerror=alert(2)&gt;");
    const id = (await t.client.execute("SELECT id FROM contacts")).rows[0]?.id;
    const detail = await (await get(`/admin/lists/${listId}/contacts/${id}`)).text();
    expect(detail).not.toContain("<script>alert(1)</script>");
    const edit = await (await get(`/admin/lists/${listId}/contacts/${id}/edit`)).text();
    expect(edit).not.toContain("<img src=x");
  });

  test("a contact added by hand enters as legacy", async () => {
    const res = await post(`/admin/lists/${listId}/contacts`, {
      email: "New@Example.org",
      name: "New",
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Added New@example.org");
    const row = (await t.client.execute("SELECT status FROM list_members")).rows[0];
    expect(row?.status).toBe("legacy");
    const events = (await t.client.execute("SELECT event, source FROM consent_events")).rows[0];
    expect({ ...events }).toEqual({ event: "added", source: "added by admin@test.example" });
    const bad = await post(`/admin/lists/${listId}/contacts`, { email: "nope", name: "" });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("The address has no @.");
  });

  test("click-to-edit saves name and attributes; errors come back inline with 422", async () => {
    await importCsv("email,name,site\nana@example.org,Ana,a.example\n");
    const id = (await t.client.execute("SELECT id FROM contacts")).rows[0]?.id;
    const url = `/admin/lists/${listId}/contacts/${id}`;
    const htmx = { "HX-Request": "true" };
    const bad = await post(url, { name: "Ana", attributes: "site a.example" }, htmx);
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(badHtml).toContain("Line 1: write each attribute as “name: value”.");
    expect(badHtml.startsWith("<tr")).toBe(true);
    const ok = await post(
      url,
      { name: "Ana María", attributes: "site: b.example\ncategory: Art" },
      htmx,
    );
    expect(ok.status).toBe(200);
    const okHtml = await ok.text();
    expect(okHtml).toContain("Ana María");
    expect(okHtml).toContain("b.example");
    const plain = await post(url, { name: "Ana", attributes: "" });
    expect(plain.status).toBe(303);
    const audit = await t.client.execute(
      "SELECT action FROM audit_log WHERE action = 'contact.edit'",
    );
    expect(audit.rows).toHaveLength(2);
  });

  test("the CSV upload form imports and reports, and refuses a bad file without changing anything", async () => {
    const upload = (file: string, source = "upload") => {
      const form = new FormData();
      form.set("source", source);
      form.set("file", new File([file], "contacts.csv", { type: "text/csv" }));
      return t.request(`/admin/lists/${listId}/imports`, {
        method: "POST",
        headers: { Cookie: cookie, Origin: ORIGIN, "HX-Request": "true" },
        body: form,
      });
    };
    const ok = await upload("email;name\nana@example.org;Ana\nbad;Bad\n");
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("Imported 1, updated 0, 0 duplicates, 1 rejected.");
    const refused = await upload("name\nAna\n");
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("“email” column");
    expect((await t.client.execute("SELECT count(*) AS n FROM contacts")).rows[0]?.n).toBe(1);
  });

  test("export neutralises formulas and is audited", async () => {
    await importCsv(
      'email,name,note\nx@example.org,"=HYPERLINK(""http://evil"")",+33 1\ny@example.org,@SUM(A1),-2\n',
    );
    const res = await get(`/admin/lists/${listId}/export.csv`);
    expect(res.headers.get("content-type")).toContain("text/csv");
    const lines = (await res.text()).trim().split("\r\n");
    expect(lines).toEqual([
      "email,name,status,note",
      `x@example.org,"'=HYPERLINK(""http://evil"")",legacy,'+33 1`,
      "y@example.org,'@SUM(A1),legacy,'-2",
    ]);
    const audit = await t.client.execute(
      "SELECT action, summary FROM audit_log WHERE action = 'export'",
    );
    expect(audit.rows[0]?.summary).toBe("Exported 2 contacts as CSV");
    expect(await (await get("/admin/audit")).text()).toContain("Exported 2 contacts as CSV");
  });

  test("bulk erase states the number affected, then erases exactly those", async () => {
    await importCsv("email,name\nana@example.org,Ana\nbob@example.org,Bob\ncyd@example.org,Cyd\n");
    const confirm = await (await get(`/admin/lists/${listId}/bulk?q=b&action=erase`)).text();
    expect(confirm).toContain("Erase 1 contacts?");
    // A stale count asks again instead of acting.
    const stale = await post(`/admin/lists/${listId}/bulk`, {
      action: "erase",
      status: "",
      q: "b",
      expected: "5",
    });
    expect(stale.status).toBe(303);
    expect(stale.headers.get("location")).toContain("/bulk");
    expect((await t.client.execute("SELECT count(*) AS n FROM suppressions")).rows[0]?.n).toBe(0);
    await post(`/admin/lists/${listId}/bulk`, {
      action: "erase",
      status: "",
      q: "b",
      expected: "1",
    });
    const states = await t.client.execute(
      "SELECT status, count(*) AS n FROM list_members GROUP BY status ORDER BY status",
    );
    expect(states.rows.map((r) => [r.status, r.n])).toEqual([
      ["erased", 1],
      ["legacy", 2],
    ]);
    const audit = await t.client.execute(
      "SELECT summary FROM audit_log WHERE action = 'bulk.erase'",
    );
    expect(audit.rows[0]?.summary).toBe("Erased 1 contacts");
  });

  test("bulk suppress puts the hashes on the suppression list, so a re-import rejects them", async () => {
    await importCsv("email\nana@example.org\nbob@example.org\n");
    await post(`/admin/lists/${listId}/bulk`, {
      action: "suppress",
      status: "legacy",
      q: "",
      expected: "2",
    });
    expect((await t.client.execute("SELECT count(*) AS n FROM suppressions")).rows[0]?.n).toBe(2);
    const res = await importCsv("email\nana@example.org\n");
    expect(await res.json()).toEqual({
      imported: 0,
      updated: 0,
      duplicates: 0,
      rejected: [{ line: 2, reason: "suppressed" }],
    });
  });
});
