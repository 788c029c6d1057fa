// The participant site: /c/ (answer an invitation, then re-register), /u/ (unsubscribe, RFC 8058
// one-click included), /p/ (preferences, export, erase), /lists/:slug/subscribe and /s/ (double
// opt-in). GET never changes anything: mail scanners fetch these links before people do.
import type { Context } from "hono";
import { Hono } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { hashClientAddress } from "../http/client-address";
import type { AppEnv } from "../http/env";
import { idParam } from "../http/params";
import { isLang, LANG_COOKIE, type Lang } from "../i18n";
import * as listQueries from "../lists/queries";
import { findList } from "../lists/service";
import { messages } from "../messages";
import { botRefusal, formGuard } from "../subscriptions/bot-fields";
import { signToken } from "../tokens";
import { errorPage } from "../views/errors";
import {
  confirmInvitation,
  declineInvitation,
  type Invitation,
  invitationView,
  loadInvitation,
} from "./consent";
import { openLink } from "./links";
import { lostLinkPath } from "./lost-link-views";
import {
  eraseEverything,
  exportData,
  findPerson,
  membershipsOf,
  type Person,
  resubscribe,
  setLanguage,
  unsubscribe,
} from "./preferences";
import {
  EraseConfirmPage,
  ErasedPage,
  type PreferencesMessage,
  PreferencesPage,
  UnsubscribePage,
} from "./preferences-views";
import { type Proof, userAgentFamily } from "./proof";
import {
  findRegistration,
  parseRegistration,
  prefill,
  type RegistrationData,
  type RegistrationErrors,
  registrationsOpen,
  saveRegistration,
} from "./registration";
import {
  confirmSubscription,
  loadSubscription,
  parseSubscription,
  requestSubscription,
  subscriptionView,
} from "./subscribe";
import {
  SubscribeConfirmPage,
  SubscribePage,
  SubscribeSentPage,
  subscribeAgainLabel,
  subscribeExpiredBody,
} from "./subscribe-views";
import { ConsentPage, LinkProblemPage, RegistrationForm, type RegistrationState } from "./views";

type C = Context<AppEnv>;

export const participantPages = new Hono<AppEnv>();

// Links carry the person's authority: never cached, never indexed.
participantPages.use("/c/*", noStore);
participantPages.use("/u/*", noStore);
participantPages.use("/p/*", noStore);
participantPages.use("/s/*", noStore);

async function noStore(c: C, next: () => Promise<void>) {
  await next();
  c.header("Cache-Control", "private, no-store");
  c.header("X-Robots-Tag", "noindex");
}

/**
 * The page language: the visitor's explicit switch (the cookie), else the contact's own
 * language, else Accept-Language.
 */
function langFor(c: C, attributes?: Record<string, unknown> | null): Lang {
  if (isLang(getCookie(c, LANG_COOKIE))) return c.var.lang;
  const own = String(attributes?.language ?? attributes?.lang ?? "")
    .slice(0, 2)
    .toLowerCase();
  return isLang(own) ? own : c.var.lang;
}

function proofOf(c: C): Proof {
  return {
    ipHash: hashClientAddress(c.var.deps, c.var.clientAddress),
    uaFamily: userAgentFamily(c.req.header("User-Agent")),
  };
}

const preferencesUrl = async (c: C, contactId: number) =>
  `/p/${await signToken(c.var.deps.config.secretKey, { p: "preferences", c: contactId })}`;

const badLink = (c: C, next?: LinkNext) =>
  c.html(
    <LinkProblemPage lang={c.var.lang} path={c.req.path} problem="invalid" next={next} />,
    400,
  );

const goneLink = (c: C, next?: LinkNext) =>
  c.html(<LinkProblemPage lang={c.var.lang} path={c.req.path} problem="gone" next={next} />, 404);

type LinkNext = { href: string; label: string };

/** Where a broken preferences or unsubscribe link leads: asking for a new one (any list). */
const newLinkNext = (c: C): LinkNext => ({
  href: lostLinkPath(),
  label: messages(c.var.lang).lostLink.brokenLink,
});

async function form(c: C): Promise<Record<string, unknown>> {
  try {
    return (await c.req.parseBody()) as Record<string, unknown>;
  } catch {
    return {};
  }
}

// ---- /c/ : the invitation --------------------------------------------------------------

async function openInvitation(c: C) {
  const token = c.req.param("token") ?? "";
  const link = await openLink(c.var.deps, token, "consent");
  if (!link.ok) return { response: badLink(c) };
  const invitation = await loadInvitation(c.var.deps, link.payload);
  if (!invitation) return { response: goneLink(c) };
  return { token, invitation };
}

