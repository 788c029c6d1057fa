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

test("an incident names its components by form; an unknown slug is shown next to the field", async () => {
  const fields = {
    title: "Panne",
    slug: "panne-form",
    status: "investigating",
    impact: "major",
    body: "x",
  };
  const bad = await t.form(
    "/admin/incidents",
    { ...fields, components: "mail:major_outage, nope:degraded" },
    { Cookie: cookie },
  );
  expect(bad.status).toBe(422);
  expect(await bad.text()).toContain('id="components-error"');
  const wrongStatus = await t.form(
    "/admin/incidents",
    { ...fields, components: "mail:broken" },
    { Cookie: cookie },
  );
  expect(wrongStatus.status).toBe(422);
  const ok = await t.form(
    "/admin/incidents",
    { ...fields, components: "mail:major_outage" },
    { Cookie: cookie },
  );
  expect(ok.status).toBe(303);
  const admin = await (
    await t.request(ok.headers.get("location") ?? "", { headers: { Cookie: cookie } })
  ).text();
  expect(admin).toContain("components: mail:major_outage");
  const resolved = await t.form(
    `${ok.headers.get("location")}/updates`,
    { status: "resolved", body: "Ok.", components: "" },
    { Cookie: cookie },
  );
  expect(resolved.status).toBe(303);
  const api = await t.request("/api/v2/summary.json");
  const body = (await api.json()) as { components: { id: string; status: string }[] };
  // The manual "degraded" set earlier was replaced by the incident, then released by resolving.
  expect(body.components.find((c) => c.id === "mail")?.status).toBe("operational");
});
