// A participant in a real browser: opens the invitation link, confirms, re-registers with a bad
// address first (errors in place, with htmx), fixes it, and sees the confirmation.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchBrowser, startTestServer, type TestServer } from "./browser";
import { contactId, invitedParticipants, linksInMail, memberState } from "./participant-helpers";

let browser: Browser;
let server: TestServer;
let listId: number;

beforeAll(async () => {
  [browser, server] = await Promise.all([launchBrowser(), startTestServer()]);
  const bearer = await server.t.token();
  ({ listId } = await invitedParticipants(server.t, bearer));
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test("invitation → Je confirme → re-registration with an error fixed in place → saved", async () => {
  const t = server.t;
  const { consent } = await linksInMail(t, "alice@example.org");
  const context = await browser.newContext({ locale: "fr-FR" });
  const page = await context.newPage();
  const errors: string[] = [];
  // The 422 of the invalid entry is expected; Chromium logs every non-2xx response as an error.
  page.on(
    "console",
    (m) => m.type() === "error" && !/status of 422/.test(m.text()) && errors.push(m.text()),
  );
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${server.url}${consent}`);
  await page.waitForFunction(() => "htmx" in window);

  await page.getByRole("button", { name: "Je confirme" }).click();
  await expect
    .poll(() => page.getByRole("heading", { level: 1 }).textContent())
    .toBe("Merci, votre accord est enregistré");
  expect(await memberState(t, listId, await contactId(t, "alice@example.org"))).toBe("confirmed");

  // Pre-filled from last year.
  const url = page.getByLabel("Adresse du site");
  expect(await page.getByLabel("Votre nom").inputValue()).toBe("Alice Martin");
  expect(await url.inputValue()).toBe("http://www.jazz-martin.example.org/");

  await url.fill("ftp://jazz.example.org/");
  const before = page.url();
  await page.getByRole("button", { name: "Enregistrer mon inscription" }).click();
  const error = page.locator("#url-error");
  await expect.poll(() => error.textContent()).toContain("http:// ou https://");
  expect(await url.getAttribute("aria-invalid")).toBe("true");
  expect(await url.getAttribute("aria-describedby")).toContain("url-error");
  // Swapped in place by htmx (no navigation), and the focus moved to the field in error.
  expect(page.url()).toBe(before);
  await expect
    .poll(() => page.evaluate(() => document.activeElement?.getAttribute("name")))
    .toBe("url");

  await page.getByLabel("Adresse du site").fill("https://jazz.example.org/");
  await page.getByRole("button", { name: "Enregistrer mon inscription" }).click();
  await expect
    .poll(() => page.getByRole("status").last().textContent())
    .toContain("Votre inscription est enregistrée.");
  expect(await page.locator("#url-error").count()).toBe(0);
  expect(page.url()).toBe(before);

  const stored = await t.client.execute("SELECT data FROM registrations");
  expect(JSON.parse(String(stored.rows[0]?.data))).toMatchObject({
    name: "Alice Martin",
    url: "https://jazz.example.org/",
  });
  expect(errors).toEqual([]);
  await context.close();
});

test("without JavaScript the same path works with full pages", async () => {
  const t = server.t;
  const { consent } = await linksInMail(t, "bob@example.org");
  const context = await browser.newContext({ javaScriptEnabled: false, locale: "en-GB" });
  const page = await context.newPage();
  await page.goto(`${server.url}${consent}`);
  await page.getByRole("button", { name: "I confirm" }).click();
  await page.getByLabel("Site address").fill("not a url");
  await page.getByRole("button", { name: "Save my entry" }).click();
  expect(await page.locator("#url-error").textContent()).toContain("http:// or https://");
  await page.getByLabel("Site address").fill("http://radio.example.org/");
  await page.getByRole("button", { name: "Save my entry" }).click();
  await page.waitForURL(/saved=1/);
  expect(await page.getByRole("status").last().textContent()).toContain("Your entry is saved.");
  await context.close();
});
