// Malformed CSV files: each gets a clear 400/422 problem naming what is wrong (and the line when
// there is one), nothing is imported, and nothing the file holds reaches the logs.
import { createClient } from "@libsql/client";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { createTestApp, type TestApp } from "./helpers";

let t: TestApp;
let bearer: string;
let listId: number;
let logged: string[];

beforeEach(async () => {
  t = await createTestApp();
  bearer = await t.token();
  const res = await t.api(bearer, "POST", "/api/v1/lists", {
    slug: "nets",
    name: "Nets",
    purpose: "News of the contest.",
  });
  listId = ((await res.json()) as { id: number }).id;
  logged = [];
  for (const level of ["error", "warn", "log", "info", "debug"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logged.push(
        args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : String(a))).join(" "),
      );
    });
  }
});
afterEach(() => {
  vi.restoreAllMocks();
  t.close();
});

const upload = (body: BodyInit) =>
  t.request(`/api/v1/lists/${listId}/imports?source=bad%20file`, {
    method: "POST",
    headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "text/csv" },
    body,
  });

const memberCount = async () =>
  Number((await t.client.execute("SELECT count(*) AS n FROM list_members")).rows[0]?.n);

type Problem = { status: number; detail: string; errors?: { field: string; message: string }[] };

async function refused(body: BodyInit, status: 400 | 422, detail: RegExp) {
  const res = await upload(body);
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  const problem = (await res.json()) as Problem;
  expect(problem.detail).toMatch(detail);
  expect(await memberCount()).toBe(0);
  const staged = await t.client.execute("SELECT count(*) AS n FROM import_rows");
  expect(Number(staged.rows[0]?.n)).toBe(0);
  return problem;
}

describe("a CSV that cannot be read", () => {
  test("a quote inside an unquoted field is a 400 naming the line, and the log keeps no content", async () => {
    const body = 'email,name\nana@example.org,Ana\njean@example.org,Jean "Jojo" Dupont\n';
    const problem = await refused(body, 400, /line 3/);
    expect(problem.detail).toMatch(/quote/);
    expect(problem.detail).not.toContain("Jojo");
    expect(logged.join("\n")).not.toMatch(/Jojo|jean@example\.org|ana@example\.org/);
  });

  test("an unclosed quote names its line", () =>
    refused('email,name\nana@example.org,"Ana\n', 400, /line 2, a quoted value is never closed/));

  test("an empty file", () => refused("", 400, /empty/));

  test("a header and no rows", () => refused("email,name\r\n", 422, /no rows/));

  test("a BOM and CRLF alone", () => refused("\uFEFF\r\n", 400, /empty|header/));

  test("bad encoding (Latin-1)", () =>
    refused(new Uint8Array([0x65, 0x6d, 0x61, 0x69, 0x6c, 0x0a, 0xe9, 0x40, 0x78]), 400, /UTF-8/));

  test("a file whose every row has the wrong column count is reported row by row", async () => {
    const res = await upload("email,name\r\na@example.org,A,extra\r\nb@example.org,B,more\r\n");
    expect(res.status).toBe(200);
    expect(((await res.json()) as { rejected: unknown[] }).rejected).toEqual([
      { line: 2, reason: "wrong_column_count" },
      { line: 3, reason: "wrong_column_count" },
    ]);
    expect(await memberCount()).toBe(0);
  });

  test("nothing of the file is logged by a file refused for its syntax after staged rows", async () => {
    const rows = Array.from({ length: 2500 }, (_, i) => `p${i}@example.org,P ${i}`).join("\n");
    await refused(`email,name\n${rows}\nx@example.org,Bad "quote" Here\n`, 400, /line 2502/);
    expect(logged.join("\n")).not.toMatch(/example\.org|Bad "quote"/);
  });
});

describe("a failure that is not the file's", () => {
  test("a database locked by another writer: 503, nothing imported, no address in the log", async () => {
    const other = createClient({ url: t.url });
    const tx = await other.transaction("write");
    await tx.execute("INSERT INTO settings (key, value) VALUES ('lock', 'held')");
    try {
      const res = await upload("email,name\nsecret.person@example.org,Secret Person\n");
      expect(res.status).toBe(503);
    } finally {
      await tx.rollback();
      other.close();
    }
    expect(await memberCount()).toBe(0);
    expect(logged.join("\n")).toContain("[relance]");
    expect(logged.join("\n")).not.toMatch(/secret\.person|Secret Person/);
  }, 60_000);
});

describe("the admin upload form", () => {
  const uploadForm = async (file: string, headers: Record<string, string>, source = "upload") => {
    const cookie = await t.signIn();
    const form = new FormData();
    form.set("source", source);
    form.set("file", new File([file], "contacts.csv", { type: "text/csv" }));
    return t.request(`/admin/lists/${listId}/imports`, {
      method: "POST",
      headers: { Cookie: cookie, Origin: "http://127.0.0.1:8787", ...headers },
      body: form,
    });
  };

  test.each([
    ["with htmx", { "HX-Request": "true" }],
    ["without JavaScript", {}],
  ])("%s, a malformed file's message sits next to the file field", async (_, headers) => {
    const res = await uploadForm('email,name\njean@example.org,Jean "Jojo" Dupont\n', headers);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toMatch(
      /<input[^>]*name="file"[^>]*aria-describedby="file-error"[^>]*>[\s\S]*?<small class="field-error" id="file-error">The file could not be read as CSV: line 2/,
    );
    expect(html).toContain('value="upload"'); // the source typed is kept
    expect(await memberCount()).toBe(0);
  });

  test("a missing source is shown next to the source field", async () => {
    const res = await uploadForm("email\na@example.org\n", { "HX-Request": "true" }, "");
    expect(res.status).toBe(422);
    expect(await res.text()).toMatch(/name="source"[^>]*aria-describedby="source-error"/);
  });
});
