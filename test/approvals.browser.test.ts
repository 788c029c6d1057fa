// The approval page in Chromium: a second admin signs in, sees who asked, the counts and the
// first lines of the message, and approves with the form (CSRF by Origin, as every admin form).
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchBrowser, startTestServer, type TestServer } from "./browser";
import { listWithContacts } from "./sending-helpers";
import { addMember } from "./team-helpers";

let browser: Browser;
let server: TestServer;

beforeAll(async () => {
  browser = await launchBrowser();
  server = await startTestServer({ APPROVAL_THRESHOLD: "5", CANARY_PERCENT: "0" });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test("a second admin approves a large send from its page, at 390 and 1280 px", async () => {
  const { t } = server;
  const owner = await t.token();
  const { listId } = await listWithContacts(t, owner, 6);
  const started = await t.api(owner, "POST", `/api/v1/lists/${listId}/reconsent`, {
    deadline: "2026-03-01T00:00:00Z",
  });
  const { send_id: sendId } = (await started.json()) as { send_id: number };
  const sender = await addMember(t, owner, "sender");

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // Signed in through the login form; the session cookie handed to the browser.
  const [name = "", value = ""] = (await t.signIn(sender.email, sender.password)).split("=");
  await context.addCookies([{ name, value, url: server.url }]);
  const page = await context.newPage();
  await page.goto(`${server.url}/admin/sends/${sendId}`);
  const approval = page.locator("#approval");
  await expect(approval.textContent()).resolves.toContain("admin@test.example");
  await expect(approval.textContent()).resolves.toContain("6 recipients");
  await page.screenshot({ path: "/tmp/approvals-page-1280.png", fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: "/tmp/approvals-page-390.png", fullPage: true });
  // The approval section itself fits the phone's width (the admin bar is the layout's own).
  const width = await page.evaluate(() => document.querySelector("#approval")?.scrollWidth ?? 0);
  expect(width).toBeLessThanOrEqual(390);

  await Promise.all([
    page.waitForURL(/notice=/),
    page.click("#approval button:has-text('Approve and send')"),
  ]);
  await expect(page.locator("[data-status]").first().getAttribute("data-status")).resolves.toBe(
    "queued",
  );
  await context.close();
}, 120_000);
