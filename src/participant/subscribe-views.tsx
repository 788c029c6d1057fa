// The public subscribe form, its one answer ("check your mailbox"), and the confirmation page of
// the double opt-in link, in French and English.

import type { Dictionary, Lang } from "../i18n";
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

const text: Dictionary<{
  title: (list: string) => string;
  intro: string;
  email: string;
  name: string;
  optional: string;
  consent: string;
  purpose: string;
  submit: string;
  fixErrors: string;
  noProof: string;
  errors: Record<string, string>;
  sentTitle: string;
  sentBody: string;
  confirmTitle: string;
  confirmAsk: (list: string) => string;
  confirmButton: string;
  confirmedTitle: string;
  confirmedBody: (list: string) => string;
  closedTitle: string;
  closedBody: string;
  expiredBody: string;
  again: string;
}> = {
  fr: {
    title: (list) => `S'inscrire : ${list}`,
    intro:
      "Indiquez votre adresse : nous vous enverrons un e-mail pour confirmer. Rien ne vous sera envoyé d'autre avant votre clic.",
    email: "Adresse e-mail",
    name: "Votre nom",
    optional: "(facultatif)",
    consent: "J'accepte de recevoir ces messages, tels que décrits ci-dessus.",
    purpose: "Ce à quoi vous consentez :",
    submit: "M'inscrire",
    fixErrors: "Corrigez les champs signalés ci-dessous.",
    noProof:
      "Rien n'a été enregistré : la vérification anti-robot de votre navigateur n'a pas abouti (elle demande JavaScript). Envoyez le formulaire à nouveau.",
    errors: {
      required: "Indiquez votre adresse e-mail.",
      email: "Cette adresse e-mail n'est pas valide (exemple : prenom@exemple.fr).",
      too_long: "Ce champ est trop long.",
      control_characters:
        "Ce champ ne peut pas contenir de retour à la ligne, de tabulation ni d'autre caractère invisible.",
      consent:
        "Cochez la case pour donner votre accord : sans lui, nous ne pouvons pas vous inscrire.",
    },
    sentTitle: "Vérifiez votre boîte aux lettres",
    sentBody:
      "Si cette adresse peut recevoir nos messages, un e-mail de confirmation vient d'y être envoyé. Cliquez sur le lien qu'il contient pour terminer votre inscription. Rien ne sera envoyé d'autre sans ce clic.",
    confirmTitle: "Confirmer votre inscription",
    confirmAsk: (list) => `Confirmez-vous vouloir recevoir « ${list} » ?`,
    confirmButton: "Je confirme mon inscription",
    confirmedTitle: "Inscription confirmée",
    confirmedBody: (list) =>
      `Merci : vous recevrez les messages de « ${list} ». Chaque message contient un lien pour se désabonner en un clic.`,
    closedTitle: "Ce lien ne s'applique plus",
    closedBody: "Votre situation a changé depuis cette demande. Rien n'a été modifié.",
    expiredBody:
      "Ce lien de confirmation a expiré. Rien n'a été modifié : inscrivez-vous à nouveau.",
    again: "S'inscrire à nouveau",
  },
  en: {
    title: (list) => `Subscribe: ${list}`,
    intro:
      "Give your address: we will email you a link to confirm. Nothing else is sent before you click it.",
    email: "Email address",
    name: "Your name",
    optional: "(optional)",
    consent: "I agree to receive these messages, as described above.",
    purpose: "What you agree to:",
    submit: "Subscribe",
    fixErrors: "Please correct the fields marked below.",
    noProof:
      "Nothing was recorded: your browser's anti-robot check did not complete (it needs JavaScript). Send the form again.",
    errors: {
      required: "Give your email address.",
      email: "This email address is not valid (example: name@example.org).",
      too_long: "This field is too long.",
      control_characters:
        "This field cannot contain line breaks, tabs or other invisible characters.",
      consent: "Tick the box to give your agreement: without it we cannot subscribe you.",
    },
    sentTitle: "Check your mailbox",
    sentBody:
      "If this address can receive our messages, a confirmation email has just been sent to it. Click the link inside to finish subscribing. Nothing else will be sent without that click.",
    confirmTitle: "Confirm your subscription",
    confirmAsk: (list) => `Do you confirm you want to receive "${list}"?`,
    confirmButton: "I confirm my subscription",
    confirmedTitle: "Subscription confirmed",
    confirmedBody: (list) =>
      `Thank you: you will receive the messages of "${list}". Every message has a one-click unsubscribe link.`,
    closedTitle: "This link no longer applies",
    closedBody: "Your situation changed since this request. Nothing was changed.",
    expiredBody: "This confirmation link has expired. Nothing was changed: please subscribe again.",
    again: "Subscribe again",
  },
};

export const subscribeAgainLabel = (lang: Lang) => text[lang].again;
export const subscribeExpiredBody = (lang: Lang) => text[lang].expiredBody;

export function SubscribePage(props: {
  lang: Lang;
  path: string;
  list: { name: string; slug: string; purpose: string };
  values: SubscribeValues;
  errors: Partial<Record<SubscribeField, string>>;
  /** The bot checks the form carries (subscriptions/bot-fields.tsx). */
  guard: FormGuard;
  /** Why the last sending was refused, if it was. */
  refused?: BotRefusal;
}) {
  const t = text[props.lang];
  const { values, errors, guard } = props;
  const first = (["email", "name", "consent"] as const).find((f) => errors[f]);
  const invalid = (f: SubscribeField) =>
    errors[f] ? { "aria-invalid": "true" as const, "aria-describedby": `${f}-error` } : {};
  const error = (f: SubscribeField) =>
    errors[f] ? (
      <small class="field-error" id={`${f}-error`}>
        {t.errors[errors[f] as string] ?? t.errors.required}
      </small>
    ) : null;
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
        <form method="post" action={props.path} novalidate {...powAttributes(guard)}>
          <BotFields lang={props.lang} guard={guard} />
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
              {...invalid("email")}
            />
            {error("email")}
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
              {...invalid("name")}
            />
            {error("name")}
          </label>
          <fieldset>
            <label>
              <input
                type="checkbox"
                name="consent"
                value="yes"
                checked={values.consent}
                autofocus={first === "consent" ? true : undefined}
                {...invalid("consent")}
              />{" "}
              {t.consent}
            </label>
            {error("consent")}
          </fieldset>
          <button type="submit">{t.submit}</button>
        </form>
        <p>
          <a href={lostLinkPath(props.list.slug)}>{messages(props.lang).lostLink.formLink}</a>
        </p>
      </article>
    </PublicLayout>
  );
}

export function SubscribeSentPage(props: { lang: Lang; path: string; listName: string }) {
  const t = text[props.lang];
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
  const t = text[props.lang];
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
