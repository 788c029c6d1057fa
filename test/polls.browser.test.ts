// A real browser votes, sees the results, and sees another visitor's vote arrive without reloading.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchBrowser, startTestServer, type TestServer } from "./browser";

let browser: Browser;
let server: TestServer;
let options: { id: number; label: string }[];

beforeAll(async () => {
  [browser, server] = await Promise.all([launchBrowser(), startTestServer()]);
  const token = await server.t.token();
  const res = await server.t.api(token, "POST", "/api/v1/polls", {
    slug: "sort-de-l-admin",
    question: "Que doit-on faire de lui ?",
    options: ["Le pardonner", "Le priver de café", "La pendaison"],
  });
  options = ((await res.json()) as { options: { id: number; label: string }[] }).options;
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test("vote with htmx, see the results, then see a second visitor's vote appear live", async () => {
  const context = await browser.newContext({ locale: "fr-FR" });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${server.url}/polls/sort-de-l-admin`);
  await page.waitForFunction(() => "htmx" in window);

  await page.getByRole("radio", { name: "La pendaison" }).check();
  await page.getByRole("button", { name: "Voter" }).click();

  await expect
    .poll(() => page.getByRole("status").textContent())
    .toContain("Merci, votre vote est enregistré.");
  const results = page.locator("#poll-results");
  await expect.poll(() => results.textContent()).toContain("1 vote au total");
  expect(await page.locator(".poll-choice").textContent()).toContain("La pendaison");
  expect(page.url()).toBe(`${server.url}/polls/sort-de-l-admin`); // swapped in place

  // A second visitor votes from elsewhere (their own cookie, their own form post).
  const visit = await fetch(`${server.url}/polls/sort-de-l-admin`);
  const cookie = (visit.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const second = await fetch(`${server.url}/polls/sort-de-l-admin/vote`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Origin: server.url,
      Cookie: cookie,
    },
    body: `option=${options[0]?.id}`,
  });
  expect(second.status).toBe(303);

  // No reload: the polling fragment picks the new tally up by itself.
  await expect
    .poll(() => results.textContent(), { timeout: 15_000, interval: 250 })
    .toContain("2 votes au total");
  const text = (await results.textContent()) ?? "";
  expect(text).toMatch(/Le pardonner\s*50 %/);
  expect(text).toMatch(/La pendaison\s*50 %/);
  expect(errors).toEqual([]);
  await context.close();
});

test("without JavaScript the form still votes (303 back to the page showing the choice)", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, locale: "en-GB" });
  const page = await context.newPage();
  await page.goto(`${server.url}/polls/sort-de-l-admin`);
  await page.getByRole("radio", { name: "Le priver de café" }).check();
  await page.getByRole("button", { name: "Vote" }).click();
  await page.waitForURL(`${server.url}/polls/sort-de-l-admin`);
  expect(await page.locator(".poll-choice").textContent()).toContain("Le priver de café");
  expect(await page.locator("#poll-results").textContent()).toContain("3 votes in total");
  await context.close();
});
