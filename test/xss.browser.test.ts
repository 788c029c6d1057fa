// The injection corpus rendered through every view that shows user text, checked in Chromium:
// no script runs, no element is injected, no javascript: link exists.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchBrowser, startTestServer, type TestServer } from "./browser";
import { XSS_ALL, XSS_PAYLOADS } from "./corpus/xss";
import { ADMIN } from "./helpers";

let browser: Browser;
let server: TestServer;
let listId: number;
let campaignId: number;
let cookie: { name: string; value: string };

beforeAll(async () => {
  [browser, server] = await Promise.all([launchBrowser(), startTestServer()]);
  const t = server.t;
  const token = await t.token();
  const list = await t.api(token, "POST", "/api/v1/lists", {
    slug: "xss",
    name: XSS_ALL.slice(0, 200),
    purpose: XSS_ALL,
  });
  listId = ((await list.json()) as { id: number }).id;
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const csv = [
    "email,name,site,notes",
    ...XSS_PAYLOADS.map(
      (p, i) => `x${i}@example.org,${quote(p)},${quote(p)},${quote(XSS_ALL.slice(0, 900))}`,
    ),
  ].join("\n");
  const imported = await t.request(
    `/api/v1/lists/${listId}/imports?source=${encodeURIComponent(XSS_PAYLOADS[1] ?? "")}`,
    {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "text/csv" },
      body: csv,
    },
  );
  expect(imported.status).toBe(200);
  // `{{…}}` is a merge tag in a campaign, and an unknown one is refused: the template-injection
  // payload goes in as text, with a space between its braces.
  const asText = XSS_ALL.replaceAll("{{", "{ {");
  const campaign = await t.api(token, "POST", "/api/v1/campaigns", {
    list_id: listId,
    subject: asText.replace(/\n/g, " ").slice(0, 200),
    text: asText,
  });
  expect(campaign.status).toBe(201);
  campaignId = ((await campaign.json()) as { id: number }).id;
  expect(
    (
      await t.api(token, "POST", "/api/v1/incidents", {
        slug: "xss",
        title: XSS_ALL.slice(0, 200),
        status: "investigating",
        impact: "minor",
        body: XSS_ALL,
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await t.api(token, "POST", "/api/v1/polls", {
        slug: "xss",
        question: XSS_ALL.slice(0, 200),
        options: XSS_PAYLOADS.slice(0, 10).map((p) => p.slice(0, 100)),
      })
    ).status,
  ).toBe(201);
  const session = await t.signIn();
  const [name = "", value = ""] = session.split("=");
  cookie = { name, value };
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function expectClean(page: Page, what: string) {
  const found = await page.evaluate(() => ({
    ran: (window as { __xss?: unknown }).__xss !== undefined,
    injected: document.querySelectorAll("[data-xss]").length,
    jsLinks: Array.from(document.querySelectorAll("a[href]")).filter((a) =>
      /^\s*javascript:/i.test(a.getAttribute("href") ?? ""),
    ).length,
  }));
  expect(found, what).toEqual({ ran: false, injected: 0, jsLinks: 0 });
}

test("public pages: incident (Markdown), poll, home", async () => {
  const page = await browser.newPage();
  let dialogs = 0;
  page.on("dialog", (d) => {
    dialogs++;
    void d.dismiss();
  });
  for (const path of ["/incidents/xss", "/polls/xss", "/", "/incidents.atom"]) {
    await page.goto(`${server.url}${path}`);
    if (path.endsWith(".atom")) continue; // served as XML: checked below as text
    await expectClean(page, path);
    if (path !== "/") expect(await page.textContent("main"), path).toContain("data-xss");
  }
  const atom = await (await fetch(`${server.url}/incidents.atom`)).text();
  expect(atom).not.toContain("<script>");
  expect(atom).not.toMatch(/<b data-xss/);
  expect(dialogs).toBe(0);
  await page.close();
});

test("admin pages: list, contacts, campaign preview, mailbox, audit, login errors", async () => {
  const context = await browser.newContext();
  await context.addCookies([{ ...cookie, url: server.url }]);
  const page = await context.newPage();
  for (const path of [
    `/admin/lists/${listId}`,
    `/admin/lists/${listId}?q=${encodeURIComponent(XSS_PAYLOADS[0] ?? "")}`,
    "/admin/lists",
    `/admin/campaigns/${campaignId}`,
    "/admin/campaigns",
    `/admin/mailbox?to=${encodeURIComponent(XSS_PAYLOADS[1] ?? "")}`,
    "/admin/audit",
    "/admin/incidents",
    "/admin/polls",
  ]) {
    const res = await page.goto(`${server.url}${path}`);
    expect(res?.status(), path).toBe(200);
    await expectClean(page, path);
    // The payloads are there, as text.
    if (path === `/admin/lists/${listId}`)
      expect(await page.textContent("main")).toContain('<b data-xss="1">');
  }
  // The campaign preview frame is sandboxed: even its own document runs nothing.
  const frame = page.frameLocator("iframe.mail-preview");
  expect(await frame.locator("[data-xss]").count()).toBe(0);
  await context.close();

  const anonymous = await browser.newPage();
  await anonymous.goto(`${server.url}/admin/login`);
  await anonymous.fill('input[name="email"]', XSS_PAYLOADS[1] ?? "");
  await anonymous.fill('input[name="password"]', "wrong");
  await anonymous.click('button[type="submit"]');
  await anonymous.waitForLoadState();
  await expectClean(anonymous, "login error re-render");
  expect(ADMIN.email).toBeTruthy();
  await anonymous.close();
});

test("participant pages: consent, re-registration pre-filled from hostile attributes, preferences, unsubscribe", async () => {
  const { signToken } = await import("../src/tokens");
  const t = server.t;
  const token = await t.token();
  const deadline = "2026-12-31T00:00:00Z";
  const sent = (await (
    await t.api(token, "POST", `/api/v1/lists/${listId}/reconsent`, { deadline })
  ).json()) as { send_id: number };
  const contact = Number(
    (await t.client.execute("SELECT id FROM contacts WHERE email = 'x1@example.org'")).rows[0]?.id,
  );
  const secret = t.deps.config.secretKey;
  const consent = await signToken(secret, {
    p: "consent",
    c: contact,
    l: listId,
    s: sent.send_id,
    e: Date.parse(deadline),
  });
  const page = await browser.newPage();
  await page.goto(`${server.url}/c/${consent}`);
  await expectClean(page, "/c/ consent page");
  await page.getByRole("button", { name: "Je confirme" }).click();
  await page.waitForLoadState();
  await expectClean(page, "/c/ after confirming (re-registration form pre-filled)");
  for (const path of [
    `/p/${await signToken(secret, { p: "preferences", c: contact })}`,
    `/u/${await signToken(secret, { p: "unsubscribe", c: contact, l: listId })}`,
    `/lists/xss/subscribe`,
  ]) {
    await page.goto(`${server.url}${path}`);
    await expectClean(page, path);
  }
  await page.close();
});
