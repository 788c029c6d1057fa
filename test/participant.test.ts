import { beforeEach, describe, expect, test } from "vitest";
import { suppressAddress } from "../src/consent/service";
import { pauseSending, resumeSending } from "../src/sending/kill-switch";
import { signToken } from "../src/tokens";
import { createTestApp, type TestApp } from "./helpers";
import {
  contactId,
  eventsOf,
  invitedParticipants,
  linksInMail,
  memberState,
  snapshot,
} from "./participant-helpers";
import { dispatchUntilIdle } from "./sending-helpers";
import { shownForm } from "./subscription-helpers";

let t: TestApp;
let bearer: string;

beforeEach(async () => {
  t = await createTestApp();
  bearer = await t.token();
  return () => t.close();
});

const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const visitor = { "User-Agent": FIREFOX, "X-Forwarded-For": "203.0.113.7" };
const get = (path: string, lang = "fr") =>
  t.request(path, { headers: { "Accept-Language": lang, ...visitor } });

describe("GET never changes state", () => {
  test("/c/, /u/, /p/ and their sub-pages, fetched like a mail scanner, change nothing", async () => {
    await invitedParticipants(t, bearer);
    const links = await linksInMail(t, "alice@example.org");
    const before = await snapshot(t);
    for (const path of [
      links.consent,
      links.unsubscribe,
      links.preferences,
      `${links.preferences}/erase`,
    ]) {
      const res = await get(path as string);
      expect(res.status, path).toBe(200);
      await res.text();
    }
    expect(await snapshot(t)).toEqual(before);
  });
});

