// Bots without third parties: the vote form's honeypot and minimum fill time; invite-only polls
// refuse the public form.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { MIN_FILL_MS, signFormStart } from "../src/polls/bot-check";
import { createTestApp, ORIGIN, type TestApp } from "./helpers";
import { formFields, newPoll, readResults, visitPoll } from "./poll-helpers";

let t: TestApp;
let bearer: string;

beforeAll(async () => {
  t = await createTestApp({ VOTE_LIMIT_PER_IP_PER_MINUTE: "1000" });
  bearer = await t.token();
});
afterAll(() => t.close());

const post = (slug: string, fields: Record<string, string>, cookie: string, htmx = false) =>
  t.request(`/polls/${slug}/vote`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Origin: ORIGIN,
      Cookie: cookie,
      ...(htmx ? { "HX-Request": "true" } : {}),
    },
    body: new URLSearchParams(fields).toString(),
  });

const total = async (slug: string) =>
  ((await (await readResults(t, slug)).json()) as { total: number }).total;

const NOT_HUMAN = "le formulaire a été envoyé trop vite ou avec le champ caché rempli";

describe("the vote form", () => {
  test("carries a honeypot people do not see and the signed time it was rendered", async () => {
    const poll = await newPoll(t, bearer);
    const page = await visitPoll(t, poll.slug);
    expect(page.html).toMatch(
      /<div class="poll-hp" aria-hidden="true">.*name="website" tabindex="-1"/s,
    );
    expect(formFields(page).get("form_started")).toMatch(/^\d+\.[0-9a-f]{64}$/);
  });

  test("a person who reads, then answers, is counted", async () => {
    const poll = await newPoll(t, bearer, { results_visibility: "always" });
    const page = await visitPoll(t, poll.slug);
    t.clock.advance(MIN_FILL_MS);
    const fields = { ...Object.fromEntries(formFields(page)), option: String(poll.options[0]?.id) };
    expect((await post(poll.slug, { ...fields, website: "" }, page.cookie)).status).toBe(303);
    expect(await total(poll.slug)).toBe(1);
  });

  test.each([
    ["the honeypot filled", (f: Record<string, string>) => ({ ...f, website: "http://spam" })],
    ["sent faster than a person reads", (f: Record<string, string>) => f],
    ["without the time field", ({ form_started: _, ...f }: Record<string, string>) => f],
    [
      "with a forged time",
      (f: Record<string, string>) => ({
        ...f,
        form_started: `${Date.parse("2000-01-01")}.${"0".repeat(64)}`,
      }),
    ],
  ])("%s: a clear 422 and nothing recorded, by form and by htmx", async (_, change) => {
    const poll = await newPoll(t, bearer, { results_visibility: "always" });
    const page = await visitPoll(t, poll.slug);
    const fields = change({
      ...Object.fromEntries(formFields(page)),
      option: String(poll.options[0]?.id),
    });
    if (_ !== "sent faster than a person reads") t.clock.advance(MIN_FILL_MS);
    for (const htmx of [false, true]) {
      const res = await post(poll.slug, fields, page.cookie, htmx);
      expect(res.status).toBe(422);
      const html = await res.text();
      expect(html).toContain(NOT_HUMAN);
      expect(html.includes("<html")).toBe(!htmx);
    }
    expect(await total(poll.slug)).toBe(0);
  });

  test("a time signed with another key is refused", async () => {
    const poll = await newPoll(t, bearer, { results_visibility: "always" });
    const page = await visitPoll(t, poll.slug);
    const other = {
      ...t.deps,
      config: { ...t.deps.config, secretKey: "another-secret-key-32-chars-long!!" },
    };
    const started = signFormStart(other, new Date(t.clock.now().getTime() - 10_000));
    const res = await post(
      poll.slug,
      { option: String(poll.options[0]?.id), form_started: started },
      page.cookie,
    );
    expect(res.status).toBe(422);
    expect(await total(poll.slug)).toBe(0);
  });
});

describe("invite-only polls", () => {
  test("audience list needs an existing list_id (422), and its public form refuses everyone with 403", async () => {
    const noList = await t.api(bearer, "POST", "/api/v1/polls", {
      slug: "invite-no-list",
      question: "Q?",
      options: ["a", "b"],
      audience: "list",
    });
    expect(noList.status).toBe(422);
    expect(((await noList.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe(
      "list_id",
    );
    const unknown = await t.api(bearer, "POST", "/api/v1/polls", {
      slug: "invite-unknown-list",
      question: "Q?",
      options: ["a", "b"],
      audience: "list",
      list_id: 999_999,
    });
    expect(unknown.status).toBe(422);
    const list = await t.api(bearer, "POST", "/api/v1/lists", {
      slug: "voters",
      name: "Voters",
      purpose: "Vote on what we do next.",
    });
    expect(list.status).toBe(201);
    const { id: listId } = (await list.json()) as { id: number };
    const poll = await newPoll(t, bearer, { audience: "list", list_id: listId });
    expect(poll.audience).toBe("list");
    const page = await visitPoll(t, poll.slug);
    expect(page.html).not.toContain('name="option"');
    expect(page.html).toContain("réservé aux personnes invitées");
    t.clock.advance(MIN_FILL_MS);
    const res = await post(
      poll.slug,
      { ...Object.fromEntries(formFields(page)), option: String(poll.options[0]?.id) },
      page.cookie,
    );
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("réservé aux personnes invitées");
  });
});
