// Public poll pages, the vote endpoint, live results (HTML fragment or JSON), and the polls API.
import type { Context } from "hono";
import { Hono } from "hono";
import { generateCookie, getCookie, setCookie } from "hono/cookie";
import { etag } from "hono/etag";
import { streamSSE } from "hono/streaming";
import { parse as parseCookie } from "hono/utils/cookie";
import { getPath } from "hono/utils/url";
import type { Deps } from "../deps";
import { hashClientAddress } from "../http/client-address";
import type { AppEnv } from "../http/env";
import { idParam } from "../http/params";
import { parseJson, problem } from "../http/problem";
import { issueChallenge, POW_FIELD } from "../http/proof-of-work";
import { securedResponse } from "../http/security-headers";
import { isLang, type Lang, publicLangOf } from "../i18n";
import { errorPage } from "../views/errors";
import { siteOf, withOrgName } from "../views/org";
import { HONEYPOT_FIELD, honeypotOf, STARTED_FIELD } from "./bot-check";
import { EmbedPage } from "./embed";
import { streamResults } from "./events";
import { invitePoll } from "./invite";
import {
  castInvitedVote,
  castVote,
  closePoll,
  createPoll,
  invitedPoll,
  newPollSchema,
  type PollState,
  pollById,
  pollDefinition,
  pollJson,
  pollState,
  pollSummary,
  reopenPoll,
  resultsFor,
  resultsJson,
  type VoteOutcome,
  voteProofScope,
} from "./service";
import { pollQrSvg } from "./share";
import { type Invitation, LiveResults, PollBox, PollPage, type VoteMessage } from "./views";
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
      ? String(
          await withOrgName(
            siteOf(deps),
            <PollPage state={state} lang={lang} path={`/polls/${slug}`} />,
          ).toString(),
        )
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
  const page = await deps.polls.cache.remember(newVisitorPageKey(slug, lang), async () => {
    const state = await pollState(deps, slug, undefined);
    const html = await render(state);
    return { value: html === null ? null : encoder.encode(html), until: state?.poll.closesAt };
  });
  if (page === null) return errorPage(c, 404);
  return newVisitorResponse(deps, page);
});

const newVisitorPageKey = (slug: string, lang: Lang) => `page:${slug}:${lang}`;

/** The voter cookie's attributes as hono/cookie writes them (`; Max-Age=…; Path=/polls; …`). */
const voterCookieAttributes = (deps: Deps) =>
  generateCookie(VOTER_COOKIE, "", voterCookieOptions(deps)).slice(VOTER_COOKIE.length + 1);

/**
 * The remembered page with its own signed voter cookie: the only per-visitor work. `attributes`
 * are worked out once by the caller that serves many (the fast path below).
 */
function newVisitorResponse(
  deps: Deps,
  page: Uint8Array<ArrayBuffer>,
  attributes = voterCookieAttributes(deps),
): Response {
  // The value is base64url, a dot and hex: nothing in it needs encoding.
  const cookie = `${VOTER_COOKIE}=${signVoter(deps, newVoterId(deps))}${attributes}`;
  return securedResponse(page, {
    status: 200,
    headers: {
      "content-type": "text/html; charset=UTF-8",
      // Personal (the cookie): never stored by shared caches.
      "cache-control": "private, no-cache",
      "set-cookie": cookie,
    },
  });
}

/** `/polls/slug`, exactly: anything else (a trailing slash, an encoded character) takes the app. */
const POLL_SLUG = /^[a-z0-9-]+$/;
/** `/polls/slug` exactly: the page, not its results or vote. */
const POLL_PAGE_PATH = /^\/polls\/([^/]+)$/;

/**
 * Before the router: a new visitor's GET of a poll page rendered within the last second is
 * answered from memory, synchronously, skipping the rest (which a GET of this page does not need:
 * no session, no form, no body, no rate limit). Anything else, including the first visitor of
 * each second, goes on to the app.
 */
export function pollPageFromMemory(deps: Deps): (request: Request) => Response | undefined {
  const attributes = voterCookieAttributes(deps);
  return (request) => {
    if (request.method !== "GET") return undefined;
    const slug = POLL_PAGE_PATH.exec(getPath(request))?.[1];
    if (!slug || !POLL_SLUG.test(slug)) return undefined;
    const cookies = request.headers.get("cookie");
    if (cookies && verifyVoter(deps, parseCookie(cookies, VOTER_COOKIE)[VOTER_COOKIE])) {
      return undefined;
    }
    const page = deps.polls.cache.peek<Uint8Array<ArrayBuffer> | null>(
      newVisitorPageKey(slug, publicLangOf(request.headers)),
    );
    return page ? newVisitorResponse(deps, page, attributes) : undefined;
  };
}

