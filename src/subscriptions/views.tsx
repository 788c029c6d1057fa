// The public forms to follow the status page, and the page that answers them. The answer is the
// same whatever the address: it never tells whether someone is already subscribed.
import type { Dictionary, Lang } from "../i18n";
import { TextField } from "../views/fields";
import { PublicLayout } from "../views/layout";
import {
  BotFields,
  type BotRefusal,
  BotRefusedNotice,
  type FormGuard,
  powAttributes,
} from "./bot-fields";
import type { StatusFormError } from "./service";

const words: Dictionary<{
  getUpdates: string;
  getUpdatesHint: string;
  follow: string;
  followHint: string;
  email: string;
  subscribe: string;
  followButton: string;
  sentTitle: string;
  sentBody: string;
  back: string;
  errors: Record<string, string>;
}> = {
  fr: {
    getUpdates: "Recevoir les mises à jour",
    getUpdatesHint:
      "Un message à chaque incident déclaré ou mis à jour. Nous vous écrivons d'abord pour confirmer ; sans clic de votre part, rien d'autre.",
    follow: "Suivre cet incident",
    followHint:
      "Un message à chaque mise à jour de cet incident. Le suivi prend fin seul 7 jours après sa résolution, et votre adresse est alors effacée.",
    email: "Adresse e-mail",
    subscribe: "Recevoir les mises à jour",
    followButton: "Suivre",
    sentTitle: "Vérifiez votre boîte aux lettres",
    sentBody:
      "Si cette adresse peut recevoir nos messages, un lien de confirmation vient d'y partir. Rien ne vous sera envoyé tant que vous n'aurez pas cliqué dessus.",
    back: "Retour",
    errors: {
      required: "Indiquez votre adresse e-mail.",
      too_long: "Cette adresse est trop longue.",
      email: "Cette adresse e-mail n'est pas valide (exemple : nom@exemple.fr).",
      components: "Les composants se donnent par leur identifiant, comme `api` ou `site-web`.",
    },
  },
  en: {
    getUpdates: "Get updates",
    getUpdatesHint:
      "A message for each incident declared or updated. We first write to confirm; without your click, nothing else.",
    follow: "Follow this incident",
    followHint:
      "A message for each update of this incident. Following ends by itself 7 days after it is resolved, and your address is then erased.",
    email: "Email address",
    subscribe: "Get updates",
    followButton: "Follow",
    sentTitle: "Check your inbox",
    sentBody:
      "If this address can receive our messages, a confirmation link is on its way. Nothing will be sent to you until you click it.",
    back: "Back",
    errors: {
      required: "Enter your email address.",
      too_long: "This address is too long.",
      email: "This email address is not valid (for example: name@example.org).",
      components: "Name components by their slug, like `api` or `website`.",
    },
  },
};

type FormProps = {
  lang: Lang;
  guard: FormGuard;
  error?: StatusFormError;
  email?: string;
  refused?: BotRefusal;
};

const errorsOf = (lang: Lang, error?: StatusFormError) =>
  error ? { [error.field]: words[lang].errors[error.code] ?? words[lang].errors.email ?? "" } : {};

/** "Get updates" on the status home: every update (components, when they exist, narrow it). */
export function StatusSubscribeForm(props: FormProps & { components?: string[] }) {
  const t = words[props.lang];
  return (
    <section aria-labelledby="get-updates-title" class="status-subscribe">
      <h2 id="get-updates-title">{t.getUpdates}</h2>
      <p>{t.getUpdatesHint}</p>
      {props.refused ? <BotRefusedNotice lang={props.lang} /> : null}
      <form method="post" action="/status/subscribe" {...powAttributes(props.guard)}>
        <BotFields lang={props.lang} guard={props.guard} />
        <TextField
          name="email"
          type="email"
          label={t.email}
          value={props.email}
          errors={errorsOf(props.lang, props.error)}
          required
        />
        {(props.components ?? []).map((slug) => (
          <input type="hidden" name="components" value={slug} />
        ))}
        <button type="submit">{t.subscribe}</button>
      </form>
    </section>
  );
}

/** "Follow this incident" on an incident page. */
export function FollowIncidentForm(props: FormProps & { slug: string }) {
  const t = words[props.lang];
  return (
    <section aria-labelledby="follow-title" class="status-subscribe">
      <h2 id="follow-title">{t.follow}</h2>
      <p>{t.followHint}</p>
      {props.refused ? <BotRefusedNotice lang={props.lang} /> : null}
      <form
        method="post"
        action={`/incidents/${props.slug}/follow`}
        {...powAttributes(props.guard)}
      >
        <BotFields lang={props.lang} guard={props.guard} />
        <TextField
          name="email"
          type="email"
          label={t.email}
          value={props.email}
          errors={errorsOf(props.lang, props.error)}
          required
        />
        <button type="submit">{t.followButton}</button>
      </form>
    </section>
  );
}

/** The answer to a valid form, the same whatever happened. */
export function CheckInboxPage(props: { lang: Lang; path: string; back: string }) {
  const t = words[props.lang];
  return (
    <PublicLayout title={t.sentTitle} lang={props.lang} path={props.path}>
      <article class="participant">
        <h1>{t.sentTitle}</h1>
        <p role="status">{t.sentBody}</p>
        <p>
          <a href={props.back}>{t.back}</a>
        </p>
      </article>
    </PublicLayout>
  );
}

/** A form with an error, on a page of its own (the status pages are cached; this answer is not). */
export function FormErrorPage(props: {
  lang: Lang;
  path: string;
  form: unknown;
  kind: "subscribe" | "follow";
}) {
  const t = words[props.lang];
  const title = props.kind === "follow" ? t.follow : t.getUpdates;
  return (
    <PublicLayout title={title} lang={props.lang} path={props.path}>
      <article class="participant">{props.form}</article>
    </PublicLayout>
  );
}
