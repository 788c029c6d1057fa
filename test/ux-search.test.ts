// Item 4 of issue 20: partial search by address or name, and URLs that keep the search.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { suppressAddress } from "../src/consent/service";
import { createTestApp, type TestApp } from "./helpers";
import { listWithContacts } from "./sending-helpers";

let t: TestApp;
let cookie: string;
let bearer: string;

beforeAll(async () => {
  t = await createTestApp();
  bearer = await t.token();
  cookie = await t.signIn();
  await listWithContacts(t, bearer, 12);
  await suppressAddress(t.deps, "p1@example.org", "bounced");
  await suppressAddress(t.deps, "p11@example.org", "admin");
  await suppressAddress(t.deps, "p2@example.org", "complained");
});
afterAll(() => t.close());

const page = async (path: string) => {
  const res = await t.request(path, { headers: { Cookie: cookie } });
  return { status: res.status, html: await res.text() };
};

describe("suppressions", () => {
  test("a part of an address finds every suppressed address containing it", async () => {
    const res = await page("/admin/suppressions?address=p1");
    expect(res.status).toBe(200);
    expect(res.html).not.toContain("The address has no @.");
    expect(res.html).toContain("p1@example.org");
    expect(res.html).toContain("p11@example.org");
    expect(res.html).not.toContain("p2@example.org");
  });

  test("a part of a name finds them too, and the reason filter still applies", async () => {
    const res = await page("/admin/suppressions?address=participant%201&reason=admin");
    expect(res.html).toContain("p11@example.org");
    expect(res.html).not.toContain("p1@example.org<");
  });

  test("the API takes a part of an address as q", async () => {
    const res = await t.api(bearer, "GET", "/api/v1/suppressions?q=P2%40EXAMPLE");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: { address_hint: string }[] };
    expect(body.items.map((i) => i.address_hint)).toEqual(["p2@example.org"]);
  });

  test("a full address is still found by its hash once no contact has it", async () => {
    await suppressAddress(t.deps, "gone@example.org", "admin");
    const res = await page("/admin/suppressions?address=GONE%40example.org");
    expect(res.html).toContain("admin");
    expect(res.html).not.toContain("This address is not on the suppression list.");
  });
});

describe("contacts pages", () => {
  let listId: number;
  beforeAll(async () => {
    ({ listId } = await listWithContacts(t, bearer, 120, "paged"));
  });

  // 120 imported, less the 3 suppressed above (p1, p11, p2): 117 members.
  const pager = (html: string) => /<nav aria-label="Pages"[\s\S]*?<\/nav>/.exec(html)?.[0] ?? "";

  test("the pager says which rows these are, with previous and next in the URL", async () => {
    const first = await page(`/admin/lists/${listId}`);
    expect(pager(first.html)).toContain("1–50 of 117");
    expect(pager(first.html)).not.toContain("Previous");
    const next = /href="([^"]+)"[^>]*rel="next"/
      .exec(pager(first.html))?.[1]
      ?.replace(/&amp;/g, "&");
    expect(next).toMatch(/cursor=/);
    const second = await page(next as string);
    expect(pager(second.html)).toContain("51–100 of 117");
    const prev = /href="([^"]+)"[^>]*rel="prev"/
      .exec(pager(second.html))?.[1]
      ?.replace(/&amp;/g, "&");
    const back = await page(prev as string);
    expect(pager(back.html)).toContain("1–50 of 117");
  });

  test("a filter and search stay in the pager's links and the count", async () => {
    const res = await page(`/admin/lists/${listId}?status=legacy&q=p1`);
    // p10, p12–p19, p100–p119: 29 contacts (p1 and p11 are suppressed).
    expect(pager(res.html)).toContain("1–29 of 29");
    expect(res.html).toContain('value="p1"');
  });

  test("one line per contact: state badge, name, address, language, last event", async () => {
    const res = await page(`/admin/lists/${listId}`);
    const row = /<tr id="contact-\d+">[\s\S]*?<\/tr>/.exec(res.html)?.[0] ?? "";
    expect(row).toContain('class="state state-legacy"');
    expect(row).toContain("p0@example.org");
    expect(row).toContain("Participant 0");
    expect(row).toContain("<td>fr</td>");
    expect(row).not.toContain("<dl");
    expect(row).toContain('class="attributes-line"');
  });
});
