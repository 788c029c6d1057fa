// The optional proof-of-work (POW_BITS): a signed, time-bound challenge comes with the vote form
// (for this voter) and the subscribe form; the browser finds a nonce whose SHA-256 starts with
// POW_BITS zero bits; a vote or a subscription without a valid proof gets a clear message and
// records nothing, through the form, htmx, and a script posting directly.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { MIN_FILL_MS } from "../src/polls/bot-check";
import { createTestApp, ORIGIN, type TestApp } from "./helpers";
import { formFields, newPoll, readResults, visitPoll } from "./poll-helpers";
import { shownForm } from "./subscription-helpers";

const BITS = 8;
let t: TestApp;
let bearer: string;

beforeAll(async () => {
  t = await createTestApp({ VOTE_LIMIT_PER_IP_PER_MINUTE: "1000", POW_BITS: String(BITS) });
  bearer = await t.token();
  const list = await t.api(bearer, "POST", "/api/v1/lists", {
    slug: "news",
    name: "News",
    purpose: "Hear the news.",
  });
  expect(list.status).toBe(201);
});
afterAll(() => t.close());

const leadingZeroBits = (hex: string) => {
  let bits = 0;
  for (const c of hex) {
    const n = Number.parseInt(c, 16);
    if (n === 0) bits += 4;
    else return bits + Math.clz32(n) - 28;
  }
  return bits;
};

/** What the browser's script does: the first nonce whose hash has enough zero bits. */
function solve(challenge: string, bound = "", bits = BITS): string {
  for (let nonce = 0; ; nonce++) {
    const hex = createHash("sha256").update(`${challenge}:${bound}:${nonce}`).digest("hex");
    if (leadingZeroBits(hex) >= bits) return `${challenge}.${nonce}`;
  }
}

/** A nonce that does not solve the challenge. */
function miss(challenge: string, bound = ""): string {
  for (let nonce = 0; ; nonce++) {
    const hex = createHash("sha256").update(`${challenge}:${bound}:${nonce}`).digest("hex");
    if (leadingZeroBits(hex) < BITS) return `${challenge}.${nonce}`;
  }
}

const challengeFor = async (slug: string, cookie: string) => {
  const res = await t.request(`/polls/${slug}/challenge`, { headers: { Cookie: cookie } });
  expect(res.status).toBe(200);
  expect(res.headers.get("cache-control")).toContain("no-store");
  return (await res.json()) as { challenge: string; bits: number };
};

const vote = (slug: string, fields: Record<string, string>, cookie: string, htmx = false) =>
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

const NO_PROOF = "la vérification anti-robot de votre navigateur";

