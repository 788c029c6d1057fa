// The admin page's maintenance list: each one can be edited, and cancelled after a confirmation.
import { afterAll, beforeAll, expect, test } from "vitest";
import { en } from "../src/messages/en";
import { fr } from "../src/messages/fr";
import { createTestApp, type TestApp } from "./helpers";

let t: TestApp;
let cookie: string;
let bearer: string;

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set("2026-02-01T08:00:00.000Z");
  cookie = await t.signIn();
  bearer = await t.token();
  await t.api(bearer, "POST", "/api/v1/components", { slug: "mail", name: "Messagerie" });
});
afterAll(() => t.close());

const admin = async (lang = "en") =>
  (await t.request("/admin/status", { headers: { Cookie: `${cookie}; lang=${lang}` } })).text();

async function schedule(title: string) {
  const res = await t.api(bearer, "POST", "/api/v1/maintenances", {
    title,
    body: "Coupure courte.",
    starts_at: "2026-02-02T22:00:00Z",
    ends_at: "2026-02-02T23:00:00Z",
    components: ["mail"],
    notify: false,
  });
  return ((await res.json()) as { id: number }).id;
}

const current = async () =>
  (
    (await (await t.api(bearer, "GET", "/api/v1/maintenances")).json()) as {
      maintenances: { id: number; title: string; status: string; ends_at: string }[];
    }
  ).maintenances;

test("each maintenance has an edit form, filled with what it is now, in the admin's language", async () => {
  const id = await schedule("Mise à jour");
  const html = await admin();
  expect(html).toContain(`action="/admin/status/maintenances/${id}"`);
  expect(html).toContain(`action="/admin/status/maintenances/${id}/cancel"`);
  expect(html).toContain('value="2026-02-02T22:00:00.000Z"');
  expect(html).toContain(en.maintenance.edit);
  expect(html).toContain(en.maintenance.confirmCancel);
  expect(await admin("fr")).toContain(fr.maintenance.confirmCancel.replaceAll("'", "&#39;"));
});

test("an edit by form is saved; an invalid one shows its errors and changes nothing", async () => {
  const id = await schedule("À modifier");
  const fields = {
    title: "Modifiée",
    body: "Coupure courte.",
    starts_at: "2026-02-02T22:00:00Z",
    ends_at: "2026-02-02T21:00:00Z",
    components: "mail",
    notify: "on",
  };
  const bad = await t.form(`/admin/status/maintenances/${id}`, fields, { Cookie: cookie });
  expect(bad.status).toBe(422);
  expect(await bad.text()).toContain('id="ends_at-error"');
  expect((await current()).find((m) => m.id === id)?.title).toBe("À modifier");

  const ok = await t.form(
    `/admin/status/maintenances/${id}`,
    { ...fields, ends_at: "2026-02-03T00:00:00Z" },
    { Cookie: cookie },
  );
  expect(ok.status).toBe(303);
  expect((await current()).find((m) => m.id === id)).toMatchObject({
    title: "Modifiée",
    ends_at: "2026-02-03T00:00:00.000Z",
  });
  expect(await (await t.request("/")).text()).toContain("Modifiée");
});

test("cancelling asks for a confirmation first; then it is cancelled and leaves the list", async () => {
  const id = await schedule("À annuler");
  const unconfirmed = await t.form(
    `/admin/status/maintenances/${id}/cancel`,
    {},
    { Cookie: cookie },
  );
  expect(unconfirmed.status).toBe(422);
  expect((await current()).find((m) => m.id === id)?.status).toBe("scheduled");

  const confirmed = await t.form(
    `/admin/status/maintenances/${id}/cancel`,
    { confirm: "yes" },
    { Cookie: cookie },
  );
  expect(confirmed.status).toBe(303);
  expect((await current()).map((m) => m.id)).not.toContain(id);
  expect(await admin()).not.toContain("À annuler");
  // Once cancelled, neither form can change it.
  const again = await t.form(
    `/admin/status/maintenances/${id}/cancel`,
    { confirm: "yes" },
    { Cookie: cookie },
  );
  expect(again.status).toBe(409);
  expect(
    (await t.form("/admin/status/maintenances/999/cancel", { confirm: "yes" }, { Cookie: cookie }))
      .status,
  ).toBe(404);
});
