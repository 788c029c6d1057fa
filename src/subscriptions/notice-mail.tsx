// The mail of an incident or maintenance notice, in French and English: what happened (the
// incident's or the update's text, or the maintenance's, as written), a link to the page, and the
// way out in one click.
import type { MaintenanceStage } from "../../db/schema";
import type { Dictionary, Lang } from "../i18n";
import { inLang } from "../incidents/format";
import { statusText } from "../incidents/views";
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

const words: Dictionary<{
  subject: (title: string, status: string, declared: boolean) => string;
  lead: (declared: boolean) => string;
  status: string;
  more: string;
  why: (listName: string) => string;
  unsubscribe: string;
  preferences: string;
  maintenanceSubject: Record<MaintenanceStage, (title: string) => string>;
  maintenanceLead: Record<MaintenanceStage, string>;
  window: (from: string, to: string) => string;
  home: string;
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
    maintenanceSubject: {
      scheduled: (title) => `Maintenance prévue : ${title}`,
      in_progress: (title) => `Maintenance en cours : ${title}`,
      updated: (title) => `Maintenance modifiée : ${title}`,
      cancelled: (title) => `Maintenance annulée : ${title}`,
      completed: (title) => `Maintenance terminée : ${title}`,
    },
    maintenanceLead: {
      scheduled: "Une maintenance est prévue.",
      in_progress: "Une maintenance vient de commencer.",
      updated: "Une maintenance a changé ; voici ce qui est prévu désormais.",
      cancelled: "Une maintenance prévue est annulée : elle n'aura pas lieu.",
      completed: "Une maintenance en cours vient de se terminer, plus tôt que prévu.",
    },
    window: (from, to) => `Du ${from} au ${to}`,
    home: "La page d'état",
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
    maintenanceSubject: {
      scheduled: (title) => `Scheduled maintenance: ${title}`,
      in_progress: (title) => `Maintenance in progress: ${title}`,
      updated: (title) => `Maintenance changed: ${title}`,
      cancelled: (title) => `Maintenance cancelled: ${title}`,
      completed: (title) => `Maintenance ended: ${title}`,
    },
    maintenanceLead: {
      scheduled: "A maintenance is scheduled.",
      in_progress: "A maintenance has just begun.",
      updated: "A maintenance changed; this is what is planned now.",
      cancelled: "A scheduled maintenance is cancelled: it will not take place.",
      completed: "A maintenance in progress has just ended, earlier than planned.",
    },
    window: (from, to) => `From ${from} to ${to}`,
    home: "The status page",
  },
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
  const t = words[input.lang];
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
  const t = words[input.lang];
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
