// /lists/:slug/lost-link (a list's form, next to its subscribe page) and /lost-link (any list,
// where a broken link leads): one field, the subscribe form's bot checks, and one answer.
import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../http/env";
import * as listQueries from "../lists/queries";
import { botRefusal, formGuard } from "../subscriptions/bot-fields";
import { errorPage } from "../views/errors";
import { mailPreferencesLink, parseLostLink } from "./lost-link";
import { LostLinkPage, LostLinkSentPage } from "./lost-link-views";

type C = Context<AppEnv>;
type ListOfForm = { id: number; name: string; slug: string; purposeVersion: number };

export const lostLinkPages = new Hono<AppEnv>();

/** What a form is good for: a proof-of-work for one list's form cannot serve another. */
const scopeOf = (list?: ListOfForm) => (list ? `lost-link:${list.slug}` : "lost-link");

async function listOfForm(c: C): Promise<ListOfForm | undefined> {
  const list = await listQueries.findListBySlug(c.var.deps.db, c.req.param("slug") ?? "");
  return list && !list.archivedAt ? list : undefined;
}

async function fields(c: C): Promise<Record<string, unknown>> {
  try {
    return (await c.req.parseBody()) as Record<string, unknown>;
  } catch {
    return {};
  }
}

const showForm = (c: C, list?: ListOfForm) =>
  c.html(
    <LostLinkPage
      lang={c.var.lang}
      path={c.req.path}
      listName={list?.name}
      value=""
      guard={formGuard(c.var.deps, scopeOf(list))}
    />,
  );

/**
 * The answer is decided before the address is looked up, and is the same page whatever it finds;
 * the lookup and the send run after the answer has gone (`afterAnswer`), so its time tells nothing
 * either. Where nothing runs work afterwards (tests), it is awaited first.
 */
async function answer(c: C, list?: ListOfForm) {
  const submitted = await fields(c);
  const parsed = parseLostLink(submitted);
  const refused = botRefusal(c.var.deps, submitted, scopeOf(list));
  if (!parsed.ok || refused) {
    return c.html(
      <LostLinkPage
        lang={c.var.lang}
        path={c.req.path}
        listName={list?.name}
        value={parsed.value}
        error={parsed.ok ? undefined : parsed.error}
        guard={formGuard(c.var.deps, scopeOf(list))}
        refused={parsed.ok ? refused : undefined}
      />,
      422,
    );
  }
  const deps = c.var.deps;
  const work = () => mailPreferencesLink(deps, parsed.key, list);
  if (deps.afterAnswer) deps.afterAnswer(work);
  else await work();
  return c.html(<LostLinkSentPage lang={c.var.lang} path={c.req.path} anyList={!list} />);
}

lostLinkPages.get("/lists/:slug/lost-link", async (c) => {
  const list = await listOfForm(c);
  return list ? showForm(c, list) : errorPage(c, 404);
});

lostLinkPages.post("/lists/:slug/lost-link", async (c) => {
  const list = await listOfForm(c);
  return list ? answer(c, list) : errorPage(c, 404);
});

lostLinkPages.get("/lost-link", (c) => showForm(c));
lostLinkPages.post("/lost-link", (c) => answer(c));
