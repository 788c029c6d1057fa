// Issue 20 item 9: the public "lost your link?" form of a list mails a contact their preferences
// link, at most once a day per address, with the same answer whether or not the address is known.
import { createHash } from "node:crypto";
import { beforeEach, describe, expect, test } from "vitest";
import { suppressAddress } from "../src/consent/service";
import { eraseContact } from "../src/erasure/service";
import { preparePreferencesLink, renderPreferencesLink } from "../src/participant/lost-link-mail";
import { unsubscribe } from "../src/participant/preferences";
import { HONEYPOT_FIELD } from "../src/polls/bot-check";
import { pauseSending, resumeSending } from "../src/sending/kill-switch";
import { createTestApp, type TestApp } from "./helpers";
import { snapshot } from "./participant-helpers";
import { dispatchUntilIdle, listWithContacts, moveTo } from "./sending-helpers";
import { mailCount, mailsTo, shownForm } from "./subscription-helpers";

let t: TestApp;
let bearer: string;

beforeEach(async () => {
  t = await createTestApp();
  bearer = await t.token();
  return () => t.close();
});

const DAY = 24 * 60 * 60_000;
const PATH = "/lists/nets/lost-link";
const visitor = { "X-Forwarded-For": "203.0.113.9" };

/** Posts the form as a browser that showed it a moment ago would. */
const ask = (email: string, lang = "fr", extra: Record<string, string> = {}) =>
  t.form(PATH, { ...shownForm(t), email, ...extra }, { "Accept-Language": lang, ...visitor });

/** What a visitor can observe of an answer: status, the headers that matter, and the body. */
async function observed(res: Response) {
  const headers = Object.fromEntries(
    [...res.headers.entries()].filter(([name]) => name !== "date"),
  );
  return { status: res.status, headers, body: await res.text() };
}

const sendsOfKind = async (kind: string) =>
  Number(
    (
      await t.client.execute({
        sql: "SELECT count(*) AS n FROM sends WHERE kind = ?",
        args: [kind],
      })
    ).rows[0]?.n,
  );

/** A list `nets` with p0 (French) and p1 (English), both imported (`legacy`). */
async function list() {
  return listWithContacts(t, bearer, 2);
}

