// The public subscribe form, its one answer ("check your mailbox"), and the confirmation page of
// the double opt-in link, in the visitor's language (catalogue section `subscribe`).

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
import { lostLinkPath } from "./lost-link-views";
import type { ConfirmView, SubscribeField, SubscribeValues } from "./subscribe";

export const subscribeAgainLabel = (lang: Lang) => messages(lang).subscribe.again;
export const subscribeExpiredBody = (lang: Lang) => messages(lang).subscribe.expiredBody;

type SubscribeErrors = Partial<Record<SubscribeField, string>>;

const invalidAttributes = (errors: SubscribeErrors, f: SubscribeField) =>
  errors[f] ? { "aria-invalid": "true" as const, "aria-describedby": `${f}-error` } : {};

function SubscribeFieldError(props: {
  lang: Lang;
  errors: SubscribeErrors;
  field: SubscribeField;
}) {
  const t = messages(props.lang).subscribe;
  const code = props.errors[props.field];
  // The codes are the service's; one the catalogue does not name reads as a missing value.
  const errorTexts: Record<string, string | undefined> = t.errors;
  return code ? (
    <small class="field-error" id={`${props.field}-error`}>
      {errorTexts[code] ?? t.errors.required}
    </small>
  ) : null;
}

/** The form itself: address, name, the consent box; the first field in error takes the focus. */
function SubscribeForm(props: {
  lang: Lang;
  path: string;
  values: SubscribeValues;
  errors: SubscribeErrors;
  guard: FormGuard;
  first?: SubscribeField;
}) {
  const t = messages(props.lang).subscribe;
  const { values, errors, guard, first, lang } = props;
  return (
    <form method="post" action={props.path} novalidate {...powAttributes(guard)}>
      <BotFields lang={lang} guard={guard} />
      <label>
        {t.email}
        <input
          type="email"
          name="email"
          autocomplete="email"
          required
          maxlength={254}
          value={values.email}
          autofocus={first === "email" ? true : undefined}
          {...invalidAttributes(errors, "email")}
        />
        <SubscribeFieldError lang={lang} errors={errors} field="email" />
      </label>
      <label>
        {t.name} <span class="muted">{t.optional}</span>
        <input
          type="text"
          name="name"
          autocomplete="name"
          maxlength={200}
          value={values.name}
          autofocus={first === "name" ? true : undefined}
          {...invalidAttributes(errors, "name")}
        />
        <SubscribeFieldError lang={lang} errors={errors} field="name" />
      </label>
      <fieldset>
        <label>
          <input
            type="checkbox"
            name="consent"
            value="yes"
            checked={values.consent}
            autofocus={first === "consent" ? true : undefined}
            {...invalidAttributes(errors, "consent")}
          />{" "}
          {t.consent}
        </label>
        <SubscribeFieldError lang={lang} errors={errors} field="consent" />
      </fieldset>
      <button type="submit">{t.submit}</button>
    </form>
  );
}

export function SubscribePage(props: {
  lang: Lang;
  path: string;
  list: { name: string; slug: string; purpose: string };
  values: SubscribeValues;
  errors: SubscribeErrors;
  /** The bot checks the form carries (subscriptions/bot-fields.tsx). */
  guard: FormGuard;
  /** Why the last sending was refused, if it was. */
  refused?: BotRefusal;
}) {
  const t = messages(props.lang).subscribe;
  const first = (["email", "name", "consent"] as const).find((f) => props.errors[f]);
  return (
    <PublicLayout title={t.title(props.list.name)} lang={props.lang} path={props.path}>
      <article class="participant">
        <h1>{t.title(props.list.name)}</h1>
        {first ? (
          <p class="notice error" role="alert">
            {t.fixErrors}
          </p>
        ) : null}
        {props.refused === "proof" ? (
          <p class="notice error" role="alert">
            {t.noProof}
          </p>
        ) : null}
        {props.refused === "bot" ? <BotRefusedNotice lang={props.lang} /> : null}
        <p>{t.intro}</p>
        <p>
          <strong>{t.purpose}</strong>
        </p>
        <blockquote class="purpose" id="purpose">
          {props.list.purpose}
        </blockquote>
        <SubscribeForm
          lang={props.lang}
          path={props.path}
          values={props.values}
          errors={props.errors}
          guard={props.guard}
          first={first}
        />
        <p>
          <a href={lostLinkPath(props.list.slug)}>{messages(props.lang).lostLink.formLink}</a>
        </p>
      </article>
    </PublicLayout>
  );
}

export function SubscribeSentPage(props: { lang: Lang; path: string; listName: string }) {
  const t = messages(props.lang).subscribe;
  return (
    <PublicLayout title={t.sentTitle} lang={props.lang} path={props.path}>
      <article class="participant">
        <h1>{t.sentTitle}</h1>
        <p role="status">{t.sentBody}</p>
      </article>
    </PublicLayout>
  );
}

export function SubscribeConfirmPage(props: {
  lang: Lang;
  path: string;
  action: string;
  list: { name: string; slug: string };
  purpose: string;
  view: ConfirmView;
}) {
  const t = messages(props.lang).subscribe;
  const title =
    props.view === "question"
      ? t.confirmTitle
      : props.view === "confirmed"
        ? t.confirmedTitle
        : t.closedTitle;
  return (
    <PublicLayout title={title} lang={props.lang} path={props.path}>
      <article class="participant">
        <h1>{title}</h1>
        {props.view === "question" ? (
          <>
            <p>{t.confirmAsk(props.list.name)}</p>
            <blockquote class="purpose">{props.purpose}</blockquote>
            <form method="post" action={props.action}>
              <button type="submit">{t.confirmButton}</button>
            </form>
          </>
        ) : props.view === "confirmed" ? (
          <p role="status">{t.confirmedBody(props.list.name)}</p>
        ) : props.view === "expired" ? (
          <>
            <p>{t.expiredBody}</p>
            <p>
              <a href={`/lists/${props.list.slug}/subscribe`}>{t.again}</a>
            </p>
          </>
        ) : (
          <p>{t.closedBody}</p>
        )}
      </article>
    </PublicLayout>
  );
}
