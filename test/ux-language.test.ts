// Item 8 of issue 20: every public and participant page is in the visitor's language only; a page
// holding a text of the other catalogue fails.
import { afterAll, beforeAll, expect, test } from "vitest";
import type { Lang } from "../src/i18n";
import { CATALOGUES } from "../src/messages";
import { otherLanguage } from "./catalogue-check";
import { createTestApp, type TestApp } from "./helpers";
import { type StoryPages, storyPages } from "./ux-pages";

let t: TestApp;
let pages: StoryPages;

beforeAll(async () => {
  t = await createTestApp({ SEED: "demo" });
  pages = await storyPages({ t });
}, 120_000);
afterAll(() => t.close());

for (const lang of ["fr", "en"] as const) {
  test(`public and participant pages in ${lang} hold no text of the other catalogue`, async () => {
    const found: Record<string, string[]> = {};
    // The sign-in form is the admin's (English until the admin has a French catalogue).
    for (const path of pages.public.filter((p) => !p.startsWith("/admin"))) {
      const res = await t.request(path, { headers: { "Accept-Language": lang } });
      const html = await res.text();
      // A participant page speaks the contact's language: checked against the one it declares.
      const declared = /<html lang="(fr|en)"/.exec(html)?.[1] as Lang | undefined;
      expect(declared, path).toBeDefined();
      const mixed = otherLanguage(html, declared as Lang);
      if (mixed.length) found[path] = mixed;
    }
    expect(found).toEqual({});
  });
}

test("the check itself catches a page that mixes them", () => {
  const mixed = `<html lang="fr"><p>${CATALOGUES.fr.home.status}</p><p>${CATALOGUES.en.home.check}</p></html>`;
  expect(otherLanguage(mixed, "fr")).toEqual([CATALOGUES.en.home.check]);
});
