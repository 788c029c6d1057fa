// Item 10 of issue 20: axe-core on every page of the story, zero violations allowed, on a wide
// screen and on a phone (where the navigation is the folded menu).
import axe from "axe-core";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchBrowser, startTestServer, type TestServer } from "./browser";
import { type StoryPages, storyPages } from "./ux-pages";

let browser: Browser;
let server: TestServer;
let pages: StoryPages;

beforeAll(async () => {
  [browser, server] = await Promise.all([launchBrowser(), startTestServer({ SEED: "demo" })]);
  pages = await storyPages(server);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function context(width: number, signedIn: boolean): Promise<BrowserContext> {
  const ctx = await browser.newContext({ viewport: { width, height: 900 } });
  if (signedIn) {
    const [name, value] = (await server.t.signIn()).split("=") as [string, string];
    await ctx.addCookies([{ name, value, url: server.url }]);
  }
  return ctx;
}

/** Each violation as "path: rule (target, …)". */
async function violations(ctx: BrowserContext, paths: string[]) {
  const page = await ctx.newPage();
  const found: string[] = [];
  for (const path of paths) {
    await page.goto(`${server.url}${path}`);
    await page.waitForLoadState("networkidle");
    // Evaluated through the DevTools protocol, so the page's CSP does not apply to it.
    await page.evaluate(axe.source);
    const result = await page.evaluate(() =>
      (window as unknown as { axe: typeof axe }).axe.run(document, {
        runOnly: {
          type: "tag",
          values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
        },
      }),
    );
    for (const v of result.violations) {
      const targets = v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(" "))
        .join(", ");
      found.push(`${path}: ${v.id} (${targets})`);
    }
  }
  await page.close();
  return found;
}

for (const width of [1280, 390]) {
  test(`axe finds nothing on the admin pages at ${width} px`, async () => {
    const ctx = await context(width, true);
    expect(await violations(ctx, pages.admin)).toEqual([]);
    await ctx.close();
  }, 180_000);

  test(`axe finds nothing on the public and participant pages at ${width} px`, async () => {
    const ctx = await context(width, false);
    expect(await violations(ctx, pages.public)).toEqual([]);
    await ctx.close();
  }, 180_000);
}
