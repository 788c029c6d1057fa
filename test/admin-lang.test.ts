// Issue 20 item 8: the admin speaks the language the browser asks for (or the switch's cookie),
// and English when neither says.
import { expect, test } from "vitest";
import { createTestApp } from "./helpers";

test("the admin page is in French for Accept-Language fr, English without a header, the cookie wins", async () => {
  const t = await createTestApp();
  const cookie = await t.signIn();
  const page = async (headers: Record<string, string>) =>
    (await (await t.request("/admin", { headers: { Cookie: cookie, ...headers } })).text()).match(
      /<html lang="(\w+)"/,
    )?.[1];
  expect(await page({ "Accept-Language": "fr-FR,fr;q=0.9" })).toBe("fr");
  expect(await page({})).toBe("en");
  expect(await page({ "Accept-Language": "fr", Cookie: `${cookie}; lang=en` })).toBe("en");
  const login = await (
    await t.request("/admin/login", { headers: { "Accept-Language": "fr" } })
  ).text();
  expect(login).toContain('<html lang="fr"');
  expect(login).toContain("Aller au contenu");
});
