import type { Child } from "hono/jsx";
import type { Dictionary, Lang } from "../i18n";
import { PublicLayout } from "../views/layout";

const text: Dictionary<{
  title: string;
  intro: string;
  status: string;
  check: string;
  dbOk: string;
  checkedAt: string;
}> = {
  fr: {
    title: "État des services",
    intro: "L'état de nos services, les incidents en cours et passés, et la maintenance prévue.",
    status: "Vérification en direct",
    check: "Vérifier maintenant",
    dbOk: "Base de données joignable",
    checkedAt: "vérifié à",
  },
  en: {
    title: "Service status",
    intro: "How our services are doing, open and past incidents, and planned maintenance.",
    status: "Live check",
    check: "Check now",
    dbOk: "Database reachable",
    checkedAt: "checked at",
  },
};

/** The live status fragment, swapped in place by htmx (and a plain page without JavaScript). */
export function StatusFragment(props: { lang: Lang; checkedAt: string }) {
  const t = text[props.lang];
  return (
    <p id="status-result" role="status">
      ✓ {t.dbOk} — {t.checkedAt} <time datetime={props.checkedAt}>{props.checkedAt}</time>
    </p>
  );
}

export function HomePage(props: { lang: Lang; orgName: string; sections?: Child }) {
  const t = text[props.lang];
  return (
    <PublicLayout title={t.title} lang={props.lang} path="/">
      <hgroup>
        <h1>{props.orgName}</h1>
        <p>{t.intro}</p>
      </hgroup>
      {props.sections}
      <section aria-labelledby="status-title">
        <h2 id="status-title">{t.status}</h2>
        <p id="status-result" class="muted">
          …
        </p>
        <form
          method="get"
          action="/status"
          hx-get="/status"
          hx-target="#status-result"
          hx-swap="outerHTML"
        >
          <button type="submit" class="secondary">
            {t.check}
          </button>
        </form>
      </section>
    </PublicLayout>
  );
}
