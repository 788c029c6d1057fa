// The consent page of an invitation, the re-registration form that follows a confirmation, and
// the page a broken or expired link shows, in French and English.
import type { Dictionary, Lang } from "../i18n";
import { formatInstant } from "../incidents/format";
import { PublicLayout } from "../views/layout";
import type { Invitation, InvitationView } from "./consent";
import {
  LIMITS,
  REGISTRATION_FIELDS,
  type RegistrationData,
  type RegistrationErrors,
  type RegistrationField,
} from "./registration";

const text: Dictionary<{
  badLink: { title: string; body: string };
  gone: { title: string; body: string };
  expiredLink: { title: string; body: string };
  invitationTitle: string;
  hello: (name: string | null) => string;
  asker: (list: string) => string;
  purpose: (version: number) => string;
  deadline: (date: string) => string;
  question: string;
  confirm: string;
  decline: string;
  declineNote: string;
  confirmedTitle: string;
  confirmedBody: (list: string) => string;
  erasedTitle: string;
  erasedBody: string;
  expiredTitle: string;
  expiredBody: (date: string) => string;
  closedTitle: string;
  closedBody: string;
  preferences: string;
  registrationTitle: string;
  registrationIntro: string;
  labels: Record<RegistrationField, string>;
  hints: Partial<Record<RegistrationField, string>>;
  save: string;
  saved: string;
  savedAt: (date: string) => string;
  closedRegistrations: (date: string) => string;
  closesAt: (date: string) => string;
  notConfirmed: string;
  fixErrors: string;
  errors: Record<string, (limit: number) => string>;
}> = {
  fr: {
    badLink: {
      title: "Ce lien ne fonctionne pas",
      body: "Ce lien est incomplet ou a été modifié, ou il ne correspond pas à cette page. Rien n'a été modifié. Copiez-le en entier depuis le message reçu (il est parfois coupé sur deux lignes), ou répondez à ce message pour nous écrire.",
    },
    gone: {
      title: "Rien à afficher",
      body: "Ce lien ne correspond plus à rien chez nous : les données ont peut-être été effacées. Rien n'a été modifié.",
    },
    expiredLink: {
      title: "Ce lien a expiré",
      body: "Ce lien n'est plus valable. Rien n'a été modifié.",
    },
    invitationTitle: "Votre accord",
    hello: (name) => (name ? `Bonjour ${name},` : "Bonjour,"),
    asker: (list) => `Qui vous écrit : les organisateurs de « ${list} ».`,
    purpose: (v) => `Ce à quoi vous consentez (texte version ${v}) :`,
    deadline: (date) => `Vous pouvez répondre jusqu'au ${date}.`,
    question: "Acceptez-vous de continuer à recevoir nos messages ?",
    confirm: "Je confirme",
    decline: "Je refuse",
    declineNote:
      "Refuser efface vos données personnelles et nous empêche de vous écrire à nouveau.",
    confirmedTitle: "Merci, votre accord est enregistré",
    confirmedBody: (list) =>
      `Vous recevrez les messages de « ${list} ». Vous pouvez vous désabonner à tout moment, en un clic, depuis chaque message.`,
    erasedTitle: "C'est noté",
    erasedBody:
      "Vous avez refusé : vos données personnelles ont été effacées et nous ne vous écrirons plus.",
    expiredTitle: "L'invitation a expiré",
    expiredBody: (date) =>
      `Il fallait répondre avant le ${date}. Sans réponse, vos données ont été (ou vont être) effacées et nous ne vous écrirons plus. Rien n'a été modifié.`,
    closedTitle: "Cette invitation ne s'applique plus",
    closedBody:
      "Votre situation a changé depuis cette invitation (par exemple un désabonnement). Rien n'a été modifié.",
    preferences: "Gérer vos préférences et vos données",
    registrationTitle: "Inscription au concours de cette année",
    registrationIntro:
      "Vérifiez et complétez les informations de l'an dernier, puis enregistrez. Tous les champs sont obligatoires.",
    labels: {
      name: "Votre nom",
      site: "Nom du site",
      url: "Adresse du site",
      category: "Catégorie",
    },
    hints: { url: "Commence par http:// ou https://" },
    save: "Enregistrer mon inscription",
    saved: "Votre inscription est enregistrée.",
    savedAt: (date) => `Dernière modification : ${date}.`,
    closedRegistrations: (date) =>
      `Les inscriptions sont closes depuis le ${date} : votre inscription ne peut plus être modifiée.`,
    closesAt: (date) => `Vous pouvez la modifier jusqu'au ${date}.`,
    notConfirmed: "Confirmez d'abord votre accord pour vous inscrire.",
    fixErrors: "Corrigez les champs signalés ci-dessous.",
    errors: {
      required: () => "Ce champ est obligatoire.",
      too_long: (n) => `${n.toLocaleString("fr-FR")} caractères au plus.`,
      control_characters: () =>
        "Pas de retour à la ligne, de tabulation ni d'autre caractère invisible dans ce champ.",
      url: () =>
        "Indiquez une adresse web complète commençant par http:// ou https:// (par exemple https://www.exemple.fr/).",
    },
  },
  en: {
    badLink: {
      title: "This link does not work",
      body: "This link is incomplete or was altered, or it does not belong to this page. Nothing was changed. Copy the whole link from the message you received (it is sometimes split over two lines), or reply to that message to write to us.",
    },
    gone: {
      title: "Nothing to show",
      body: "This link no longer matches anything we hold: the data may have been erased. Nothing was changed.",
    },
    expiredLink: {
      title: "This link has expired",
      body: "This link is no longer valid. Nothing was changed.",
    },
    invitationTitle: "Your agreement",
    hello: (name) => (name ? `Hello ${name},` : "Hello,"),
    asker: (list) => `Who is asking: the organisers of "${list}".`,
    purpose: (v) => `What you would agree to (text version ${v}):`,
    deadline: (date) => `You can answer until ${date}.`,
    question: "Do you agree to keep hearing from us?",
    confirm: "I confirm",
    decline: "I decline",
    declineNote: "Declining erases your personal data and stops us from ever writing to you again.",
    confirmedTitle: "Thank you, your agreement is recorded",
    confirmedBody: (list) =>
      `You will receive the messages of "${list}". You can unsubscribe at any time, in one click, from any message.`,
    erasedTitle: "Done",
    erasedBody:
      "You declined: your personal data has been erased and we will not write to you again.",
    expiredTitle: "The invitation has expired",
    expiredBody: (date) =>
      `Answers were due by ${date}. Without an answer, your data has been (or will be) erased and we will not write again. Nothing was changed.`,
    closedTitle: "This invitation no longer applies",
    closedBody:
      "Your situation changed since this invitation (an unsubscribe, for instance). Nothing was changed.",
    preferences: "Manage your preferences and your data",
    registrationTitle: "Enter this year's contest",
    registrationIntro:
      "Check and complete last year's details, then save. Every field is required.",
    labels: { name: "Your name", site: "Site name", url: "Site address", category: "Category" },
    hints: { url: "Starts with http:// or https://" },
    save: "Save my entry",
    saved: "Your entry is saved.",
    savedAt: (date) => `Last changed: ${date}.`,
    closedRegistrations: (date) =>
      `Entries closed on ${date}: your entry can no longer be changed.`,
    closesAt: (date) => `You can change it until ${date}.`,
    notConfirmed: "Confirm your agreement first to enter.",
    fixErrors: "Please correct the fields marked below.",
    errors: {
      required: () => "This field is required.",
      too_long: (n) => `At most ${n.toLocaleString("en")} characters.`,
      control_characters: () => "No line breaks, tabs or other invisible characters in this field.",
      url: () =>
        "Give a full web address starting with http:// or https:// (for example https://www.example.org/).",
    },
  },
};

