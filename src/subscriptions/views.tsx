// The public forms to follow the status page, and the page that answers them. The answer is the
// same whatever the address: it never tells whether someone is already subscribed.
import type { Lang } from "../i18n";
import { messages } from "../messages";
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

type FormProps = {
  lang: Lang;
  guard: FormGuard;
  error?: StatusFormError;
  email?: string;
  refused?: BotRefusal;
};

function errorsOf(lang: Lang, error?: StatusFormError) {
  if (!error) return {};
  // The service's codes; one the catalogue does not name reads as a bad address.
  const texts: Record<string, string | undefined> = messages(lang).statusSubscribe.errors;
  return { [error.field]: texts[error.code] ?? texts.email ?? "" };
}

/** "Get updates" on the status home: every update (components, when they exist, narrow it). */
export function StatusSubscribeForm(props: FormProps & { components?: string[] }) {
  const t = messages(props.lang).statusSubscribe;
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
  const t = messages(props.lang).statusSubscribe;
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
  const t = messages(props.lang).statusSubscribe;
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
  const t = messages(props.lang).statusSubscribe;
  const title = props.kind === "follow" ? t.follow : t.getUpdates;
  return (
    <PublicLayout title={title} lang={props.lang} path={props.path}>
      <article class="participant">{props.form}</article>
    </PublicLayout>
  );
}
