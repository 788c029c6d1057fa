// The unsubscribe page and the preferences page (lists, language, export, erase), in French
// and English.
import type { Dictionary, Lang } from "../i18n";
import { PublicLayout } from "../views/layout";
import type { Membership } from "./preferences";
import { isActive } from "./preferences";

const STATE_LABELS: Dictionary<Record<string, string>> = {
  fr: {
    legacy: "importé, jamais sollicité",
    invited: "invitation en attente de réponse",
    pending: "en attente de votre confirmation par e-mail",
    confirmed: "abonné",
    declined: "refusé",
    expired: "expiré",
    unsubscribed: "désabonné",
    bounced: "adresse en erreur",
    complained: "signalé comme indésirable",
    erased: "effacé",
  },
  en: {
    legacy: "imported, never asked",
    invited: "invitation awaiting your answer",
    pending: "awaiting your confirmation by email",
    confirmed: "subscribed",
    declined: "declined",
    expired: "expired",
    unsubscribed: "unsubscribed",
    bounced: "address failing",
    complained: "reported as spam",
    erased: "erased",
  },
};

const text: Dictionary<{
  unsubscribeTitle: string;
  unsubscribeAsk: (list: string) => string;
  unsubscribeButton: string;
  unsubscribedTitle: string;
  unsubscribedBody: (list: string) => string;
  erasedBody: string;
  preferences: string;
  preferencesTitle: string;
  yourLists: string;
  state: string;
  leave: string;
  rejoin: string;
  rejoinNote: string;
  pendingSent: string;
  left: string;
  noLists: string;
  language: string;
  languageLabel: string;
  saveLanguage: string;
  languageSaved: string;
  yourData: string;
  exportIntro: string;
  exportButton: string;
  eraseIntro: string;
  eraseLink: string;
  eraseTitle: string;
  eraseWarning: string;
  eraseButton: string;
  cancel: string;
  erasedTitle: string;
  erasedAll: string;
}> = {
  fr: {
    unsubscribeTitle: "Se désabonner",
    unsubscribeAsk: (list) => `Ne plus recevoir les messages de « ${list} » ?`,
    unsubscribeButton: "Me désabonner",
    unsubscribedTitle: "Vous êtes désabonné",
    unsubscribedBody: (list) => `Vous ne recevrez plus les messages de « ${list} ».`,
    erasedBody: "Vos données ont été effacées : nous ne vous écrirons plus.",
    preferences: "Gérer vos préférences et vos données",
    preferencesTitle: "Vos préférences",
    yourLists: "Vos listes",
    state: "État :",
    leave: "Me désabonner",
    rejoin: "Me réabonner",
    rejoinNote: "Un e-mail de confirmation vous sera envoyé : rien ne change avant votre clic.",
    pendingSent: "Un e-mail de confirmation vous a été envoyé (au plus un par heure).",
    left: "C'est fait : vous êtes désabonné de cette liste.",
    noLists: "Vous n'êtes inscrit sur aucune liste.",
    language: "Langue",
    languageLabel: "Langue de nos messages et de ces pages",
    saveLanguage: "Enregistrer la langue",
    languageSaved: "Langue enregistrée.",
    yourData: "Vos données",
    exportIntro:
      "Téléchargez tout ce que nous savons de vous (fiche, historique de consentement, inscriptions, messages envoyés) dans un fichier JSON.",
    exportButton: "Télécharger mes données",
    eraseIntro:
      "Vous pouvez aussi tout effacer : il ne restera qu'une empreinte chiffrée de votre adresse, pour que personne ne puisse vous réinscrire.",
    eraseLink: "Effacer toutes mes données…",
    eraseTitle: "Tout effacer ?",
    eraseWarning:
      "Votre nom, votre adresse, vos informations et vos inscriptions seront effacés définitivement, sur toutes les listes. Nous ne pourrons plus jamais vous écrire. Cette action est irréversible.",
    eraseButton: "Oui, tout effacer",
    cancel: "Annuler",
    erasedTitle: "Vos données sont effacées",
    erasedAll:
      "Tout a été effacé. Il ne reste qu'une empreinte chiffrée de votre adresse, qui empêche de vous réinscrire ou de vous écrire.",
  },
  en: {
    unsubscribeTitle: "Unsubscribe",
    unsubscribeAsk: (list) => `Stop receiving the messages of "${list}"?`,
    unsubscribeButton: "Unsubscribe me",
    unsubscribedTitle: "You are unsubscribed",
    unsubscribedBody: (list) => `You will no longer receive the messages of "${list}".`,
    erasedBody: "Your data has been erased: we will not write to you again.",
    preferences: "Manage your preferences and your data",
    preferencesTitle: "Your preferences",
    yourLists: "Your lists",
    state: "State:",
    leave: "Unsubscribe",
    rejoin: "Subscribe again",
    rejoinNote: "We will send you a confirmation email: nothing changes until you click it.",
    pendingSent: "A confirmation email has been sent to you (at most one an hour).",
    left: "Done: you are unsubscribed from this list.",
    noLists: "You are on no list.",
    language: "Language",
    languageLabel: "Language of our messages and of these pages",
    saveLanguage: "Save the language",
    languageSaved: "Language saved.",
    yourData: "Your data",
    exportIntro:
      "Download everything we know about you (record, consent history, entries, messages sent) as a JSON file.",
    exportButton: "Download my data",
    eraseIntro:
      "You can also erase everything: only a one-way hash of your address will remain, so that nobody can sign you up again.",
    eraseLink: "Erase all my data…",
    eraseTitle: "Erase everything?",
    eraseWarning:
      "Your name, address, details and entries will be erased for good, on every list. We will never be able to write to you again. This cannot be undone.",
    eraseButton: "Yes, erase everything",
    cancel: "Cancel",
    erasedTitle: "Your data is erased",
    erasedAll:
      "Everything was erased. Only a one-way hash of your address remains, which keeps anyone from signing you up or writing to you.",
  },
};