describe("tokens", () => {
  test("tampered, wrong-purpose and unknown tokens get a friendly 4xx page in both languages; nothing changes", async () => {
    await invitedParticipants(t, bearer);
    const links = await linksInMail(t, "alice@example.org");
    const consent = links.consent as string;
    const tampered = `${consent.slice(0, -3)}${consent.endsWith("AAA") ? "BBB" : "AAA"}`;
    const [, , body] = consent.split("/");
    const unsubscribeToken = (links.unsubscribe as string).split("/")[2];
    const before = await snapshot(t);
    const cases: [string, string][] = [
      ["GET", tampered],
      ["POST", tampered],
      ["GET", `/c/${unsubscribeToken}`], // an unsubscribe token on the consent page
      ["GET", `/u/${body}`], // a consent token on the unsubscribe page
      ["POST", `/u/${body}`],
      ["GET", `/p/${body}`],
      ["GET", `/s/${body}`],
      ["GET", "/c/not-a-token"],
      ["POST", `/p/${body}/erase`],
      ["GET", `/c/${"x".repeat(600)}.y`],
    ];
    for (const [method, path] of cases) {
      for (const [lang, words] of [
        ["fr", "Ce lien ne fonctionne pas"],
        ["en", "This link does not work"],
      ] as const) {
        const res =
          method === "GET"
            ? await get(path, lang)
            : await t.form(path, { answer: "confirm" }, { "Accept-Language": lang });
        expect(res.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${method} ${path}`).toBeLessThan(500);
        const html = await res.text();
        expect(html).toContain(words);
        expect(html).toContain(`lang="${lang}"`);
      }
    }
    // A valid signature naming a contact that does not exist: "nothing to show", still 4xx.
    const ghost = await signToken(t.deps.config.secretKey, { p: "preferences", c: 999_999 });
    const res = await get(`/p/${ghost}`, "en");
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("Nothing to show");
    expect(await snapshot(t)).toEqual(before);
  });

  test("after the deadline the consent page says the invitation expired, and answering changes nothing", async () => {
    const { listId } = await invitedParticipants(t, bearer);
    const links = await linksInMail(t, "alice@example.org");
    const bob = await linksInMail(t, "bob@example.org");
    t.clock.set("2026-03-02T00:00:00.000Z");
    const before = await snapshot(t);
    const fr = await get(links.consent as string, "en");
    expect(fr.status).toBe(410);
    // Alice's own language (French) wins over Accept-Language when no switch was used.
    expect(await fr.text()).toContain("L&#39;invitation a expiré");
    const en = await get(bob.consent as string, "fr");
    expect(en.status).toBe(410);
    const enHtml = await en.text();
    expect(enHtml).toContain("The invitation has expired");
    expect(enHtml).not.toContain("I confirm");
    const post = await t.form(links.consent as string, { answer: "confirm" });
    expect(post.status).toBe(303);
    expect(await snapshot(t)).toEqual(before);
    expect(await memberState(t, listId, await contactId(t, "alice@example.org"))).toBe("invited");
  });
});

describe("consent page", () => {
  test("shows the purpose text the invitation quoted, who asks, the deadline, and the two buttons", async () => {
    const { listId } = await invitedParticipants(t, bearer);
    // The purpose changes after the invitation: the page still shows version 1.
    await t.api(bearer, "PATCH", `/api/v1/lists/${listId}`, { purpose: "Un tout autre texte." });
    const links = await linksInMail(t, "alice@example.org");
    const html = await (await get(links.consent as string)).text();
    expect(html).toContain("Recevoir les nouvelles du concours des Nets d&#39;Or 2001.");
    expect(html).not.toContain("Un tout autre texte.");
    expect(html).toContain("version 1");
    expect(html).toContain("Les Nets d&#39;Or 2001");
    expect(html).toContain("1 mars 2026");
    expect(html).toMatch(/<button[^>]*value="confirm"[^>]*>Je confirme<\/button>/);
    expect(html).toMatch(/<button[^>]*value="decline"[^>]*>Je refuse<\/button>/);
    const en = await (
      await get((await linksInMail(t, "bob@example.org")).consent as string)
    ).text();
    expect(en).toContain(">I confirm</button>");
    expect(en).toContain(">I decline</button>");
  });

  test("confirm records the proof once; a second click shows the same page", async () => {
    const { listId } = await invitedParticipants(t, bearer);
    await t.api(bearer, "PATCH", `/api/v1/lists/${listId}`, { purpose: "Version deux." });
    const alice = await contactId(t, "alice@example.org");
    const links = await linksInMail(t, "alice@example.org");
    const first = await t.form(links.consent as string, { answer: "confirm" }, visitor);
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toBe(links.consent);
    const page = await (await get(links.consent as string)).text();
    expect(page).toContain("Merci, votre accord est enregistré");
    const second = await t.form(links.consent as string, { answer: "confirm" }, visitor);
    expect(second.status).toBe(303);
    expect(await (await get(links.consent as string)).text()).toBe(page);
    // Declining after confirming changes nothing either.
    await t.form(links.consent as string, { answer: "decline" }, visitor);
    expect(await memberState(t, listId, alice)).toBe("confirmed");

    const events = await eventsOf(t, alice);
    expect(events.map((e) => e.event)).toEqual(["imported", "invited", "confirmed"]);
    const confirmed = events[2] as Record<string, unknown>;
    expect(confirmed).toMatchObject({
      // With MAIL_TRANSPORT=outbox the invitation never left the machine: the answer is simulated.
      source: "simulated",
      text_version: 1, // what the invitation quoted, though the list is at version 2 now
      ua_family: "Firefox",
      actor: "participant",
    });
    expect(String(confirmed.ip_hash)).toMatch(/^[0-9a-f]{64}$/);
    expect(String(confirmed.ip_hash)).not.toContain("203.0.113.7");
  });

  test("decline erases the person, suppresses the hash, and a re-import is rejected as suppressed", async () => {
    const { listId } = await invitedParticipants(t, bearer);
    const dave = await contactId(t, "dave@example.org");
    const links = await linksInMail(t, "dave@example.org");
    const res = await t.form(links.consent as string, { answer: "decline" }, visitor);
    expect(res.status).toBe(303);
    const page = await (await get(links.consent as string)).text();
    expect(page).toContain("vos données personnelles ont été effacées");
    expect(page).not.toContain("Dave");
    // Idempotent: the second click shows the same page and appends nothing.
    const eventsAfterFirst = await eventsOf(t, dave);
    await t.form(links.consent as string, { answer: "decline" }, visitor);
    expect(await (await get(links.consent as string)).text()).toBe(page);
    expect(await eventsOf(t, dave)).toEqual(eventsAfterFirst);

    expect(eventsAfterFirst.map((e) => e.event)).toEqual([
      "imported",
      "invited",
      "declined",
      "erased",
    ]);
    expect(eventsAfterFirst[2]).toMatchObject({ ua_family: "Firefox", text_version: 1 });
    const row = (
      await t.client.execute({
        sql: "SELECT email, email_key, name, attributes FROM contacts WHERE id = ?",
        args: [dave],
      })
    ).rows[0];
    expect({ ...row }).toEqual({ email: null, email_key: null, name: null, attributes: null });
    expect(await memberState(t, listId, dave)).toBe("erased");
    const suppression = await t.client.execute(
      "SELECT reason FROM suppression_reasons ORDER BY id",
    );
    expect(suppression.rows.map((r) => r.reason)).toEqual(["declined"]);
    // The address and name appear nowhere: not in any table.
    const dump = JSON.stringify(await snapshot(t));
    expect(dump).toContain("alice@example.org"); // the others are still there
    expect(dump).not.toContain("dave@example.org");
    expect(dump).not.toContain("Dave's garden");

    const contacts = (await (
      await t.api(bearer, "GET", `/api/v1/lists/${listId}/contacts?status=erased`)
    ).json()) as { items: unknown[] };
    expect(contacts.items).toEqual([
      { id: dave, email: null, name: null, status: "erased", attributes: null },
    ]);
    const again = await t.request(`/api/v1/lists/${listId}/imports?source=again`, {
      method: "POST",
      headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "text/csv" },
      body: "email,name\ndave@example.org,Dave\n",
    });
    expect(await again.json()).toMatchObject({
      imported: 0,
      rejected: [{ line: 2, reason: "suppressed" }],
    });
  });

  test("names are rendered escaped", async () => {
    await invitedParticipants(t, bearer);
    const links = await linksInMail(t, "carol@example.org");
    await t.form(links.consent as string, { answer: "confirm" });
    const html = await (await get(links.consent as string)).text();
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).not.toContain("<b>bold</b>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });
});

describe("re-registration", () => {
  async function confirmed(email = "alice@example.org") {
    const ids = await invitedParticipants(t, bearer);
    const links = await linksInMail(t, email);
    await t.form(links.consent as string, { answer: "confirm" });
    return {
      ...ids,
      links,
      contact: await contactId(t, email),
      action: `${links.consent}/registration`,
    };
  }

  test("the form follows a confirm, pre-filled from last year's name and attributes", async () => {
    const { links } = await confirmed();
    const html = await (await get(links.consent as string)).text();
    expect(html).toContain('name="name"');
    expect(html).toContain('value="Alice Martin"');
    expect(html).toContain('value="Le site jazz d&#39;Alice"');
    expect(html).toContain('value="http://www.jazz-martin.example.org/"');
    expect(html).toContain('value="Culture"');
    // Not before confirming.
    const bob = await (
      await get((await linksInMail(t, "bob@example.org")).consent as string)
    ).text();
    expect(bob).not.toContain('name="site"');
  });

  test("a bad URL and a too-long field re-render with errors next to the fields and store nothing", async () => {
    const { action } = await confirmed();
    const before = await snapshot(t);
    const fields = {
      name: "A".repeat(201),
      site: "Le site",
      url: "javascript:alert(1)",
      category: "Culture",
    };
    const plain = await t.form(action, fields);
    expect(plain.status).toBe(422);
    const html = await plain.text();
    expect(html).toContain("<!DOCTYPE html>");
    expect(html).toContain('id="url-error"');
    expect(html).toContain("http:// ou https://");
    expect(html).toContain('id="name-error"');
    expect(html).toContain("200 caractères au plus.");
    expect(html).toMatch(/name="name"[^>]*aria-invalid="true"[^>]*aria-describedby="name-error"/);
    expect(html).toMatch(/name="name"[^>]*autofocus/); // the first error gets the focus
    expect(html).not.toContain('id="site-error"');
    expect(html).toContain('value="javascript:alert(1)"'); // what was typed stays, escaped

    const htmx = await t.form(action, { ...fields, name: "Alice" }, { "HX-Request": "true" });
    expect(htmx.status).toBe(422);
    const fragment = await htmx.text();
    expect(fragment).not.toContain("<html");
    expect(fragment.startsWith('<section id="registration"')).toBe(true);
    expect(fragment).toContain('id="url-error"');
    expect(fragment).not.toContain('id="name-error"');
    for (const url of [
      "ftp://x.example.org/",
      "http://",
      "www.example.org",
      "https://exa mple.org",
    ]) {
      const res = await t.form(action, { ...fields, name: "Alice", url });
      expect(res.status, url).toBe(422);
    }
    expect(await snapshot(t)).toEqual(before);
  });

  test("a valid entry is stored, edited in place, shown to the admin, and frozen once registrations close", async () => {
    const { action, links, listId, contact } = await confirmed();
    const entry = {
      name: "Alice Martin",
      site: "Le site jazz d'Alice",
      url: "https://jazz.example.org/",
      category: "Culture",
    };
    const saved = await t.form(action, entry);
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe(`${links.consent}?saved=1#registration`);
    expect(await (await get(`${links.consent}?saved=1`)).text()).toContain(
      "Votre inscription est enregistrée.",
    );
    t.clock.advance(60_000);
    const edited = await t.form(action, { ...entry, site: "Jazz <3" }, { "HX-Request": "true" });
    expect(edited.status).toBe(200);
    expect(await edited.text()).toContain("Votre inscription est enregistrée.");

    const api = await t.api(bearer, "GET", `/api/v1/lists/${listId}/registrations`);
    expect(api.status).toBe(200);
    const body = (await api.json()) as { items: Record<string, unknown>[] };
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toEqual({
      id: expect.any(Number),
      contact_id: contact,
      data: { ...entry, site: "Jazz <3" },
      created_at: "2026-01-15T08:00:00.000Z",
      updated_at: "2026-01-15T08:01:00.000Z",
    });
    expect((await t.request(`/api/v1/lists/${listId}/registrations`)).status).toBe(401);
    expect((await t.api(bearer, "GET", "/api/v1/lists/999/registrations")).status).toBe(404);

    const cookie = await t.signIn();
    const admin = await t.request(`/admin/lists/${listId}/registrations`, {
      headers: { Cookie: cookie },
    });
    const adminHtml = await admin.text();
    expect(adminHtml).toContain("Jazz &lt;3");
    expect(adminHtml).toContain("https://jazz.example.org/");

    // The admin closes registrations: the entry can no longer change.
    const close = await t.form(
      `/admin/lists/${listId}/registrations/close`,
      { closes_at: "2026-01-15T08:30" },
      { Cookie: cookie },
    );
    expect(close.status).toBe(303);
    t.clock.set("2026-01-15T09:00:00.000Z");
    const before = await snapshot(t);
    const late = await t.form(action, { ...entry, site: "Too late" });
    expect(late.status).toBe(409);
    const lateHtml = await late.text();
    expect(lateHtml).toContain("Les inscriptions sont closes");
    expect(lateHtml).not.toContain('name="site"');
    expect(await snapshot(t)).toEqual(before);
  });

  test("only a confirmed participant can register", async () => {
    const { links } = await confirmed();
    const bob = (await linksInMail(t, "bob@example.org")).consent as string;
    const before = await snapshot(t);
    const res = await t.form(`${bob}/registration`, {
      name: "Bob",
      site: "Bob's radio",
      url: "http://radio.example.org/",
      category: "Radio",
    });
    expect(res.status).toBe(409);
    expect(await snapshot(t)).toEqual(before);
    expect(links.consent).not.toBe(bob);
  });
});

describe("unsubscribe", () => {
  test("every mail carries /u/ in List-Unsubscribe and links to /p/", async () => {
    await invitedParticipants(t, bearer);
    const links = await linksInMail(t, "alice@example.org");
    expect(links.headers["List-Unsubscribe"]).toBe(`<http://127.0.0.1:8787${links.unsubscribe}>`);
    expect(links.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    expect(links.preferences).toMatch(/^\/p\//);
  });

  test("the RFC 8058 one-click POST works without Origin or cookie, answers 200, and is idempotent", async () => {
    const { listId } = await invitedParticipants(t, bearer);
    const alice = await contactId(t, "alice@example.org");
    const { unsubscribe } = await linksInMail(t, "alice@example.org");
    const oneClick = () =>
      t.request(unsubscribe as string, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: "List-Unsubscribe=One-Click",
      });
    const first = await oneClick();
    expect(first.status).toBe(200);
    expect(first.headers.get("location")).toBeNull();
    expect(await memberState(t, listId, alice)).toBe("unsubscribed");
    const second = await oneClick();
    expect(second.status).toBe(200);
    const events = (await eventsOf(t, alice)).map((e) => e.event);
    expect(events).toEqual(["imported", "invited", "unsubscribed"]);
    // Alice is on no other list: her address is suppressed.
    const reasons = (await t.client.execute("SELECT reason FROM suppression_reasons ORDER BY id"))
      .rows;
    expect(reasons.map((r) => r.reason)).toEqual(["unsubscribed"]);
    // multipart/form-data, as some providers send it, works too.
    const bob = await linksInMail(t, "bob@example.org");
    const multipart = new FormData();
    multipart.set("List-Unsubscribe", "One-Click");
    const res = await t.request(bob.unsubscribe as string, { method: "POST", body: multipart });
    expect(res.status).toBe(200);
    expect(await memberState(t, listId, await contactId(t, "bob@example.org"))).toBe(
      "unsubscribed",
    );
  });

  test("the page's button unsubscribes from that list only; the address stays while another list remains", async () => {
    const first = await invitedParticipants(t, bearer, "nets");
    const second = await invitedParticipants(t, bearer, "nets-bis");
    const alice = await contactId(t, "alice@example.org");
    const links = await linksInMail(t, "alice@example.org"); // the second list's invitation
    const page = await (await get(links.unsubscribe as string)).text();
    expect(page).toMatch(/<button[^>]*>Me désabonner<\/button>/);
    const res = await t.form(links.unsubscribe as string, {});
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Vous êtes désabonné");
    expect(await memberState(t, second.listId, alice)).toBe("unsubscribed");
    expect(await memberState(t, first.listId, alice)).toBe("invited");
    expect((await t.client.execute("SELECT count(*) AS n FROM suppressions")).rows[0]?.n).toBe(0);
  });
});

describe("preferences", () => {
  test("lists with their state, leave and rejoin (double opt-in again), language", async () => {
    const { listId } = await invitedParticipants(t, bearer);
    const alice = await contactId(t, "alice@example.org");
    const { consent, preferences } = await linksInMail(t, "alice@example.org");
    await t.form(consent as string, { answer: "confirm" });
    const html = await (await get(preferences as string)).text();
    expect(html).toContain("Les Nets d&#39;Or 2001");
    expect(html).toContain("abonné");

    const leave = await t.form(`${preferences}/lists/${listId}/leave`, {});
    expect(leave.status).toBe(303);
    expect(await memberState(t, listId, alice)).toBe("unsubscribed");
    expect(
      (await t.client.execute("SELECT reason FROM suppression_reasons ORDER BY id")).rows[0]
        ?.reason,
    ).toBe("unsubscribed");

    const rejoin = await t.form(`${preferences}/lists/${listId}/rejoin`, {});
    expect(rejoin.status).toBe(303);
    // Never silently confirmed: pending, with a confirmation mail through the outbox.
    expect(await memberState(t, listId, alice)).toBe("pending");
    expect((await t.client.execute("SELECT count(*) AS n FROM suppressions")).rows[0]?.n).toBe(0);
    await dispatchUntilIdle(t.deps);
    const mail = await linksInMail(t, "alice@example.org");
    expect(mail.confirm).toMatch(/^\/s\//);
    const confirm = await t.form(mail.confirm as string, {}, visitor);
    expect(confirm.status).toBe(303);
    expect(await memberState(t, listId, alice)).toBe("confirmed");

    const language = await t.form(`${preferences}/language`, { language: "en" });
    expect(language.status).toBe(303);
    const attrs = (
      await t.client.execute({ sql: "SELECT attributes FROM contacts WHERE id = ?", args: [alice] })
    ).rows[0]?.attributes;
    expect(JSON.parse(String(attrs)).language).toBe("en");
  });

  test("export holds the contact, the consent history, registrations and messages", async () => {
    await invitedParticipants(t, bearer);
    const { consent, preferences } = await linksInMail(t, "alice@example.org");
    await t.form(consent as string, { answer: "confirm" }, visitor);
    await t.form(`${consent}/registration`, {
      name: "Alice Martin",
      site: "Jazz",
      url: "https://jazz.example.org/",
      category: "Culture",
    });
    const res = await t.form(`${preferences}/export`, {});
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(res.headers.get("content-disposition")).toContain("attachment");
    const data = (await res.json()) as Record<string, unknown>;
    expect(data.contact).toMatchObject({
      email: "alice@example.org",
      name: "Alice Martin",
      attributes: { site: "Le site jazz d'Alice", category: "Culture", language: "fr" },
    });
    expect((data.consent_history as { event: string }[]).map((e) => e.event)).toEqual([
      "imported",
      "invited",
      "confirmed",
    ]);
    expect((data.consent_history as Record<string, unknown>[])[2]).toMatchObject({
      user_agent_family: "Firefox",
      text_version: 1,
    });
    expect(data.registrations).toEqual([
      expect.objectContaining({
        data: {
          name: "Alice Martin",
          site: "Jazz",
          url: "https://jazz.example.org/",
          category: "Culture",
        },
      }),
    ]);
    const messages = data.messages as Record<string, unknown>[];
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      kind: "reconsent",
      status: "sent",
      to: "alice@example.org",
    });
    // Mail names the organisation (ORG_NAME, here its demo value), not the internal list name.
    expect(String(messages[0]?.subject)).toContain("Les Nets d'Or :");
    expect(String(messages[0]?.subject)).not.toContain("2001");
    // What the person needs of each message, and none of Relance's internal ids.
    // (Issue 22, finding 2: each message as sent, HTML and headers included, and its outcome.)
    expect(Object.keys(messages[0] ?? {}).sort()).toEqual(
      [
        "at",
        "kind",
        "list",
        "status",
        "error",
        "outcome",
        "outcome_at",
        "from",
        "reply_to",
        "to",
        "subject",
        "headers",
        "text",
        "html",
      ].sort(),
    );
    const keys = (value: unknown): string[] =>
      Array.isArray(value)
        ? value.flatMap(keys)
        : value && typeof value === "object"
          ? Object.entries(value).flatMap(([k, v]) => [k, ...keys(v)])
          : [];
    expect(keys(data).filter((k) => k === "id" || /_id$/i.test(k) || /Id$/.test(k))).toEqual([]);
    // Without the Origin of this site, the export form is refused (it is not a link).
    const foreign = await t.request(`${preferences}/export`, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: "https://evil.example",
      },
      body: "",
    });
    expect(foreign.status).toBe(403);
  });

  test("erase everything leaves only the suppression hash", async () => {
    const { listId } = await invitedParticipants(t, bearer);
    const alice = await contactId(t, "alice@example.org");
    const { consent, preferences } = await linksInMail(t, "alice@example.org");
    await t.form(consent as string, { answer: "confirm" });
    await t.form(`${consent}/registration`, {
      name: "Alice Martin",
      site: "Jazz",
      url: "https://jazz.example.org/",
      category: "Culture",
    });
    const confirmPage = await (await get(`${preferences}/erase`)).text();
    expect(confirmPage).toContain("Oui, tout effacer");
    const res = await t.form(`${preferences}/erase`, {});
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Vos données sont effacées");
    expect(await memberState(t, listId, alice)).toBe("erased");
    const dump = JSON.stringify(await snapshot(t));
    expect(dump).toContain("bob@example.org"); // the others are still there
    expect(dump).not.toContain("alice@example.org");
    expect(dump).not.toContain("Alice Martin");
    expect(dump).not.toContain("jazz.example.org");
    expect(
      (await t.client.execute("SELECT reason FROM suppression_reasons ORDER BY id")).rows[0]
        ?.reason,
    ).toBe("erased");
    // Afterwards the link shows the erased page; a second erase changes nothing.
    const before = await snapshot(t);
    expect(await (await get(preferences as string)).text()).toContain("Vos données sont effacées");
    expect((await t.form(`${preferences}/erase`, {})).status).toBe(200);
    expect(await snapshot(t)).toEqual(before);
  });
});

describe("public subscription (double opt-in)", () => {
  async function list() {
    const res = await t.api(bearer, "POST", "/api/v1/lists", {
      slug: "newsletter",
      name: "La lettre des Nets",
      purpose: "Recevoir <la lettre> du concours.",
    });
    return ((await res.json()) as { id: number }).id;
  }
  const subscribe = (fields: Record<string, string>) =>
    t.form("/lists/newsletter/subscribe", { ...shownForm(t), ...fields }, visitor);
  const outboxCount = async () =>
    Number((await t.client.execute("SELECT count(*) AS n FROM mail_outbox")).rows[0]?.n);

  test("form, pending, confirmation mail through the pipeline (nothing while paused), confirm on POST", async () => {
    const listId = await list();
    const form = await (await get("/lists/newsletter/subscribe")).text();
    expect(form).toContain("Recevoir &lt;la lettre&gt; du concours.");
    expect(form).toMatch(/<input type="checkbox" name="consent" value="yes"(?![^>]*checked)/);

    const missing = await subscribe({ email: "new@example.org", name: "" });
    expect(missing.status).toBe(422);
    const missingHtml = await missing.text();
    expect(missingHtml).toContain('id="consent-error"');
    expect(missingHtml).toMatch(/name="consent"[^>]*aria-invalid="true"/);
    expect(missingHtml).toContain('value="new@example.org"');
    const badEmail = await subscribe({ email: "not an address", consent: "yes" });
    expect(badEmail.status).toBe(422);
    expect(await badEmail.text()).toContain('id="email-error"');
    expect((await t.client.execute("SELECT count(*) AS n FROM contacts")).rows[0]?.n).toBe(0);

    await pauseSending(t.deps, "test", "test");
    const ok = await subscribe({ email: "New@Example.org", name: "<i>Neo</i>", consent: "yes" });
    expect(ok.status).toBe(200);
    const answer = await ok.text();
    expect(answer).toContain("Vérifiez votre boîte aux lettres");
    const neo = await contactId(t, "New@example.org");
    expect(await memberState(t, listId, neo)).toBe("pending");
    expect(await eventsOf(t, neo)).toEqual([
      expect.objectContaining({ event: "subscribed", ua_family: "Firefox", actor: "participant" }),
    ]);
    // Stop means stop: the confirmation waits in the outbox while sending is paused.
    await dispatchUntilIdle(t.deps);
    expect(await outboxCount()).toBe(0);
    await resumeSending(t.deps, "test");
    await dispatchUntilIdle(t.deps);
    expect(await outboxCount()).toBe(1);
    const mail = await linksInMail(t, "New@example.org");
    expect(mail.confirm).toMatch(/^\/s\//);
    expect(mail.headers["List-Unsubscribe"]).toContain("/u/");

    // A second request within the hour answers the same and mails nothing more.
    const again = await subscribe({ email: "new@example.org", consent: "yes" });
    expect(await again.text()).toBe(answer);
    await dispatchUntilIdle(t.deps);
    expect(await outboxCount()).toBe(1);

    const before = await snapshot(t);
    const page = await get(mail.confirm as string);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Je confirme mon inscription");
    expect(await snapshot(t)).toEqual(before);
    const confirm = await t.form(mail.confirm as string, {}, visitor);
    expect(confirm.status).toBe(303);
    expect(await memberState(t, listId, neo)).toBe("confirmed");
    const confirmedPage = await (await get(mail.confirm as string)).text();
    expect(confirmedPage).toContain("Inscription confirmée");
    await t.form(mail.confirm as string, {}, visitor);
    expect((await eventsOf(t, neo)).map((e) => e.event)).toEqual(["subscribed", "confirmed"]);
    expect((await eventsOf(t, neo))[1]).toMatchObject({ ua_family: "Firefox", text_version: 1 });
    // After an hour, a confirmed address asking again gets the same answer and no mail.
    t.clock.advance(2 * 60 * 60_000);
    expect(await (await subscribe({ email: "new@example.org", consent: "yes" })).text()).toBe(
      answer,
    );
    await dispatchUntilIdle(t.deps);
    expect(await outboxCount()).toBe(1);
  });

  test("a suppressed address gets the same answer and nothing is stored or sent", async () => {
    await list();
    const fresh = await (await subscribe({ email: "a@example.org", consent: "yes" })).text();
    await suppressAddress(t.deps, "gone@example.org", "complained");
    const before = await snapshot(t);
    const res = await subscribe({ email: "gone@example.org", consent: "yes" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(fresh);
    expect(await snapshot(t)).toEqual(before);
  });

  test("an expired confirmation link says so and changes nothing; unknown or archived lists are 404", async () => {
    const listId = await list();
    await subscribe({ email: "late@example.org", consent: "yes" });
    await dispatchUntilIdle(t.deps);
    const { confirm } = await linksInMail(t, "late@example.org");
    t.clock.advance(8 * 24 * 60 * 60_000);
    const before = await snapshot(t);
    const res = await get(confirm as string, "en");
    expect(res.status).toBe(410);
    expect(await res.text()).toContain("/lists/newsletter/subscribe");
    expect((await t.form(confirm as string, {})).status).toBe(410);
    expect(await snapshot(t)).toEqual(before);
    expect((await get("/lists/nope/subscribe")).status).toBe(404);
    await t.api(bearer, "PATCH", `/api/v1/lists/${listId}`, { archived: true });
    expect((await get("/lists/newsletter/subscribe")).status).toBe(404);
  });
});
