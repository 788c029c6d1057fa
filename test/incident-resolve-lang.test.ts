// Issue 20 item 8: "Resolve now" on the admin posts one text per language, so the public page shows
// the reader's only (it posted "Résolu. / Resolved.", a two-language line on both pages).
import { afterAll, beforeAll, expect, test } from "vitest";
import { createTestApp, type TestApp } from "./helpers";

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

test("resolving from the admin shows 'Résolu.' in French and 'Resolved.' in English only", async () => {
  const bearer = await t.token();
  const cookie = await t.signIn();
  const res = await t.api(bearer, "POST", "/api/v1/incidents", {
    slug: "tempete",
    title: "Tempête de réponses",
    status: "investigating",
    impact: "major",
    body: "Toute réponse part à toute la liste.",
  });
  const { id } = (await res.json()) as { id: number };
  const admin = await (
    await t.request(`/admin/incidents/${id}`, { headers: { Cookie: cookie } })
  ).text();
  const resolveForm = admin
    .split("<form")
    .find((f) => f.includes('name="status" value="resolved"')) as string;
  const fields = Object.fromEntries(
    [...resolveForm.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)"/g)].map((m) => [
      m[1],
      m[2],
    ]),
  );
  expect((await t.form(`/admin/incidents/${id}/updates`, fields, { Cookie: cookie })).status).toBe(
    303,
  );
  const page = async (lang: string) =>
    (await t.request("/incidents/tempete", { headers: { "Accept-Language": lang } })).text();
  const fr = await page("fr");
  const en = await page("en");
  expect(fr).toContain("Résolu.");
  expect(fr).not.toContain("Resolved.");
  expect(en).toContain("Resolved.");
  expect(en).not.toContain("Résolu.");
});