export function UnsubscribePage(props: {
  lang: Lang;
  path: string;
  action: string;
  listName: string;
  state: "ask" | "done" | "erased";
  preferencesUrl: string | null;
}) {
  const t = text[props.lang];
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

export function PreferencesPage(props: {
  lang: Lang;
  path: string;
  base: string;
  memberships: Membership[];
  contactLang: Lang;
  message?: PreferencesMessage;
}) {
  const t = text[props.lang];
  const labels = STATE_LABELS[props.lang];
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
        <section aria-labelledby="lists-title">
          <h2 id="lists-title">{t.yourLists}</h2>
          {props.memberships.length === 0 ? <p>{t.noLists}</p> : null}
          <ul class="memberships">
            {props.memberships.map((m) => (
              <li data-list={m.slug}>
                <strong>{m.name}</strong> — {t.state}{" "}
                <span class={`state state-${m.status}`}>{labels[m.status] ?? m.status}</span>
                {isActive(m.status) ? (
                  <form
                    method="post"
                    action={`${props.base}/lists/${m.listId}/leave`}
                    class="inline"
                  >
                    <button
                      type="submit"
                      class="outline secondary"
                      aria-label={`${t.leave} : ${m.name}`}
                    >
                      {t.leave}
                    </button>
                  </form>
                ) : m.status === "unsubscribed" ? (
                  <form
                    method="post"
                    action={`${props.base}/lists/${m.listId}/rejoin`}
                    class="inline"
                  >
                    <button type="submit" class="outline" aria-label={`${t.rejoin} : ${m.name}`}>
                      {t.rejoin}
                    </button>
                    <small class="muted"> {t.rejoinNote}</small>
                  </form>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
        <section aria-labelledby="language-title">
          <h2 id="language-title">{t.language}</h2>
          <form method="post" action={`${props.base}/language`}>
            <label>
              {t.languageLabel}
              <select name="language">
                <option value="fr" selected={props.contactLang === "fr"} lang="fr">
                  Français
                </option>
                <option value="en" selected={props.contactLang === "en"} lang="en">
                  English
                </option>
              </select>
            </label>
            <button type="submit" class="outline">
              {t.saveLanguage}
            </button>
          </form>
        </section>
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
      </article>
    </PublicLayout>
  );
}

export function EraseConfirmPage(props: { lang: Lang; path: string; base: string }) {
  const t = text[props.lang];
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
  const t = text[props.lang];
  return (
    <PublicLayout title={t.erasedTitle} lang={props.lang} path={props.path}>
      <article class="participant">
        <h1>{t.erasedTitle}</h1>
        <p role="status">{t.erasedAll}</p>
      </article>
    </PublicLayout>
  );
}
