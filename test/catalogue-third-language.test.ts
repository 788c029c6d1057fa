// Item 8 of issue 20: a third language is one file (src/messages/<lang>.ts) plus one line in
// CATALOGUES. That holds only if every text of the app lives in the catalogues and both catalogues
// have the same shape: a translator copies one, translates its strings, and misses nothing.
import { expect, expectTypeOf, test } from "vitest";
import { CATALOGUES, catalogueTexts, type Messages } from "../src/messages";
import { en } from "../src/messages/en";
import { fr } from "../src/messages/fr";

/**
 * Every key path of a catalogue, nested groups walked through: "polls.title" for a text,
 * "pollsPublic.total()" for a function (a text with a count or a name in it), so a text in one
 * language and a function in the other differ too.
 */
function keyPaths(catalogue: object, prefix = ""): string[] {
  return Object.entries(catalogue).flatMap(([key, value]: [string, unknown]) => {
    const path = `${prefix}${key}`;
    if (typeof value === "function") return [`${path}()`];
    if (value !== null && typeof value === "object") return keyPaths(value, `${path}.`);
    return [path];
  });
}

/** The key paths one catalogue has and the other lacks, both ways. */
function shapeDifference(a: object, b: object) {
  const pathsA = new Set(keyPaths(a));
  const pathsB = new Set(keyPaths(b));
  return {
    onlyInFirst: [...pathsA].filter((p) => !pathsB.has(p)),
    onlyInSecond: [...pathsB].filter((p) => !pathsA.has(p)),
  };
}

test("a third catalogue made by copying English is a whole catalogue, with French's shape", () => {
  // The translator's starting point: the English file, renamed, strings not yet translated.
  const third: Messages = { ...en };
  expectTypeOf(third).toEqualTypeOf<Messages>();
  const catalogues = { ...CATALOGUES, xx: third } satisfies Record<string, Messages>;

  expect(shapeDifference(catalogues.fr, catalogues.xx)).toEqual({
    onlyInFirst: [],
    onlyInSecond: [],
  });
  expect(catalogueTexts(catalogues.xx)).toEqual(catalogueTexts(en));
});

test("French and English have the same key paths, groups and functions alike", () => {
  expect(shapeDifference(fr, en)).toEqual({ onlyInFirst: [], onlyInSecond: [] });
  expect(catalogueTexts(fr)).toHaveLength(catalogueTexts(en).length);
});

test("the same function takes the same arguments in both languages", () => {
  const arities = (catalogue: object, prefix = ""): string[] =>
    Object.entries(catalogue).flatMap(([key, value]: [string, unknown]) => {
      if (typeof value === "function") return [`${prefix}${key}/${value.length}`];
      if (value !== null && typeof value === "object") return arities(value, `${prefix}${key}.`);
      return [];
    });
  expect(arities(en)).toEqual(arities(fr));
});

test("no text of either catalogue is empty", () => {
  for (const catalogue of [fr, en]) {
    expect(catalogueTexts(catalogue).filter((s) => s.trim() === "")).toEqual([]);
  }
});

test("the shape check sees a section, a text or a function present in one language only", () => {
  // What the comparison must catch when a module's texts land in one catalogue only (built from
  // French alone, so this test checks the comparison, whatever the catalogues hold today).
  const withExtraSection = { ...fr, onlyHere: { title: "Only in English" } };
  expect(shapeDifference(fr, withExtraSection).onlyInSecond).toEqual(["onlyHere.title"]);

  const { errors: _dropped, ...withoutSection } = fr;
  expect(shapeDifference(fr, withoutSection).onlyInFirst).toEqual([
    "errors.404.title",
    "errors.404.body",
    "errors.500.title",
    "errors.500.body",
    "errors.503.title",
    "errors.503.body",
    "errors.back",
  ]);

  const textForFunction = { ...fr, pollShare: { ...fr.pollShare, qr: "QR code" } };
  expect(shapeDifference(fr, textForFunction)).toEqual({
    onlyInFirst: ["pollShare.qr()"],
    onlyInSecond: ["pollShare.qr"],
  });
});
