// Item 5 of issue 20: on a list page the add and import forms sit above the table (folded until
// used), and open with their errors in view when a submission is refused.
import { afterAll, beforeAll, expect, test } from "vitest";
import { createTestApp, type TestApp } from "./helpers";
import { listWithContacts } from "./sending-helpers";

let t: TestApp;
let cookie: string;
let listId: number;

beforeAll(async () => {
  t = await createTestApp();
  const bearer = await t.token();
  cookie = await t.signIn();
  ({ listId } = await listWithContacts(t, bearer, 60));
});
afterAll(() => t.close());

test("the forms come before the contacts table, folded", async () => {
  const html = await (
    await t.request(`/admin/lists/${listId}`, { headers: { Cookie: cookie } })
  ).text();
  const forms = html.indexOf('<details class="add-import"');
  expect(forms).toBeGreaterThan(0);
  expect(forms).toBeLessThan(html.indexOf('id="contacts"'));
  expect(html).not.toContain('<details class="add-import" open');
});

test("a refused contact opens the forms with the error next to the field", async () => {
  const res = await t.form(
    `/admin/lists/${listId}/contacts`,
    { email: "nope", name: "" },
    { Cookie: cookie },
  );
  expect(res.status).toBe(422);
  const html = await res.text();
  expect(html).toContain('<details class="add-import" open');
  expect(html.indexOf('aria-invalid="true"')).toBeLessThan(html.indexOf('id="contacts"'));
});
