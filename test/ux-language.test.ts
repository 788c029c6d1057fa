// Item 8 of issue 20: every public and participant page is in the visitor's language only; a page
// holding a text of the other catalogue fails.
import { afterAll, beforeAll, expect, test } from "vitest";
import type { Lang } from "../src/i18n";
import { CATALOGUES, catalogueTexts } from "../src/messages";
import { createTestApp, type TestApp } from "./helpers";
import { type StoryPages, storyPages } from "./ux-pages";

let t: TestApp;
let pages: StoryPages;

beforeAll(async () => {
  t = await createTestApp({ SEED: "demo" });
  pages = await storyPages({ t });
}, 120_000);
afterAll(() => t.close());

const visibleText = (html: string) =>
  html
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Texts of the other language's catalogue found on the page (none differ by accident). */
function otherLanguage(html: string, lang: Lang): string[] {
  const other = lang === "fr" ? CATALOGUES.en : CATALOGUES.fr;
  const own = new Set(catalogueTexts(CATALOGUES[lang]));
  const text = visibleText(html);
  // Whole words only, and no texts of under 4 letters: the admin's "sent" is in "consentement".
  return catalogueTexts(other)
    .filter((s) => !own.has(s) && s.trim().length >= 4)
    .filter((s) =>
      new RegExp(`(^|[^\\p{L}])${escapeRegExp(s.trim())}($|[^\\p{L}])`, "u").test(text),
    );
}

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
