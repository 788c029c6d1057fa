// The compact status banner made to be framed by other sites (`/embed/status`).
import { raw } from "hono/html";
import type { Lang } from "../i18n";
import { inLang } from "../incidents/format";
import type { Incident } from "../incidents/queries";
import { messages } from "../messages";
import type { Overall } from "./summary";
import { OverallBanner } from "./views";

/** The banner, the open incidents' titles, and a link out (a framed page holds no form). */
export function StatusEmbedPage(props: {
  overall: Overall;
  open: Incident[];
  lang: Lang;
  orgName: string;
  publicUrl: string;
}) {
  const t = messages(props.lang).statusEmbed;
  return (
    <>
      {raw("<!DOCTYPE html>")}
      <html lang={props.lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{props.orgName}</title>
          <link rel="stylesheet" href="/vendor/pico.min.css" />
          <link rel="stylesheet" href="/app.css" />
        </head>
        <body>
          <main class="container embed">
            <OverallBanner overall={props.overall} lang={props.lang} />
            {props.open.length ? (
              <ul>
                {props.open.map((i) => (
                  <li>
                    <a
                      href={`${props.publicUrl}/incidents/${i.slug}`}
                      target="_blank"
                      rel="noopener"
                    >
                      {inLang(props.lang, i.title, i.titleEn)}
                    </a>
                  </li>
                ))}
              </ul>
            ) : null}
            <p>
              <a href={`${props.publicUrl}/`} target="_blank" rel="noopener">
                {props.orgName} — {t.details}
              </a>
            </p>
          </main>
        </body>
      </html>
    </>
  );
}