describe("the lost-link form", () => {
  test("is shown per list in the visitor's language, with the bot checks; unknown lists are 404", async () => {
    await list();
    const fr = await t.request(PATH, { headers: { "Accept-Language": "fr" } });
    expect(fr.status).toBe(200);
    const frHtml = await fr.text();
    expect(frHtml).toContain('<html lang="fr"');
    expect(frHtml).toContain('name="email"');
    expect(frHtml).toContain(`name="${HONEYPOT_FIELD}"`);
    expect(frHtml).toContain("Lien perdu");
    const en = await (await t.request(PATH, { headers: { "Accept-Language": "en" } })).text();
    expect(en).toContain('<html lang="en"');
    expect(en).toContain("Lost your link");
    expect((await t.request("/lists/nope/lost-link")).status).toBe(404);
    expect((await ask("p0@example.org")).status).toBe(200);
    expect(
      (await t.form("/lists/nope/lost-link", { ...shownForm(t), email: "a@b.org" })).status,
    ).toBe(404);
  });

  test("a known address gets one message with its preferences link, in its language, through the pipeline", async () => {
    const { contacts } = await list();
    const res = await ask("P1@example.org");
    expect(res.status).toBe(200);
    await dispatchUntilIdle(t.deps);
    const mails = await mailsTo(t, "p1@example.org");
    expect(mails).toHaveLength(1);
    const mail = mails[0] as (typeof mails)[number];
    // In the contact's language (English), whatever the page's.
    expect(mail.subject).toContain("Your preferences link");
    expect(mail.text).toContain("Manage your preferences");
    expect(mail.headers["List-Unsubscribe"]).toMatch(/^<http:\/\/127\.0\.0\.1:8787\/u\//);
    expect(mail.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    expect(mail.replyTo).toBe("equipe@netsdor.example");
    const link = /http:\/\/127\.0\.0\.1:8787(\/p\/[\w-]+\.[\w-]+)/.exec(mail.text)?.[1];
    expect(link).toBeDefined();
    const page = await t.request(link as string, { headers: { "Accept-Language": "en" } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Les Nets d&#39;Or 2001");
    // One send of its own kind, one recipient, audited with who started it.
    const sends = (
      await t.client.execute("SELECT kind, total, created_by, status FROM sends ORDER BY id")
    ).rows.map((r) => ({ ...r }));
    expect(sends).toEqual([
      { kind: "preferences_link", total: 1, created_by: "lost-link form", status: "done" },
    ]);
    expect(contacts.get("p0@example.org")).toBeDefined();
    const french = await ask("p0@example.org", "en");
    expect(french.status).toBe(200);
    await dispatchUntilIdle(t.deps);
    expect((await mailsTo(t, "p0@example.org"))[0]?.subject).toContain("Votre lien");
  });

  test("known and unknown addresses get the very same answer; the unknown one sends nothing", async () => {
    await list();
    const known = await observed(await ask("p0@example.org"));
    const unknown = await observed(await ask("nobody@example.org"));
    expect(unknown).toEqual(known);
    expect(known.body).not.toContain("p0@example.org");
    expect(known.body).toContain("un message avec votre lien");
    await dispatchUntilIdle(t.deps);
    expect(await mailCount(t)).toBe(1);
    expect(await mailsTo(t, "nobody@example.org")).toEqual([]);
    // The unknown address is nowhere in clear; its once-a-day mark is a keyed hash.
    const dump = JSON.stringify(await t.client.execute("SELECT * FROM rate_limit_hits"));
    expect(dump).not.toContain("nobody");
    expect(dump).toMatch(/lost-link:[0-9a-f]{32}/);
  });

  test("a list's form mails only members of that list", async () => {
    await list();
    await listWithContacts(t, bearer, 3, "other"); // p2 is on "other" only
    const answer = await observed(await ask("nobody@example.org"));
    expect(await observed(await ask("p2@example.org"))).toEqual(answer);
    await dispatchUntilIdle(t.deps);
    expect(await mailCount(t)).toBe(0);
    expect(await sendsOfKind("preferences_link")).toBe(0);
  });

  test("a list's form that sends nothing to a member of another list leaves their daily link to the form for any list", async () => {
    await list();
    await listWithContacts(t, bearer, 3, "other"); // p2 is on "other" only
    await ask("p2@example.org");
    await dispatchUntilIdle(t.deps);
    expect(await mailCount(t)).toBe(0);
    const any = await t.form(
      "/lost-link",
      { ...shownForm(t), email: "p2@example.org" },
      { "Accept-Language": "en", ...visitor },
    );
    expect(any.status).toBe(200);
    await dispatchUntilIdle(t.deps);
    expect(await mailsTo(t, "p2@example.org")).toHaveLength(1);
  });

  test("the answer leaves before the address is looked up, where the runtime runs work afterwards", async () => {
    await list();
    const later: (() => Promise<void>)[] = [];
    t.deps.afterAnswer = (work) => {
      later.push(work);
    };
    const known = await observed(await ask("p0@example.org"));
    const unknown = await observed(await ask("nobody@example.org"));
    expect(unknown).toEqual(known);
    // Nothing was looked up nor recorded while answering: not even the once-a-day mark.
    expect(await sendsOfKind("preferences_link")).toBe(0);
    const marks = await t.client.execute(
      "SELECT 1 FROM rate_limit_hits WHERE key LIKE 'lost-link:%'",
    );
    expect(marks.rows).toHaveLength(0);
    expect(later).toHaveLength(2);
    for (const work of later) await work();
    await dispatchUntilIdle(t.deps);
    expect(await mailCount(t)).toBe(1);
    expect(await mailsTo(t, "p0@example.org")).toHaveLength(1);
  });

  test("once a day per address: a second request within 24 h sends nothing, the next day one more", async () => {
    await list();
    const first = await observed(await ask("p0@example.org"));
    await dispatchUntilIdle(t.deps);
    t.clock.advance(DAY - 60_000);
    const second = await observed(await ask("p0@example.org"));
    expect(second).toEqual(first);
    await dispatchUntilIdle(t.deps);
    expect(await mailCount(t)).toBe(1);
    expect(await sendsOfKind("preferences_link")).toBe(1);
    t.clock.advance(2 * 60_000);
    expect(await observed(await ask("p0@example.org"))).toEqual(first);
    await dispatchUntilIdle(t.deps);
    expect(await mailCount(t)).toBe(2);
  });

  test("while sending is paused nothing leaves, the answer is the same, and the message waits", async () => {
    await list();
    const before = await observed(await ask("nobody@example.org"));
    await pauseSending(t.deps, "test", "test");
    expect(await observed(await ask("p0@example.org"))).toEqual(before);
    await dispatchUntilIdle(t.deps);
    expect(await mailCount(t)).toBe(0);
    await resumeSending(t.deps, "test");
    await dispatchUntilIdle(t.deps);
    expect(await mailCount(t)).toBe(1);
  });

  test("a one-person message never waits for a second admin nor a canary", async () => {
    t.close();
    t = await createTestApp({
      APPROVAL_THRESHOLD: "1",
      CANARY_MIN_RECIPIENTS: "1",
      CANARY_PERCENT: "50",
    });
    bearer = await t.token();
    await list();
    await ask("p0@example.org");
    await dispatchUntilIdle(t.deps);
    expect(await mailCount(t)).toBe(1);
  });

  test("an erased or suppressed contact gets the same answer and nothing", async () => {
    const { contacts } = await list();
    const answer = await observed(await ask("nobody@example.org"));
    await eraseContact(t.deps, contacts.get("p0@example.org") as number, {
      reason: "erased",
      actor: "test",
      source: "test",
    });
    await suppressAddress(t.deps, "p1@example.org", "complained");
    expect(await observed(await ask("p0@example.org"))).toEqual(answer);
    expect(await observed(await ask("p1@example.org"))).toEqual(answer);
    await dispatchUntilIdle(t.deps);
    expect(await mailCount(t)).toBe(0);
    expect(await sendsOfKind("preferences_link")).toBe(0);
  });

  test("a member who left this list but not every list still gets the link (to rejoin, export or erase)", async () => {
    const { listId, contacts } = await list();
    const other = await listWithContacts(t, bearer, 2, "other");
    const p0 = contacts.get("p0@example.org") as number;
    await unsubscribe(t.deps, p0, listId, "test", { ipHash: "x", uaFamily: "test" });
    await ask("p0@example.org");
    await dispatchUntilIdle(t.deps);
    expect(await mailCount(t)).toBe(1);
    // Leaving the last list suppresses the address for every list: then nothing is sent.
    t.clock.advance(DAY + 60_000);
    await unsubscribe(t.deps, p0, other.listId, "test", { ipHash: "x", uaFamily: "test" });
    await ask("p0@example.org");
    await dispatchUntilIdle(t.deps);
    expect(await mailCount(t)).toBe(1);
  });

  test("bad input is refused plainly and changes nothing", async () => {
    await list();
    const before = await snapshot(t);
    for (const email of ["", "   ", "not an address", `${"a".repeat(250)}@example.org`]) {
      const res = await ask(email);
      expect(res.status, email).toBe(422);
      const html = await res.text();
      expect(html, email).toContain('id="email-error"');
      expect(html, email).toMatch(/name="email"[^>]*aria-invalid="true"/);
    }
    const noField = await t.form(PATH, { ...shownForm(t) }, visitor);
    expect(noField.status).toBe(422);
    const huge = await t.form(PATH, { ...shownForm(t), email: "x".repeat(100_000) }, visitor);
    expect(huge.status).toBe(422);
    // A program's form (the honeypot filled) records and sends nothing, even for a known address.
    const bot = await ask("p0@example.org", "fr", { [HONEYPOT_FIELD]: "http://spam.example" });
    expect(bot.status).toBe(422);
    await dispatchUntilIdle(t.deps);
    expect(await snapshot(t)).toEqual(before);
    expect(await mailCount(t)).toBe(0);
  });

  test("with POW_BITS, a form without a proof bound to the address records and sends nothing", async () => {
    t.close();
    t = await createTestApp({ POW_BITS: "8" });
    bearer = await t.token();
    await list();
    const html = await (await t.request(PATH)).text();
    const challenge = /data-pow-challenge="([^"]+)"/.exec(html)?.[1] as string;
    expect(challenge).toBeTruthy();
    expect(html).toContain('data-pow-bind="email"');
    const before = await snapshot(t);
    const marks = () =>
      t.client.execute("SELECT key FROM rate_limit_hits WHERE key LIKE 'lost-link:%'");
    for (const pow of [undefined, solve(challenge, "other@example.org", 8)]) {
      const res = await ask("p0@example.org", "en", pow ? { pow } : {});
      expect(res.status).toBe(422);
      const page = await res.text();
      expect(page).toContain("Nothing was recorded");
      expect(page).toContain('value="p0@example.org"'); // the form is kept, with a fresh guard
    }
    expect(await snapshot(t)).toEqual(before);
    expect((await marks()).rows).toHaveLength(0);
    const res = await ask("p0@example.org", "en", { pow: solve(challenge, "p0@example.org", 8) });
    expect(res.status).toBe(200);
    await dispatchUntilIdle(t.deps);
    expect(await mailCount(t)).toBe(1);
  });

  test("one client asking for many addresses is stopped by the per-client limit of the subscribe forms", async () => {
    await list();
    for (let i = 0; i < 10; i++) expect((await ask(`x${i}@example.org`)).status).toBe(200);
    const over = await ask("p0@example.org");
    expect(over.status).toBe(429);
    expect(over.headers.get("Retry-After")).toBeTruthy();
    await dispatchUntilIdle(t.deps);
    expect(await mailCount(t)).toBe(0);
  });

  test("a form posted from another site is refused (Origin), and nothing is sent", async () => {
    await list();
    const res = await t.request(PATH, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: "https://evil.example",
      },
      body: new URLSearchParams({ ...shownForm(t), email: "p0@example.org" }).toString(),
    });
    expect(res.status).toBe(403);
    await dispatchUntilIdle(t.deps);
    expect(await sendsOfKind("preferences_link")).toBe(0);
  });

  test("the form for any list (where broken links lead) sends through the first list that lets it go", async () => {
    const { listId, contacts } = await list();
    const other = await listWithContacts(t, bearer, 2, "other");
    const p0 = contacts.get("p0@example.org") as number;
    await eraseContact(t.deps, contacts.get("p1@example.org") as number, {
      reason: "erased",
      actor: "test",
      source: "test",
    });
    // p0 bounced on the first list (no mail there), still imported on the second.
    await moveTo(t.deps, listId, p0, ["bounced"]);
    const form = await t.request("/lost-link", { headers: { "Accept-Language": "en" } });
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('action="/lost-link"');
    const any = (email: string) =>
      t.form("/lost-link", { ...shownForm(t), email }, { "Accept-Language": "en", ...visitor });
    const known = await observed(await any("p0@example.org"));
    expect(await observed(await any("p1@example.org"))).toEqual(known);
    expect(await observed(await any("nobody@example.org"))).toEqual(known);
    expect(known.body).toContain("If this address is on one of our lists");
    await dispatchUntilIdle(t.deps);
    expect(await mailCount(t)).toBe(1);
    const sends = await t.client.execute("SELECT list_id FROM sends");
    expect(sends.rows.map((r) => Number(r.list_id))).toEqual([other.listId]);
  });

  test("the list's subscribe page and a broken preferences or unsubscribe link lead to the form", async () => {
    await list();
    const subscribe = await (await t.request("/lists/nets/subscribe")).text();
    expect(subscribe).toContain(`href="${PATH}"`);
    for (const broken of ["/p/garbage", "/u/garbage"]) {
      const res = await t.request(broken, { headers: { "Accept-Language": "en" } });
      expect(res.status, broken).toBe(400);
      expect(await res.text(), broken).toContain('href="/lost-link"');
    }
  });
});

