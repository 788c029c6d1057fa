// The "lost your link?" form (a list's, or the one for any list) and its one answer, in the
// visitor's language. The answer is the same page whatever the address was.
import type { Lang } from "../i18n";
import { messages } from "../messages";
import {
  BotFields,
  type BotRefusal,
  BotRefusedNotice,
  type FormGuard,
  powAttributes,
} from "../subscriptions/bot-fields";
import { PublicLayout } from "../views/layout";
import type { LostLinkError } from "./lost-link";

/** Where a list's form lives, next to its subscribe page; `/lost-link` serves any list. */
export const lostLinkPath = (slug?: string) => (slug ? `/lists/${slug}/lost-link` : "/lost-link");

const errorText = (lang: Lang, error: LostLinkError) => {
  const t = messages(lang).lostLink;
  return error === "too_long" ? t.tooLong : error === "invalid" ? t.invalid : t.required;
};

export function LostLinkPage(props: {
  lang: Lang;
  path: string;
  /** The list whose form this is; none on the form for any list. */
  listName?: string;
  value: string;
  error?: LostLinkError;
  guard: FormGuard;
  refused?: BotRefusal;
}) {
  const t = messages(props.lang).lostLink;
  const invalid = props.error
    ? { "aria-invalid": "true" as const, "aria-describedby": "email-error" }
    : {};
  return (
    <PublicLayout title={t.title} lang={props.lang} path={props.path}>
      <article class="participant">
        <h1>{t.title}</h1>
        {props.listName ? (
          <p>
            {t.listLabel} <strong>{props.listName}</strong>
          </p>
        ) : null}
        {props.error ? (
          <p class="notice error" role="alert">
            {t.fixErrors}
          </p>
        ) : null}
        {props.refused ? <BotRefusedNotice lang={props.lang} /> : null}
        <p>{t.intro}</p>
        <form method="post" action={props.path} novalidate {...powAttributes(props.guard)}>
          <BotFields lang={props.lang} guard={props.guard} />
          <label>
            {t.email}
            <input
              type="email"
              name="email"
              autocomplete="email"
              required
              maxlength={254}
              value={props.value}
              autofocus={props.error ? true : undefined}
              {...invalid}
            />
            {props.error ? (
              <small class="field-error" id="email-error">
                {errorText(props.lang, props.error)}
              </small>
            ) : null}
          </label>
          <button type="submit">{t.submit}</button>
        </form>
      </article>
    </PublicLayout>
  );
}

/** The one answer: never the address, never whether it was known. */
export function LostLinkSentPage(props: { lang: Lang; path: string; anyList: boolean }) {
  const t = messages(props.lang).lostLink;
  return (
    <PublicLayout title={t.sentTitle} lang={props.lang} path={props.path}>
      <article class="participant">
        <h1>{t.sentTitle}</h1>
        <p role="status">{props.anyList ? t.sentBodyAny : t.sentBody}</p>
        <p>{t.sentSpam}</p>
      </article>
    </PublicLayout>
  );
}
