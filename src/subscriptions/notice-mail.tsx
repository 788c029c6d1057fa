// The mail of an incident notice, in French and English: what happened (the incident's or the
// update's text, as written), a link to the incident page, and the way out in one click.
import type { Dictionary, Lang } from "../i18n";
import { inLang } from "../incidents/format";
import { statusText } from "../incidents/views";
import { Mail, MailFooter, prepared, type Rendered, toHtml } from "../sending/templates";

/** What a notice tells, read once per send. */
export type NoticeFacts = {
  slug: string;
  title: string;
  titleEn: string | null;
  status: string;
  body: string;
  bodyEn: string | null;
  /** True: the incident was just declared; false: an update of it. */
  declared: boolean;
};

const words: Dictionary<{
  subject: (title: string, status: string, declared: boolean) => string;
  lead: (declared: boolean) => string;
  status: string;
  more: string;
  why: (listName: string) => string;
  unsubscribe: string;
  preferences: string;
}> = {
  fr: {
    subject: (title, status, declared) =>
      declared ? `Incident : ${title} (${status})` : `Mise à jour : ${title} (${status})`,
    lead: (declared) => (declared ? "Un incident vient d'être déclaré." : "Un incident a changé."),
    status: "État",
    more: "Tout l'incident",
    why: (listName) => `Vous recevez ce message car vous avez confirmé : ${listName}.`,
    unsubscribe: "Ne plus rien recevoir (un clic)",
    preferences: "Gérer vos préférences et vos données",
  },
  en: {
    subject: (title, status, declared) =>
      declared ? `Incident: ${title} (${status})` : `Update: ${title} (${status})`,
    lead: (declared) => (declared ? "An incident was just declared." : "An incident changed."),
    status: "Status",
    more: "The whole incident",
    why: (listName) => `You receive this because you confirmed: ${listName}.`,
    unsubscribe: "Stop receiving these (one click)",
    preferences: "Manage your preferences and your data",
  },
};

type NoticeInput = {
  lang: Lang;
  notice: NoticeFacts;
  listName: string;
  incidentUrl: string;
  unsubscribeUrl: string;
  preferencesUrl: string;
};

export function renderIncidentNotice(input: NoticeInput): Rendered {
  const t = words[input.lang];
  const n = input.notice;
  const title = inLang(input.lang, n.title, n.titleEn);
  const body = inLang(input.lang, n.body, n.bodyEn);
  const status = statusText(input.lang, n.status);
  const text = [
    t.lead(n.declared),
    "",
    title,
    `${t.status} : ${status}`,
    "",
    body,
    "",
    `${t.more} : ${input.incidentUrl}`,
    "",
    "--",
    t.why(input.listName),
    `${t.unsubscribe} : ${input.unsubscribeUrl}`,
    `${t.preferences} : ${input.preferencesUrl}`,
  ].join("\n");
  const html = toHtml(
    <Mail lang={input.lang}>
      <p>{t.lead(n.declared)}</p>
      <h1 style="font-size: 1.2rem">{title}</h1>
      <p>
        <strong>{t.status}</strong> : {status}
      </p>
      {body.split(/\n\s*\n/).map((paragraph) => (
        <p>{paragraph}</p>
      ))}
      <p>
        <a href={input.incidentUrl}>{t.more}</a>
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
  return { subject: t.subject(title, status, n.declared), text, html };
}

/** The notices of one send: only the two links differ per message. */
export const prepareIncidentNotice = (
  fixed: Omit<NoticeInput, "lang" | "unsubscribeUrl" | "preferencesUrl">,
) => prepared(renderIncidentNotice, fixed, ["unsubscribeUrl", "preferencesUrl"]);