const STATUS: Record<VoteMessage["kind"], 200 | 403 | 409 | 422 | 429> = {
  recorded: 200,
  already: 200,
  closed: 409,
  invalid_option: 422,
  too_many: 422,
  not_human: 422,
  no_proof: 422,
  invite_only: 403,
  rate_limited: 429,
};

/** A form field sent once or several times (checkboxes), as a list of strings. */
const allValues = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string");

const oneValue = (value: unknown) => (typeof value === "string" ? value : undefined);

pollPages.post("/polls/:slug/vote", async (c) => {
  const deps = c.var.deps;
  const slug = c.req.param("slug");
  const form = await c.req.parseBody({ all: true });
  const voter = await voterOf(c);
  const outcome = await castVote(deps, {
    slug,
    options: allValues(form.option),
    voter: voter.id,
    ipHash: hashClientAddress(deps, c.var.clientAddress),
    form: {
      honeypot: honeypotOf(form[HONEYPOT_FIELD]),
      started: oneValue(form[STARTED_FIELD]),
      proof: oneValue(form[POW_FIELD]),
    },
  });
  return answerVote(c, outcome, { slug, voter: voter.id, page: `/polls/${slug}` });
});

/**
 * The answer to a vote: 303 back to the page for a plain form that was accepted (the page then
 * shows the recorded choice), else the poll box (htmx) or the whole page with the message.
 */
async function answerVote(
  c: C,
  outcome: VoteOutcome,
  to: { slug: string; voter: string; page: string; invitation?: Invitation },
) {
  const deps = c.var.deps;
  if (outcome.kind === "not_found") return errorPage(c, 404);
  if (outcome.kind === "rate_limited") c.header("Retry-After", String(outcome.retryAfterSeconds));
  const isHtmx = c.req.header("HX-Request") === "true";
  const accepted = outcome.kind === "recorded" || outcome.kind === "already";
  if (accepted && !isHtmx) return c.redirect(to.page, 303);
  const state = await pollState(deps, to.slug, to.voter);
  if (!state) return errorPage(c, 404);
  const status = STATUS[outcome.kind];
  const lang = c.var.lang;
  if (isHtmx) {
    return c.html(
      <PollBox state={state} lang={lang} message={outcome} invitation={to.invitation} />,
      status,
    );
  }
  return c.html(
    <PollPage
      state={state}
      lang={lang}
      path={to.page}
      message={outcome}
      invitation={to.invitation}
    />,
    status,
  );
}

// An invite-only poll's voting link: GET shows the poll (never votes: mail scanners fetch links),
// POST votes. Personal pages: never stored by any cache.
pollPages.get("/v/:token", async (c) => {
  const deps = c.var.deps;
  const token = c.req.param("token");
  const found = await invitedPoll(deps, token);
  const state = found && (await pollState(deps, found.definition.poll.slug, found.voter));
  if (!state) return errorPage(c, 404);
  c.header("Cache-Control", "private, no-store");
  const page = `/v/${token}`;
  return c.html(
    <PollPage state={state} lang={c.var.lang} path={page} invitation={{ action: page }} />,
  );
});

pollPages.post("/v/:token", async (c) => {
  const deps = c.var.deps;
  const token = c.req.param("token");
  const found = await invitedPoll(deps, token);
  if (!found) return errorPage(c, 404);
  const form = await c.req.parseBody({ all: true });
  const outcome = await castInvitedVote(deps, found, {
    options: allValues(form.option),
    ipHash: hashClientAddress(deps, c.var.clientAddress),
  });
  c.header("Cache-Control", "private, no-store");
  const page = `/v/${token}`;
  return answerVote(c, outcome, {
    slug: found.definition.poll.slug,
    voter: found.voter,
    page,
    invitation: { action: page },
  });
});

// The proof-of-work challenge of this visitor's vote (POW_BITS): asked for by public/pow.js, for
// the voter in the cookie (a new one if none), so that a proof cannot serve another voter.
pollPages.get("/polls/:slug/challenge", async (c) => {
  const deps = c.var.deps;
  const bits = deps.config.powBits;
  const definition = bits ? await pollDefinition(deps, c.req.param("slug")) : undefined;
  if (!definition) return problem(c, 404, "This poll asks for no proof of work.");
  const voter = await voterOf(c);
  const scope = voteProofScope(definition.poll, voter.id);
  c.header("Cache-Control", "private, no-store");
  return c.json({
    challenge: issueChallenge(deps.config.secretKey, scope, deps.clock.now()),
    bits,
  });
});

