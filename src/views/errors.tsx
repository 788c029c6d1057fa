// Error pages: what went wrong in words a visitor can act on, never anything internal.
import type { Context } from "hono";
import type { AppEnv } from "../http/env";
import type { Lang } from "../i18n";
import { messages } from "../messages";
import { PublicLayout } from "./layout";

function ErrorPage(props: { status: 404 | 500 | 503; lang: Lang }) {
  const t = messages(props.lang).errors;
  const page = t[props.status];
  return (
    <PublicLayout title={page.title} lang={props.lang} path="/">
      <article>
        <h1>{page.title}</h1>
        <p>{page.body}</p>
        <p>
          <a href="/">{t.back}</a>
        </p>
      </article>
    </PublicLayout>
  );
}

export const errorPage = (c: Context<AppEnv>, status: 404 | 500 | 503) =>
  c.html(<ErrorPage status={status} lang={c.var.lang ?? "fr"} />, status);
