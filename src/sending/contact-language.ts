// A contact's language, as their attributes state it: which version of a campaign they get, and
// the language of the mail Relance writes around it.
import { isLang, type Lang } from "../i18n";

/** The contact's language, from their attributes (`language`, else `lang`); French otherwise. */
export const languageOf = (attributes: unknown): Lang => statedLanguageOf(attributes) ?? "fr";

/** The language a contact's attributes state (`language`, else `lang`), if one Relance speaks. */
export function statedLanguageOf(attributes: unknown): Lang | undefined {
  const given = (attributes ?? {}) as Record<string, unknown>;
  return languageCode(given.language ?? given.lang);
}

/** A stated language's code: its first two letters, lower-cased, if Relance speaks it. */
export function languageCode(stated: unknown): Lang | undefined {
  const code = String(stated ?? "")
    .toLowerCase()
    .slice(0, 2);
  return isLang(code) ? code : undefined;
}