async function registrationState(
  c: C,
  token: string,
  invitation: Invitation,
  submitted?: { values: RegistrationData; errors: RegistrationErrors; justSaved?: boolean },
): Promise<RegistrationState | undefined> {
  const deps = c.var.deps;
  const list = await findList(deps, invitation.list.id);
  if (!list) return undefined;
  const saved = await findRegistration(deps, list.id, invitation.contact.id);
  return {
    action: `/c/${token}/registration`,
    values: submitted?.values ?? prefill(invitation.contact, saved),
    errors: submitted?.errors ?? {},
    saved: saved && {
      updatedAt: saved.updatedAt,
      justNow: submitted?.justSaved ?? c.req.query("saved") === "1",
    },
    closeAt: list.registrationsCloseAt,
    open: registrationsOpen(list, deps.clock.now()),
  };
}

async function renderInvitation(
  c: C,
  token: string,
  invitation: Invitation,
  submitted?: Parameters<typeof registrationState>[3],
  status?: 200 | 409 | 422,
) {
  const view = invitationView(invitation, c.var.deps.clock.now());
  const lang = langFor(c, invitation.contact.attributes);
  return c.html(
    <ConsentPage
      lang={lang}
      path={c.req.path}
      action={`/c/${token}`}
      invitation={invitation}
      view={view}
      registration={
        view === "confirmed" ? await registrationState(c, token, invitation, submitted) : undefined
      }
      preferencesUrl={
        view === "erased" ? undefined : await preferencesUrl(c, invitation.contact.id)
      }
    />,
    status ?? (view === "expired" ? 410 : 200),
  );
}

participantPages.get("/c/:token", async (c) => {
  const opened = await openInvitation(c);
  if ("response" in opened) return opened.response;
  return renderInvitation(c, opened.token, opened.invitation);
});

participantPages.post("/c/:token", async (c) => {
  const opened = await openInvitation(c);
  if ("response" in opened) return opened.response;
  const { answer } = await form(c);
  if (answer === "confirm") await confirmInvitation(c.var.deps, opened.invitation, proofOf(c));
  else if (answer === "decline") await declineInvitation(c.var.deps, opened.invitation, proofOf(c));
  // Post/Redirect/Get: the page then shows the answer recorded (the same on a second click).
  return c.redirect(`/c/${opened.token}`, 303);
});

participantPages.post("/c/:token/registration", async (c) => {
  const opened = await openInvitation(c);
  if ("response" in opened) return opened.response;
  const { token, invitation } = opened;
  const deps = c.var.deps;
  const isHtmx = c.req.header("HX-Request") === "true";
  const list = await findList(deps, invitation.list.id);
  if (!list) return goneLink(c);
  const parsed = parseRegistration(await form(c));
  const respond = async (
    submitted: Parameters<typeof registrationState>[3],
    status: 200 | 409 | 422,
  ) => {
    if (!isHtmx) return renderInvitation(c, token, invitation, submitted, status);
    const state = await registrationState(c, token, invitation, submitted);
    if (!state) return goneLink(c);
    return c.html(
      <RegistrationForm lang={langFor(c, invitation.contact.attributes)} state={state} />,
      status,
    );
  };
  if (!parsed.ok) return respond({ values: parsed.values, errors: parsed.errors }, 422);
  const saved = await saveRegistration(deps, list, invitation.contact.id, parsed.data);
  if (!saved.ok) return respond({ values: parsed.data, errors: {} }, 409);
  if (!isHtmx) return c.redirect(`/c/${token}?saved=1#registration`, 303);
  return respond({ values: parsed.data, errors: {}, justSaved: true }, 200);
});

// ---- /u/ : unsubscribe -----------------------------------------------------------------

async function openUnsubscribe(c: C) {
  const link = await openLink(c.var.deps, c.req.param("token") ?? "", "unsubscribe");
  if (!link.ok || link.payload.l === undefined) return undefined;
  const [list, person] = await Promise.all([
    findList(c.var.deps, link.payload.l),
    findPerson(c.var.deps, link.payload.c),
  ]);
  return { listId: link.payload.l, contactId: link.payload.c, list, person };
}

async function unsubscribePage(
  c: C,
  opened: NonNullable<Awaited<ReturnType<typeof openUnsubscribe>>>,
  state: "ask" | "done" | "erased",
) {
  const person = opened.person as Person;
  return c.html(
    <UnsubscribePage
      lang={langFor(c, person.attributes)}
      path={c.req.path}
      action={c.req.path}
      listName={opened.list?.name ?? ""}
      state={person.erased ? "erased" : state}
      preferencesUrl={person.erased ? null : await preferencesUrl(c, person.id)}
    />,
  );
}

