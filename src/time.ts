// How every page shows an instant: in the organisation's zone (ORG_TIMEZONE), in the reader's
// language, "4 déc. 2026, 04:13" / "4 Dec 2026, 04:13", with a relative hint where it helps.
// ISO strings stay for machines: JSON, CSV, feeds and the `datetime` attribute.
import { type Lang, LOCALES } from "./i18n";

export const DEFAULT_TIMEZONE = "Europe/Paris";

const toDate = (at: string | Date) => (at instanceof Date ? at : new Date(at));

/** "4 déc. 2026, 04:13" or "4 Dec 2026, 04:13"; an unreadable value is shown as it is. */
export function formatInstant(at: string | Date, lang: Lang, zone = DEFAULT_TIMEZONE): string {
  const date = toDate(at);
  if (Number.isNaN(date.getTime())) return String(at);
  return new Intl.DateTimeFormat(LOCALES[lang], {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: zone,
  }).format(date);
}

/**
 * "15 janvier 2026 à 12:30 UTC−5" / "15 January 2026 at 12:30 GMT-5": the public pages' form, the
 * month in words and the zone named, since their readers may live elsewhere.
 */
export function formatNamedInstant(at: string | Date, lang: Lang, zone = DEFAULT_TIMEZONE): string {
  const date = toDate(at);
  if (Number.isNaN(date.getTime())) return String(at);
  return new Intl.DateTimeFormat(LOCALES[lang], {
    day: "numeric",
    month: "long",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: zone,
    timeZoneName: "short",
  }).format(date);
}

/** "4 déc. 2026" or "4 Dec 2026": for deadlines and days where the hour would be noise. */
export function formatDay(at: string | Date, lang: Lang, zone = DEFAULT_TIMEZONE): string {
  const date = toDate(at);
  if (Number.isNaN(date.getTime())) return String(at);
  return new Intl.DateTimeFormat(LOCALES[lang], {
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: zone,
  }).format(date);
}

/** Unit, the distance from which it is used, and its length in seconds. */
const UNITS: [Intl.RelativeTimeFormatUnit, number, number][] = [
  ["year", 365 * 86_400, 365 * 86_400],
  ["month", 60 * 86_400, 30 * 86_400],
  ["day", 2 * 86_400, 86_400],
  ["hour", 3_600, 3_600],
  ["minute", 60, 60],
];

/** "3 min. ago", "in 30 days", "il y a 2 h"; under a minute is "now" / "maintenant". */
export function relativeHint(at: string | Date, now: Date, lang: Lang): string {
  const date = toDate(at);
  if (Number.isNaN(date.getTime())) return "";
  const seconds = (date.getTime() - now.getTime()) / 1000;
  const format = new Intl.RelativeTimeFormat(lang, { numeric: "always", style: "short" });
  for (const [unit, from, size] of UNITS) {
    if (Math.abs(seconds) >= from) return format.format(Math.round(seconds / size), unit);
  }
  return new Intl.RelativeTimeFormat(lang, { numeric: "auto" }).format(0, "second");
}

/** Seconds as "45 s", "3 min 20 s", "1 h 05 min": time left of a send, in either language. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}
