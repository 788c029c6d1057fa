import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createTestApp, type TestApp } from "./helpers";

let t: TestApp;
let bearer: string;
let listId: number;

beforeEach(async () => {
  t = await createTestApp();
  bearer = await t.token();
  const res = await t.api(bearer, "POST", "/api/v1/lists", {
    slug: "nets",
    name: "Nets",
    purpose: "News of the contest.",
  });
  listId = ((await res.json()) as { id: number }).id;
});
afterEach(() => t.close());

type Report = {
  imported: number;
  updated: number;
  duplicates: number;
  rejected: { line: number; reason: string }[];
};

const upload = (
  body: BodyInit,
  source = "extraction des participants 2000",
  type = "text/csv",
  id = listId,
) =>
  t.request(`/api/v1/lists/${id}/imports?source=${encodeURIComponent(source)}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${bearer}`, "Content-Type": type },
    body,
  });

const importCsv = async (text: string) => {
  const res = await upload(text);
  expect(res.status).toBe(200);
  return (await res.json()) as Report;
};

/** Everything an import may change, to prove that a refused file changed nothing. */
const snapshot = async () => {
  const tables = ["contacts", "list_members", "consent_events", "import_rows", "audit_log"];
  const out: Record<string, unknown[]> = {};
  for (const table of tables) out[table] = (await t.client.execute(`SELECT * FROM ${table}`)).rows;
  return JSON.stringify(out);
};

const contacts = async () =>
  (
    (await (await t.api(bearer, "GET", `/api/v1/lists/${listId}/contacts?limit=500`)).json()) as {
      items: {
        id: number;
        email: string;
        name: string | null;
        status: string;
        attributes: Record<string, string>;
      }[];
    }
  ).items;

const total = (r: Report) => r.imported + r.updated + r.duplicates + r.rejected.length;

