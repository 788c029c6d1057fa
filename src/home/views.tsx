import type { Child } from "hono/jsx";
import type { Dictionary, Lang } from "../i18n";
import { PublicLayout } from "../views/layout";
import { Time } from "../views/time";

const text: Dictionary<{
  title: string;
  intro: string;
  status: string;
  check: string;
  dbOk: string;
  checkedAt: string;
}> = {
  fr: {
    title: "Relance",
    intro:
      "Relance gère des listes de diffusion où chacun a donné son accord, et publie les incidents et les sondages de l'organisation.",
    status: "État du service",
    check: "Vérifier maintenant",
    dbOk: "Base de données joignable",
    checkedAt: "vérifié à",
  },
  en: {
    title: "Relance",
    intro:
      "Relance runs mailing lists where everyone has agreed to be there, and publishes the organisation's incidents and polls.",
    status: "Service status",
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
      ✓ {t.dbOk} — {t.checkedAt} <Time at={props.checkedAt} lang={props.lang} />
    </p>
  );
}

export function HomePage(props: { lang: Lang; sections?: Child }) {
  const t = text[props.lang];
  return (
    <PublicLayout title={t.title} lang={props.lang} path="/">
      <hgroup>
        <h1>Relance</h1>
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
