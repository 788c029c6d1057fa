// Item 1 of issue 20: no admin, public or participant page scrolls sideways, from a phone to a
// wide screen; screenshots of each land in test/screenshots/ (git-ignored) to be looked at.
import { mkdirSync } from "node:fs";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchBrowser, startTestServer, type TestServer } from "./browser";
import { type StoryPages, storyPages } from "./ux-pages";

let browser: Browser;
let server: TestServer;
let pages: StoryPages;
const SHOTS = new URL("./screenshots/", import.meta.url).pathname;

beforeAll(async () => {
  [browser, server] = await Promise.all([launchBrowser(), startTestServer({ SEED: "demo" })]);
  pages = await storyPages(server);
  mkdirSync(SHOTS, { recursive: true });
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function adminContext(width: number): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const [name, value] = (await server.t.signIn()).split("=") as [string, string];
  await context.addCookies([{ name, value, url: server.url }]);
  return context;
}

const shotName = (path: string, width: number) =>
  `${
    path
      .replace(/^\//, "")
      .replace(/[^\w-]+/g, "_")
      .slice(0, 60) || "home"
  }-${width}.png`;

/** Pages wider than the window, as "path: scrollWidth > innerWidth". */
async function overflowing(context: BrowserContext, paths: string[], width: number) {
  const page = await context.newPage();
  const wide: string[] = [];
  for (const path of paths) {
    const res = await page.goto(`${server.url}${path}`);
    expect(res?.status(), path).toBeLessThan(400);
    await page.waitForLoadState("networkidle");
    const [scroll, inner] = await page.evaluate(() => [
      document.documentElement.scrollWidth,
      window.innerWidth,
    ]);
    if (scroll > inner) wide.push(`${path}: ${scroll} > ${inner}`);
    if (width !== 1920)
      await page.screenshot({ path: SHOTS + shotName(path, width), fullPage: true });
  }
  await page.close();
  return wide;
}

for (const width of [390, 1280, 1920]) {
  test(`no admin page scrolls sideways at ${width} px`, async () => {
    const context = await adminContext(width);
    expect(await overflowing(context, pages.admin, width)).toEqual([]);
    await context.close();
  }, 120_000);

  test(`no public or participant page scrolls sideways at ${width} px`, async () => {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    expect(await overflowing(context, pages.public, width)).toEqual([]);
    await context.close();
  }, 120_000);
}

test("the navigation collapses into a menu on a phone and Stop all sending stays in view", async () => {
  const context = await adminContext(320);
  const page = await context.newPage();
  await page.goto(`${server.url}/admin/lists`);
  const stop = page.getByRole("button", { name: "Stop all sending" });
  await expect.poll(() => stop.isVisible()).toBe(true);
  expect(await page.getByRole("link", { name: "Audit log" }).isVisible()).toBe(false);
  await page.locator("details.nav-menu > summary").click();
  expect(await page.getByRole("link", { name: "Audit log" }).isVisible()).toBe(true);
  await page.mouse.wheel(0, 3000);
  expect(await stop.isVisible()).toBe(true);
  await context.close();
});