export type LinkProblem = "invalid" | "gone" | "expired";

/** A link that cannot be used: what happened and what to do, never anything internal. */
export function LinkProblemPage(props: {
  lang: Lang;
  path: string;
  problem: LinkProblem;
  /** What to do next, specific to the page (for instance: subscribe again). */
  next?: { href: string; label: string };
  detail?: string;
}) {
  const t = text[props.lang];
  const page =
    props.problem === "invalid" ? t.badLink : props.problem === "gone" ? t.gone : t.expiredLink;
  return (
    <PublicLayout title={page.title} lang={props.lang} path={props.path}>
      <article class="participant">
        <h1>{page.title}</h1>
        {props.detail ? <p>{props.detail}</p> : null}
        <p>{page.body}</p>
        {props.next ? (
          <p>
            <a href={props.next.href}>{props.next.label}</a>
          </p>
        ) : null}
      </article>
    </PublicLayout>
  );
}

export type RegistrationState = {
  action: string;
  values: RegistrationData;
  errors: RegistrationErrors;
  saved?: { updatedAt: string; justNow: boolean };
  closeAt: string | null;
  open: boolean;
};

/** The entry form: swapped whole by htmx on submit, or rendered in the page without JS. */
export function RegistrationForm(props: { lang: Lang; state: RegistrationState }) {
  const t = text[props.lang];
  const { values, errors, saved, open, closeAt } = props.state;
  const failed = REGISTRATION_FIELDS.filter((f) => errors[f]);
  const first = failed[0];
  return (
    <section id="registration" aria-labelledby="registration-title">
      <h2 id="registration-title">{t.registrationTitle}</h2>
      {failed.length ? (
        <p class="notice error" role="alert">
          {t.fixErrors}
        </p>
      ) : saved?.justNow ? (
        <p class="notice" role="status">
          {t.saved}
        </p>
      ) : null}
      {saved ? <p class="muted">{t.savedAt(formatInstant(saved.updatedAt, props.lang))}</p> : null}
      {!open && closeAt ? (
        <p class="notice">{t.closedRegistrations(formatInstant(closeAt, props.lang))}</p>
      ) : null}
      {open ? (
        <form
          method="post"
          action={props.state.action}
          hx-post={props.state.action}
          hx-target="#registration"
          hx-swap="outerHTML"
          novalidate
        >
          <p>{t.registrationIntro}</p>
          {REGISTRATION_FIELDS.map((f) => {
            const error = errors[f];
            const hint = t.hints[f];
            const described = [error ? `${f}-error` : "", hint ? `${f}-hint` : ""]
              .filter(Boolean)
              .join(" ");
            return (
              <label>
                {t.labels[f]}
                <input
                  name={f}
                  type={f === "url" ? "url" : "text"}
                  value={values[f]}
                  required
                  maxlength={LIMITS[f]}
                  autocomplete={f === "name" ? "name" : f === "url" ? "url" : undefined}
                  aria-invalid={error ? "true" : undefined}
                  aria-describedby={described || undefined}
                  autofocus={f === first ? true : undefined}
                />
                {hint ? (
                  <small class="muted" id={`${f}-hint`}>
                    {hint}
                  </small>
                ) : null}
                {error ? (
                  <small class="field-error" id={`${f}-error`}>
                    {(t.errors[error] ?? t.errors.required)?.(LIMITS[f])}
                  </small>
                ) : null}
              </label>
            );
          })}
          <button type="submit">{t.save}</button>
          {closeAt ? <p class="muted">{t.closesAt(formatInstant(closeAt, props.lang))}</p> : null}
        </form>
      ) : (
        <dl>
          {REGISTRATION_FIELDS.map((f) => (
            <>
              <dt>{t.labels[f]}</dt>
              <dd>{values[f]}</dd>
            </>
          ))}
        </dl>
      )}
    </section>
  );
}

