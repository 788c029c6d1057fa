// The bilingual campaign editor in Chromium: the versions side by side on a wide screen, stacked
// on a phone, no sideways scroll, axe clean; screenshots land in test/screenshots/ (git-ignored).
import { mkdirSync } from "node:fs";
import axe from "axe-core";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchBrowser, startTestServer, type TestServer } from "./browser";
import { listWithContacts, moveTo } from "./sending-helpers";

let browser: Browser;
let server: TestServer;
let campaignPath: string;
const SHOTS = new URL("./screenshots/", import.meta.url).pathname;

beforeAll(async () => {
  [browser, server] = await Promise.all([launchBrowser(), startTestServer()]);
  mkdirSync(SHOTS, { recursive: true });
  const { t } = server;
  const bearer = await t.token();
  const { listId, contacts } = await listWithContacts(t, bearer, 3);
  for (const id of contacts.values()) await moveTo(t.deps, listId, id, ["invited", "confirmed"]);
  const res = await t.api(bearer, "POST", "/api/v1/campaigns", {
    list_id: listId,
    subject: "Inscriptions ouvertes",
    text: "Bonjour {{name|ami}}, les inscriptions sont ouvertes.",
    versions: [
      { lang: "en", subject: "Registrations are open", text: "Hello {{name|friend}}, welcome." },
    ],
  });
  campaignPath = `/admin/campaigns/${((await res.json()) as { id: number }).id}`;
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

for (const [width, lang] of [
  [1280, "en"],
  [390, "fr"],
] as const) {
  test(`the editor at ${width} px (${lang}): versions ${width > 768 ? "side by side" : "stacked"}`, async () => {
    const context = await browser.newContext({
      viewport: { width, height: 900 },
      locale: lang,
      extraHTTPHeaders: { "Accept-Language": lang },
    });
    const [name, value] = (await server.t.signIn()).split("=") as [string, string];
    await context.addCookies([{ name, value, url: server.url }]);
    const page = await context.newPage();
    await page.goto(`${server.url}${campaignPath}`);
    // Each version is previewed in its own frame, as a recipient of that language would see it.
    const frames = page.frameLocator("iframe.mail-preview");
    await expect
      .poll(() => frames.first().locator("body").textContent())
      .toContain("Bonjour Participant 0");
    await expect
      .poll(() => frames.nth(1).locator("body").textContent())
      .toContain("Hello Participant 0");
    await page.screenshot({ path: `${SHOTS}campaign-bilingual-${width}-top.png` });
    await page.locator("details:has(form[action$='/edit']) > summary").click();
    const [main, english] = await page.locator("form[action$='/edit'] fieldset").all();
    const a = await main?.boundingBox();
    const b = await english?.boundingBox();
    await page.screenshot({ path: `${SHOTS}campaign-bilingual-${width}.png`, fullPage: true });
    if (width > 768) expect(b?.y).toBe(a?.y);
    else expect(b?.y ?? 0).toBeGreaterThan((a?.y ?? 0) + (a?.height ?? 0) - 1);
    const [scroll, inner] = await page.evaluate(() => [
      document.documentElement.scrollWidth,
      window.innerWidth,
    ]);
    expect(scroll).toBeLessThanOrEqual(inner);
    await page.evaluate(axe.source);
    const result = await page.evaluate(() =>
      (window as unknown as { axe: typeof axe }).axe.run(document, {
        runOnly: {
          type: "tag",
          values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
        },
      }),
    );
    expect(result.violations.map((v) => `${v.id}: ${v.nodes[0]?.target.join(" ")}`)).toEqual([]);
    await context.close();
  }, 60_000);
}
