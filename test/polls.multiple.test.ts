// Multiple choice: `max_choices`, checkboxes, percentages of voters, the total of voters, limits.
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

type Results = { total: number; options: { votes: number; percent: number }[] };
const json = async (slug: string) => (await (await readResults(t, slug)).json()) as Results;
const always = { results_visibility: "always" };

describe("creating", () => {
  test("max_choices defaults to 1 and cannot exceed the number of answers (422 on the field)", async () => {
    expect((await newPoll(t, bearer)).max_choices).toBe(1);
    expect((await newPoll(t, bearer, { max_choices: 3 })).max_choices).toBe(3);
    for (const max_choices of [0, 4, 1.5, "2"]) {
      const res = await t.api(bearer, "POST", "/api/v1/polls", {
        slug: "too-many-choices",
        question: "Q?",
        options: ["a", "b", "c"],
        max_choices,
      });
      expect(res.status).toBe(422);
      const body = (await res.json()) as { errors: { field: string }[] };
      expect(body.errors.map((e) => e.field)).toEqual(["max_choices"]);
    }
    expect((await t.request("/polls/too-many-choices")).status).toBe(404);
  });
});

describe("the form", () => {
  test("a single choice has radio buttons; several have checkboxes named option and say how many", async () => {
    const single = (await visitPoll(t, (await newPoll(t, bearer)).slug)).html;
    expect(single.match(/type="radio" name="option"/g)).toHaveLength(3);
    expect(single).not.toContain('type="checkbox"');
    const multi = (await visitPoll(t, (await newPoll(t, bearer, { max_choices: 2 })).slug)).html;
    expect(multi.match(/type="checkbox" name="option"/g)).toHaveLength(3);
    expect(multi).toContain("Choisissez jusqu&#39;à 2 réponses.");
  });
});

describe("voting several answers", () => {
  test("a ballot records each chosen answer; total counts voters and percents are shares of voters", async () => {
    const poll = await newPoll(t, bearer, { max_choices: 2, ...always });
    const [a, b, c] = poll.options.map((o) => o.id) as [number, number, number];
    for (const ballot of [[a, b], [a], [a, c]]) {
      const v = await visitPoll(t, poll.slug);
      expect((await castVote(t, poll.slug, ballot, v.cookie)).status).toBe(303);
    }
    const r = await json(poll.slug);
    expect(r.total).toBe(3);
    expect(r.options.map((o) => o.votes)).toEqual([3, 1, 1]);
    expect(r.options.map((o) => o.percent)).toEqual([100, 33, 33]);
    const page = await (await t.request(`/polls/${poll.slug}/results?lang=en`)).text();
    expect(page).toContain("3 voters in total");
  });

  test("more answers than allowed: a clear 422 next to the field, nothing recorded", async () => {
    const poll = await newPoll(t, bearer, { max_choices: 2, ...always });
    const ids = poll.options.map((o) => o.id);
    const v = await visitPoll(t, poll.slug);
    const res = await castVote(t, poll.slug, ids, v.cookie);
    expect(res.status).toBe(422);
    expect(await res.text()).toContain(
      "Choisissez au plus 2 réponses : rien n&#39;a été enregistré.",
    );
    expect((await json(poll.slug)).total).toBe(0);
    // The same voter may then vote within the limit.
    expect((await castVote(t, poll.slug, ids.slice(0, 2), v.cookie)).status).toBe(303);
    expect((await json(poll.slug)).options.map((o) => o.votes)).toEqual([1, 1, 0]);
  });

  test("a single-choice poll refuses two answers, and its percentages still add up to 100", async () => {
    const poll = await newPoll(t, bearer, always);
    const [a, b, c] = poll.options.map((o) => o.id) as [number, number, number];
    const v = await visitPoll(t, poll.slug);
    expect((await castVote(t, poll.slug, [a, b], v.cookie)).status).toBe(422);
    for (const id of [a, b, c]) {
      const voter = await visitPoll(t, poll.slug);
      await castVote(t, poll.slug, id, voter.cookie);
    }
    const r = await json(poll.slug);
    expect(r.total).toBe(3);
    expect(r.options.reduce((sum, o) => sum + o.percent, 0)).toBe(100);
  });

  test("a repeat ballot, even with other answers, changes nothing and shows the recorded choice", async () => {
    const poll = await newPoll(t, bearer, { max_choices: 3, ...always });
    const [a, b, c] = poll.options.map((o) => o.id) as [number, number, number];
    const v = await visitPoll(t, poll.slug);
    const both = await Promise.all([
      castVote(t, poll.slug, [a, b], v.cookie),
      castVote(t, poll.slug, [c], v.cookie),
    ]);
    expect(both.map((r) => r.status)).toEqual([303, 303]);
    const r = await json(poll.slug);
    expect(r.total).toBe(1);
    const recorded = r.options.map((o) => o.votes);
    expect([JSON.stringify([1, 1, 0]), JSON.stringify([0, 0, 1])]).toContain(
      JSON.stringify(recorded),
    );
    const page = (await visitPoll(t, poll.slug, v.cookie)).html;
    expect(page).toContain("Votre choix :");
  });
});
