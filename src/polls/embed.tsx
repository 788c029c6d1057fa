// The compact poll page made to be framed by other sites (`/embed/polls/:slug`).
import { raw } from "hono/html";
import type { Lang } from "../i18n";
import { inLang } from "../incidents/format";
import { messages } from "../messages";
import { useOrgName } from "../views/org";
import type { Poll } from "./queries";
import type { Results } from "./service";
import { shareLinks } from "./share";
import { LiveAnnouncer, LiveResults } from "./views";

/**
 * The compact page for an <iframe> on another site: the question, the results when everyone may
 * see them, and a link to vote on the poll's own page (a framed page holds no form: third-party
 * cookies are not sent, so it could not know who voted).
 */
export function EmbedPage(props: {
  poll: Poll;
  results: Results | undefined;
  closed: boolean;
  lang: Lang;
  publicUrl: string;
}) {
  const { poll } = props;
  const t = messages(props.lang).pollEmbed;
  const question = inLang(props.lang, poll.question, poll.questionEn);
  return (
    <>
      {raw("<!DOCTYPE html>")}
      <html lang={props.lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>
            {question} · {useOrgName() || "Relance"}
          </title>
          <link rel="stylesheet" href="/vendor/pico.min.css" />
          <link rel="stylesheet" href="/app.css" />
          <script src="/vendor/htmx.min.js" defer />
        </head>
        <body>
          <main class="container embed">
            <h1>{question}</h1>
            {props.results ? (
              <LiveResults
                slug={poll.slug}
                results={props.results}
                lang={props.lang}
                closed={props.closed}
                single={poll.maxChoices === 1}
              />
            ) : (
              <p class="muted">{t.resultsLater}</p>
            )}
            <p>
              <a href={shareLinks(props.publicUrl, poll.slug).url} target="_blank" rel="noopener">
                {t.voteThere}
              </a>
            </p>
            <LiveAnnouncer />
          </main>
          <script src="/poll-live.js" defer />
        </body>
      </html>
    </>
  );
}
