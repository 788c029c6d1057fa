// The consent page of an invitation, the re-registration form that follows a confirmation, and
// the page a broken or expired link shows, in the visitor's language (catalogue section
// `participant`).
import type { Lang } from "../i18n";
import { formatInstant } from "../incidents/format";
import { messages } from "../messages";
import { PublicLayout } from "../views/layout";
import type { Invitation, InvitationView } from "./consent";
import {
  LIMITS,
  REGISTRATION_FIELDS,
  type RegistrationData,
  type RegistrationErrors,
  type RegistrationField,
} from "./registration";

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
  const t = messages(props.lang).participant;
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

/** One field of the entry form, with its hint and its error, described by both. */
function RegistrationInput(props: {
  lang: Lang;
  field: RegistrationField;
  value: string;
  error?: string;
  autofocus: boolean;
}) {
  const t = messages(props.lang).participant;
  // The catalogue holds hints for some fields only, and texts for the error codes it knows.
  const hints: Partial<Record<RegistrationField, string>> = t.hints;
  const errorTexts: Record<string, ((limit: number) => string) | undefined> = t.errors;
  const { field: f, error } = props;
  const hint = hints[f];
  const described = [error ? `${f}-error` : "", hint ? `${f}-hint` : ""].filter(Boolean).join(" ");
  return (
    <label>
      {t.labels[f]}
      <input
        name={f}
        type={f === "url" ? "url" : "text"}
        value={props.value}
        required
        maxlength={LIMITS[f]}
        autocomplete={f === "name" ? "name" : f === "url" ? "url" : undefined}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={described || undefined}
        autofocus={props.autofocus ? true : undefined}
      />
      {hint ? (
        <small class="muted" id={`${f}-hint`}>
          {hint}
        </small>
      ) : null}
      {error ? (
        <small class="field-error" id={`${f}-error`}>
          {(errorTexts[error] ?? t.errors.required)(LIMITS[f])}
        </small>
      ) : null}
    </label>
  );
}

/** While entries are open: the form, posted by htmx (which swaps the section) or plainly. */
function RegistrationEntryForm(props: { lang: Lang; state: RegistrationState }) {
  const t = messages(props.lang).participant;
  const { values, errors, closeAt, action } = props.state;
  const first = REGISTRATION_FIELDS.find((f) => errors[f]);
  return (
    <form
      method="post"
      action={action}
      hx-post={action}
      hx-target="#registration"
      hx-swap="outerHTML"
      novalidate
    >
      <p>{t.registrationIntro}</p>
      {REGISTRATION_FIELDS.map((f) => (
        <RegistrationInput
          lang={props.lang}
          field={f}
          value={values[f]}
          error={errors[f]}
          autofocus={f === first}
        />
      ))}
      <button type="submit">{t.save}</button>
      {closeAt ? <p class="muted">{t.closesAt(formatInstant(closeAt, props.lang))}</p> : null}
    </form>
  );
}

/** The entry form: swapped whole by htmx on submit, or rendered in the page without JS. */
export function RegistrationForm(props: { lang: Lang; state: RegistrationState }) {
  const t = messages(props.lang).participant;
  const { values, errors, saved, open, closeAt } = props.state;
  const failed = REGISTRATION_FIELDS.filter((f) => errors[f]);
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
        <RegistrationEntryForm lang={props.lang} state={props.state} />
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

/** The invitation itself: who asks, for what purpose, until when, and the two answers. */
function InvitationQuestion(props: { lang: Lang; action: string; invitation: Invitation }) {
  const t = messages(props.lang).participant;
  const inv = props.invitation;
  return (
    <>
      <p>{t.hello(inv.contact.name)}</p>
      <p>{t.asker(inv.list.name)}</p>
      <p>
        <strong>{t.purpose(inv.textVersion)}</strong>
      </p>
      <blockquote class="purpose">{inv.purpose}</blockquote>
      <p>{t.deadline(formatInstant(inv.deadline, props.lang))}</p>
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
  const t = messages(props.lang).participant;
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
          <InvitationQuestion lang={props.lang} action={props.action} invitation={inv} />
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

export const notConfirmedMessage = (lang: Lang) => messages(lang).participant.notConfirmed;