participantPages.get("/u/:token", async (c) => {
  const opened = await openUnsubscribe(c);
  if (!opened) return badLink(c, newLinkNext(c));
  if (!opened.list || !opened.person) return goneLink(c, newLinkNext(c));
  const memberships = await membershipsOf(c.var.deps, opened.contactId);
  const state = memberships.find((m) => m.listId === opened.listId)?.status;
  return unsubscribePage(c, opened, state === "unsubscribed" ? "done" : "ask");
});

/**
 * The page's button and the mail provider's RFC 8058 one-click POST (`List-Unsubscribe=One-Click`,
 * no cookie, no Origin: exempt from the Origin check, the signed token is the authority). The
 * one-click answer is a short 200, never a redirect.
 */
participantPages.post("/u/:token", async (c) => {
  const body = await form(c);
  const oneClick = body["List-Unsubscribe"] === "One-Click";
  const opened = await openUnsubscribe(c);
  if (!opened) {
    return oneClick
      ? c.text("This unsubscribe link is not valid.", 400)
      : badLink(c, newLinkNext(c));
  }
  if (!opened.list || !opened.person) {
    return oneClick ? c.text("Nothing to unsubscribe.", 404) : goneLink(c, newLinkNext(c));
  }
  await unsubscribe(
    c.var.deps,
    opened.contactId,
    opened.listId,
    oneClick ? "one-click unsubscribe (RFC 8058)" : "unsubscribe page",
    proofOf(c),
  );
  if (oneClick) return c.text("Unsubscribed.", 200);
  return unsubscribePage(c, opened, "done");
});

// ---- /p/ : preferences -----------------------------------------------------------------

async function openPreferences(c: C) {
  const token = c.req.param("token") ?? "";
  const link = await openLink(c.var.deps, token, "preferences");
  if (!link.ok || link.expired) return { response: badLink(c, newLinkNext(c)) };
  const person = await findPerson(c.var.deps, link.payload.c);
  if (!person) return { response: goneLink(c, newLinkNext(c)) };
  if (person.erased) {
    return { response: c.html(<ErasedPage lang={c.var.lang} path={c.req.path} />) };
  }
  return { token, person, base: `/p/${token}` };
}

const MESSAGES: PreferencesMessage[] = ["left", "pending", "language"];

participantPages.get("/p/:token", async (c) => {
  const opened = await openPreferences(c);
  if ("response" in opened) return opened.response;
  const { person, base } = opened;
  const done = c.req.query("done") as PreferencesMessage | undefined;
  const own = String(person.attributes?.language ?? "").slice(0, 2);
  const lang = langFor(c, person.attributes);
  return c.html(
    <PreferencesPage
      lang={lang}
      path={c.req.path}
      base={base}
      memberships={await membershipsOf(c.var.deps, person.id)}
      contactLang={isLang(own) ? own : lang}
      message={done && MESSAGES.includes(done) ? done : undefined}
    />,
  );
});

participantPages.post("/p/:token/lists/:listId/leave", async (c) => {
  const opened = await openPreferences(c);
  if ("response" in opened) return opened.response;
  const listId = idParam(c.req.param("listId"));
  if (listId === undefined) return goneLink(c);
  await unsubscribe(c.var.deps, opened.person.id, listId, "preferences page", proofOf(c));
  return c.redirect(`${opened.base}?done=left`, 303);
});

participantPages.post("/p/:token/lists/:listId/rejoin", async (c) => {
  const opened = await openPreferences(c);
  if ("response" in opened) return opened.response;
  const listId = idParam(c.req.param("listId"));
  if (listId === undefined) return goneLink(c);
  await resubscribe(c.var.deps, opened.person.id, listId, proofOf(c));
  return c.redirect(`${opened.base}?done=pending`, 303);
});

participantPages.post("/p/:token/language", async (c) => {
  const opened = await openPreferences(c);
  if ("response" in opened) return opened.response;
  const { language } = await form(c);
  if (isLang(language)) {
    await setLanguage(c.var.deps, opened.person.id, language);
    setCookie(c, LANG_COOKIE, language, {
      path: "/",
      maxAge: 365 * 24 * 3600,
      sameSite: "Lax",
      httpOnly: true,
      secure: c.var.deps.config.publicUrl.startsWith("https:"),
    });
  }
  return c.redirect(`${opened.base}?done=language`, 303);
});

