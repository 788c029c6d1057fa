// Polls through HTTP: the contract of /polls/… and POST /api/v1/polls, and invariant 9.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { MIN_FILL_MS, signFormStart } from "../src/polls/bot-check";
import { createTestApp, ORIGIN, type TestApp } from "./helpers";

let t: TestApp;
let bearer: string;

beforeAll(async () => {
  t = await createTestApp({ VOTE_LIMIT_PER_IP_PER_MINUTE: "1000" });
  bearer = await t.token();
});
afterAll(() => t.close());

type PollBody = { id: number; slug: string; options: { id: number; label: string }[] };
type ResultsBody = {
  total: number;
  options: { id: number; label: string; votes: number; percent: number }[];
};

let counter = 0;
/**
 * Creates a poll through the API with a fresh slug. Results shown always unless `extra` says
 * otherwise: these tests read tallies as anyone (visibility has its own tests).
 */
async function newPoll(extra: Record<string, unknown> = {}, app: TestApp = t, token = bearer) {
  const res = await app.api(token, "POST", "/api/v1/polls", {
    slug: `poll-${++counter}`,
    question: "Que doit-on faire de lui ?",
    options: ["Le pardonner", "Le priver de café", "La pendaison"],
    results_visibility: "always",
    ...extra,
  });
  expect(res.status).toBe(201);
  return (await res.json()) as PollBody;
}

/** Counts the calls the app's database client gets to `method` (each still goes through). */
function countCalls(app: TestApp, method: "batch" | "execute") {
  const counter = { calls: 0 };
  const client = app.client as unknown as Record<string, (...args: unknown[]) => unknown>;
  const original = client[method]?.bind(app.client);
  client[method] = (...args) => {
    counter.calls++;
    return original?.(...args);
  };
  return counter;
}

/** Opens the poll page like a browser and returns the voter cookie it sets. */
async function visit(slug: string, app: TestApp = t) {
  const res = await app.request(`/polls/${slug}`);
  expect(res.status).toBe(200);
  const cookie = res.headers.get("set-cookie") ?? "";
  expect(cookie).toMatch(/^relance_voter=/);
  return { cookie: cookie.split(";")[0] ?? "", html: await res.text(), setCookie: cookie };
}

const vote = (
  slug: string,
  option: number | string,
  cookie?: string,
  headers: Record<string, string> = {},
  app: TestApp = t,
) =>
  app.form(
    `/polls/${slug}/vote`,
    {
      option: String(option),
      // A form rendered a few seconds ago, as a person's browser sends it (see bot-check.ts).
      form_started: signFormStart(
        app.deps,
        new Date(app.clock.now().getTime() - MIN_FILL_MS - 1000),
      ),
    },
    {
      ...(cookie ? { Cookie: cookie } : {}),
      ...headers,
    },
  );