describe("CSV import", () => {
  test("imports rows as legacy with an imported event carrying the source", async () => {
    const report = await importCsv(
      "email,name,site,category\nana@example.org,Ana,Le Site d'Ana,Art\nbob@example.org,Bob,,Sport\n",
    );
    expect(report).toEqual({ imported: 2, updated: 0, duplicates: 0, rejected: [] });
    const items = await contacts();
    expect(items).toEqual([
      {
        id: expect.any(Number),
        email: "ana@example.org",
        name: "Ana",
        status: "legacy",
        attributes: { site: "Le Site d'Ana", category: "Art" },
      },
      {
        id: expect.any(Number),
        email: "bob@example.org",
        name: "Bob",
        status: "legacy",
        attributes: { category: "Sport" },
      },
    ]);
    const events = await t.client.execute(
      "SELECT event, source, actor, text_version FROM consent_events",
    );
    expect(events.rows.map((r) => ({ ...r }))).toEqual([
      {
        event: "imported",
        source: "extraction des participants 2000",
        actor: "admin@test.example",
        text_version: 1,
      },
      {
        event: "imported",
        source: "extraction des participants 2000",
        actor: "admin@test.example",
        text_version: 1,
      },
    ]);
  });

  test("handles BOM, semicolons, CRLF and quoted fields with separators, quotes and newlines", async () => {
    const csv =
      '\uFEFFEmail;Nom du site;Name\r\nana@example.org;"A; B ""quoted""\r\nLine two";Ana\r\nbob@example.org;Plain;Bob\r\n';
    const report = await importCsv(csv);
    expect(report).toEqual({ imported: 2, updated: 0, duplicates: 0, rejected: [] });
    const [ana, bob] = await contacts();
    expect(ana).toMatchObject({
      email: "ana@example.org",
      name: "Ana",
      attributes: { "Nom du site": 'A; B "quoted"\r\nLine two' },
    });
    expect(bob).toMatchObject({ email: "bob@example.org", name: "Bob" });
  });

  test("reports per-row errors with physical line numbers and keeps the valid rows", async () => {
    const long = "x".repeat(1001);
    const csv = [
      "email,name", // 1
      "ok1@example.org,One", // 2
      "not-an-address,Two", // 3
      '"multi@example.org","Line A', // 4
      'Line B"', // 5
      "", // 6 (blank, skipped)
      `long@example.org,${long}`, // 7
      "short@example.org", // 8 (missing a column)
      "extra@example.org,Extra,surplus", // 9
      "ok2@example.org,Two", // 10
      "a@@example.org,Bad", // 11
      "",
    ].join("\n");
    const report = await importCsv(csv);
    expect(report.rejected).toEqual([
      { line: 3, reason: "invalid_email" },
      { line: 4, reason: "control_characters" }, // a line break in a name (issue 22, finding 3)
      { line: 7, reason: "too_long" },
      { line: 8, reason: "wrong_column_count" },
      { line: 9, reason: "wrong_column_count" },
      { line: 11, reason: "invalid_email" },
    ]);
    expect(report).toMatchObject({ imported: 2, updated: 0, duplicates: 0 });
    expect((await contacts()).map((c) => c.email)).toEqual(["ok1@example.org", "ok2@example.org"]);
  });

  test("duplicates within the file, compared case-insensitively, are counted once", async () => {
    const report = await importCsv(
      "email,name\nAna@Example.ORG,Ana\nana@example.org,Other\n  ANA@EXAMPLE.ORG ,Third\nbob@example.org,Bob\n",
    );
    expect(report).toEqual({ imported: 2, updated: 0, duplicates: 2, rejected: [] });
    const items = await contacts();
    expect(items.map((c) => [c.email, c.name])).toEqual([
      ["Ana@example.org", "Ana"],
      ["bob@example.org", "Bob"],
    ]);
  });

  test("re-importing the same file changes nothing and reports only duplicates", async () => {
    const csv =
      "email,name,site\nana@example.org,Ana,a.example\nbad,Bad,x\nbob@example.org,Bob,b.example\n";
    const first = await importCsv(csv);
    expect(first).toEqual({
      imported: 2,
      updated: 0,
      duplicates: 0,
      rejected: [{ line: 3, reason: "invalid_email" }],
    });
    const before = await t.client.execute("SELECT * FROM contacts");
    const eventsBefore = await t.client.execute("SELECT * FROM consent_events");
    const second = await importCsv(csv);
    expect(second).toEqual({
      imported: 0,
      updated: 0,
      duplicates: 2,
      rejected: [{ line: 3, reason: "invalid_email" }],
    });
    expect((await t.client.execute("SELECT * FROM contacts")).rows).toEqual(before.rows);
    expect((await t.client.execute("SELECT * FROM consent_events")).rows).toEqual(
      eventsBefore.rows,
    );
  });

  test("a row bringing new data for a member counts as updated and never touches consent", async () => {
    await importCsv("email,name,site\nana@example.org,Ana,a.example\n");
    await t.client.execute("UPDATE list_members SET status = 'confirmed'"); // as if she confirmed
    const report = await importCsv(
      "email,name,site,category\nana@example.org,Ana B,a.example,Art\n",
    );
    expect(report).toEqual({ imported: 0, updated: 1, duplicates: 0, rejected: [] });
    const [ana] = await contacts();
    expect(ana).toMatchObject({
      name: "Ana B",
      status: "confirmed",
      attributes: { site: "a.example", category: "Art" },
    });
    expect((await t.client.execute("SELECT count(*) AS n FROM consent_events")).rows[0]?.n).toBe(1);
  });

  test("an address known from another list joins this one as legacy", async () => {
    await importCsv("email\nana@example.org\n");
    const other = await t.api(bearer, "POST", "/api/v1/lists", {
      slug: "other",
      name: "Other",
      purpose: "Other.",
    });
    const otherId = ((await other.json()) as { id: number }).id;
    const res = await upload("email,name\nANA@example.org,Ana\n", "second", "text/csv", otherId);
    expect(await res.json()).toEqual({ imported: 1, updated: 0, duplicates: 0, rejected: [] });
    expect((await t.client.execute("SELECT count(*) AS n FROM contacts")).rows[0]?.n).toBe(1);
  });

  test("suppressed addresses are rejected as suppressed, and an erased contact stays out", async () => {
    await importCsv("email,name\nana@example.org,Ana\nbob@example.org,Bob\n");
    const ana = (await contacts()).find((c) => c.email === "ana@example.org");
    expect(
      (await t.api(bearer, "DELETE", `/api/v1/lists/${listId}/contacts/${ana?.id}`)).status,
    ).toBe(204);
    const report = await importCsv(
      "email,name\nnew@example.org,New\nANA@example.org,Ana again\nbob@example.org,Bob\n",
    );
    expect(report).toEqual({
      imported: 1,
      updated: 0,
      duplicates: 1,
      rejected: [{ line: 3, reason: "suppressed" }],
    });
    const all = await contacts();
    expect(all.filter((c) => c.email?.toLowerCase() === "ana@example.org")).toEqual([]);
    expect(all.find((c) => c.id === ana?.id)).toMatchObject({
      status: "erased",
      email: null,
      name: null,
      attributes: null,
    });
  });

  test("each data row counts in exactly one bucket", async () => {
    await importCsv("email,name\nold@example.org,Old\nchanged@example.org,Before\n");
    const csv =
      "email,name\nold@example.org,Old\nchanged@example.org,After\nnew@example.org,New\nnew@example.org,New\nbad,Bad\n";
    const report = await importCsv(csv);
    expect(report).toEqual({
      imported: 1,
      updated: 1,
      duplicates: 2,
      rejected: [{ line: 6, reason: "invalid_email" }],
    });
    expect(total(report)).toBe(5);
  });

  test("markup in names is stored as text", async () => {
    await importCsv('email,name\nx@example.org,"<script>alert(1)</script>"\n');
    expect((await contacts())[0]?.name).toBe("<script>alert(1)</script>");
  });
});

