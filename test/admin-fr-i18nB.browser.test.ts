// Issue 20 item 8: French runs about 20 % longer than English; the sending, polls, incidents,
// deliverability, status, webhooks and subscribers admin pages must still fit a phone and a
// desktop in French. Screenshots land in test/screenshots/ (git-ignored) to be looked at.
import { mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchBrowser, startTestServer, type TestServer } from "./browser";
import { storyPages } from "./ux-pages";

let browser: Browser;
let server: TestServer;
let paths: string[];
const SHOTS = new URL("./screenshots/", import.meta.url).pathname;

beforeAll(async () => {
  [browser, server] = await Promise.all([launchBrowser(), startTestServer({ SEED: "demo" })]);
  const story = await storyPages(server);
  const send = story.admin.find((p) => /^\/admin\/sends\/\d+$/.test(p)) as string;
  paths = [
    ...story.admin.filter((p) =>
      /^\/admin\/(sending|sends\/|deliverability|inbound|polls|incidents)|\/reconsent$/.test(p),
    ),
    `${send}/declare`,
    "/admin/status",
    "/admin/webhook-endpoints",
    "/admin/subscribers",
  ];
  mkdirSync(SHOTS, { recursive: true });
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const shotName = (path: string, width: number) =>
  `fr-${path
    .replace(/^\//, "")
    .replace(/[^\w-]+/g, "_")
    .slice(0, 60)}-${width}.png`;

for (const width of [390, 1280]) {
  test(`the French admin pages fit ${width} px without scrolling sideways`, async () => {
    const context = await browser.newContext({
      viewport: { width, height: 900 },
      locale: "fr-FR",
    });
    const [name, value] = (await server.t.signIn()).split("=") as [string, string];
    await context.addCookies([{ name, value, url: server.url }]);
    const page = await context.newPage();
    const wide: string[] = [];
    for (const path of paths) {
      const res = await page.goto(`${server.url}${path}`);
      expect(res?.status(), path).toBe(200);
      expect(await page.getAttribute("html", "lang"), path).toBe("fr");
      const [scroll, inner] = await page.evaluate(() => [
        document.documentElement.scrollWidth,
        window.innerWidth,
      ]);
      if (scroll > inner) wide.push(`${path}: ${scroll} > ${inner}`);
      await page.screenshot({ path: SHOTS + shotName(path, width), fullPage: true });
    }
    await context.close();
    expect(wide).toEqual([]);
  }, 120_000);
}
