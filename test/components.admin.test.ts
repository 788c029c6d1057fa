// The admin page of the status page: components and maintenance by form.
import { afterAll, beforeAll, expect, test } from "vitest";
import { createTestApp, type TestApp } from "./helpers";

let t: TestApp;
let cookie: string;

beforeAll(async () => {
  t = await createTestApp();
  cookie = await t.signIn();
});
afterAll(() => t.close());

const page = async () => (await t.request("/admin/status", { headers: { Cookie: cookie } })).text();

test("create a component by form (errors next to the fields), set its status, schedule a maintenance", async () => {
  const bad = await t.form(
    "/admin/status/components",
    { name: "", slug: "Bad" },
    { Cookie: cookie },
  );
  expect(bad.status).toBe(422);
  const html = await bad.text();
  expect(html).toContain('id="slug-error"');
  expect(html).toContain('id="name-error"');

  const ok = await t.form(
    "/admin/status/components",
    { name: "Messagerie", slug: "mail", group: "Courrier" },
    { Cookie: cookie },
  );
  expect(ok.status).toBe(303);
  expect(await page()).toContain("Messagerie");

  const set = await t.form(
    "/admin/status/components/mail",
    { status: "degraded" },
    { Cookie: cookie },
  );
  expect(set.status).toBe(303);
  expect(await (await t.request("/", { headers: { "Accept-Language": "en" } })).text()).toContain(
    "Some systems are degraded",
  );

  const unknown = await t.form(
    "/admin/status/maintenances",
    {
      title: "Upgrade",
      body: "Short.",
      starts_at: "2026-02-01T22:00:00Z",
      ends_at: "2026-02-01T23:00:00Z",
      components: "mail, nope",
    },
    { Cookie: cookie },
  );
  expect(unknown.status).toBe(422);
  expect(await unknown.text()).toContain("No component has the slug &quot;nope&quot;");
  const scheduled = await t.form(
    "/admin/status/maintenances",
    {
      title: "Upgrade",
      body: "Short.",
      starts_at: "2026-02-01T22:00:00Z",
      ends_at: "2026-02-01T23:00:00Z",
      components: "mail",
    },
    { Cookie: cookie },
  );
  expect(scheduled.status).toBe(303);
  expect(await page()).toMatch(/Upgrade<\/strong> — scheduled[\s\S]*no notification/);
});
