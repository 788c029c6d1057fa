// Error pages: what went wrong in words a visitor can act on, never anything internal.
import type { Context } from "hono";
import type { AppEnv } from "../http/env";
import type { Dictionary, Lang } from "../i18n";
import { PublicLayout } from "./layout";

const text: Dictionary<
  Record<404 | 500 | 503, { title: string; body: string }> & { back: string }
> = {
  fr: {
    404: {
      title: "Page introuvable",
      body: "Cette adresse ne correspond à aucune page. Vérifiez le lien ou repartez de l'accueil.",
    },
    500: {
      title: "Erreur du serveur",
      body: "Un problème est survenu de notre côté ; rien n'a été modifié. Réessayez dans un instant.",
    },
    503: {
      title: "Service indisponible",
      body: "Le service est momentanément indisponible ; rien n'a été modifié. Réessayez dans un instant.",
    },
    back: "Retour à l'accueil",
  },
  en: {
    404: {
      title: "Page not found",
      body: "No page lives at this address. Check the link or start again from the home page.",
    },
    500: {
      title: "Server error",
      body: "Something went wrong on our side; nothing was changed. Please try again in a moment.",
    },
    503: {
      title: "Service unavailable",
      body: "The service is briefly unavailable; nothing was changed. Please try again in a moment.",
    },
    back: "Back to the home page",
  },
};

function ErrorPage(props: { status: 404 | 500 | 503; lang: Lang }) {
  const t = text[props.lang];
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
