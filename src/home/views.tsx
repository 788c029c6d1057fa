import type { Child } from "hono/jsx";
import type { Lang } from "../i18n";
import { messages } from "../messages";
import { PublicLayout } from "../views/layout";
import { Time } from "../views/time";

/** The live status fragment, swapped in place by htmx (and a plain page without JavaScript). */
export function StatusFragment(props: { lang: Lang; checkedAt: string }) {
  const t = messages(props.lang).home;
  return (
    <p id="status-result" role="status">
      ✓ {t.dbOk} — {t.checkedAt} <Time at={props.checkedAt} lang={props.lang} />
    </p>
  );
}

export function HomePage(props: { lang: Lang; orgName: string; sections?: Child }) {
  const t = messages(props.lang).home;
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