describe("malformed files are refused with a clear message and change nothing", () => {
  const refused = async (body: BodyInit, status: number, message: RegExp, type = "text/csv") => {
    await importCsv("email\nkeep@example.org\n");
    const before = await snapshot();
    const res = await upload(body, "bad file", type);
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(((await res.json()) as { detail: string }).detail).toMatch(message);
    expect(await snapshot()).toBe(before);
  };

  test("an empty file", () => refused("", 400, /empty/));
  test("no email column (a headerless file)", () =>
    refused("ana@example.org,Ana\nbob@example.org,Bob\n", 400, /header with an “email” column/));
  test("a header naming a column twice", () => refused("email,site,Site\n", 400, /twice/));
  test("a binary file", () =>
    refused(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00]), 400, /binary/));
  test("a file that is not UTF-8", () =>
    refused(
      new Uint8Array([0x65, 0x6d, 0x61, 0x69, 0x6c, 0x0a, 0xe9, 0x40, 0x78, 0x2e, 0x6f]),
      400,
      /UTF-8/,
    ));
  test("a broken quote after valid rows", () =>
    refused(
      `email,name\n${"ok@example.org,Ok\n".repeat(600)}bad@example.org,"Open\n`,
      400,
      /line 602, a quoted value is never closed/,
    ));
  test("a closing quote followed by text", () =>
    refused('email,name\nok@example.org,Ok\n"bad@example.org"x,Bad\n', 400, /closing quote/));
  test("binary content after 600 valid rows is caught before anything is applied", () => {
    const text = new TextEncoder().encode(
      `email\n${Array.from({ length: 600 }, (_, i) => `r${i}@example.org`).join("\n")}\n`,
    );
    const body = new Uint8Array([...text, 0, 1, 2]);
    return refused(body, 400, /binary/);
  });
  test("a wrong content type", () =>
    refused("email\nx@example.org\n", 415, /text\/csv/, "application/json"));
  test("a missing source is a 422 naming the field", async () => {
    const res = await upload("email\nx@example.org\n", "");
    expect(res.status).toBe(422);
    expect(((await res.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe("source");
  });
  test("more than 50 MB", async () => {
    await importCsv("email\nkeep@example.org\n");
    const before = await snapshot();
    const row = new TextEncoder().encode(`${"a".repeat(60)}@example.org,${"x".repeat(900)}\n`);
    const target = 50 * 1024 * 1024 + 1;
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode("email,note\n"));
      },
      pull(c) {
        if (sent > target) return c.close();
        sent += row.byteLength;
        c.enqueue(row);
      },
    });
    const res = await t.request(`/api/v1/lists/${listId}/imports?source=big`, {
      method: "POST",
      headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "text/csv" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/larger than 50 MB/);
    expect(await snapshot()).toBe(before);
  });
});
