// Public poll pages, the vote endpoint, live results (HTML fragment or JSON), and the polls API.
import type { Context } from "hono";
import { Hono } from "hono";
import { generateCookie, getCookie, setCookie } from "hono/cookie";
import { etag } from "hono/etag";
import { parse as parseCookie } from "hono/utils/cookie";
import type { Deps } from "../deps";
import { hashClientAddress } from "../http/client-address";
import type { AppEnv } from "../http/env";
import { idParam } from "../http/params";
import { parseJson, problem } from "../http/problem";
import { SECURITY_HEADERS } from "../http/security-headers";
import { isLang, LANG_COOKIE, type Lang, pickLang } from "../i18n";
import { errorPage } from "../views/errors";
import { peek, remember } from "./cache";
import {
  castVote,
  closePoll,
  createPoll,
  isClosed,
  newPollSchema,
  type PollState,
  pollById,
  pollDefinition,
  pollJson,
  pollState,
  pollSummary,
  reopenPoll,
  resultsJson,
  resultsOf,
} from "./service";
import { LiveResults, PollBox, PollPage, type VoteMessage } from "./views";
import { newVoterId, signVoter, VOTER_COOKIE, verifyVoter } from "./voter";

type C = Context<AppEnv>;

/** The voter cookie's attributes. */
const voterCookieOptions = (deps: Deps) =>
  ({
    path: "/polls",
    httpOnly: true,
    sameSite: "Lax",
    secure: deps.config.publicUrl.startsWith("https:"),
    maxAge: 365 * 24 * 3600,
  }) as const;

/**
 * The visitor's voter id: the one in a valid signed cookie, or a new one (set on the response)
 * when the cookie is missing or does not verify, so a tampered cookie is just a new visitor.
 */
async function voterOf(c: C): Promise<{ id: string; isNew: boolean }> {
  const deps = c.var.deps;
  const known = verifyVoter(deps, getCookie(c, VOTER_COOKIE));
  if (known) return { id: known, isNew: false };
  const id = newVoterId(deps);
  setCookie(c, VOTER_COOKIE, signVoter(deps, id), voterCookieOptions(deps));
  return { id, isNew: true };
}

const wantsJson = (c: C) => /\bapplication\/json\b/.test(c.req.header("Accept") ?? "");

export const pollPages = new Hono<AppEnv>();

const encoder = new TextEncoder();

pollPages.get("/polls/:slug", async (c) => {
  const deps = c.var.deps;
  const slug = c.req.param("slug");
  const lang = c.var.lang;
  const render = async (state: PollState | undefined) =>
    state
      ? String(await (<PollPage state={state} lang={lang} path={`/polls/${slug}`} />).toString())
      : null;
  const known = verifyVoter(deps, getCookie(c, VOTER_COOKIE));
  if (known) {
    const html = await render(await pollState(deps, slug, known));
    if (html === null) return errorPage(c, 404);
    // Personal (the voter's choice): never stored by shared caches.
    c.header("Cache-Control", "private, no-cache");
    return c.html(html);
  }
  // A new visitor (or a tampered cookie): everyone sees the same page, with no choice yet. It is
  // rendered and encoded at most once a second per language (a spike is one render a second).
  const page = await remember(deps, newVisitorPageKey(slug, lang), async () => {
    const state = await pollState(deps, slug, undefined);
    const html = await render(state);
    return { value: html === null ? null : encoder.encode(html), until: state?.poll.closesAt };
  });
  if (page === null) return errorPage(c, 404);
  return newVisitorResponse(deps, page);
});

const newVisitorPageKey = (slug: string, lang: Lang) => `page:${slug}:${lang}`;

/** The voter cookie's attributes as hono/cookie writes them, worked out once per configuration. */
const cookieAttributes = new WeakMap<object, string>();

/** The remembered page with its own signed voter cookie: the only per-visitor work. */
function newVisitorResponse(deps: Deps, page: Uint8Array<ArrayBuffer>): Response {
  let attributes = cookieAttributes.get(deps.config);
  if (attributes === undefined) {
    attributes = generateCookie(VOTER_COOKIE, "", voterCookieOptions(deps)).slice(
      VOTER_COOKIE.length + 1,
    );
    cookieAttributes.set(deps.config, attributes);
  }
  // The value is base64url, a dot and hex: nothing in it needs encoding.
  const cookie = `${VOTER_COOKIE}=${signVoter(deps, newVoterId(deps))}${attributes}`;
  // Plain headers (no Headers object for the Node adapter to walk), security headers included:
  // served from memory, this response never meets the middleware that sets them.
  return new Response(page, {
    status: 200,
    headers: {
      ...SECURITY_HEADERS,
      "content-type": "text/html; charset=UTF-8",
      // Personal (the cookie): never stored by shared caches.
      "cache-control": "private, no-cache",
      "set-cookie": cookie,
    },
  });
}

/** `/polls/slug`, exactly: anything else (a trailing slash, an encoded character) takes the app. */
const POLL_PAGE_PATH = /^\/polls\/([a-z0-9-]+)$/;

