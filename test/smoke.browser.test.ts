import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchBrowser, startTestServer, type TestServer } from "./browser";

let browser: Browser;
let server: TestServer;

beforeAll(async () => {
  [browser, server] = await Promise.all([launchBrowser(), startTestServer()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test("the home page loads htmx and swaps the status fragment in place", async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(server.url);
  await page.waitForFunction(() => "htmx" in window);
  await page.getByRole("button", { name: "Vérifier maintenant" }).click();
  await expect
    .poll(() => page.locator("#status-result").textContent())
    .toContain("Base de données joignable");
  expect(page.url()).toBe(`${server.url}/`); // swapped in place, no navigation
  expect(errors).toEqual([]);
  await page.close();
});
