// Issue 20 item 8: the erase and per-filter confirmation pages speak the admin's language too.
import { afterAll, beforeAll, expect, test } from "vitest";
import { createTestApp, type TestApp } from "./helpers";
import { listWithContacts } from "./sending-helpers";

let t: TestApp;
let cookie: string;
let listId: number;
let contactId: number;

beforeAll(async () => {
  t = await createTestApp();
  const bearer = await t.token();
  cookie = await t.signIn();
  listId = (await listWithContacts(t, bearer, 3)).listId;
  contactId = Number(
    (await t.client.execute("SELECT contact_id FROM list_members LIMIT 1")).rows[0]?.contact_id,
  );
});
afterAll(() => t.close());

const page = async (path: string, lang?: string) =>
  (
    await t.request(path, {
      headers: { Cookie: cookie, ...(lang ? { "Accept-Language": lang } : {}) },
    })
  ).text();

test("erasing one contact asks in French, and in English without a header", async () => {
  const path = `/admin/lists/${listId}/contacts/${contactId}/erase`;
  const fr = await page(path, "fr");
  expect(fr).toContain("Effacer ce contact ?");
  expect(fr).toContain("C&#39;est irréversible.");
  expect(fr).not.toContain("This cannot be undone");
  expect(await page(path)).toContain("Erase this contact?");
});

test("a per-filter bulk action asks in French, with the count", async () => {
  const fr = await page(`/admin/lists/${listId}/bulk?action=suppress&status=legacy`, "fr");
  expect(fr).toContain("Mettre en liste d&#39;exclusion 3 contacts ?");
  expect(fr).toContain("3 contacts à l&#39;état legacy seront mis en liste d&#39;exclusion");
  expect(fr).not.toContain("suppression list");
  expect(await page(`/admin/lists/${listId}/bulk?action=erase`)).toContain("Erase 3 contacts?");
});
