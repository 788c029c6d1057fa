// The mail of an invite-only poll: the question, and the reader's own voting link (one vote, from
// any browser), in French and English. Prepared once per send, like every mail of the pipeline.
import type { Lang } from "../i18n";
import { messages } from "../messages";
import { Mail, MailFooter, prepared, type Rendered, toHtml } from "../sending/templates";

export function renderPollInvitation(input: {
  lang: Lang;
  listName: string;
  question: string;
  contactName: string | null;
  voteUrl: string;
  unsubscribeUrl: string;
  preferencesUrl: string;
}): Rendered {
  const t = messages(input.lang).pollInvitationMail;
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
