// The owners' webhooks page in Chromium: endpoints, delivery log, "send a test event", and the
// SSRF refusal next to the field; screenshots at 390 and 1280 px (looked at before closing).

import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { deliverDueWebhooks } from "../src/webhooks-out/deliver";
import { emitEvent } from "../src/webhooks-out/service";
import { launchBrowser, startTestServer, type TestServer } from "./browser";

let browser: Browser;
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ WEBHOOK_ALLOW_PRIVATE: "1" });
  browser = await launchBrowser();
  const token = await server.t.token();
  // One endpoint that answers (the app's own health of a page), one that nobody listens on.
  await server.t.api(token, "POST", "/api/v1/webhook-endpoints", {
    url: `${server.url}/`,
    events: ["incident.*"],
  });
  await server.t.api(token, "POST", "/api/v1/webhook-endpoints", {
    url: "http://127.0.0.1:9/hook",
    events: ["*"],
  });
  await emitEvent(server.t.deps, "incident.created", { incident: { slug: "outage" } });
  await deliverDueWebhooks(server.t.deps);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test("the webhooks page: log, test button, refusal next to the field, at phone and desktop widths", async () => {
  const context = await browser.newContext();
  const [name, value] = (await server.t.signIn()).split("=") as [string, string];
  await context.addCookies([{ name, value, url: server.url }]);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${server.url}/admin/webhook-endpoints`);
  await expect(page.getByRole("heading", { name: "Outgoing webhooks" }).count()).resolves.toBe(1);
  expect(await page.locator("article").count()).toBe(2);
  await page.getByRole("button", { name: "Send a test event" }).first().click();
  await expect(page.getByRole("status").textContent()).resolves.toContain("test event is queued");
  await deliverDueWebhooks(server.t.deps);
  await page.goto(`${server.url}/admin/webhook-endpoints`);
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `/tmp/relance-webhooks-${width}.png`, fullPage: true });
  }
  await page.getByLabel(/^URL/).fill("http://user:secret@hooks.example.org/");
  await page.getByRole("checkbox", { name: "*", exact: true }).check();
  await page.getByRole("button", { name: "Register the endpoint" }).click();
  await expect(page.locator("#url-error").textContent()).resolves.toBeTruthy();
  await page.screenshot({ path: "/tmp/relance-webhooks-refused-390.png" });
  expect(errors).toEqual([]);
  await context.close();
}, 120_000);
