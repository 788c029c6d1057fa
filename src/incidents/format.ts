// How public pages show an instant: in words for the reader's language, in the organisation's zone
// (ORG_TIMEZONE, read from the request), with the zone named; ISO stays in the datetime attribute.
import type { Lang } from "../i18n";
import { formatNamedInstant } from "../time";
import { timeSettings } from "../views/time";

export const formatInstant = (iso: string, lang: Lang) =>
  formatNamedInstant(iso, lang, timeSettings().zone);

/** The translation when the visitor reads English and one exists, else the original. */
export const inLang = (lang: Lang, original: string, english: string | null | undefined) =>
  lang === "en" && english ? english : original;