describe("the preferences-link mail", () => {
  test("prepared once gives the very strings a full render gives, links escaped in the HTML", () => {
    const orgName = `Les Nets d'Or & <2001>`;
    const mail = preparePreferencesLink({ orgName });
    for (const lang of ["fr", "en"] as const) {
      for (const i of [1, 2]) {
        const links = {
          preferencesUrl: `https://relance.example/p/<tok${i}>"`,
          unsubscribeUrl: `https://relance.example/u/tok${i}.sig?a=1&b="2"`,
        };
        const full = renderPreferencesLink({ lang, orgName, ...links });
        expect(mail({ lang, ...links })).toEqual(full);
        expect(full.html).not.toContain("<tok");
        expect(full.html).toContain(`lang="${lang}"`);
        expect(full.text).toContain(links.preferencesUrl);
        expect(full.subject).toContain(orgName);
      }
    }
  });
});

/** What public/pow.js does: the first nonce whose hash starts with `bits` zero bits. */
function solve(challenge: string, bound: string, bits: number) {
  for (let nonce = 0; ; nonce++) {
    const hex = createHash("sha256").update(`${challenge}:${bound}:${nonce}`).digest("hex");
    if (BigInt(`0x${hex}`) >> BigInt(256 - bits) === 0n) return `${challenge}.${nonce}`;
  }
}
