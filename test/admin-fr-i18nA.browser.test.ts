// Issue 20 item 8: the admin in French (about 20 % longer than English) still fits from a phone to
// a wide screen, and the language switch in the header works from the keyboard. Screenshots land
// in test/screenshots/ (git-ignored) to be looked at.
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

async function frenchAdmin(width: number): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width, height: 900 },
    locale: "fr-FR",
    extraHTTPHeaders: { "Accept-Language": "fr-FR,fr;q=0.9" },
  });
  const [name, value] = (await server.t.signIn()).split("=") as [string, string];
  await context.addCookies([{ name, value, url: server.url }]);
  return context;
}

const OWN = ["/admin", "/admin/lists", "/admin/suppressions", "/admin/account", "/admin/admins"];

for (const width of [320, 390, 1280, 1460]) {
  test(`the French admin pages do not scroll sideways at ${width} px`, async () => {
    const context = await frenchAdmin(width);
    const page = await context.newPage();
    const wide: string[] = [];
    const list = pages.admin.find((p) => /^\/admin\/lists\/\d+$/.test(p)) as string;
    for (const path of [...OWN, list]) {
      await page.goto(`${server.url}${path}`);
      await page.waitForLoadState("networkidle");
      expect(await page.getAttribute("html", "lang"), path).toBe("fr");
      const [scroll, inner] = await page.evaluate(() => [
        document.documentElement.scrollWidth,
        window.innerWidth,
      ]);
      if (scroll > inner) wide.push(`${path}: ${scroll} > ${inner}`);
      const name = path.replace(/^\//, "").replace(/[^\w-]+/g, "_");
      await page.screenshot({ path: `${SHOTS}fr-${name}-${width}.png`, fullPage: true });
    }
    expect(wide).toEqual([]);
    await context.close();
  }, 120_000);
}

test("the language switch works from the keyboard and comes back to the same page", async () => {
  for (const width of [390, 1500]) {
    const context = await frenchAdmin(width);
    const page = await context.newPage();
    await page.goto(`${server.url}/admin/suppressions?reason=bounced`);
    const menu = page.locator("details.nav-menu > summary");
    if (await menu.isVisible()) await menu.click();
    const button = page.locator("button[lang=en]:visible");
    await button.focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getAttribute("html", "lang").catch(() => null)).toBe("en");
    expect(page.url()).toBe(`${server.url}/admin/suppressions?reason=bounced`);
    expect(await page.locator("h1").textContent()).toBe("Suppressions");
    await context.close();
  }
}, 60_000);
