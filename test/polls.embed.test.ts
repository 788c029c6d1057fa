// Share and embed: the share block, and /embed/polls/:slug, the one poll page others may frame.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestApp, ORIGIN, type TestApp } from "./helpers";
import { castVote, newPoll, visitPoll } from "./poll-helpers";

let t: TestApp;
let bearer: string;

beforeAll(async () => {
  t = await createTestApp({ VOTE_LIMIT_PER_IP_PER_MINUTE: "1000" });
  bearer = await t.token();
});
afterAll(() => t.close());

describe("the share block", () => {
  test("the poll page shows its link and an iframe snippet for the embed page", async () => {
    const poll = await newPoll(t, bearer);
    const html = (await visitPoll(t, poll.slug)).html;
    expect(html).toContain(`value="${ORIGIN}/polls/${poll.slug}"`);
    expect(html).toContain(`&lt;iframe src=&quot;${ORIGIN}/embed/polls/${poll.slug}&quot;`);
    const admin = await t.request(`/admin/polls/${poll.id}`, {
      headers: { Cookie: await t.signIn() },
    });
    expect(await admin.text()).toContain(`${ORIGIN}/embed/polls/${poll.slug}`);
  });
});

describe("/embed/polls/:slug", () => {
  test("may be framed by any site; the poll page and others keep frame-ancestors 'none'", async () => {
    const poll = await newPoll(t, bearer, { results_visibility: "always" });
    const embed = await t.request(`/embed/polls/${poll.slug}`);
    expect(embed.status).toBe(200);
    expect(embed.headers.get("content-security-policy")).toContain("frame-ancestors *");
    expect(embed.headers.get("x-frame-options")).toBeNull();
    expect(embed.headers.get("content-security-policy")).toContain("script-src 'self'");
    for (const path of [`/polls/${poll.slug}`, `/polls/${poll.slug}`, "/", "/admin/login"]) {
      // The poll page twice: the second is served from memory, before the router.
      const res = await t.request(path);
      expect(res.headers.get("content-security-policy"), path).toContain("frame-ancestors 'none'");
      expect(res.headers.get("x-frame-options"), path).toBe("DENY");
    }
  });

  test("is compact: the question, the results when everyone may see them, a link to vote, no form", async () => {
    const poll = await newPoll(t, bearer, { results_visibility: "always" });
    const v = await visitPoll(t, poll.slug);
    await castVote(t, poll.slug, poll.options[0]?.id ?? 0, v.cookie);
    const html = await (await t.request(`/embed/polls/${poll.slug}?x=1`)).text();
    expect(html).toContain("Que doit-on faire de lui ?");
    expect(html).toContain("1 vote au total");
    expect(html).not.toContain("<form");
    expect(html).not.toContain("<nav");
    expect(html).toContain(`href="${ORIGIN}/polls/${poll.slug}" target="_blank" rel="noopener"`);
  });

  test("follows results visibility as an anonymous visitor; 404 for no poll", async () => {
    const poll = await newPoll(t, bearer, { results_visibility: "after_vote" });
    const v = await visitPoll(t, poll.slug);
    await castVote(t, poll.slug, poll.options[0]?.id ?? 0, v.cookie);
    // Even with the voter's cookie (a framed page gets none from another site anyway).
    const html = await (
      await t.request(`/embed/polls/${poll.slug}`, { headers: { Cookie: v.cookie } })
    ).text();
    expect(html).not.toContain('id="poll-results"');
    expect(html).not.toContain("1 vote");
    expect((await t.request("/embed/polls/no-such-poll")).status).toBe(404);
  });
});