const HIDDEN_RESULTS = {
  after_vote: "The results are shown once you have voted.",
  after_close: "The results are shown once the poll is closed.",
  always: "",
} as const;

pollPages.use("/polls/:slug/results", etag());

pollPages.get("/polls/:slug/results", async (c) => {
  const deps = c.var.deps;
  const json = wantsJson(c);
  const voter = verifyVoter(deps, getCookie(c, VOTER_COOKIE));
  const read = await resultsFor(deps, c.req.param("slug"), voter);
  if (read.kind === "not_found") {
    return json ? problem(c, 404, "No poll has this slug.") : c.text("No poll has this slug.", 404);
  }
  if (read.kind === "hidden") {
    const detail = HIDDEN_RESULTS[read.poll.resultsVisibility];
    c.header("Cache-Control", "private, no-cache");
    return json ? problem(c, 403, detail) : c.text(detail, 403);
  }
  // Shown to everyone: shared caches (the edge) may keep it 2 s. Shown because this visitor
  // voted: personal. Either way browsers revalidate with the ETag, and an unchanged tally is a 304.
  c.header("Cache-Control", read.personal ? "private, no-cache" : "public, max-age=0, s-maxage=2");
  if (json) {
    c.header("Vary", read.personal ? "Accept, Cookie" : "Accept");
    return c.json(resultsJson(read.results));
  }
  const queryLang = c.req.query("lang");
  const lang = isLang(queryLang) ? queryLang : c.var.lang;
  c.header(
    "Vary",
    isLang(queryLang) && !read.personal ? "Accept" : "Accept, Accept-Language, Cookie",
  );
  return c.html(
    <LiveResults
      slug={read.poll.slug}
      results={read.results}
      lang={lang}
      closed={read.closed}
      single={read.poll.maxChoices === 1}
    />,
  );
});

pollPages.get("/polls/:slug/events", async (c) => {
  const deps = c.var.deps;
  if (!deps.polls.live.enabled) {
    return c.text("Results are not streamed here: poll /polls/:slug/results instead.", 404);
  }
  const voter = verifyVoter(deps, getCookie(c, VOTER_COOKIE));
  const read = await resultsFor(deps, c.req.param("slug"), voter);
  if (read.kind === "not_found") return c.text("No poll has this slug.", 404);
  if (read.kind === "hidden") return c.text(HIDDEN_RESULTS[read.poll.resultsVisibility], 403);
  const queryLang = c.req.query("lang");
  const lang = isLang(queryLang) ? queryLang : c.var.lang;
  return streamSSE(c, (stream) => streamResults(deps, stream, read.poll.slug, lang));
});

pollPages.get("/polls/:slug/qr.svg", async (c) => {
  const deps = c.var.deps;
  const slug = c.req.param("slug");
  if (!(await pollDefinition(deps, slug))) return errorPage(c, 404);
  // A poll's address never changes: browsers and shared caches may keep it a day.
  c.header("Cache-Control", "public, max-age=86400");
  c.header("Content-Type", "image/svg+xml; charset=UTF-8");
  return c.body(pollQrSvg(deps.config.publicUrl, slug));
});

pollPages.get("/embed/polls/:slug", async (c) => {
  const deps = c.var.deps;
  // Framed on another site: no cookie arrives, so this is what an anonymous visitor may see.
  const read = await resultsFor(deps, c.req.param("slug"), undefined);
  if (read.kind === "not_found") return errorPage(c, 404);
  const shown = read.kind === "shown" ? read : undefined;
  return c.html(
    <EmbedPage
      poll={read.poll}
      results={shown?.results}
      closed={shown?.closed ?? false}
      lang={c.var.lang}
      publicUrl={deps.config.publicUrl}
    />,
  );
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

pollApi.post("/api/v1/polls/:id/invite", async (c) => {
  const deps = c.var.deps;
  const id = idParam(c.req.param("id"));
  const poll = id === undefined ? undefined : await pollById(deps, id);
  if (!poll) return problem(c, 404, `No poll has the id ${c.req.param("id")}.`);
  const result = await invitePoll(deps, c.var.admin.email, poll);
  if (!result.ok) return problem(c, 409, result.detail);
  deps.dispatcher?.wake();
  return c.json(
    { send_id: result.sendId, recipients: result.recipients, excluded: result.excluded },
    202,
  );
});
