// Results visibility (`always | after_vote | after_close`), enforced on every way of reading them.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestApp, type TestApp } from "./helpers";
import { castVote, newPoll, readResults, visitPoll } from "./poll-helpers";

let t: TestApp;
let bearer: string;

beforeAll(async () => {
  t = await createTestApp({ VOTE_LIMIT_PER_IP_PER_MINUTE: "1000" });
  bearer = await t.token();
});
afterAll(() => t.close());

describe("POST /api/v1/polls takes results_visibility", () => {
  test("defaults to after_vote, accepts the three values, refuses others with a 422 on the field", async () => {
    expect((await newPoll(t, bearer)).results_visibility).toBe("after_vote");
    for (const v of ["always", "after_vote", "after_close"]) {
      expect((await newPoll(t, bearer, { results_visibility: v })).results_visibility).toBe(v);
    }
    const res = await t.api(bearer, "POST", "/api/v1/polls", {
      slug: "bad-visibility",
      question: "Q?",
      options: ["a", "b"],
      results_visibility: "never",
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { errors: { field: string }[] };
    expect(body.errors.map((e) => e.field)).toEqual(["results_visibility"]);
    expect((await t.request("/polls/bad-visibility")).status).toBe(404);
  });
});

describe("after_vote", () => {
  test("the results fragment and JSON are refused (403) to a visitor who has not voted", async () => {
    const poll = await newPoll(t, bearer);
    const voter = await visitPoll(t, poll.slug);
    await castVote(t, poll.slug, poll.options[0]?.id ?? 0, voter.cookie);
    const stranger = await visitPoll(t, poll.slug);
    for (const cookie of [undefined, stranger.cookie]) {
      const json = await readResults(t, poll.slug, cookie);
      expect(json.status).toBe(403);
      expect(json.headers.get("content-type")).toContain("application/problem+json");
      const html = await readResults(t, poll.slug, cookie, false);
      expect(html.status).toBe(403);
      expect(await html.text()).not.toContain("1 vote");
    }
    expect((await visitPoll(t, poll.slug, stranger.cookie)).html).not.toContain("1 vote");
  });

  test("the voter reads them, never from a shared cache; everyone does once the poll is closed", async () => {
    const poll = await newPoll(t, bearer);
    const voter = await visitPoll(t, poll.slug);
    await castVote(t, poll.slug, poll.options[1]?.id ?? 0, voter.cookie);
    const mine = await readResults(t, poll.slug, voter.cookie);
    expect(mine.status).toBe(200);
    expect(mine.headers.get("cache-control")).toContain("private");
    expect(((await mine.json()) as { total: number }).total).toBe(1);
    await t.api(bearer, "POST", `/api/v1/polls/${poll.id}/close`);
    expect((await readResults(t, poll.slug)).status).toBe(200);
  });
});

describe("after_close", () => {
  test("nobody reads them while open, not even a voter; everyone once closed", async () => {
    const poll = await newPoll(t, bearer, { results_visibility: "after_close" });
    const voter = await visitPoll(t, poll.slug);
    expect((await castVote(t, poll.slug, poll.options[0]?.id ?? 0, voter.cookie)).status).toBe(303);
    expect((await readResults(t, poll.slug, voter.cookie)).status).toBe(403);
    expect((await readResults(t, poll.slug, voter.cookie, false)).status).toBe(403);
    const page = (await visitPoll(t, poll.slug, voter.cookie)).html;
    expect(page).not.toContain('id="poll-results"');
    expect(page).toContain("Le pardonner"); // the recorded choice is shown
    await t.api(bearer, "POST", `/api/v1/polls/${poll.id}/close`);
    expect((await readResults(t, poll.slug)).status).toBe(200);
    expect((await visitPoll(t, poll.slug)).html).toContain('id="poll-results"');
  });

  test("the admin's CSV export is not restricted", async () => {
    const poll = await newPoll(t, bearer, { results_visibility: "after_close" });
    const session = await t.signIn();
    const csv = await t.request(`/admin/polls/${poll.id}/votes.csv`, {
      headers: { Cookie: session },
    });
    expect(csv.status).toBe(200);
  });
});

describe("always", () => {
  test("anyone reads them, and shared caches may keep them briefly", async () => {
    const poll = await newPoll(t, bearer, { results_visibility: "always" });
    const res = await readResults(t, poll.slug);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("s-maxage");
  });
});
