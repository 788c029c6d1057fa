// The status page's parts: the overall banner, the components with their 90-day strips, maintenance.
import { raw } from "hono/html";
import { LANGS, type Lang, LOCALES } from "../i18n";
import { formatInstant, inLang } from "../incidents/format";
import { messages } from "../messages";
import type { HistoryDay } from "./history";
import type { MaintenanceWithComponents } from "./maintenance";
import type { Component, ComponentGroup, ComponentStatus } from "./queries";
import type { Overall } from "./summary";

export const componentStatusText = (lang: Lang, status: ComponentStatus) =>
  messages(lang).statusPublic.status[status];
export const overallText = (lang: Lang, status: ComponentStatus) =>
  messages(lang).statusPublic.overall[status];

function Time(props: { iso: string; lang: Lang }) {
  return <time datetime={props.iso}>{formatInstant(props.iso, props.lang)}</time>;
}

/** The worst status, in words, and when it began. */
export function OverallBanner(props: { overall: Overall; lang: Lang }) {
  const t = messages(props.lang).statusPublic;
  const { status, since } = props.overall;
  return (
    <section class={`status-banner s-${status}`} aria-labelledby="overall-status">
      <h2 id="overall-status">{t.overall[status]}</h2>
      {since ? (
        <p>
          {t.since} <Time iso={since} lang={props.lang} />
        </p>
      ) : null}
    </section>
  );
}

const dayFormat = Object.fromEntries(
  LANGS.map((lang) => [
    lang,
    new Intl.DateTimeFormat(LOCALES[lang], { day: "numeric", month: "short", timeZone: "UTC" }),
  ]),
) as Record<Lang, Intl.DateTimeFormat>;

const notable = (d: HistoryDay) =>
  d.incidents.length > 0 || (d.worst !== null && d.worst !== "operational");

/**
 * One cell a day. A day with a problem or an incident says so in text (read by screen readers,
 * shown on hover or focus, and focusable); the other days are bare cells, which keeps the page
 * light when everyone opens it at once.
 */
function HistoryStrip(props: { days: HistoryDay[]; lang: Lang; name: string }) {
  const t = messages(props.lang).statusPublic;
  const problems = props.days.filter(notable).length;
  return (
    <ol
      class="strip"
      aria-label={`${props.name} — ${t.history(props.days.length)} (${t.problemDays(problems)})`}
    >
      {props.days.map((d) =>
        notable(d) ? (
          <li class={`s-${d.worst ?? "none"}`} tabindex={0}>
            <span class="tip">
              {dayFormat[props.lang].format(new Date(`${d.date}T00:00:00Z`))} :{" "}
              {d.worst ? t.status[d.worst] : t.noData}
              {d.incidents.map((i) => (
                <>
                  {" · "}
                  <a href={`/incidents/${i.slug}`}>{inLang(props.lang, i.title, i.titleEn)}</a>
                </>
              ))}
            </span>
          </li>
        ) : (
          // An ordinary operational day is a bare cell (its colour is the strip's default), its
          // end tag left out as HTML allows before another <li> or </ol>: the 90 days of each
          // component are most of the page's bytes, and bytes are most of a remembered answer's
          // cost (bench/RESULTS.md).
          raw(d.worst === null ? '<li class="s-none">' : "<li>")
        ),
      )}
    </ol>
  );
}

function ComponentRow(props: { component: Component; days?: HistoryDay[]; lang: Lang }) {
  const c = props.component;
  return (
    <li class="component">
      <p class="component-head">
        <strong>{c.name}</strong>
        <span class={`component-status s-${c.status}`}>
          {componentStatusText(props.lang, c.status)}
        </span>
      </p>
      {c.description ? <p class="muted component-description">{c.description}</p> : null}
      {props.days ? <HistoryStrip days={props.days} lang={props.lang} name={c.name} /> : null}
    </li>
  );
}

/** Components under their groups (in order), those without a group last. */
export function ComponentsSection(props: {
  groups: ComponentGroup[];
  components: Component[];
  histories?: Map<number, HistoryDay[]>;
  lang: Lang;
}) {
  const t = messages(props.lang).statusPublic;
  if (!props.components.length) return <p class="muted">{t.noComponents}</p>;
  const sections = [
    ...props.groups.map((g) => ({
      name: g.name,
      items: props.components.filter((c) => c.groupId === g.id),
    })),
    { name: t.other, items: props.components.filter((c) => c.groupId === null) },
  ].filter((s) => s.items.length);
  const single = sections.length === 1 && sections[0]?.name === t.other;
  return (
    <section aria-labelledby="components-title" class="components">
      <h2 id="components-title">{t.components}</h2>
      {sections.map((s) => (
        <>
          {single ? null : <h3>{s.name}</h3>}
          <ul class="component-list">
            {s.items.map((c) => (
              <ComponentRow component={c} days={props.histories?.get(c.id)} lang={props.lang} />
            ))}
          </ul>
        </>
      ))}
    </section>
  );
}

export function MaintenanceSection(props: {
  maintenances: MaintenanceWithComponents[];
  lang: Lang;
}) {
  const t = messages(props.lang).statusPublic;
  if (!props.maintenances.length) return null;
  return (
    <section aria-labelledby="maintenance-title">
      <h2 id="maintenance-title">{t.maintenance}</h2>
      <ul>
        {props.maintenances.map(({ maintenance: m, components }) => (
          <li>
            <strong>{m.title}</strong>{" "}
            <span class={`badge maintenance-${m.status}`}>{t.maintenanceStatus[m.status]}</span>
            <br />
            <small>
              {t.from} <Time iso={m.startsAt} lang={props.lang} /> {t.to}{" "}
              <Time iso={m.endsAt} lang={props.lang} />
              {components.length
                ? ` · ${t.affects} : ${components.map((c) => c.name).join(", ")}`
                : ""}
            </small>
            <p>{m.body}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