export function ConsentPage(props: {
  lang: Lang;
  path: string;
  action: string;
  invitation: Invitation;
  view: InvitationView;
  registration?: RegistrationState;
  preferencesUrl?: string;
}) {
  const t = text[props.lang];
  const inv = props.invitation;
  const deadline = formatInstant(inv.deadline, props.lang);
  const title = {
    question: t.invitationTitle,
    confirmed: t.confirmedTitle,
    erased: t.erasedTitle,
    expired: t.expiredTitle,
    closed: t.closedTitle,
  }[props.view];
  return (
    <PublicLayout title={title} lang={props.lang} path={props.path}>
      <article class="participant">
        <h1>{title}</h1>
        {props.view === "question" ? (
          <>
            <p>{t.hello(inv.contact.name)}</p>
            <p>{t.asker(inv.list.name)}</p>
            <p>
              <strong>{t.purpose(inv.textVersion)}</strong>
            </p>
            <blockquote class="purpose">{inv.purpose}</blockquote>
            <p>{t.deadline(deadline)}</p>
            <p>
              <strong>{t.question}</strong>
            </p>
            <form method="post" action={props.action} class="consent-answers">
              <button type="submit" name="answer" value="confirm">
                {t.confirm}
              </button>
              <button type="submit" name="answer" value="decline" class="secondary outline">
                {t.decline}
              </button>
            </form>
            <p class="muted">{t.declineNote}</p>
          </>
        ) : props.view === "confirmed" ? (
          <p role="status">{t.confirmedBody(inv.list.name)}</p>
        ) : props.view === "erased" ? (
          <p role="status">{t.erasedBody}</p>
        ) : props.view === "expired" ? (
          <p>{t.expiredBody(deadline)}</p>
        ) : (
          <p>{t.closedBody}</p>
        )}
        {props.preferencesUrl && props.view !== "erased" ? (
          <p>
            <a href={props.preferencesUrl}>{t.preferences}</a>
          </p>
        ) : null}
      </article>
      {props.view === "confirmed" && props.registration ? (
        <article class="participant">
          <RegistrationForm lang={props.lang} state={props.registration} />
        </article>
      ) : null}
    </PublicLayout>
  );
}

export const notConfirmedMessage = (lang: Lang) => text[lang].notConfirmed;
