// Bots without third parties on every public subscribe form (issue 19, item 6): a list's form,
// "get updates" on the status home and "follow this incident" carry the vote form's honeypot and
// signed display time, and the optional proof-of-work (POW_BITS) bound to the address typed. A
// form filled by a program (honeypot, no or forged time, too fast, no proof) gets a clear 422 and
// records nothing: no contact, no member, no send, no mail.
import { createHash } from "node:crypto";
import { afterEach, describe, expect, test } from "vitest";
import { MIN_FILL_MS, signFormStart } from "../src/polls/bot-check";
import { createTestApp, ORIGIN, type TestApp } from "./helpers";
import { snapshot } from "./participant-helpers";
import { formFields, newPoll, visitPoll } from "./poll-helpers";
import { createIncident } from "./subscription-helpers";

let t: TestApp;
afterEach(() => t?.close());

const REFUSED = {
  fr: "le formulaire est parti trop vite",
  en: "Nothing was recorded: the form was sent too quickly",
};

type Form = { name: string; page: string; action: string; extra: Record<string, string> };
const FORMS: Form[] = [
  {
    name: "a list's subscribe form",
    page: "/lists/news/subscribe",
    action: "/lists/news/subscribe",
    extra: { consent: "yes" },
  },
  { name: "get updates on the status home", page: "/", action: "/status/subscribe", extra: {} },
  {
    name: "follow an incident",
    page: "/incidents/db-down",
    action: "/incidents/db-down/follow",
    extra: {},
  },
];

async function appWith(env: Record<string, string> = {}) {
  t = await createTestApp(env);
  const bearer = await t.token();
  const list = await t.api(bearer, "POST", "/api/v1/lists", {
    slug: "news",
    name: "News",
    purpose: "Hear the news.",
  });
  expect(list.status).toBe(201);
  await createIncident(t, bearer, "db-down");
}

/** The hidden fields of the form on `page`, as a browser would send them. */
async function shownForm(form: Form) {
  const html = await (await t.request(form.page)).text();
  const started = /name="form_started" value="([^"]+)"/.exec(html)?.[1];
  const challenge = /data-pow-challenge="([^"]+)"/.exec(html)?.[1];
  expect(started, `${form.page} shows no signed display time`).toBeTruthy();
  expect(html).toMatch(/name="website"/);
  return { started: started as string, challenge };
}

const send = (form: Form, fields: Record<string, string>) =>
  t.form(form.action, { ...form.extra, ...fields }, { "Accept-Language": "en" });

describe.each(FORMS)("$name", (form) => {
  test("a person's form, read for a moment, is accepted", async () => {
    await appWith();
    const { started } = await shownForm(form);
    t.clock.advance(MIN_FILL_MS);
    const res = await send(form, { email: "ada@example.org", form_started: started });
    expect(res.status).toBe(200);
    const contacts = await t.client.execute("SELECT count(*) AS n FROM contacts");
    expect(Number(contacts.rows[0]?.n)).toBe(1);
  });

  test.each([
    ["the honeypot filled", (s: string) => ({ form_started: s, website: "http://spam.example" })],
    ["no display time", (_: string) => ({})],
    [
      "a display time not signed by Relance",
      (_: string) => ({ form_started: `${Date.parse("2025-01-01")}.${"0".repeat(64)}` }),
    ],
    ["sent faster than a person reads", (s: string) => ({ form_started: s, fast: "1" })],
  ])("%s: a clear 422 and nothing recorded", async (_, fieldsOf) => {
    await appWith();
    const { started } = await shownForm(form);
    const fields: Record<string, string> = { email: "bot@example.org", ...fieldsOf(started) };
    if (!fields.fast) t.clock.advance(MIN_FILL_MS);
    delete fields.fast;
    const before = await snapshot(t);
    const res = await send(form, fields);
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain(REFUSED.en);
    expect(html).toContain('value="bot@example.org"'); // the form is kept, with a fresh time
    expect(await snapshot(t)).toEqual(before);
  });

  test("a honeypot sent twice (as an array) is still a honeypot filled", async () => {
    await appWith();
    const { started } = await shownForm(form);
    t.clock.advance(MIN_FILL_MS);
    const before = await snapshot(t);
    const body = new URLSearchParams({
      ...form.extra,
      email: "bot@example.org",
      form_started: started,
    });
    body.append("website", "http://spam.example");
    body.append("website", "http://spam.example");
    const res = await t.request(form.action, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN },
      body: body.toString(),
    });
    expect(res.status).toBe(422);
    expect(await snapshot(t)).toEqual(before);
  });

  test("the refusal is in French too", async () => {
    await appWith();
    const res = await t.form(
      form.action,
      { ...form.extra, email: "bot@example.org" },
      {
        "Accept-Language": "fr",
      },
    );
    expect(res.status).toBe(422);
    expect(await res.text()).toContain(REFUSED.fr);
  });
});

/** What public/pow.js does: the first nonce whose hash starts with `bits` zero bits. */
function solve(challenge: string, bound: string, bits: number) {
  for (let nonce = 0; ; nonce++) {
    const hex = createHash("sha256").update(`${challenge}:${bound}:${nonce}`).digest("hex");
    if (BigInt(`0x${hex}`) >> BigInt(256 - bits) === 0n) return `${challenge}.${nonce}`;
  }
}

describe.each(FORMS.slice(1))("$name with proof-of-work (POW_BITS)", (form) => {
  test("a proof bound to the address is accepted; none, or another form's, records nothing", async () => {
    await appWith({ POW_BITS: "8" });
    const { started, challenge } = await shownForm(form);
    expect(challenge, "the form carries a challenge").toBeTruthy();
    t.clock.advance(MIN_FILL_MS);
    const email = "ada@example.org";
    const other = FORMS.find((f) => f !== form && f.page !== "/lists/news/subscribe") as Form;
    const othersChallenge = (await shownForm(other)).challenge as string;
    const before = await snapshot(t);
    for (const pow of [
      undefined,
      solve(challenge as string, "x@example.org", 8),
      solve(othersChallenge, email, 8),
    ]) {
      const res = await send(form, { email, form_started: started, ...(pow ? { pow } : {}) });
      expect(res.status).toBe(422);
    }
    expect(await snapshot(t)).toEqual(before);
    const res = await send(form, {
      email,
      form_started: started,
      pow: solve(challenge as string, email, 8),
    });
    expect(res.status).toBe(200);
  });
});

test("FORM_MIN_FILL_MS sets the least fill time (0 for tests that drive a browser)", async () => {
  await appWith({ FORM_MIN_FILL_MS: "0" });
  const started = signFormStart(t.deps, t.clock.now());
  const res = await send(FORMS[1] as Form, { email: "ada@example.org", form_started: started });
  expect(res.status).toBe(200);
});

test("the vote form: a honeypot sent twice (as an array) is refused and counts no vote", async () => {
  await appWith();
  const bearer = await t.token();
  const poll = await newPoll(t, bearer, { results_visibility: "always" });
  const page = await visitPoll(t, poll.slug);
  const fields = new URLSearchParams([...formFields(page)]);
  fields.set("option", String(poll.options[0]?.id));
  fields.append("website", "http://spam.example");
  fields.append("website", "http://spam.example");
  t.clock.advance(MIN_FILL_MS);
  const res = await t.request(`/polls/${poll.slug}/vote`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Origin: ORIGIN,
      Cookie: page.cookie,
    },
    body: fields.toString(),
  });
  expect(res.status).toBe(422);
  const votes = await t.client.execute("SELECT count(*) AS n FROM poll_votes");
  expect(Number(votes.rows[0]?.n)).toBe(0);
});
