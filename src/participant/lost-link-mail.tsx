// The one message of the "lost your link?" form: the person's preferences link, in their language,
// ending like every message with the way out of the list.
import type { Lang } from "../i18n";
import { messages } from "../messages";
import { Mail, MailFooter, prepared, type Rendered, toHtml } from "../sending/templates";

export function renderPreferencesLink(input: {
  lang: Lang;
  /** The organisation (ORG_NAME), which people know: in the subject. */
  orgName: string;
  preferencesUrl: string;
  unsubscribeUrl: string;
}): Rendered {
  const t = messages(input.lang).lostLink;
  const text = [
    t.mailHello,
    "",
    t.mailWhy,
    "",
    `${t.mailButton} : ${input.preferencesUrl}`,
    "",
    t.mailIgnore,
    "",
    `${t.mailUnsubscribe} : ${input.unsubscribeUrl}`,
  ].join("\n");
  const html = toHtml(
    <Mail lang={input.lang}>
      <p>{t.mailHello}</p>
      <p>{t.mailWhy}</p>
      <p>
        <a href={input.preferencesUrl}>{t.mailButton}</a>
      </p>
      <p>{t.mailIgnore}</p>
      <MailFooter
        unsubscribe={[input.unsubscribeUrl, t.mailUnsubscribe]}
        preferences={[input.preferencesUrl, t.mailButton]}
      />
    </Mail>,
  );
  return { subject: `${t.mailSubject} (${input.orgName})`, text, html };
}

/** Prepared once per send: the two links differ per message. */
export const preparePreferencesLink = (fixed: { orgName: string }) =>
  prepared(renderPreferencesLink, fixed, ["preferencesUrl", "unsubscribeUrl"]);
