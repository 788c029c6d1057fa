// The status home in Chromium at phone and desktop widths: the strip's day text shows on focus.

import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchBrowser, startTestServer, type TestServer } from "./browser";

let server: TestServer;
let browser: Browser;
const SHOTS = process.env.STATUS_SHOTS_DIR;

beforeAll(async () => {
  server = await startTestServer({ ORG_NAME: "Les Nets d'Or" });
  const { t } = server;
  const bearer = await t.token();
  t.clock.set("2025-11-01T08:00:00.000Z");
  const components = [
    ["site-web", "Site des Nets d'Or", "Public"],
    ["votes", "Votes et sondages", "Public"],
    ["messagerie", "Messagerie", "Courrier"],
    ["liste-participants", "Liste des participants", "Courrier"],
  ];
  for (const [slug, name, group] of components) {
    await t.api(bearer, "POST", "/api/v1/components", { slug, name, group });
  }
  t.clock.set("2025-12-20T22:00:00.000Z");
  await t.api(bearer, "POST", "/api/v1/incidents", {
    slug: "envoi-massif",
    title: "Envoi massif à la liste des participants",
    title_en: "Mass mailing to the participants list",
    status: "identified",
    impact: "critical",
    body: "x",
    components: [
      { slug: "messagerie", status: "major_outage" },
      { slug: "liste-participants", status: "partial_outage" },
    ],
  });
  t.clock.set("2025-12-21T09:00:00.000Z");
  await t.api(bearer, "POST", "/api/v1/incidents/1/updates", { status: "resolved", body: "Ok." });
  t.clock.set("2026-01-15T07:00:00.000Z");
  await t.api(bearer, "POST", "/api/v1/incidents", {
    slug: "votes-lents",
    title: "Les votes sont lents",
    title_en: "Votes are slow",
    status: "investigating",
    impact: "minor",
    body: "x",
    components: [{ slug: "votes", status: "degraded" }],
  });
  await t.api(bearer, "POST", "/api/v1/maintenances", {
    title: "Mise à jour du serveur de messagerie",
    body: "Coupure d'une heure au plus.",
    starts_at: "2026-01-20T22:00:00Z",
    ends_at: "2026-01-20T23:00:00Z",
    components: ["messagerie"],
  });
  t.clock.set("2026-01-15T08:00:00.000Z");
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

for (const [width, lang] of [
  [390, "fr"],
  [1280, "en"],
] as const) {
  test(`the status home at ${width} px (${lang}): no horizontal scroll, the day text on focus`, async () => {
    const page = await browser.newPage({
      viewport: { width, height: 900 },
      extraHTTPHeaders: { "Accept-Language": lang },
    });
    await page.goto(`${server.url}/`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      width,
    );
    const cell = page.locator(".strip > li.s-major_outage").first();
    await cell.focus();
    const tip = cell.locator(".tip");
    expect((await tip.boundingBox())?.width ?? 0).toBeGreaterThan(50);
    expect(await tip.textContent()).toContain(lang === "fr" ? "Panne majeure" : "Major outage");
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/status-${width}.png`, fullPage: true });
    await page.close();
  }, 30_000);
}

for (const [width, lang] of [
  [390, "fr"],
  [1280, "en"],
] as const) {
  test(`the admin's maintenance at ${width} px (${lang}): edit and cancel forms open without horizontal scroll`, async () => {
    const cookie = await server.t.signIn();
    const [name = "", value = ""] = cookie.split("=");
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    await context.addCookies([
      { name, value, url: server.url },
      { name: "lang", value: lang, url: server.url },
    ]);
    const page = await context.newPage();
    await page.goto(`${server.url}/admin/status`);
    const item = page.locator("section li", { hasText: "Mise à jour du serveur" }).first();
    await item.locator("details summary").first().click();
    await item.locator("details summary").nth(1).click();
    await expect.poll(() => item.locator('input[name="confirm"]').isVisible()).toBe(true);
    expect(await item.locator('input[name="title"]').inputValue()).toBe(
      "Mise à jour du serveur de messagerie",
    );
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      width,
    );
    if (SHOTS)
      await page.screenshot({ path: `${SHOTS}/status-admin-${width}.png`, fullPage: true });
    await context.close();
  }, 30_000);
}
