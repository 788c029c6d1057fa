// Live results a screen reader hears (defect 2) and the admin chart's proportional time axis (defect 3).
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { insertVotes } from "../src/polls/queries";
import { createTestApp, type TestApp } from "./helpers";
import { castVote, newPoll, visitPoll } from "./poll-helpers";

let t: TestApp;
let bearer: string;

beforeAll(async () => {
  t = await createTestApp({ VOTE_LIMIT_PER_IP_PER_MINUTE: "1000" });
  bearer = await t.token();
});
afterAll(() => t.close());

describe("live results and screen readers", () => {
  test("the poll page has a polite live region outside the refreshed results, and the results carry the sentence it announces", async () => {
    const poll = await newPoll(t, bearer, { results_visibility: "always" });
    const voter = await visitPoll(t, poll.slug);
    await castVote(t, poll.slug, poll.options[0]?.id ?? 0, voter.cookie);
    const html = (await visitPoll(t, poll.slug, voter.cookie)).html;
    const region = /<[^>]*aria-live="polite"[^>]*>/.exec(html)?.[0] ?? "";
    expect(region).toContain('role="status"');
    // The region is not inside the block that gets replaced (a replaced region is not announced).
    const results = html.slice(html.indexOf('id="poll-results"'));
    const resultsBlock = results.slice(0, results.indexOf("</section>"));
    expect(resultsBlock).not.toContain("aria-live");
    const fragment = await (await t.request(`/polls/${poll.slug}/results?lang=en`)).text();
    expect(fragment).toContain(
      'data-summary="1 vote in total ; Le pardonner: 1 vote, 100% ; Le priver de café: 0 votes, 0% ; La pendaison: 0 votes, 0%"',
    );
  });

  test("each bar is labelled with its answer, count and percentage, not hidden from assistive technology", async () => {
    const poll = await newPoll(t, bearer, { results_visibility: "always" });
    for (const i of [0, 0, 1]) {
      const voter = await visitPoll(t, poll.slug);
      await castVote(t, poll.slug, poll.options[i]?.id ?? 0, voter.cookie);
    }
    const fragment = await (await t.request(`/polls/${poll.slug}/results?lang=en`)).text();
    const bars = [...fragment.matchAll(/<progress[^>]*>/g)].map((m) => m[0]);
    expect(bars).toHaveLength(3);
    for (const bar of bars) expect(bar).not.toContain("aria-hidden");
    expect(bars[0]).toContain('aria-label="Le pardonner: 2 votes, 67%"');
    expect(bars[1]).toContain('aria-label="Le priver de café: 1 vote, 33%"');
    expect(bars[2]).toContain('aria-label="La pendaison: 0 votes, 0%"');
  });
});

describe("the admin's results chart", () => {
  test("places hours on a time axis: one hour apart is close, 26 years apart is far", async () => {
    const poll = await newPoll(t, bearer);
    const [a, b] = poll.options.map((o) => o.id);
    const row = (voter: string, optionId: number, createdAt: string) => ({
      pollId: poll.id,
      optionId,
      voter,
      ipHash: "h",
      createdAt,
    });
    await insertVotes(t.deps.db, [
      row("v1", a ?? 0, "2000-01-20T19:10:00.000Z"),
      row("v2", b ?? 0, "2000-01-20T20:10:00.000Z"),
      row("v3", a ?? 0, "2026-01-15T08:10:00.000Z"),
    ]);
    const session = await t.signIn();
    const html = await (
      await t.request(`/admin/polls/${poll.id}`, { headers: { Cookie: session } })
    ).text();
    const points = /<polyline points="([^"]+)"/.exec(html)?.[1] ?? "";
    const xs = points.split(" ").map((p) => Number(p.split(",")[0]));
    expect(xs).toHaveLength(3);
    const [x0 = 0, x1 = 0, x2 = 0] = xs;
    const hour = x1 - x0;
    const years = x2 - x1;
    expect(hour).toBeGreaterThanOrEqual(0);
    // 26 years are about 228,000 hours: the second gap is far more than a thousand times the first.
    expect(years).toBeGreaterThan(1000 * hour);
    expect(html).toMatch(/<text[^>]*>2000-01-20/);
    expect(html).toMatch(/<text[^>]*>2026-01-15/);
  });
});
