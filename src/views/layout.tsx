// The page shells: a public layout (French or English, with the language switch) and the admin one.
import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import type { Dictionary, Lang } from "../i18n";
import { useOrgName } from "./org";

const text: Dictionary<{
  home: string;
  switchTo: string;
  other: Lang;
  skip: string;
}> = {
  fr: {
    home: "Accueil",
    switchTo: "English",
    other: "en",
    skip: "Aller au contenu",
  },
  en: {
    home: "Home",
    switchTo: "Français",
    other: "fr",
    skip: "Skip to content",
  },
};

function Head(props: { title: string }) {
  const org = useOrgName() || "Relance";
  return (
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="color-scheme" content="light dark" />
      <title>
        {props.title} · {org}
      </title>
      <link rel="stylesheet" href="/vendor/pico.min.css" />
      <link rel="stylesheet" href="/app.css" />
      <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
      <script src="/vendor/htmx.min.js" defer />
    </head>
  );
}

export function PublicLayout(props: { title: string; lang: Lang; path: string; children: Child }) {
  const t = text[props.lang];
  const org = useOrgName() || "Relance";
  return (
    <>
      {raw("<!DOCTYPE html>")}
      <html lang={props.lang}>
        <Head title={props.title} />
        <body>
          <a class="skip" href="#main">
            {t.skip}
          </a>
          <header class="container">
            <nav>
              <ul>
                <li>
                  <a href="/" class="brand">
                    <strong>{org}</strong>
                  </a>
                </li>
              </ul>
              <ul>
                <li>
                  <form method="post" action="/lang" class="lang-switch">
                    <input type="hidden" name="lang" value={t.other} />
                    <input type="hidden" name="back" value={props.path} />
                    <button type="submit" class="outline secondary" lang={t.other}>
                      {t.switchTo}
                    </button>
                  </form>
                </li>
              </ul>
            </nav>
          </header>
          <main class="container" id="main">
            {props.children}
          </main>
          <footer class="container">
            <small>{org}</small>
          </footer>
        </body>
      </html>
    </>
  );
}

/** Links of the admin navigation; each capability adds its own entry here. */
export const ADMIN_NAV: { href: string; label: string }[] = [
  { href: "/admin", label: "Home" },
  { href: "/admin/lists", label: "Lists" },
  { href: "/admin/campaigns", label: "Campaigns" },
  { href: "/admin/sending", label: "Sending" },
  { href: "/admin/deliverability", label: "Deliverability" },
  { href: "/admin/suppressions", label: "Suppressions" },
  { href: "/admin/inbound", label: "Inbound" },
  { href: "/admin/incidents", label: "Incidents" },
  { href: "/admin/status", label: "Status page" },
  { href: "/admin/polls", label: "Polls" },
  { href: "/admin/mailbox", label: "Mailbox" },
  { href: "/admin/audit", label: "Audit log" },
  { href: "/admin/admins", label: "Team" },
  { href: "/admin/account", label: "Account" },
];

/** The red button on every admin page; htmx refreshes the bar with the live state. */
function SendingBar() {
  return (
    <div
      id="sending-bar"
      class="container sending-bar"
      hx-get="/admin/sending/bar"
      hx-trigger="load, every 5s"
      hx-swap="innerHTML"
    >
      <StopAllSendingButton />
    </div>
  );
}

export function StopAllSendingButton() {
  return (
    <form method="post" action="/admin/sending/pause" class="inline">
      <input type="hidden" name="reason" value="Stopped with the admin button" />
      <button type="submit" class="stop-all">
        Stop all sending
      </button>
    </form>
  );
}

export function AdminLayout(props: { title: string; email?: string; children: Child }) {
  return (
    <>
      {raw("<!DOCTYPE html>")}
      <html lang="en">
        <Head title={`${props.title} · Admin`} />
        <body>
          <header class="container">
            <nav>
              <ul>
                <li>
                  <a href="/admin" class="brand">
                    <strong>Relance admin</strong>
                  </a>
                </li>
              </ul>
              {props.email ? (
                <ul>
                  {ADMIN_NAV.map((item) => (
                    <li>
                      <a href={item.href}>{item.label}</a>
                    </li>
                  ))}
                  <li>
                    <form method="post" action="/admin/logout" class="inline">
                      <button type="submit" class="outline secondary">
                        Sign out {props.email}
                      </button>
                    </form>
                  </li>
                </ul>
              ) : null}
            </nav>
          </header>
          {props.email ? <SendingBar /> : null}
          <main class="container" id="main">
            {props.children}
          </main>
        </body>
      </html>
    </>
  );
}
