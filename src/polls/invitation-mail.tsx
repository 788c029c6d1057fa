// The mail of an invite-only poll: the question, and the reader's own voting link (one vote, from
// any browser), in French and English. Prepared once per send, like every mail of the pipeline.
import type { Dictionary, Lang } from "../i18n";
import { Mail, MailFooter, prepared, type Rendered, toHtml } from "../sending/templates";

const text: Dictionary<{
  subject: (question: string) => string;
  hello: (name: string | null) => string;
  why: (list: string) => string;
  vote: string;
  once: string;
  unsubscribe: string;
  preferences: string;
}> = {
  fr: {
    subject: (question) => `Votre avis : ${question}`,
    hello: (name) => (name ? `Bonjour ${name},` : "Bonjour,"),
    why: (list) =>
      `En tant que membre de « ${list} », vous êtes invité·e à répondre à ce sondage :`,
    vote: "Voter",
    once: "Ce lien est personnel : il permet un seul vote, depuis n'importe quel navigateur. Ne le transférez pas.",
    unsubscribe: "Ne plus rien recevoir",
    preferences: "Gérer vos préférences et vos données",
  },
  en: {
    subject: (question) => `Your vote: ${question}`,
    hello: (name) => (name ? `Hello ${name},` : "Hello,"),
    why: (list) => `As a member of "${list}", you are invited to answer this poll:`,
    vote: "Vote",
    once: "This link is yours: it casts one vote, from any browser. Please do not forward it.",
    unsubscribe: "Receive nothing more",
    preferences: "Manage your preferences and your data",
  },
};

export function renderPollInvitation(input: {
  lang: Lang;
  listName: string;
  question: string;
  contactName: string | null;
  voteUrl: string;
  unsubscribeUrl: string;
  preferencesUrl: string;
}): Rendered {
  const t = text[input.lang];
  const body = [
    t.hello(input.contactName),
    "",
    t.why(input.listName),
    input.question,
    "",
    `${t.vote} : ${input.voteUrl}`,
    "",
    t.once,
    "",
    `${t.unsubscribe} : ${input.unsubscribeUrl}`,
    `${t.preferences} : ${input.preferencesUrl}`,
  ].join("\n");
  const html = toHtml(
    <Mail lang={input.lang}>
      <p>{t.hello(input.contactName)}</p>
      <p>{t.why(input.listName)}</p>
      <blockquote>{input.question}</blockquote>
      <p>
        <a href={input.voteUrl}>{t.vote}</a>
      </p>
      <p>{t.once}</p>
      <MailFooter
        unsubscribe={[input.unsubscribeUrl, t.unsubscribe]}
        preferences={[input.preferencesUrl, t.preferences]}
      />
    </Mail>,
  );
  return { subject: t.subject(input.question), text: body, html };
}

type PollInvitationInput = Parameters<typeof renderPollInvitation>[0];

/** The invitations of one poll send: the name and the three links differ per message. */
export const preparePollInvitation = (fixed: Pick<PollInvitationInput, "listName" | "question">) =>
  prepared(renderPollInvitation, fixed, [
    "contactName",
    "voteUrl",
    "unsubscribeUrl",
    "preferencesUrl",
  ]);