async function results(slug: string, app: TestApp = t): Promise<ResultsBody> {
  const res = await app.request(`/polls/${slug}/results`, {
    headers: { Accept: "application/json" },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as ResultsBody;
}

describe("POST /api/v1/polls", () => {
  test("creates a poll and answers 201 with its id, slug and options", async () => {
    const res = await t.api(bearer, "POST", "/api/v1/polls", {
      slug: "api-shape",
      question: "Q?",
      options: ["A", "B"],
      closes_at: "2026-02-01T12:00:00+01:00",
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as PollBody & { closes_at: string };
    expect(body).toMatchObject({ slug: "api-shape", closes_at: "2026-02-01T11:00:00.000Z" });
    expect(body.options.map((o) => o.label)).toEqual(["A", "B"]);
    expect(typeof body.id).toBe("number");
  });

  test("without a bearer token: 401 problem, nothing created", async () => {
    const res = await t.request("/api/v1/polls", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ slug: "no-token", question: "Q", options: ["A", "B"] }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect((await t.request("/polls/no-token")).status).toBe(404);
  });

  test("malformed JSON is a 400 problem", async () => {
    const res = await t.api(bearer, "POST", "/api/v1/polls", "{not json");
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  });

  test.each([
    [{ options: ["only one"] }, "options"],
    [{ options: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"] }, "options"],
    [{ options: ["Same", "same"] }, "options.1"],
    [{ options: ["A", ""] }, "options.1"],
    [{ slug: "Not A Slug" }, "slug"],
    [{ question: "" }, "question"],
    [{ closes_at: "tomorrow" }, "closes_at"],
    [{ incident_slug: "no-such-incident" }, "incident_slug"],
    [{ results_visibility: "never" }, "results_visibility"],
  ])("invalid values %j are a 422 naming the field %s", async (patch, field) => {
    const res = await t.api(bearer, "POST", "/api/v1/polls", {
      slug: `invalid-${++counter}`,
      question: "Q?",
      options: ["A", "B"],
      ...patch,
    });
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const body = (await res.json()) as { errors: { field: string; message: string }[] };
    expect(body.errors.map((e) => e.field)).toContain(field);
  });

  test("a slug already used is a 422 on slug", async () => {
    const poll = await newPoll();
    const res = await t.api(bearer, "POST", "/api/v1/polls", {
      slug: poll.slug,
      question: "Again",
      options: ["A", "B"],
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe("slug");
  });
});

describe("the poll page and the vote", () => {
  test("shows one radio input named option per answer and sets an HttpOnly voter cookie", async () => {
    const poll = await newPoll();
    const { html, setCookie } = await visit(poll.slug);
    for (const o of poll.options) {
      expect(html).toContain(`type="radio" name="option" value="${o.id}"`);
    }
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
  });

  test("a plain form vote answers 303 to the poll page, which then shows the choice and results", async () => {
    const poll = await newPoll();
    const { cookie } = await visit(poll.slug);
    const res = await vote(poll.slug, poll.options[2]?.id ?? 0, cookie);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/polls/${poll.slug}`);
    const page = await (
      await t.request(`/polls/${poll.slug}`, { headers: { Cookie: cookie } })
    ).text();
    expect(page).toContain("Votre choix :");
    expect(page).toContain("<strong>La pendaison</strong>");
    expect(page).not.toContain('name="option"');
    const r = await results(poll.slug);
    expect(r.total).toBe(1);
    expect(r.options.map((o) => o.percent)).toEqual([0, 0, 100]);
  });

  test("an htmx vote answers with the results fragment, not a page", async () => {
    const poll = await newPoll();
    const { cookie } = await visit(poll.slug);
    const res = await vote(poll.slug, poll.options[0]?.id ?? 0, cookie, { "HX-Request": "true" });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toContain("<html");
    expect(html).toContain('id="poll-results"');
    expect(html).toContain("Merci, votre vote est enregistré.");
    expect(html).toContain("<strong>Le pardonner</strong>");
  });

  test("a repeat vote changes nothing and shows the recorded choice", async () => {
    const poll = await newPoll();
    const { cookie } = await visit(poll.slug);
    await vote(poll.slug, poll.options[0]?.id ?? 0, cookie);
    const again = await vote(poll.slug, poll.options[1]?.id ?? 0, cookie, { "HX-Request": "true" });
    expect(again.status).toBe(200);
    const html = await again.text();
    expect(html).toContain("Vous avez déjà voté");
    expect(html).toContain("<strong>Le pardonner</strong>");
    const r = await results(poll.slug);
    expect(r.total).toBe(1);
    expect(r.options[0]?.votes).toBe(1);
    expect(r.options[1]?.votes).toBe(0);
  });

  test("a double submission in parallel (double click, retry, two tabs) counts once", async () => {
    const poll = await newPoll();
    const { cookie } = await visit(poll.slug);
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        vote(
          poll.slug,
          poll.options[i % 3]?.id ?? 0,
          cookie,
          i % 2 ? { "HX-Request": "true" } : {},
        ),
      ),
    );
    for (const res of responses) expect([200, 303]).toContain(res.status);
    const r = await results(poll.slug);
    expect(r.total).toBe(1);
    expect(r.options.reduce((sum, o) => sum + o.percent, 0)).toBe(100);
  });

  test("votes are never deduplicated by address: a class behind one IP all count", async () => {
    const poll = await newPoll();
    const ip = { "X-Forwarded-For": "203.0.113.9" };
    const cookies = await Promise.all(Array.from({ length: 5 }, () => visit(poll.slug)));
    for (const [i, v] of cookies.entries()) {
      expect((await vote(poll.slug, poll.options[i % 3]?.id ?? 0, v.cookie, ip)).status).toBe(303);
    }
    const r = await results(poll.slug);
    expect(r.total).toBe(5);
    expect(r.options.map((o) => o.votes)).toEqual([2, 2, 1]);
    expect(r.options.map((o) => o.percent)).toEqual([40, 40, 20]);
  });

  test("an answer that is missing or belongs to another poll is refused next to the field, nothing counted", async () => {
    const poll = await newPoll();
    const other = await newPoll();
    const { cookie } = await visit(poll.slug);
    for (const option of ["", "abc", String(other.options[0]?.id)]) {
      const res = await vote(poll.slug, option, cookie);
      expect(res.status).toBe(422);
      const html = await res.text();
      expect(html).toContain('id="option-error"');
      expect(html).toContain("Choisissez une des réponses proposées.");
    }
    expect((await results(poll.slug)).total).toBe(0);
    expect((await results(other.slug)).total).toBe(0);
  });

  test("an unknown poll is a 404", async () => {
    expect((await t.request("/polls/nope")).status).toBe(404);
    expect((await vote("nope", 1)).status).toBe(404);
    const res = await t.request("/polls/nope/results", { headers: { Accept: "application/json" } });
    expect(res.status).toBe(404);
  });

  test("a vote without the Origin header (cross-site form) is refused and not counted", async () => {
    const poll = await newPoll();
    const res = await t.request(`/polls/${poll.slug}/vote`, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: "https://evil.example",
      },
      body: `option=${poll.options[0]?.id}`,
    });
    expect(res.status).toBe(403);
    expect((await results(poll.slug)).total).toBe(0);
  });
});

describe("closed polls", () => {
  test("a poll closed by an admin refuses votes clearly and counts nothing", async () => {
    const poll = await newPoll();
    const { cookie } = await visit(poll.slug);
    expect((await t.api(bearer, "POST", `/api/v1/polls/${poll.id}/close`)).status).toBe(200);
    const res = await vote(poll.slug, poll.options[0]?.id ?? 0, cookie);
    expect(res.status).toBe(409);
    const html = await res.text();
    expect(html).toContain("Ce sondage est clos : les votes ne sont plus acceptés.");
    expect(html).not.toContain('name="option"');
    expect((await results(poll.slug)).total).toBe(0);
    // Reopened, the same visitor can vote.
    expect((await t.api(bearer, "POST", `/api/v1/polls/${poll.id}/reopen`)).status).toBe(200);
    expect((await vote(poll.slug, poll.options[0]?.id ?? 0, cookie)).status).toBe(303);
    expect((await results(poll.slug)).total).toBe(1);
  });

  test("a poll past its closing time refuses votes (htmx gets the message in the fragment)", async () => {
    const poll = await newPoll({
      closes_at: new Date(t.clock.now().getTime() + 60_000).toISOString(),
    });
    const { cookie } = await visit(poll.slug);
    t.clock.advance(61_000);
    const res = await vote(poll.slug, poll.options[1]?.id ?? 0, cookie, { "HX-Request": "true" });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("Ce sondage est clos");
    expect((await results(poll.slug)).total).toBe(0);
  });

  test("a voter who voted before the close still sees their choice", async () => {
    const poll = await newPoll();
    const { cookie } = await visit(poll.slug);
    await vote(poll.slug, poll.options[1]?.id ?? 0, cookie);
    await t.api(bearer, "POST", `/api/v1/polls/${poll.id}/close`);
    const again = await vote(poll.slug, poll.options[0]?.id ?? 0, cookie);
    expect(again.status).toBe(303);
    const page = await (
      await t.request(`/polls/${poll.slug}`, { headers: { Cookie: cookie } })
    ).text();
    expect(page).toContain("<strong>Le priver de café</strong>");
    expect((await results(poll.slug)).total).toBe(1);
  });
});

describe("the voter cookie", () => {
  test.each([
    ["a forged signature", (c: string) => `${c.slice(0, -4)}0000`],
    [
      "another voter id with the old signature",
      (c: string) =>
        c.replace(/^relance_voter=(.)/, (_m, ch) => `relance_voter=${ch === "A" ? "B" : "A"}`),
    ],
    ["garbage", () => "relance_voter=%%%<script>"],
    ["an empty value", () => "relance_voter="],
  ])(
    "%s is treated as no voter: a new cookie, a counted vote, never a 500",
    async (_name, tamper) => {
      const poll = await newPoll();
      const { cookie } = await visit(poll.slug);
      await vote(poll.slug, poll.options[0]?.id ?? 0, cookie);
      const forged = tamper(cookie);
      const page = await t.request(`/polls/${poll.slug}`, { headers: { Cookie: forged } });
      expect(page.status).toBe(200);
      expect(page.headers.get("set-cookie")).toMatch(/^relance_voter=/);
      expect(await page.text()).toContain('name="option"'); // not recognised as the first voter
      const res = await vote(poll.slug, poll.options[1]?.id ?? 0, forged);
      expect(res.status).toBe(303);
      expect(res.headers.get("set-cookie")).toMatch(/^relance_voter=/);
      expect((await results(poll.slug)).options.map((o) => o.votes)).toEqual([1, 1, 0]);
    },
  );
});

describe("the per-address rate limit", () => {
  test("at most VOTE_LIMIT_PER_IP_PER_MINUTE votes per address hash per minute, then 429 with Retry-After", async () => {
    const app = await createTestApp({ VOTE_LIMIT_PER_IP_PER_MINUTE: "3" });
    try {
      const token = await app.token();
      const poll = await newPoll({}, app, token);
      const ip = { "X-Forwarded-For": "198.51.100.7, 10.0.0.1" };
      // A script clearing its cookie: a new voter each time, from the same address.
      for (let i = 0; i < 3; i++) {
        expect((await vote(poll.slug, poll.options[0]?.id ?? 0, undefined, ip, app)).status).toBe(
          303,
        );
        app.clock.advance(1000);
      }
      const refused = await vote(poll.slug, poll.options[0]?.id ?? 0, undefined, ip, app);
      expect(refused.status).toBe(429);
      // The first vote leaves the one-minute window 57 s from now.
      expect(refused.headers.get("retry-after")).toBe("57");
      expect(await refused.text()).toContain("Trop de votes viennent de votre adresse");
      // The limit is per address: another one still votes.
      const other = await vote(
        poll.slug,
        poll.options[1]?.id ?? 0,
        undefined,
        { "X-Forwarded-For": "192.0.2.44" },
        app,
      );
      expect(other.status).toBe(303);
      expect((await results(poll.slug, app)).total).toBe(4);
      // A minute after the first vote, the address may vote again.
      app.clock.advance(57_000);
      expect((await vote(poll.slug, poll.options[2]?.id ?? 0, undefined, ip, app)).status).toBe(
        303,
      );
      expect((await results(poll.slug, app)).total).toBe(5);
    } finally {
      app.close();
    }
  });
});

describe("votes arriving together (one commit for many)", () => {
  test("each keeps its own checks: one per voter, the per-address limit, nothing lost", async () => {
    const app = await createTestApp({ VOTE_LIMIT_PER_IP_PER_MINUTE: "3" });
    const commits = countCalls(app, "batch");
    try {
      const poll = await newPoll({}, app, await app.token());
      const option = (i: number) => poll.options[i % poll.options.length]?.id ?? 0;
      const { cookie } = await visit(poll.slug, app);
      const before = commits.calls;
      const answers = await Promise.all([
        // A script from one address clearing its cookie: 3 count, the rest are refused.
        ...Array.from({ length: 10 }, (_, i) =>
          vote(poll.slug, option(i), undefined, { "X-Forwarded-For": "198.51.100.9" }, app),
        ),
        // One voter clicking five times: counted once.
        ...Array.from({ length: 5 }, (_, i) =>
          vote(poll.slug, option(i), cookie, { "X-Forwarded-For": "198.51.100.10" }, app),
        ),
        // Twenty people, each from their own address.
        ...Array.from({ length: 20 }, (_, i) =>
          vote(poll.slug, option(i), undefined, { "X-Forwarded-For": `192.0.2.${i + 1}` }, app),
        ),
      ]);
      const statuses = answers.map((a) => a.status);
      expect(statuses.slice(0, 10).filter((s) => s === 303)).toHaveLength(3);
      expect(statuses.slice(0, 10).filter((s) => s === 429)).toHaveLength(7);
      expect(statuses.slice(10)).toEqual(Array(25).fill(303));
      expect((await results(poll.slug, app)).total).toBe(3 + 1 + 20);
      // Fewer commits than votes: they were written together.
      expect(commits.calls - before).toBeLessThan(35);
    } finally {
      app.close();
    }
  });

  test("a vote that fails does not take the others of its commit with it", async () => {
    const poll = await newPoll();
    const writeVote = t.deps.polls.voteWriter.write;
    const now = t.clock.now().toISOString();
    const limit = { windowStart: "2000-01-01T00:00:00.000Z", max: 1000 };
    const good = (voter: string) => ({
      pollId: poll.id,
      optionIds: [poll.options[0]?.id ?? 0],
      voter,
      ipHash: `hash-${voter}`,
      createdAt: now,
    });
    const outcomes = await Promise.allSettled([
      writeVote(good("a"), limit),
      writeVote({ ...good("b"), voter: null as unknown as string }, limit), // NOT NULL
      writeVote(good("c"), limit),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(outcomes[0]).toEqual({ status: "fulfilled", value: true });
    expect((await results(poll.slug)).total).toBe(2);
  });
});

describe("results", () => {
  test("JSON results are {total, options: [{id, label, votes, percent}]}, percents adding to 100", async () => {
    const poll = await newPoll();
    for (const i of [0, 1, 2]) {
      const { cookie } = await visit(poll.slug);
      await vote(poll.slug, poll.options[i]?.id ?? 0, cookie);
    }
    const r = await results(poll.slug);
    expect(r).toEqual({
      total: 3,
      options: [
        { id: poll.options[0]?.id, label: "Le pardonner", votes: 1, percent: 34 },
        { id: poll.options[1]?.id, label: "Le priver de café", votes: 1, percent: 33 },
        { id: poll.options[2]?.id, label: "La pendaison", votes: 1, percent: 33 },
      ],
    });
  });

  test("with no vote every percent is 0", async () => {
    const poll = await newPoll();
    const r = await results(poll.slug);
    expect(r.total).toBe(0);
    expect(r.options.map((o) => o.percent)).toEqual([0, 0, 0]);
  });

  test("the HTML fragment shows numbers and percentages as text, and polls itself while open", async () => {
    const poll = await newPoll();
    const { cookie } = await visit(poll.slug);
    await vote(poll.slug, poll.options[0]?.id ?? 0, cookie);
    const res = await t.request(`/polls/${poll.slug}/results?lang=en`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toContain("<html");
    expect(html).toContain("<strong>100%</strong> · 1 vote");
    expect(html).toContain("1 vote in total");
    expect(html).toContain(`hx-get="/polls/${poll.slug}/results?lang=en"`);
    expect(html).toMatch(/hx-trigger="every \d+s/);
  });

  test("an unchanged tally answers 304 to If-None-Match; a new vote changes the ETag", async () => {
    const poll = await newPoll();
    const first = await t.request(`/polls/${poll.slug}/results?lang=fr`);
    const tag = first.headers.get("etag");
    expect(tag).toBeTruthy();
    expect(first.headers.get("cache-control")).toContain("s-maxage");
    const again = await t.request(`/polls/${poll.slug}/results?lang=fr`, {
      headers: { "If-None-Match": tag ?? "" },
    });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    const { cookie } = await visit(poll.slug);
    await vote(poll.slug, poll.options[0]?.id ?? 0, cookie);
    const changed = await t.request(`/polls/${poll.slug}/results?lang=fr`, {
      headers: { "If-None-Match": tag ?? "" },
    });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(tag);
    // JSON has its own ETag and 304 too.
    const json = await t.request(`/polls/${poll.slug}/results`, {
      headers: { Accept: "application/json" },
    });
    const jsonTag = json.headers.get("etag") ?? "";
    const json304 = await t.request(`/polls/${poll.slug}/results`, {
      headers: { Accept: "application/json", "If-None-Match": jsonTag },
    });
    expect(json304.status).toBe(304);
  });

  test("results are hidden before voting unless the poll shows them always", async () => {
    const hidden = await newPoll({ results_visibility: "after_vote" });
    expect((await visit(hidden.slug)).html).not.toContain('id="poll-results"');
    const shown = await newPoll({ results_visibility: "always" });
    expect((await visit(shown.slug)).html).toContain('id="poll-results"');
  });
});

describe("the page every new visitor shares", () => {
  test("shows the tally and state as they are now, right after a vote, a close and a reopen", async () => {
    const poll = await newPoll({ results_visibility: "always" });
    expect((await visit(poll.slug)).html).toContain("0 vote au total");
    const { cookie } = await visit(poll.slug);
    await vote(poll.slug, poll.options[0]?.id ?? 0, cookie);
    expect((await visit(poll.slug)).html).toContain("1 vote au total");
    await t.api(bearer, "POST", `/api/v1/polls/${poll.id}/close`);
    const closed = (await visit(poll.slug)).html;
    expect(closed).toContain("Sondage clos.");
    expect(closed).not.toContain('name="option"');
    await t.api(bearer, "POST", `/api/v1/polls/${poll.id}/reopen`);
    expect((await visit(poll.slug)).html).toContain('name="option"');
  });

  test("from memory it is the same page as when rendered, each visitor with their own voter cookie", async () => {
    const poll = await newPoll({ results_visibility: "always" });
    const rendered = await t.request(`/polls/${poll.slug}`); // renders and remembers
    const remembered = await t.request(`/polls/${poll.slug}`); // from memory, before the middleware
    const headersOf = (res: Response) =>
      [...res.headers].filter(([name]) => name !== "set-cookie" && name !== "date");
    expect(headersOf(remembered)).toEqual(headersOf(rendered));
    expect(remembered.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(await remembered.text()).toBe(await rendered.text());
    const cookies = [rendered, remembered].map(
      (res) => res.headers.get("set-cookie")?.split(";")[0] ?? "",
    );
    expect(cookies[0]).not.toBe(cookies[1]);
    expect(remembered.headers.get("set-cookie")).toContain("HttpOnly");
    // Both cookies are real voters: each vote counts, and each sees its own choice.
    for (const [i, cookie] of cookies.entries()) {
      expect((await vote(poll.slug, poll.options[i]?.id ?? 0, cookie)).status).toBe(303);
      const page = await t.request(`/polls/${poll.slug}`, { headers: { Cookie: cookie } });
      expect(await page.text()).toContain("Votre choix");
    }
    expect((await results(poll.slug)).total).toBe(2);
  });

  test("visitors arriving together when the memory is empty share one database read and render", async () => {
    const app = await createTestApp();
    const reads = countCalls(app, "execute");
    try {
      const poll = await newPoll({ results_visibility: "always" }, app, await app.token());
      const coldReads = async (visitors: number) => {
        app.clock.advance(5_000); // the remembered page has expired
        const before = reads.calls;
        const pages = await Promise.all(
          Array.from({ length: visitors }, () => app.request(`/polls/${poll.slug}`)),
        );
        expect(pages.map((p) => p.status)).toEqual(Array(visitors).fill(200));
        return reads.calls - before;
      };
      const one = await coldReads(1);
      expect(one).toBeGreaterThan(0);
      expect(await coldReads(30)).toBe(one);
    } finally {
      app.close();
    }
  });

  test("a poll created after its slug was asked for is found at once", async () => {
    expect((await t.request("/polls/later-poll")).status).toBe(404);
    await newPoll({ slug: "later-poll" });
    expect((await t.request("/polls/later-poll")).status).toBe(200);
  });
});

describe("markup typed into a poll", () => {
  test("question and answers are rendered escaped in the page and the fragment", async () => {
    const poll = await newPoll({
      question: '<script>alert("q")</script>',
      options: ['<img src=x onerror="alert(1)">', "<b>bold</b>"],
      results_visibility: "always",
    });
    const { html } = await visit(poll.slug);
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<img src=x");
    expect(html).not.toContain("<b>bold</b>");
    expect(html).toContain("&lt;script&gt;alert(&quot;q&quot;)&lt;/script&gt;");
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    const fragment = await (await t.request(`/polls/${poll.slug}/results`)).text();
    expect(fragment).not.toContain("<b>bold</b>");
    expect(fragment).toContain("&lt;b&gt;bold&lt;/b&gt;");
    // JSON carries the text as typed (it is data, not markup).
    expect((await results(poll.slug)).options[1]?.label).toBe("<b>bold</b>");
  });
});

describe("the home page", () => {
  test("lists open polls, not closed ones", async () => {
    const open = await newPoll({ question: "Open question?" });
    const closed = await newPoll({ question: "Closed question?" });
    await t.api(bearer, "POST", `/api/v1/polls/${closed.id}/close`);
    const html = await (await t.request("/")).text();
    expect(html).toContain(`href="/polls/${open.slug}"`);
    expect(html).not.toContain(`href="/polls/${closed.slug}"`);
  });
});

describe("admin pages", () => {
  test("create a poll by form: errors next to the fields, then created, closed, reopened", async () => {
    const session = await t.signIn();
    const bad = await t.form(
      "/admin/polls",
      { question: "Q?", slug: "Bad Slug", options: "only one" },
      { Cookie: session },
    );
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(badHtml).toContain('id="slug-error"');
    expect(badHtml).toContain('id="options-error"');
    expect(badHtml).toContain("Give at least 2 answers.");

    const ok = await t.form(
      "/admin/polls",
      {
        question: "Admin poll?",
        slug: "admin-poll",
        options: "Yes\nNo\n",
        results_visibility: "always",
        closes_at: "2026-03-01T12:00", // datetime-local, read as UTC
      },
      { Cookie: session },
    );
    expect(ok.status).toBe(303);
    const location = ok.headers.get("location") ?? "";
    expect(location).toMatch(/^\/admin\/polls\/\d+$/);
    const page = await (await t.request(location, { headers: { Cookie: session } })).text();
    expect(page).toContain("Close the poll");
    expect(page).toContain("closes 1 March 2026 at 13:00 CET");

    const close = await t.form(`${location}/close`, {}, { Cookie: session });
    expect(close.status).toBe(303);
    expect(await (await t.request(location, { headers: { Cookie: session } })).text()).toContain(
      "Reopen the poll",
    );
    const { cookie } = await visit("admin-poll");
    expect((await vote("admin-poll", 1, cookie)).status).toBe(409);
    await t.form(`${location}/reopen`, {}, { Cookie: session });
    expect(await (await t.request(location, { headers: { Cookie: session } })).text()).toContain(
      "Close the poll",
    );
  });

  test("results over time (an SVG chart) and votes per answer per hour as CSV", async () => {
    const session = await t.signIn();
    const poll = await newPoll({ options: ['=HYPERLINK("x")', "Plain"] });
    for (const [hourOffset, option] of [
      [0, 0],
      [0, 1],
      [1, 0],
    ] as const) {
      t.clock.advance(hourOffset * 3_600_000);
      const { cookie } = await visit(poll.slug);
      await vote(poll.slug, poll.options[option]?.id ?? 0, cookie);
    }
    const page = await (
      await t.request(`/admin/polls/${poll.id}`, { headers: { Cookie: session } })
    ).text();
    expect(page).toContain("<svg");
    expect(page).toContain("<polyline");

    const csv = await t.request(`/admin/polls/${poll.id}/votes.csv`, {
      headers: { Cookie: session },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const rows = (await csv.text()).trim().split("\r\n");
    expect(rows[0]).toBe('"hour","option_id","answer","votes"');
    expect(rows).toHaveLength(4);
    const [first, second, third] = rows.slice(1).map((r) => r.split(","));
    expect(first?.[2]).toBe(`"'=HYPERLINK(""x"")"`); // no formula injection
    expect(first?.[3]).toBe('"1"');
    expect(second?.[2]).toBe('"Plain"');
    expect(third?.[0]).not.toBe(first?.[0]);
  });

  test("admin poll pages require a session", async () => {
    const res = await t.request("/admin/polls");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toContain("/admin/login");
  });
});

test("the origin helper matches PUBLIC_URL", () => expect(ORIGIN).toBe("http://127.0.0.1:8787"));

describe("POST /api/v1/polls/:id/close and /reopen", () => {
  test("answer the poll as the API shows it; an unknown id is a 404 problem; no token, 401", async () => {
    const poll = await newPoll();
    const closed = await t.api(bearer, "POST", `/api/v1/polls/${poll.id}/close`);
    expect(closed.status).toBe(200);
    expect(await closed.json()).toMatchObject({ id: poll.id, slug: poll.slug, closed: true });
    const reopened = await t.api(bearer, "POST", `/api/v1/polls/${poll.id}/reopen`);
    expect(await reopened.json()).toMatchObject({ id: poll.id, closed: false });
    for (const id of ["999999", "abc", "1.5"]) {
      for (const action of ["close", "reopen"]) {
        const res = await t.api(bearer, "POST", `/api/v1/polls/${id}/${action}`);
        expect(res.status).toBe(404);
        expect(res.headers.get("content-type")).toContain("application/problem+json");
      }
    }
    const anonymous = await t.request(`/api/v1/polls/${poll.id}/close`, { method: "POST" });
    expect(anonymous.status).toBe(401);
    expect((await results(poll.slug)).total).toBe(0);
  });
});
