// The mail Relance writes: the re-consent invitation and the campaign wrapper, in French and
// English. Every message ends with the unsubscribe link; names are always escaped.
import type { Child } from "hono/jsx";
import type { Dictionary, Lang } from "../i18n";

export type Rendered = { subject: string; text: string; html: string };

const invitation: Dictionary<{
  subject: (list: string) => string;
  hello: (name: string | null) => string;
  why: (list: string) => string;
  purpose: string;
  ask: (deadline: string) => string;
  confirm: string;
  silence: string;
  unsubscribe: string;
  date: (iso: string) => string;
}> = {
  fr: {
    subject: (list) => `${list} : souhaitez-vous continuer à recevoir nos messages ?`,
    hello: (name) => (name ? `Bonjour ${name},` : "Bonjour,"),
    why: (list) =>
      `Vous avez participé l'an dernier. Avant de vous écrire à nouveau au sujet de « ${list} », nous vous demandons votre accord.`,
    purpose: "Ce à quoi vous consentez :",
    ask: (deadline) => `Répondez avant le ${deadline} : confirmer ou refuser prend un clic.`,
    confirm: "Répondre à l'invitation",
    silence:
      "Sans réponse de votre part, nous effacerons vos données à cette date et ne vous écrirons plus. Ce message est le seul que vous recevrez.",
    unsubscribe: "Ne plus rien recevoir",
    date: (iso) =>
      new Date(iso).toLocaleDateString("fr-FR", {
        day: "numeric",
        month: "long",
        year: "numeric",
        timeZone: "UTC",
      }),
  },
  en: {
    subject: (list) => `${list}: would you like to keep hearing from us?`,
    hello: (name) => (name ? `Hello ${name},` : "Hello,"),
    why: (list) =>
      `You took part last year. Before we write to you again about "${list}", we are asking for your agreement.`,
    purpose: "What you would agree to:",
    ask: (deadline) => `Please answer by ${deadline}: confirming or declining takes one click.`,
    confirm: "Answer the invitation",
    silence:
      "If we do not hear from you, we will erase your data on that date and never write again. This is the only message you will get.",
    unsubscribe: "Receive nothing more",
    date: (iso) =>
      new Date(iso).toLocaleDateString("en-GB", {
        day: "numeric",
        month: "long",
        year: "numeric",
        timeZone: "UTC",
      }),
  },
};

const campaignFooter: Dictionary<{ why: (list: string) => string; unsubscribe: string }> = {
  fr: {
    why: (list) => `Vous recevez ce message parce que vous avez accepté de recevoir « ${list} ».`,
    unsubscribe: "Se désabonner en un clic",
  },
  en: {
    why: (list) => `You get this message because you agreed to receive "${list}".`,
    unsubscribe: "Unsubscribe in one click",
  },
};

function Mail(props: { lang: Lang; children: Child }) {
  return (
    <html lang={props.lang}>
      <body style="font-family: sans-serif; line-height: 1.5; max-width: 36rem; margin: auto;">
        {props.children}
      </body>
    </html>
  );
}

const toHtml = (node: unknown) => `<!DOCTYPE html>${String(node)}`;

export function renderInvitation(input: {
  lang: Lang;
  listName: string;
  purpose: string;
  contactName: string | null;
  subject?: string | null;
  deadline: string;
  consentUrl: string;
  unsubscribeUrl: string;
}): Rendered {
  const t = invitation[input.lang];
  const deadline = t.date(input.deadline);
  const subject = input.subject?.trim() || t.subject(input.listName);
  const text = [
    t.hello(input.contactName),
    "",
    t.why(input.listName),
    "",
    t.purpose,
    input.purpose,
    "",
    t.ask(deadline),
    input.consentUrl,
    "",
    t.silence,
    "",
    `${t.unsubscribe} : ${input.unsubscribeUrl}`,
  ].join("\n");
  const html = toHtml(
    <Mail lang={input.lang}>
      <p>{t.hello(input.contactName)}</p>
      <p>{t.why(input.listName)}</p>
      <p>
        <strong>{t.purpose}</strong>
      </p>
      <blockquote>{input.purpose}</blockquote>
      <p>{t.ask(deadline)}</p>
      <p>
        <a href={input.consentUrl}>{t.confirm}</a>
      </p>
      <p>{t.silence}</p>
      <p>
        <small>
          <a href={input.unsubscribeUrl}>{t.unsubscribe}</a>
        </small>
      </p>
    </Mail>,
  );
  return { subject, text, html };
}

export function renderCampaign(input: {
  lang: Lang;
  listName: string;
  subject: string;
  text: string;
  html: string | null;
  unsubscribeUrl: string;
}): Rendered {
  const f = campaignFooter[input.lang];
  const text = `${input.text}\n\n--\n${f.why(input.listName)}\n${f.unsubscribe} : ${input.unsubscribeUrl}`;
  const footer = String(
    <p>
      <small>
        {f.why(input.listName)} <a href={input.unsubscribeUrl}>{f.unsubscribe}</a>
      </small>
    </p>,
  );
  // The campaign's HTML is the admin's own; without it, the text is shown escaped.
  const body = input.html ?? String(<div style="white-space: pre-wrap">{input.text}</div>);
  return {
    subject: input.subject,
    text,
    html: `<!DOCTYPE html><html lang="${input.lang}"><body>${body}${footer}</body></html>`,
  };
}
