// The mail of an incident or maintenance notice, in the reader's language (catalogue section
// `noticeMail`): what happened (the incident's or the update's text, or the maintenance's, as
// written), a link to the page, and the way out in one click.
import type { MaintenanceStage } from "../../db/schema";
import type { Lang } from "../i18n";
import { inLang } from "../incidents/format";
import { statusText } from "../incidents/views";
import { messages } from "../messages";
import { Mail, MailFooter, prepared, type Rendered, toHtml } from "../sending/templates";
import { formatInstant } from "../time";

/** What a notice tells, read once per send. */
export type NoticeFacts = {
  about: "incident" | "maintenance";
  /** The public page that tells the whole of it, from the site's root. */
  path: string;
  title: string;
  titleEn: string | null;
  status: string;
  body: string;
  bodyEn: string | null;
  /** True: the incident was just declared (the maintenance scheduled); false: an update (it began). */
  declared: boolean;
  /** Maintenance only: when it starts and ends (ISO). */
  window?: { startsAt: string; endsAt: string };
  /** Maintenance only: the moment told. */
  stage?: MaintenanceStage;
};

type NoticeInput = {
  lang: Lang;
  notice: NoticeFacts;
  listName: string;
  incidentUrl: string;
  /** The organisation's zone (ORG_TIMEZONE), for a maintenance's window. */
  zone: string;
  unsubscribeUrl: string;
  preferencesUrl: string;
};

/** What differs between an incident's notice and a maintenance's: lead, subject, the fact line. */
function heading(input: NoticeInput, title: string) {
  const t = messages(input.lang).noticeMail;
  const n = input.notice;
  if (n.about === "maintenance" && n.window) {
    const at = (iso: string) => formatInstant(iso, input.lang, input.zone);
    const stage = n.stage ?? (n.declared ? "scheduled" : "in_progress");
    return {
      lead: t.maintenanceLead[stage],
      subject: t.maintenanceSubject[stage](title),
      fact: `${t.window(at(n.window.startsAt), at(n.window.endsAt))} (${input.zone})`,
      more: t.home,
    };
  }
  const status = statusText(input.lang, n.status);
  return {
    lead: t.lead(n.declared),
    subject: t.subject(title, status, n.declared),
    fact: `${t.status} : ${status}`,
    more: t.more,
  };
}

export function renderIncidentNotice(input: NoticeInput): Rendered {
  const t = messages(input.lang).noticeMail;
  const n = input.notice;
  const title = inLang(input.lang, n.title, n.titleEn);
  const body = inLang(input.lang, n.body, n.bodyEn);
  const h = heading(input, title);
  const text = [
    h.lead,
    "",
    title,
    h.fact,
    "",
    body,
    "",
    `${h.more} : ${input.incidentUrl}`,
    "",
    "--",
    t.why(input.listName),
    `${t.unsubscribe} : ${input.unsubscribeUrl}`,
    `${t.preferences} : ${input.preferencesUrl}`,
  ].join("\n");
  const html = toHtml(
    <Mail lang={input.lang}>
      <p>{h.lead}</p>
      <h1 style="font-size: 1.2rem">{title}</h1>
      <p>{h.fact}</p>
      {body.split(/\n\s*\n/).map((paragraph) => (
        <p>{paragraph}</p>
      ))}
      <p>
        <a href={input.incidentUrl}>{h.more}</a>
      </p>
      <p>
        <small>{t.why(input.listName)}</small>
      </p>
      <MailFooter
        unsubscribe={[input.unsubscribeUrl, t.unsubscribe]}
        preferences={[input.preferencesUrl, t.preferences]}
      />
    </Mail>,
  );
  return { subject: h.subject, text, html };
}

/** The notices of one send: only the two links differ per message. */
export const prepareIncidentNotice = (
  fixed: Omit<NoticeInput, "lang" | "unsubscribeUrl" | "preferencesUrl">,
) => prepared(renderIncidentNotice, fixed, ["unsubscribeUrl", "preferencesUrl"]);
