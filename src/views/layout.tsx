// The page shells: a public layout (French or English, with the language switch) and the admin one.
import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import { LANGUAGE_NAMES, type Lang } from "../i18n";
import { messages } from "../messages";
import { useAdminLang, useAdminText, useOrgName } from "./org";

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

/** The admin navigation, grouped so it fits a phone; each capability adds its entry to a group. */
export const ADMIN_NAV: { group: string; items: { href: string; label: string }[] }[] = [
  {
    group: "Audience",
    items: [
      { href: "/admin/lists", label: "Lists" },
      { href: "/admin/suppressions", label: "Suppressions" },
      { href: "/admin/inbound", label: "Inbound" },
    ],
  },
  {
    group: "Sending",
    items: [
      { href: "/admin/campaigns", label: "Campaigns" },
      { href: "/admin/sending", label: "Sends" },
      { href: "/admin/deliverability", label: "Deliverability" },
      { href: "/admin/mailbox", label: "Mailbox" },
    ],
  },
  {
    group: "Public",
    items: [
      { href: "/admin/incidents", label: "Incidents" },
      { href: "/admin/status", label: "Status page" },
      { href: "/admin/polls", label: "Polls" },
    ],
  },
  {
    group: "Settings",
    items: [
      { href: "/admin/admins", label: "Team" },
      { href: "/admin/webhook-endpoints", label: "Webhooks" },
      { href: "/admin/audit", label: "Audit log" },
      { href: "/admin/account", label: "Account" },
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
  return (
    <form method="post" action="/admin/sending/pause" class="inline">
      <input type="hidden" name="reason" value="Stopped with the admin button" />
      <button type="submit" class="stop-all">
        Stop all sending
      </button>
    </form>
  );
}

function SignOut(props: { email: string }) {
  return (
    <form method="post" action="/admin/logout" class="inline">
      <button type="submit" class="outline secondary" title={props.email}>
        Sign out
      </button>
    </form>
  );
}

/** Wide screens: one dropdown per group (details/summary, so no script is needed). */
function WideNav() {
  return (
    <ul class="nav-wide">
      <li>
        <a href="/admin">Dashboard</a>
      </li>
      {ADMIN_NAV.map((g) => (
        <li>
          <details class="dropdown">
            <summary>{g.group}</summary>
            <ul>
              {g.items.map((item) => (
                <li>
                  <a href={item.href}>{item.label}</a>
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
  return (
    <details class="nav-menu">
      <summary>Menu</summary>
      <div class="nav-menu-panel">
        <a href="/admin">Dashboard</a>
        {ADMIN_NAV.map((g) => (
          <section>
            <h2 class="nav-group">{g.group}</h2>
            <ul>
              {g.items.map((item) => (
                <li>
                  <a href={item.href}>{item.label}</a>
                </li>
              ))}
            </ul>
          </section>
        ))}
        <p class="muted nav-email">{props.email}</p>
        <SignOut email={props.email} />
      </div>
    </details>
  );
}

function AdminHeader(props: { email?: string }) {
  return (
    <header class="admin-header">
      <nav class="container-fluid" aria-label="Admin">
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
              <li class="nav-narrow">
                <NarrowNav email={props.email} />
              </li>
            </ul>
          </>
        ) : null}
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
        <Head title={`${props.title} · Admin`} />
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
