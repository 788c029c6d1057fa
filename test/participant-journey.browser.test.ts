// Issue 5's whole path in a real browser, from the mail in the outbox: a scanner's GET changes
// nothing; confirm, re-register, preferences, export, unsubscribe; decline and be erased; the
// one-click POST without cookies; tampered and expired links; the double opt-in form and its limit.
import { readFileSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { MIN_FILL_MS } from "../src/polls/bot-check";
import { launchBrowser, startTestServer, type TestServer } from "./browser";
import {
  contactId,
  invitedParticipants,
  linksInMail,
  memberState,
  snapshot,
} from "./participant-helpers";
import { dispatchUntilIdle } from "./sending-helpers";

let browser: Browser;
let server: TestServer;
let listId: number;

beforeAll(async () => {
  [browser, server] = await Promise.all([launchBrowser(), startTestServer()]);
  ({ listId } = await invitedParticipants(server.t, await server.t.token()));
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test("scanner GET, confirm, re-register, preferences, export, unsubscribe", async () => {
  const t = server.t;
  const links = await linksInMail(t, "alice@example.org");
  // A mail scanner pre-fetches every link: nothing changes.
  const before = await snapshot(t);
  for (const link of [links.consent, links.unsubscribe, links.preferences]) {
    expect((await fetch(`${server.url}${link}`)).status).toBe(200);
  }
  expect(await snapshot(t)).toEqual(before);

  const context = await browser.newContext({ locale: "fr-FR", acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${server.url}${links.consent}`);
  await page.getByRole("button", { name: "Je confirme" }).click();
  await expect
    .poll(() => page.getByRole("heading", { level: 1 }).textContent())
    .toBe("Merci, votre accord est enregistré");
  await page.getByLabel("Adresse du site").fill("not a url");
  await page.getByRole("button", { name: "Enregistrer mon inscription" }).click();
  await expect.poll(() => page.locator("#url-error").count()).toBe(1);
  await page.getByLabel("Adresse du site").fill("https://jazz.example.org/");
  await page.getByRole("button", { name: "Enregistrer mon inscription" }).click();
  await expect.poll(() => page.locator("#url-error").count()).toBe(0);
  const alice = await contactId(t, "alice@example.org");
  await expect
    .poll(
      async () =>
        (
          await t.client.execute({
            sql: "SELECT data FROM registrations WHERE contact_id = ?",
            args: [alice],
          })
        ).rows[0]?.data,
    )
    .toContain("https://jazz.example.org/");

  // Preferences, then the export of everything held about her.
  await page.getByRole("link", { name: "Gérer vos préférences et vos données" }).click();
  await expect
    .poll(() => page.getByRole("heading", { level: 1 }).textContent())
    .toBe("Vos préférences");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Télécharger mes données" }).click(),
  ]);
  const exported = JSON.parse(readFileSync((await download.path()) as string, "utf8")) as Record<
    string,
    unknown
  >;
  expect(JSON.stringify(exported)).toContain("alice@example.org");
  expect(JSON.stringify(exported)).toContain("confirmed");
  expect(JSON.stringify(exported)).toContain("https://jazz.example.org/");

  // Unsubscribe from the link in the mail.
  await page.goto(`${server.url}${links.unsubscribe}`);
  await page.getByRole("button", { name: "Me désabonner" }).click();
  await expect.poll(() => memberState(t, listId, alice)).toBe("unsubscribed");
  await context.close();
});

test("decline erases; one-click POST works without cookies; tampered and expired links are explained", async () => {
  const t = server.t;
  const bob = await contactId(t, "bob@example.org");
  const page = await browser.newPage({ locale: "en-GB" });
  await page.goto(`${server.url}${(await linksInMail(t, "bob@example.org")).consent}`);
  await page.getByRole("button", { name: "I decline" }).click();
  await expect.poll(() => memberState(t, listId, bob)).toBe("erased");
  const row = (
    await t.client.execute({
      sql: "SELECT email, name, attributes FROM contacts WHERE id = ?",
      args: [bob],
    })
  ).rows[0];
  expect(row).toMatchObject({ email: null, name: null, attributes: null });

  // The mail provider's RFC 8058 one-click POST: no cookie, no Origin.
  const dave = await contactId(t, "dave@example.org");
  const { unsubscribe, consent } = await linksInMail(t, "dave@example.org");
  const oneClick = await fetch(`${server.url}${unsubscribe}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: "List-Unsubscribe=One-Click",
  });
  expect(oneClick.status).toBe(200);
  expect(await memberState(t, listId, dave)).toBe("unsubscribed");

  // A tampered link: a friendly page that says what to do, nothing changed.
  const before = await snapshot(t);
  const tampered = await page.goto(`${server.url}${consent}x`);
  expect(tampered?.status()).toBe(400);
  expect(await page.textContent("main")).toMatch(/link/i);
  expect(await snapshot(t)).toEqual(before);
  // An expired invitation (after its deadline).
  t.clock.set("2026-03-02T00:00:00Z");
  const carolConsent = (await linksInMail(t, "carol@example.org")).consent;
  const expired = await page.goto(`${server.url}${carolConsent}`);
  expect([200, 410]).toContain(expired?.status());
  expect(await page.textContent("main")).toMatch(/expir/i); // in Carol's own language
  t.clock.set("2026-01-15T08:00:00Z");
  await page.close();
});

test("the subscribe form: double opt-in through the outbox, then its per-address limit", async () => {
  const t = server.t;
  const page = await browser.newPage({ locale: "fr-FR" });
  await page.goto(`${server.url}/lists/nets/subscribe`);
  t.clock.advance(MIN_FILL_MS); // a person reads the purpose first: a program's form is refused
  await page.getByLabel("Adresse e-mail").fill("erin@example.org");
  await page.getByLabel("J'accepte de recevoir ces messages, tels que décrits ci-dessus.").check();
  await page.getByRole("button", { name: "M'inscrire" }).click();
  await expect
    .poll(() => page.getByRole("heading", { level: 1 }).textContent())
    .toBe("Vérifiez votre boîte aux lettres");
  await dispatchUntilIdle(t.deps);
  const { confirm } = await linksInMail(t, "erin@example.org");
  await page.goto(`${server.url}${confirm}`);
  await page.getByRole("button", { name: "Je confirme mon inscription" }).click();
  await expect
    .poll(() => page.getByRole("heading", { level: 1 }).textContent())
    .toBe("Inscription confirmée");
  expect(await memberState(t, listId, await contactId(t, "erin@example.org"))).toBe("confirmed");

  // The same address (the browser's) may not submit the form without limit.
  let limited: Response | undefined;
  for (let i = 0; i < 15 && !limited; i++) {
    const res = await fetch(`${server.url}/lists/nets/subscribe`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: server.url },
      body: new URLSearchParams({ email: `flood${i}@example.org`, consent: "yes" }).toString(),
    });
    if (res.status === 429) limited = res;
  }
  expect(limited?.headers.get("retry-after")).toBeTruthy();
  await page.close();
});