/** A POST, not a link: the download is the person's data, so it is never prefetched. */
participantPages.post("/p/:token/export", async (c) => {
  const opened = await openPreferences(c);
  if ("response" in opened) return opened.response;
  const data = await exportData(c.var.deps, opened.person);
  return c.body(JSON.stringify(data, null, 2), 200, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Disposition": 'attachment; filename="relance-my-data.json"',
  });
});

participantPages.get("/p/:token/erase", async (c) => {
  const opened = await openPreferences(c);
  if ("response" in opened) return opened.response;
  return c.html(
    <EraseConfirmPage
      lang={langFor(c, opened.person.attributes)}
      path={c.req.path}
      base={opened.base}
    />,
  );
});

participantPages.post("/p/:token/erase", async (c) => {
  const opened = await openPreferences(c);
  if ("response" in opened) return opened.response;
  const lang = langFor(c, opened.person.attributes);
  await eraseEverything(c.var.deps, opened.person.id);
  return c.html(<ErasedPage lang={lang} path={c.req.path} />);
});

// ---- /lists/:slug/subscribe and /s/ : double opt-in -------------------------------------

async function subscribableList(c: C) {
  const list = await listQueries.findListBySlug(c.var.deps.db, c.req.param("slug") ?? "");
  return list && !list.archivedAt ? list : undefined;
}

/** What a list's form is good for: a proof-of-work for one list cannot serve another. */
const subscribeScope = (slug: string) => `subscribe:${slug}`;

participantPages.get("/lists/:slug/subscribe", async (c) => {
  const list = await subscribableList(c);
  if (!list) return errorPage(c, 404);
  return c.html(
    <SubscribePage
      lang={c.var.lang}
      path={c.req.path}
      list={list}
      values={{ email: "", name: "", consent: false }}
      errors={{}}
      guard={formGuard(c.var.deps, subscribeScope(list.slug))}
    />,
  );
});

participantPages.post("/lists/:slug/subscribe", async (c) => {
  const list = await subscribableList(c);
  if (!list) return errorPage(c, 404);
  const fields = await form(c);
  const parsed = parseSubscription(fields);
  // A program's form records nothing, even when its fields are valid.
  const refused = botRefusal(c.var.deps, fields, subscribeScope(list.slug));
  if (!parsed.ok || refused) {
    return c.html(
      <SubscribePage
        lang={c.var.lang}
        path={c.req.path}
        list={list}
        values={parsed.values}
        errors={parsed.ok ? {} : parsed.errors}
        guard={formGuard(c.var.deps, subscribeScope(list.slug))}
        refused={refused}
      />,
      422,
    );
  }
  await requestSubscription(
    c.var.deps,
    list,
    { email: parsed.email, key: parsed.key, name: parsed.values.name, lang: c.var.lang },
    proofOf(c),
  );
  return c.html(<SubscribeSentPage lang={c.var.lang} path={c.req.path} listName={list.name} />);
});

async function openSubscription(c: C) {
  const token = c.req.param("token") ?? "";
  const link = await openLink(c.var.deps, token, "subscribe");
  if (!link.ok) return { response: badLink(c) };
  const subscription = await loadSubscription(c.var.deps, link.payload);
  if (!subscription) return { response: goneLink(c) };
  const person = await findPerson(c.var.deps, subscription.contactId);
  const lang = langFor(c, person?.attributes);
  const view = subscriptionView(subscription, link.expired);
  if (view === "expired") {
    return {
      response: c.html(
        <LinkProblemPage
          lang={lang}
          path={c.req.path}
          problem="expired"
          detail={subscribeExpiredBody(lang)}
          next={{
            href: `/lists/${subscription.list.slug}/subscribe`,
            label: subscribeAgainLabel(lang),
          }}
        />,
        410,
      ),
    };
  }
  return { token, subscription, lang, expired: link.expired };
}

participantPages.get("/s/:token", async (c) => {
  const opened = await openSubscription(c);
  if ("response" in opened) return opened.response;
  const s = opened.subscription;
  return c.html(
    <SubscribeConfirmPage
      lang={opened.lang}
      path={c.req.path}
      action={`/s/${opened.token}`}
      list={s.list}
      purpose={s.purpose}
      view={subscriptionView(s, opened.expired)}
    />,
  );
});

participantPages.post("/s/:token", async (c) => {
  const opened = await openSubscription(c);
  if ("response" in opened) return opened.response;
  await confirmSubscription(c.var.deps, opened.subscription, opened.expired, proofOf(c));
  return c.redirect(`/s/${opened.token}`, 303);
});