/**
 * In front of the router: a new visitor's GET of a poll page rendered within the last second is
 * answered from memory, synchronously, without the middleware (which a GET of this page does not
 * need: no session, no form, no body, no rate limit; the security headers are in the response).
 * Anything else, including the first visitor of each second, gets undefined and takes the app.
 */
export function pollPageFromMemory(deps: Deps): (request: Request) => Response | undefined {
  return (request) => {
    if (request.method !== "GET") return undefined;
    const url = request.url;
    const start = url.indexOf("/", url.indexOf("//") + 2);
    const query = url.indexOf("?", start);
    const slug = POLL_PAGE_PATH.exec(query < 0 ? url.slice(start) : url.slice(start, query))?.[1];
    if (!slug) return undefined;
    const cookies = request.headers.get("cookie");
    if (cookies && verifyVoter(deps, parseCookie(cookies, VOTER_COOKIE)[VOTER_COOKIE])) {
      return undefined;
    }
    const lang = pickLang(
      cookies ? parseCookie(cookies, LANG_COOKIE)[LANG_COOKIE] : undefined,
      request.headers.get("accept-language") ?? undefined,
    );
    const page = peek<Uint8Array<ArrayBuffer> | null>(deps, newVisitorPageKey(slug, lang));
    return page ? newVisitorResponse(deps, page) : undefined;
  };
}

const STATUS: Record<VoteMessage["kind"], 200 | 409 | 422 | 429> = {
  recorded: 200,
  already: 200,
  closed: 409,
  invalid_option: 422,
  rate_limited: 429,
};

pollPages.post("/polls/:slug/vote", async (c) => {
  const deps = c.var.deps;
  const slug = c.req.param("slug");
  const form = await c.req.parseBody();
  const voter = await voterOf(c);
  const ipHash = hashClientAddress(deps, c.var.clientAddress);
  const outcome = await castVote(deps, {
    slug,
    option: typeof form.option === "string" ? form.option : undefined,
    voter: voter.id,
    ipHash,
  });
  if (outcome.kind === "not_found") return errorPage(c, 404);
  if (outcome.kind === "rate_limited") c.header("Retry-After", String(outcome.retryAfterSeconds));
  const isHtmx = c.req.header("HX-Request") === "true";
  const accepted = outcome.kind === "recorded" || outcome.kind === "already";
  // Post/Redirect/Get for the plain form: the page then shows the recorded choice.
  if (accepted && !isHtmx) return c.redirect(`/polls/${slug}`, 303);
  const state = await pollState(deps, slug, voter.id);
  if (!state) return errorPage(c, 404);
  const status = STATUS[outcome.kind];
  if (isHtmx) return c.html(<PollBox state={state} lang={c.var.lang} message={outcome} />, status);
  return c.html(
    <PollPage state={state} lang={c.var.lang} path={`/polls/${slug}`} message={outcome} />,
    status,
  );
});

pollPages.use("/polls/:slug/results", etag());

pollPages.get("/polls/:slug/results", async (c) => {
  const deps = c.var.deps;
  const poll = (await pollDefinition(deps, c.req.param("slug")))?.poll;
  const json = wantsJson(c);
  if (!poll) {
    return json ? problem(c, 404, "No poll has this slug.") : c.text("No poll has this slug.", 404);
  }
  const results = await resultsOf(deps, poll);
  // The same for every visitor: shared caches (the edge) may keep it 2 s; browsers revalidate
  // with the ETag each time, and an unchanged tally costs a 304.
  c.header("Cache-Control", "public, max-age=0, s-maxage=2");
  if (json) {
    c.header("Vary", "Accept");
    return c.json(resultsJson(results));
  }
  const queryLang = c.req.query("lang");
  const lang = isLang(queryLang) ? queryLang : c.var.lang;
  c.header("Vary", isLang(queryLang) ? "Accept" : "Accept, Accept-Language, Cookie");
  const closed = isClosed(poll, deps.clock.now());
  return c.html(<LiveResults slug={poll.slug} results={results} lang={lang} closed={closed} />);
});

export const pollApi = new Hono<AppEnv>();

pollApi.post("/api/v1/polls", async (c) => {
  const body = await parseJson(c, newPollSchema);
  if (!body.ok) return body.response;
  const result = await createPoll(c.var.deps, body.value);
  if (!result.ok) {
    return problem(c, 422, result.errors.map((e) => `${e.field}: ${e.message}`).join("; "), {
      errors: result.errors,
    });
  }
  return c.json(pollJson(result.created, body.value.incident_slug), 201);
});

for (const action of ["close", "reopen"] as const) {
  pollApi.post(`/api/v1/polls/:id/${action}`, async (c) => {
    const id = idParam(c.req.param("id"));
    const poll = id === undefined ? undefined : await pollById(c.var.deps, id);
    if (!poll) return problem(c, 404, `No poll has the id ${c.req.param("id")}.`);
    await (action === "close" ? closePoll : reopenPoll)(c.var.deps, poll);
    return c.json(await pollSummary(c.var.deps, poll.id));
  });
}
