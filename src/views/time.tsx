// The one <time> element of the views: human text in the organisation's zone, ISO in `datetime`.
// Zone and clock come from the page context (src/views/org.tsx), so a view only passes the instant.
import type { Lang } from "../i18n";
import { DEFAULT_TIMEZONE, formatDay, formatInstant, relativeHint } from "../time";
import { useAdminLang, usePageTime } from "./org";

/** The zone and "now" of the page being rendered; outside one (a test, a script), the default zone. */
export function timeSettings(): { zone: string; now: Date } {
  return usePageTime() ?? { zone: DEFAULT_TIMEZONE, now: new Date() };
}

/**
 * An instant for people. `lang` defaults to the admin's language (public pages pass theirs);
 * `relative` adds "(3 min ago)";
 * `day` drops the hour. Empty values render nothing.
 */
export function Time(props: {
  at: string | Date | null | undefined;
  lang?: Lang;
  relative?: boolean;
  day?: boolean;
}) {
  if (props.at === null || props.at === undefined || props.at === "") return null;
  const lang = props.lang ?? useAdminLang();
  const { zone, now } = timeSettings();
  const date = props.at instanceof Date ? props.at : new Date(props.at);
  const iso = Number.isNaN(date.getTime()) ? String(props.at) : date.toISOString();
  const text = props.day ? formatDay(date, lang, zone) : formatInstant(date, lang, zone);
  return (
    <time datetime={iso}>
      {text}
      {props.relative ? <span class="muted"> ({relativeHint(date, now, lang)})</span> : null}
    </time>
  );
}

const ISO_INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/g;

/** Stored sentences (audit summaries) may quote an instant: shown in words like every other time. */
export function humaniseInstants(text: string, lang: Lang = "en"): string {
  const { zone } = timeSettings();
  return text.replace(ISO_INSTANT, (iso) => formatInstant(iso, lang, zone));
}
