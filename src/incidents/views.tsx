// Public incident pages: the incident, its timeline newest first, its postmortem and its polls.
import type { Lang } from "../i18n";
import { messages } from "../messages";
import { PollsSection } from "../polls/views";
import type { ComponentStatus } from "../status/queries";
import { componentStatusText } from "../status/views";
import type { FormGuard } from "../subscriptions/bot-fields";
import { FollowIncidentForm } from "../subscriptions/views";
import { PublicLayout } from "../views/layout";
import { formatInstant, inLang } from "./format";
import { renderMarkdown } from "./markdown";
import type { Incident } from "./queries";
import { type Impact, type IncidentPage, type IncidentStatus, servicesOf } from "./service";

export const statusText = (lang: Lang, status: string) =>
  messages(lang).incidentsPublic.status[status as IncidentStatus] ?? status;

function Markdown(props: { source: string }) {
  return (
    <div class="markdown" dangerouslySetInnerHTML={{ __html: renderMarkdown(props.source) }} />
  );
}

function Time(props: { iso: string; lang: Lang }) {
  return <time datetime={props.iso}>{formatInstant(props.iso, props.lang)}</time>;
}

/** Title, status and impact badges, start time, services and the components it touches. */
function IncidentHeader(props: { page: IncidentPage; lang: Lang; title: string }) {
  const { incident } = props.page;
  const t = messages(props.lang).incidentsPublic;
  const services = servicesOf(incident);
  return (
    <header>
      <h1>{props.title}</h1>
      <p>
        <span class={`badge status-${incident.status}`}>
          {t.statusLabel} : {statusText(props.lang, incident.status)}
        </span>{" "}
        <span class={`badge impact-${incident.impact}`}>
          {t.impactLabel} : {t.impact[incident.impact as Impact] ?? incident.impact}
        </span>
      </p>
      <p class="muted">
        {t.started} <Time iso={incident.createdAt} lang={props.lang} />
        {services.length ? (
          <>
            {" · "}
            {t.services} : {services.join(", ")}
          </>
        ) : null}
      </p>
      {props.page.components.length ? (
        <ul class="incident-components">
          {props.page.components.map((c) => (
            <li>
              {c.name} :{" "}
              <span class={`component-status s-${c.status}`}>
                {componentStatusText(props.lang, c.status as ComponentStatus)}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </header>
  );
}

/** The updates, newest first. */
function IncidentTimeline(props: { updates: IncidentPage["updates"]; lang: Lang }) {
  const t = messages(props.lang).incidentsPublic;
  return (
    <section aria-labelledby="timeline-title">
      <h2 id="timeline-title">{t.timeline}</h2>
      {props.updates.length ? (
        <ol class="timeline" reversed>
          {props.updates.map((u) => (
            <li class="timeline-entry">
              <p>
                <strong class={`status-${u.status}`}>{statusText(props.lang, u.status)}</strong>
                {" — "}
                <Time iso={u.createdAt} lang={props.lang} />
              </p>
              <Markdown source={inLang(props.lang, u.body, u.bodyEn)} />
            </li>
          ))}
        </ol>
      ) : (
        <p class="muted">{t.noUpdates}</p>
      )}
    </section>
  );
}

function IncidentPolls(props: { polls: IncidentPage["polls"]; lang: Lang }) {
  const title = messages(props.lang).incidentsPublic.polls;
  return <PollsSection polls={props.polls} lang={props.lang} title={title} />;
}

export function IncidentPublicPage(props: {
  page: IncidentPage;
  lang: Lang;
  path: string;
  /** The follow form's bot checks. */
  guard: FormGuard;
}) {
  const { incident } = props.page;
  const t = messages(props.lang).incidentsPublic;
  const title = inLang(props.lang, incident.title, incident.titleEn);
  const postmortem = inLang(props.lang, incident.postmortem ?? "", incident.postmortemEn);
  return (
    <PublicLayout title={title} lang={props.lang} path={props.path}>
      <article class="incident">
        <IncidentHeader page={props.page} lang={props.lang} title={title} />
        <Markdown source={inLang(props.lang, incident.body, incident.bodyEn)} />
        <IncidentTimeline updates={props.page.updates} lang={props.lang} />
        <section aria-labelledby="postmortem-title">
          <h2 id="postmortem-title">{t.postmortem}</h2>
          {postmortem ? <Markdown source={postmortem} /> : <p class="muted">{t.noPostmortem}</p>}
        </section>
        <IncidentPolls polls={props.page.polls} lang={props.lang} />
        <FollowIncidentForm lang={props.lang} slug={props.page.incident.slug} guard={props.guard} />
        <footer>
          <a href="/incidents.atom" type="application/atom+xml">
            {t.feed}
          </a>
        </footer>
      </article>
    </PublicLayout>
  );
}

/**
 * The home page's incident sections: open ones, then those resolved recently (`part` shows one;
 * the status page puts maintenance between them).
 */
export function IncidentsSection(props: {
  incidents: Incident[];
  lang: Lang;
  part?: "open" | "recent";
}) {
  const t = messages(props.lang).incidentsPublic;
  const open = props.part === "recent" ? [] : props.incidents.filter((i) => !i.resolvedAt);
  const recent = props.part === "open" ? [] : props.incidents.filter((i) => i.resolvedAt);
  const item = (i: Incident) => (
    <li>
      <a href={`/incidents/${i.slug}`}>{inLang(props.lang, i.title, i.titleEn)}</a>{" "}
      <span class={`badge status-${i.status}`}>{statusText(props.lang, i.status)}</span>{" "}
      <small class="muted">
        <Time iso={i.updatedAt} lang={props.lang} />
      </small>
    </li>
  );
  const feeds = (
    <p>
      <a href="/incidents.atom" type="application/atom+xml">
        {t.feed}
      </a>{" "}
      ·{" "}
      <a href="/incidents.rss" type="application/rss+xml">
        RSS
      </a>
    </p>
  );
  if (props.part === "recent") {
    return recent.length ? (
      <section aria-labelledby="recent-title">
        <h2 id="recent-title">{t.recentIncidents}</h2>
        <ul>{recent.map(item)}</ul>
        {feeds}
      </section>
    ) : null;
  }
  return (
    <section aria-labelledby="incidents-title">
      <h2 id="incidents-title">{t.openIncidents}</h2>
      {open.length ? <ul>{open.map(item)}</ul> : <p class="muted">{t.noIncidents}</p>}
      {recent.length ? (
        <>
          <h3>{t.recentIncidents}</h3>
          <ul>{recent.map(item)}</ul>
        </>
      ) : null}
      {props.part ? null : feeds}
    </section>
  );
}
