// Invite-only polls: the voting link /v/TOKEN is the voter (one vote, any browser, no cookie);
// forged links, links of another poll and links after the close record nothing.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { signInvitation } from "../src/polls/invitation";
import { createTestApp, ORIGIN, type TestApp } from "./helpers";
import { newPoll, type PollBody, readResults } from "./poll-helpers";

let t: TestApp;
let bearer: string;
let listId: number;

beforeAll(async () => {
  t = await createTestApp({ VOTE_LIMIT_PER_IP_PER_MINUTE: "1000" });
  bearer = await t.token();
  const list = await t.api(bearer, "POST", "/api/v1/lists", {
    slug: "members",
    name: "Members",
    purpose: "Decide together.",
  });
  listId = ((await list.json()) as { id: number }).id;
});
afterAll(() => t.close());

const invitePoll = (extra: Record<string, unknown> = {}) =>
  newPoll(t, bearer, { audience: "list", list_id: listId, results_visibility: "always", ...extra });

const link = (poll: PollBody, contactId: number) =>
  `/v/${signInvitation(t.deps.config.secretKey, { pollId: poll.id, contactId })}`;

/** A vote through the link from a fresh browser: no cookie at all. */
const voteByLink = (path: string, options: number[], headers: Record<string, string> = {}) => {
  const body = new URLSearchParams(options.map((o) => ["option", String(o)]));
  return t.request(path, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN, ...headers },
    body: body.toString(),
  });
};

const total = async (slug: string) =>
  ((await (await readResults(t, slug)).json()) as { total: number }).total;

describe("the voting link", () => {
  test("GET shows the form and records nothing; POST votes once; a second use from another browser shows the recorded choice", async () => {
    const poll = await invitePoll();
    const path = link(poll, 41);
    const page = await t.request(path);
    expect(page.status).toBe(200);
    expect(page.headers.get("set-cookie")).toBeNull();
    expect(page.headers.get("cache-control")).toContain("no-store");
    const html = await page.text();
    expect(html).toContain(`action="${path}"`);
    expect(html).not.toContain('name="form_started"');
    expect(await total(poll.slug)).toBe(0);

    const first = await voteByLink(path, [poll.options[1]?.id ?? 0]);
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toBe(path);
    const again = await voteByLink(path, [poll.options[0]?.id ?? 0], { "HX-Request": "true" });
    expect(again.status).toBe(200);
    const box = await again.text();
    expect(box).toContain("Vous avez déjà voté");
    expect(box).toContain("Le priver de café");
    expect(await total(poll.slug)).toBe(1);
    // Another invited person's link is another voter.
    expect((await voteByLink(link(poll, 42), [poll.options[0]?.id ?? 0])).status).toBe(303);
    expect(await total(poll.slug)).toBe(2);
  });

  test("two uses of one link at once count once", async () => {
    const poll = await invitePoll();
    const path = link(poll, 7);
    const answers = await Promise.all(
      poll.options.map((o) => voteByLink(path, [o.id], { "HX-Request": "true" })),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(await total(poll.slug)).toBe(1);
  });

  test("a forged link, a link rewritten to another poll, or a link of a public poll opens nothing", async () => {
    const poll = await invitePoll();
    const other = await invitePoll();
    const good = link(poll, 5);
    const forged = `${good.slice(0, -3)}AAA`;
    const token = good.slice("/v/".length);
    const moved = `/v/v${other.id.toString(36)}${token.slice(token.indexOf("-"))}`;
    const publicPoll = await newPoll(t, bearer, { results_visibility: "always" });
    for (const path of [forged, moved, link(publicPoll, 5), "/v/garbage", "/v/"]) {
      expect((await t.request(path)).status, path).toBe(404);
      const res = await voteByLink(path, [poll.options[0]?.id ?? 0]);
      expect(res.status, path).toBe(404);
    }
    expect(await total(poll.slug)).toBe(0);
    expect(await total(other.slug)).toBe(0);
    expect(await total(publicPoll.slug)).toBe(0);
  });

  test("after the close the link records nothing (409) but still shows a choice made before", async () => {
    const poll = await invitePoll();
    const voted = link(poll, 1);
    await voteByLink(voted, [poll.options[2]?.id ?? 0]);
    await t.api(bearer, "POST", `/api/v1/polls/${poll.id}/close`);
    const late = await voteByLink(link(poll, 2), [poll.options[0]?.id ?? 0]);
    expect(late.status).toBe(409);
    expect(await total(poll.slug)).toBe(1);
    expect(await (await t.request(voted)).text()).toContain("La pendaison");
  });

  test("multiple choice and results visibility hold through the link", async () => {
    const poll = await invitePoll({ max_choices: 2, results_visibility: "after_vote" });
    const path = link(poll, 9);
    expect(await (await t.request(path)).text()).not.toContain('id="poll-results"');
    const ids = poll.options.map((o) => o.id);
    expect((await voteByLink(path, ids)).status).toBe(422);
    expect((await voteByLink(path, ids.slice(0, 2))).status).toBe(303);
    expect(await (await t.request(path)).text()).toContain('id="poll-results"');
  });
});
