// One catalogue per language; views read `messages(lang)` and never hold text of their own here.
import type { Lang } from "../i18n";
import { en } from "./en";
import { fr, type Messages } from "./fr";

export type { Messages };

export const CATALOGUES: Record<Lang, Messages> = { fr, en };

export const messages = (lang: Lang): Messages => CATALOGUES[lang];

/**
 * Every text of a catalogue, flattened (nested groups too): what the one-language test looks for
 * on pages. Functions (texts with counts or names in them) have no fixed text and are skipped.
 */
export function catalogueTexts(catalogue: Messages | object): string[] {
  return Object.values(catalogue).flatMap((entry: unknown) => {
    if (typeof entry === "string") return [entry];
    if (entry !== null && typeof entry === "object") return catalogueTexts(entry);
    return [];
  });
}
