// One catalogue per language; views read `messages(lang)` and never hold text of their own here.
import type { Lang } from "../i18n";
import { en } from "./en";
import { fr, type Messages } from "./fr";

export type { Messages };

export const CATALOGUES: Record<Lang, Messages> = { fr, en };

export const messages = (lang: Lang): Messages => CATALOGUES[lang];

/**
 * Every text of a catalogue, flattened: what the one-language test looks for on pages. Texts with
 * counts or names are functions: they have no fixed text to look for, so they are skipped.
 */
export function catalogueTexts(catalogue: Messages): string[] {
  return Object.values(catalogue).flatMap((section) =>
    Object.values(section).filter((text): text is string => typeof text === "string"),
  );
}
