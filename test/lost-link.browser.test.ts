// The "lost your link?" pages in a real browser, on a phone and a wide screen: the form from the
// subscribe page, its error, its answer, and a broken link leading to it. No page scrolls
// sideways, axe finds nothing, and the screenshots land in test/screenshots/ to be looked at.
import { mkdirSync } from "node:fs";
import axe from "axe-core";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { MIN_FILL_MS } from "../src/polls/bot-check";
import { launchBrowser, startTestServer, type TestServer } from "./browser";
import { listWithContacts } from "./sending-helpers";

let browser: Browser;
let server: TestServer;
const SHOTS = new URL("./screenshots/", import.meta.url).pathname;

beforeAll(async () => {
  [browser, server] = await Promise.all([launchBrowser(), startTestServer()]);
  await listWithContacts(server.t, await server.t.token(), 1);
  mkdirSync(SHOTS, { recursive: true });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Checks the page as it stands: no sideways scroll, no axe violation; then its screenshot. */
async function looked(page: Page, name: string, width: number) {
  const [scroll, inner] = await page.evaluate(() => [
    document.documentElement.scrollWidth,
    window.innerWidth,
  ]);
  expect(scroll, name).toBeLessThanOrEqual(inner);
  await page.evaluate(axe.source);
  const result = await page.evaluate(() =>
    (window as unknown as { axe: typeof axe }).axe.run(document, {
      runOnly: {
        type: "tag",
        values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
      },
    }),
  );
  expect(
    result.violations.map((v) => `${name}: ${v.id}`),
    name,
  ).toEqual([]);
  await page.screenshot({ path: `${SHOTS}lost-link-${name}-${width}.png`, fullPage: true });
}

for (const width of [390, 1280]) {
  test(`from the subscribe page to the answer, and from a broken link, at ${width} px`, async () => {
    const context = await browser.newContext({
      viewport: { width, height: 900 },
      locale: width === 390 ? "en-GB" : "fr-FR",
    });
    const page = await context.newPage();
    await page.goto(`${server.url}/lists/nets/subscribe`);
    await page.locator('a[href="/lists/nets/lost-link"]').click();
    await page.waitForURL(/\/lists\/nets\/lost-link$/);
    await looked(page, "form", width);

    server.t.clock.advance(MIN_FILL_MS);
    await page.locator('input[name="email"]').fill("not an address");
    await page.locator('button[type="submit"]').last().click();
    await page.waitForLoadState("networkidle");
    expect(await page.locator("#email-error").isVisible()).toBe(true);
    await looked(page, "error", width);

    server.t.clock.advance(MIN_FILL_MS);
    await page.locator('input[name="email"]').fill("p0@example.org");
    await page.locator('button[type="submit"]').last().click();
    await page.waitForLoadState("networkidle");
    expect(await page.locator('[role="status"]').textContent()).toMatch(/minutes/);
    await looked(page, "sent", width);

    await page.goto(`${server.url}/p/not-a-link`);
    await looked(page, "broken", width);
    await page.locator('a[href="/lost-link"]').click();
    await page.waitForURL(/\/lost-link$/);
    await looked(page, "any", width);
    await context.close();
  }, 120_000);
}
