// The page shells: a public layout (French or English, with the language switch) and the admin one.
import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import { LANGUAGE_NAMES, type Lang } from "../i18n";
import { type Messages, messages } from "../messages";
import { useAdminLang, useAdminText, useOrgName, usePagePath } from "./org";

/** The language the switch offers from each one. */
const OTHER: Record<Lang, Lang> = { fr: "en", en: "fr" };

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
  const t = messages(props.lang).shell;
  const other = OTHER[props.lang];
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
                    <input type="hidden" name="lang" value={other} />
                    <input type="hidden" name="back" value={props.path} />
                    <button type="submit" class="outline secondary" lang={other}>
                      {LANGUAGE_NAMES[other]}
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

type NavText = Messages["nav"];

/**
 * The admin navigation, grouped so it fits a phone; each capability adds its entry to a group.
 * Groups and labels are keys of the catalogue's `nav` section, shown in the admin's language.
 */
export const ADMIN_NAV: {
  group: keyof NavText["groups"];
  items: { href: string; label: keyof NavText["items"] }[];
}[] = [
  {
    group: "audience",
    items: [
      { href: "/admin/lists", label: "lists" },
      { href: "/admin/suppressions", label: "suppressions" },
      { href: "/admin/inbound", label: "inbound" },
    ],
  },
  {
    group: "sending",
    items: [
      { href: "/admin/campaigns", label: "campaigns" },
      { href: "/admin/sending", label: "sends" },
      { href: "/admin/deliverability", label: "deliverability" },
      { href: "/admin/mailbox", label: "mailbox" },
    ],
  },
  {
    group: "public",
    items: [
      { href: "/admin/incidents", label: "incidents" },
      { href: "/admin/status", label: "status" },
      { href: "/admin/polls", label: "polls" },
    ],
  },
  {
    group: "settings",
    items: [
      { href: "/admin/admins", label: "team" },
      { href: "/admin/webhook-endpoints", label: "webhooks" },
      { href: "/admin/audit", label: "audit" },
      { href: "/admin/account", label: "account" },
    ],
  },
];

/** Live sending state under the header; htmx refreshes it, so a pause shows on every page once. */
function SendingBar() {
  return (
    <div
      id="sending-bar"
      class="sending-bar"
      hx-get="/admin/sending/bar"
      hx-trigger="load, every 5s"
      hx-swap="innerHTML"
    >
      <StopAllSendingButton />
    </div>
  );
}

export function StopAllSendingButton() {
  const t = useAdminText().nav;
  return (
    <form method="post" action="/admin/sending/pause" class="inline">
      <input type="hidden" name="reason" value={t.stopReason} />
      <button type="submit" class="stop-all">
        {t.stopAll}
      </button>
    </form>
  );
}

function SignOut(props: { email: string }) {
  return (
    <form method="post" action="/admin/logout" class="inline">
      <button type="submit" class="outline secondary" title={props.email}>
        {useAdminText().nav.signOut}
      </button>
    </form>
  );
}

/** Offers the other language; the cookie it sets is the one public pages read too. */
function AdminLangSwitch() {
  const other = OTHER[useAdminLang()];
  return (
    <form method="post" action="/lang" class="lang-switch">
      <input type="hidden" name="lang" value={other} />
      <input type="hidden" name="back" value={usePagePath()} />
      <button
        type="submit"
        class="outline secondary"
        lang={other}
        aria-label={`${LANGUAGE_NAMES[other]} (${messages(other).nav.switchLanguage})`}
      >
        {LANGUAGE_NAMES[other]}
      </button>
    </form>
  );
}

/** Wide screens: one dropdown per group (details/summary, so no script is needed). */
function WideNav() {
  const t = useAdminText().nav;
  return (
    <ul class="nav-wide">
      <li>
        <a href="/admin">{t.dashboard}</a>
      </li>
      {ADMIN_NAV.map((g) => (
        <li>
          <details class="dropdown">
            <summary>{t.groups[g.group]}</summary>
            <ul>
              {g.items.map((item) => (
                <li>
                  <a href={item.href}>{t.items[item.label]}</a>
                </li>
              ))}
            </ul>
          </details>
        </li>
      ))}
    </ul>
  );
}

/** Small screens: the whole navigation folds into one menu. */
function NarrowNav(props: { email: string }) {
  const t = useAdminText().nav;
  return (
    <details class="nav-menu">
      <summary>{t.menu}</summary>
      <div class="nav-menu-panel">
        <a href="/admin">{t.dashboard}</a>
        {ADMIN_NAV.map((g) => (
          <section>
            <h2 class="nav-group">{t.groups[g.group]}</h2>
            <ul>
              {g.items.map((item) => (
                <li>
                  <a href={item.href}>{t.items[item.label]}</a>
                </li>
              ))}
            </ul>
          </section>
        ))}
        <p class="muted nav-email">{props.email}</p>
        <div class="nav-menu-actions">
          <SignOut email={props.email} />
          <AdminLangSwitch />
        </div>
      </div>
    </details>
  );
}

function AdminHeader(props: { email?: string }) {
  return (
    <header class="admin-header">
      <nav class="container-fluid" aria-label={useAdminText().nav.admin}>
        <ul>
          <li>
            <a href="/admin" class="brand">
              <strong>Relance</strong>
            </a>
          </li>
        </ul>
        {props.email ? (
          <>
            <WideNav />
            <ul class="nav-end">
              <li>
                <SendingBar />
              </li>
              <li class="nav-wide">
                <SignOut email={props.email} />
              </li>
              <li class="nav-wide">
                <AdminLangSwitch />
              </li>
              <li class="nav-narrow">
                <NarrowNav email={props.email} />
              </li>
            </ul>
          </>
        ) : (
          <ul>
            <li>
              <AdminLangSwitch />
            </li>
          </ul>
        )}
      </nav>
    </header>
  );
}

export function AdminLayout(props: { title: string; email?: string; children: Child }) {
  const t = useAdminText().shell;
  return (
    <>
      {raw("<!DOCTYPE html>")}
      <html lang={useAdminLang()}>
        <Head title={`${props.title} · ${useAdminText().nav.admin}`} />
        <body class="admin">
          <a class="skip" href="#main">
            {t.skip}
          </a>
          <AdminHeader email={props.email} />
          <main class="container" id="main">
            {props.children}
          </main>
        </body>
      </html>
    </>
  );
}
