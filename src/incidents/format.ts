// How pages show an instant: in words for the reader's language, in Paris time (the organisation's),
// with the zone named; the ISO value stays in the datetime attribute.
import type { Lang } from "../i18n";

const FORMAT: Intl.DateTimeFormatOptions = {
  day: "numeric",
  month: "long",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZone: "Europe/Paris",
  timeZoneName: "short",
};

const formatters: Record<Lang, Intl.DateTimeFormat> = {
  fr: new Intl.DateTimeFormat("fr-FR", FORMAT),
  en: new Intl.DateTimeFormat("en-GB", FORMAT),
};

export const formatInstant = (iso: string, lang: Lang) => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : formatters[lang].format(date);
};

/** The translation when the visitor reads English and one exists, else the original. */
export const inLang = (lang: Lang, original: string, english: string | null | undefined) =>
  lang === "en" && english ? english : original;