describe("the vote form with proof-of-work", () => {
  test("the form asks for a proof and loads the script that finds it", async () => {
    const poll = await newPoll(t, bearer);
    const page = await visitPoll(t, poll.slug);
    expect(page.html).toContain(`data-pow-bits="${BITS}"`);
    expect(page.html).toContain(`data-pow-url="/polls/${poll.slug}/challenge"`);
    expect(page.html).toContain('<script src="/pow.js" defer');
    const { challenge, bits } = await challengeFor(poll.slug, page.cookie);
    expect(bits).toBe(BITS);
    expect(challenge).toMatch(/^\d+\.[0-9a-f]{32}$/);
  });

  test("a solved challenge of this voter is counted", async () => {
    const poll = await newPoll(t, bearer, { results_visibility: "always" });
    const page = await visitPoll(t, poll.slug);
    const { challenge } = await challengeFor(poll.slug, page.cookie);
    t.clock.advance(MIN_FILL_MS);
    const fields = {
      ...Object.fromEntries(formFields(page)),
      option: String(poll.options[0]?.id),
      pow: solve(challenge),
    };
    expect((await vote(poll.slug, fields, page.cookie)).status).toBe(303);
    expect(await total(poll.slug)).toBe(1);
  });

  test.each([
    ["no proof", () => undefined],
    ["a nonce that does not solve it", (c: string) => miss(c)],
    ["a forged challenge", (c: string) => solve(`${c.split(".")[0]}.${"0".repeat(32)}`)],
    ["garbage", () => "not-a-proof"],
  ])("%s: a clear 422 and nothing recorded, by form and by htmx", async (_, proofOf) => {
    const poll = await newPoll(t, bearer, { results_visibility: "always" });
    const page = await visitPoll(t, poll.slug);
    const { challenge } = await challengeFor(poll.slug, page.cookie);
    t.clock.advance(MIN_FILL_MS);
    const proof = proofOf(challenge);
    const fields = {
      ...Object.fromEntries(formFields(page)),
      option: String(poll.options[0]?.id),
      ...(proof === undefined ? {} : { pow: proof }),
    };
    for (const htmx of [false, true]) {
      const res = await vote(poll.slug, fields, page.cookie, htmx);
      expect(res.status).toBe(422);
      expect(await res.text()).toContain(NO_PROOF);
    }
    expect(await total(poll.slug)).toBe(0);
  });

  test("a proof is this voter's: another browser cannot reuse it", async () => {
    const poll = await newPoll(t, bearer, { results_visibility: "always" });
    const first = await visitPoll(t, poll.slug);
    const second = await visitPoll(t, poll.slug);
    const proof = solve((await challengeFor(poll.slug, first.cookie)).challenge);
    t.clock.advance(MIN_FILL_MS);
    const fields = {
      ...Object.fromEntries(formFields(second)),
      option: String(poll.options[1]?.id),
    };
    expect((await vote(poll.slug, { ...fields, pow: proof }, second.cookie)).status).toBe(422);
    expect((await vote(poll.slug, { ...fields, pow: proof }, "")).status).toBe(422);
    expect(await total(poll.slug)).toBe(0);
  });

  test("a challenge older than 10 minutes is refused", async () => {
    const poll = await newPoll(t, bearer, { results_visibility: "always" });
    const page = await visitPoll(t, poll.slug);
    const proof = solve((await challengeFor(poll.slug, page.cookie)).challenge);
    t.clock.advance(10 * 60_000 + 1000);
    const fresh = await visitPoll(t, poll.slug, page.cookie);
    t.clock.advance(MIN_FILL_MS);
    const fields = {
      ...Object.fromEntries(formFields(fresh)),
      option: String(poll.options[0]?.id),
    };
    const res = await vote(poll.slug, { ...fields, pow: proof }, page.cookie);
    expect(res.status).toBe(422);
    expect(await total(poll.slug)).toBe(0);
  });
});

const subscribe = (fields: Record<string, string>) =>
  t.request("/lists/news/subscribe", {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Origin: ORIGIN,
    },
    body: new URLSearchParams({ ...shownForm(t), ...fields }).toString(),
  });

const contactsNamed = async (email: string) =>
  Number(
    (
      await t.client.execute({
        sql: "SELECT count(*) AS n FROM contacts WHERE email = ?",
        args: [email],
      })
    ).rows[0]?.n,
  );

describe("the subscribe form with proof-of-work", () => {
  const challengeOf = async () => {
    const html = await (await t.request("/lists/news/subscribe")).text();
    expect(html).toContain(`data-pow-bits="${BITS}"`);
    expect(html).toContain('data-pow-bind="email"');
    expect(html).toContain('<script src="/pow.js" defer');
    return /data-pow-challenge="([^"]+)"/.exec(html)?.[1] ?? "";
  };

  test("a proof bound to the address typed is accepted", async () => {
    const challenge = await challengeOf();
    const email = "ada@example.org";
    const res = await subscribe({ email, consent: "yes", pow: solve(challenge, email) });
    expect(res.status).toBe(200);
    expect(await contactsNamed(email)).toBe(1);
  });

  test.each([
    ["no proof", () => undefined],
    ["a proof for another address", (c: string) => solve(c, "someone@example.org")],
    ["a nonce that does not solve it", (c: string) => miss(c, "bob@example.org")],
  ])("%s: a clear 422, the form kept, nothing recorded", async (_, proofOf) => {
    const challenge = await challengeOf();
    const proof = proofOf(challenge);
    const res = await subscribe({
      email: "bob@example.org",
      consent: "yes",
      ...(proof === undefined ? {} : { pow: proof }),
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain(NO_PROOF);
    expect(html).toContain('value="bob@example.org"');
    expect(await contactsNamed("bob@example.org")).toBe(0);
  });
});

describe("without POW_BITS", () => {
  test("no proof is asked for", async () => {
    const plain = await createTestApp();
    try {
      const token = await plain.token();
      const poll = await newPoll(plain, token);
      const page = await visitPoll(plain, poll.slug);
      expect(page.html).not.toContain("data-pow-bits");
      expect((await plain.request(`/polls/${poll.slug}/challenge`)).status).toBe(404);
    } finally {
      plain.close();
    }
  });
});
