// The status subscription in a real browser: subscribe on the home page, confirm from the mail
// in the admin's Mailbox, receive an update, leave with one click. Screenshots of the forms at
// phone and desktop widths go to $TMPDIR/relance-subscriptions-*.png to be looked at.
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { MIN_FILL_MS } from "../src/polls/bot-check";
import { launchBrowser, startTestServer, type TestServer } from "./browser";
import { contactId, memberState } from "./participant-helpers";
import { dispatchUntilIdle } from "./sending-helpers";
import { createIncident, mailsTo, postUpdate } from "./subscription-helpers";

let browser: Browser;
let server: TestServer;

beforeAll(async () => {
  [browser, server] = await Promise.all([launchBrowser(), startTestServer()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The path of the first link in the Mailbox whose address contains `part` (mail links use PUBLIC_URL). */
async function linkInMailbox(page: Page, part: string) {
  const href = await page.locator(`a[href*="${part}"]`).first().getAttribute("href");
  if (!href) throw new Error(`no ${part} link in the mailbox`);
  return new URL(href).pathname;
}

test("subscribe, confirm from the Mailbox, receive an update, leave with one click", async () => {
  const t = server.t;
  const bearer = await t.token();
  const id = await createIncident(t, bearer, "api-down", { notify: false });

  const visitor = await (await browser.newContext({ locale: "en-GB" })).newPage();
  await visitor.goto(`${server.url}/`);
  t.clock.advance(MIN_FILL_MS); // a person reads the page first: a program's form is refused
  await visitor.getByLabel("Email address").fill("reader@example.org");
  await visitor.getByRole("button", { name: "Get updates" }).click();
  await expect
    .poll(() => visitor.getByRole("heading", { level: 1 }).textContent())
    .toBe("Check your inbox");
  await dispatchUntilIdle(t.deps);

  // The admin opens the confirmation mail in the Mailbox and follows its link.
  const admin = await browser.newContext({ locale: "en-GB" });
  const [name, value] = (await t.signIn()).split("=") as [string, string];
  await admin.addCookies([{ name, value, url: server.url }]);
  const mailbox = await admin.newPage();
  await mailbox.goto(`${server.url}/admin/mailbox?to=reader@example.org`);
  const confirmPath = await linkInMailbox(mailbox, "/s/");
  await visitor.goto(`${server.url}${confirmPath}`);
  await visitor.getByRole("button", { name: "I confirm my subscription" }).click();
  await expect
    .poll(() => visitor.getByRole("heading", { level: 1 }).textContent())
    .toBe("Subscription confirmed");
  const reader = await contactId(t, "reader@example.org");
  const listId = Number(
    (await t.client.execute("SELECT list_id FROM status_lists WHERE kind = 'page'")).rows[0]
      ?.list_id,
  );
  expect(await memberState(t, listId, reader)).toBe("confirmed");

  // An update reaches them, in English, through the outbox.
  expect(
    (await postUpdate(t, bearer, id, { status: "identified", body: "Trouvé.", body_en: "Found." }))
      .status,
  ).toBe(201);
  await dispatchUntilIdle(t.deps);
  await mailbox.goto(`${server.url}/admin/mailbox?to=reader@example.org`);
  await expect
    .poll(() => mailbox.getByText("Update: Outage api-down (Identified)").count())
    .toBe(1);
  const notice = (await mailsTo(t, "reader@example.org")).at(-1);
  expect(notice?.text).toContain("Found.");

  // One click: the unsubscribe link of that notice, its one button.
  const unsubscribe = /<http:\/\/[^/]+([^>]+)>/.exec(
    notice?.headers["List-Unsubscribe"] ?? "",
  )?.[1];
  await visitor.goto(`${server.url}${unsubscribe}`);
  await visitor.getByRole("button", { name: "Unsubscribe me" }).click();
  await expect.poll(() => memberState(t, listId, reader)).toBe("unsubscribed");
  await postUpdate(t, bearer, id, { status: "resolved", body: "Fini.", body_en: "Done." });
  await dispatchUntilIdle(t.deps);
  expect(await mailsTo(t, "reader@example.org")).toHaveLength(2);
});

test("screenshots of the forms at 390 and 1280 px", async () => {
  for (const width of [390, 1280]) {
    const context = await browser.newContext({ locale: "fr-FR", viewport: { width, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.screenshot({
      path: join(tmpdir(), `relance-subscriptions-home-${width}.png`),
      fullPage: true,
    });
    await page.goto(`${server.url}/incidents/api-down`);
    await page.screenshot({
      path: join(tmpdir(), `relance-subscriptions-incident-${width}.png`),
      fullPage: true,
    });
    await page.getByLabel("Adresse e-mail").fill("pas une adresse");
    await page.getByLabel("Adresse e-mail").evaluate((el) => el.removeAttribute("type"));
    await page.getByRole("button", { name: "Suivre" }).click();
    await expect.poll(() => page.locator("#email-error").count()).toBe(1);
    await page.screenshot({
      path: join(tmpdir(), `relance-subscriptions-error-${width}.png`),
      fullPage: true,
    });
    await context.close();
  }
});
