// Real browsers: two watch a poll, one votes, and the other sees the new tally arrive without
// reloading (server-sent events), announced by the polite live region; no-JS voting still works.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { MIN_FILL_MS } from "../src/polls/bot-check";
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
    results_visibility: "always",
  });
  options = ((await res.json()) as { options: { id: number; label: string }[] }).options;
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** A visitor outside the browsers votes through the form, as a person would, after reading. */
async function voteFromElsewhere(optionId: number) {
  const visit = await fetch(`${server.url}/polls/sort-de-l-admin`);
  const cookie = (visit.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const started = /name="form_started" value="([^"]+)"/.exec(await visit.text())?.[1] ?? "";
  server.t.clock.advance(MIN_FILL_MS);
  return fetch(`${server.url}/polls/sort-de-l-admin/vote`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Origin: server.url,
      Cookie: cookie,
    },
    body: new URLSearchParams({ option: String(optionId), form_started: started }).toString(),
  });
}

test("two browsers watch a poll; one votes with htmx and the other sees it live, announced politely", async () => {
  const errors: string[] = [];
  const open = async () => {
    const context = await browser.newContext({ locale: "fr-FR" });
    const page = await context.newPage();
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${server.url}/polls/sort-de-l-admin`);
    await page.waitForFunction(() => "htmx" in window);
    return { context, page };
  };
  const [voter, watcher] = await Promise.all([open(), open()]);
  const watched = watcher.page.locator("#poll-results");
  expect(await watched.textContent()).toContain("0 vote au total");

  server.t.clock.advance(MIN_FILL_MS); // the voter reads the question first
  await voter.page.getByRole("radio", { name: "La pendaison" }).check();
  await voter.page.getByRole("button", { name: "Voter" }).click();
  await expect
    .poll(() => voter.page.locator(".notice").textContent())
    .toContain("Merci, votre vote est enregistré.");
  await expect
    .poll(() => voter.page.locator("#poll-results").textContent())
    .toContain("1 vote au total");
  expect(await voter.page.locator(".poll-choice").textContent()).toContain("La pendaison");
  expect(voter.page.url()).toBe(`${server.url}/polls/sort-de-l-admin`); // swapped in place

  // The watcher, without reloading: pushed by the stream well within the 3 s polling interval.
  await expect
    .poll(() => watched.textContent(), { timeout: 2_500, interval: 100 })
    .toContain("1 vote au total");
  const announcer = watcher.page.locator("#poll-announce");
  expect(await announcer.getAttribute("aria-live")).toBe("polite");
  await expect.poll(() => announcer.textContent()).toContain("1 vote au total");
  expect(
    await watched.getByRole("progressbar", { name: "La pendaison : 1 vote, 100 %" }).count(),
  ).toBe(1);

  expect((await voteFromElsewhere(options[0]?.id ?? 0)).status).toBe(303);
  for (const { page } of [voter, watcher]) {
    await expect
      .poll(() => page.locator("#poll-results").textContent(), { timeout: 5_000, interval: 100 })
      .toContain("2 votes au total");
  }
  const text = (await watched.textContent()) ?? "";
  expect(text).toMatch(/Le pardonner\s*50 %/);
  expect(text).toMatch(/La pendaison\s*50 %/);
  await expect.poll(() => announcer.textContent()).toContain("2 votes au total");
  expect(errors).toEqual([]);
  await Promise.all([voter.context.close(), watcher.context.close()]);
});

test("without JavaScript the form still votes (303 back to the page showing the choice)", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, locale: "en-GB" });
  const page = await context.newPage();
  await page.goto(`${server.url}/polls/sort-de-l-admin`);
  server.t.clock.advance(MIN_FILL_MS);
  await page.getByRole("radio", { name: "Le priver de café" }).check();
  await page.getByRole("button", { name: "Vote" }).click();
  await page.waitForURL(`${server.url}/polls/sort-de-l-admin`);
  expect(await page.locator(".poll-choice").textContent()).toContain("Le priver de café");
  expect(await page.locator("#poll-results").textContent()).toContain("3 votes in total");
  await context.close();
});
