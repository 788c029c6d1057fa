// The unsubscribe page and the preferences page (lists, language, export, erase), in the
// visitor's language (catalogue section `preferences`).
import { LANGS, LANGUAGE_NAMES, type Lang } from "../i18n";
import { messages } from "../messages";
import { PublicLayout } from "../views/layout";
import type { Membership } from "./preferences";
import { isActive } from "./preferences";

export function UnsubscribePage(props: {
  lang: Lang;
  path: string;
  action: string;
  listName: string;
  state: "ask" | "done" | "erased";
  preferencesUrl: string | null;
}) {
  const t = messages(props.lang).preferences;
  const title =
    props.state === "ask"
      ? t.unsubscribeTitle
      : props.state === "done"
        ? t.unsubscribedTitle
        : t.erasedTitle;
  return (
    <PublicLayout title={title} lang={props.lang} path={props.path}>
      <article class="participant">
        <h1>{title}</h1>
        {props.state === "ask" ? (
          <form method="post" action={props.action}>
            <p>{t.unsubscribeAsk(props.listName)}</p>
            <button type="submit">{t.unsubscribeButton}</button>
          </form>
        ) : props.state === "done" ? (
          <p role="status">{t.unsubscribedBody(props.listName)}</p>
        ) : (
          <p role="status">{t.erasedBody}</p>
        )}
        {props.preferencesUrl ? (
          <p>
            <a href={props.preferencesUrl}>{t.preferences}</a>
          </p>
        ) : null}
      </article>
    </PublicLayout>
  );
}

export type PreferencesMessage = "left" | "pending" | "language";

type PreferencesText = ReturnType<typeof messages>["preferences"];

/** One list the participant is on, with the button that leaves it or joins it again. */
function MembershipItem(props: { t: PreferencesText; base: string; membership: Membership }) {
  const { t, membership: m } = props;
  // States the catalogue does not name are shown by their code.
  const labels: Record<string, string | undefined> = t.stateLabels;
  return (
    <li data-list={m.slug}>
      <strong>{m.name}</strong> — {t.state}{" "}
      <span class={`state state-${m.status}`}>{labels[m.status] ?? m.status}</span>
      {isActive(m.status) ? (
        <form method="post" action={`${props.base}/lists/${m.listId}/leave`} class="inline">
          <button type="submit" class="outline secondary" aria-label={`${t.leave} : ${m.name}`}>
            {t.leave}
          </button>
        </form>
      ) : m.status === "unsubscribed" ? (
        <form method="post" action={`${props.base}/lists/${m.listId}/rejoin`} class="inline">
          <button type="submit" class="outline" aria-label={`${t.rejoin} : ${m.name}`}>
            {t.rejoin}
          </button>
          <small class="muted"> {t.rejoinNote}</small>
        </form>
      ) : null}
    </li>
  );
}

function ListsSection(props: { t: PreferencesText; base: string; memberships: Membership[] }) {
  const { t } = props;
  return (
    <section aria-labelledby="lists-title">
      <h2 id="lists-title">{t.yourLists}</h2>
      {props.memberships.length === 0 ? <p>{t.noLists}</p> : null}
      <ul class="memberships">
        {props.memberships.map((m) => (
          <MembershipItem t={t} base={props.base} membership={m} />
        ))}
      </ul>
    </section>
  );
}

function LanguageSection(props: { t: PreferencesText; base: string; contactLang: Lang }) {
  const { t } = props;
  return (
    <section aria-labelledby="language-title">
      <h2 id="language-title">{t.language}</h2>
      <form method="post" action={`${props.base}/language`}>
        <label>
          {t.languageLabel}
          <select name="language">
            {LANGS.map((lang) => (
              <option value={lang} selected={props.contactLang === lang} lang={lang}>
                {LANGUAGE_NAMES[lang]}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="outline">
          {t.saveLanguage}
        </button>
      </form>
    </section>
  );
}

/** The participant's own data: take a copy, or erase it all. */
function DataSection(props: { t: PreferencesText; base: string }) {
  const { t } = props;
  return (
    <section aria-labelledby="data-title">
      <h2 id="data-title">{t.yourData}</h2>
      <p>{t.exportIntro}</p>
      <form method="post" action={`${props.base}/export`}>
        <button type="submit" class="outline">
          {t.exportButton}
        </button>
      </form>
      <p>{t.eraseIntro}</p>
      <p>
        <a href={`${props.base}/erase`}>{t.eraseLink}</a>
      </p>
    </section>
  );
}

export function PreferencesPage(props: {
  lang: Lang;
  path: string;
  base: string;
  memberships: Membership[];
  contactLang: Lang;
  message?: PreferencesMessage;
}) {
  const t = messages(props.lang).preferences;
  const message =
    props.message === "left"
      ? t.left
      : props.message === "pending"
        ? t.pendingSent
        : props.message === "language"
          ? t.languageSaved
          : null;
  return (
    <PublicLayout title={t.preferencesTitle} lang={props.lang} path={props.path}>
      <article class="participant">
        <h1>{t.preferencesTitle}</h1>
        {message ? (
          <p class="notice" role="status">
            {message}
          </p>
        ) : null}
        <ListsSection t={t} base={props.base} memberships={props.memberships} />
        <LanguageSection t={t} base={props.base} contactLang={props.contactLang} />
        <DataSection t={t} base={props.base} />
      </article>
    </PublicLayout>
  );
}

export function EraseConfirmPage(props: { lang: Lang; path: string; base: string }) {
  const t = messages(props.lang).preferences;
  return (
    <PublicLayout title={t.eraseTitle} lang={props.lang} path={props.path}>
      <article class="participant">
        <h1>{t.eraseTitle}</h1>
        <p>{t.eraseWarning}</p>
        <form method="post" action={`${props.base}/erase`}>
          <button type="submit" class="danger">
            {t.eraseButton}
          </button>{" "}
          <a href={props.base}>{t.cancel}</a>
        </form>
      </article>
    </PublicLayout>
  );
}

export function ErasedPage(props: { lang: Lang; path: string }) {
  const t = messages(props.lang).preferences;
  return (
    <PublicLayout title={t.erasedTitle} lang={props.lang} path={props.path}>
      <article class="participant">
        <h1>{t.erasedTitle}</h1>
        <p role="status">{t.erasedAll}</p>
      </article>
    </PublicLayout>
  );
}
