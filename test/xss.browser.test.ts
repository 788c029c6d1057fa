// The injection corpus rendered through every view that shows user text, checked in Chromium:
// no script runs, no element is injected, no javascript: link exists.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchBrowser, startTestServer, type TestServer } from "./browser";
import { XSS_ALL, XSS_PAYLOADS } from "./corpus/xss";
import { ADMIN } from "./helpers";
import { listWithContacts, moveTo } from "./sending-helpers";
import { shownForm } from "./subscription-helpers";

/** More recipients than the corpus list has: only the approval test's own send waits. */
const APPROVAL_AT = XSS_PAYLOADS.length + 1;

let browser: Browser;
let server: TestServer;
let listId: number;
let campaignId: number;
let cookie: { name: string; value: string };

beforeAll(async () => {
  [browser, server] = await Promise.all([
    launchBrowser(),
    // Sends of 1 recipient or more wait for approval (the approval section); webhooks may post to
    // a hostile endpoint on this machine (its answer becomes last_error); forms may go at once.
    startTestServer({
      APPROVAL_THRESHOLD: String(APPROVAL_AT),
      WEBHOOK_ALLOW_PRIVATE: "1",
      FORM_MIN_FILL_MS: "0",
    }),
  ]);
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

// ---- The second wave's pages (issue 22, Deliver 2) ------------------------------------------

/** A webhook endpoint on this machine that answers 500 with the corpus: its body is last_error. */
async function hostileEndpoint() {
  const { createServer } = await import("node:http");
  const endpoint = createServer((_, res) => res.writeHead(500).end(XSS_ALL));
  await new Promise<void>((done) => endpoint.listen(0, "127.0.0.1", done));
  const { port } = endpoint.address() as { port: number };
  return { endpoint, url: `http://127.0.0.1:${port}/hook?q=${encodeURIComponent(XSS_ALL)}` };
}

/** An admin's page in a context signed in as the owner; every form skips the browser's checks. */
async function adminPage() {
  const context = await browser.newContext();
  await context.addCookies([{ ...cookie, url: server.url }]);
  const page = await context.newPage();
  let dialogs = 0;
  page.on("dialog", (d) => {
    dialogs++;
    void d.dismiss();
  });
  const unchecked = () =>
    page.evaluate(() => {
      for (const f of Array.from(document.forms)) f.noValidate = true;
    });
  return { context, page, unchecked, dialogs: () => dialogs };
}

test("second wave, public: incident with hostile services and its follow form, invite-only voting page, embed, share block", async () => {
  const t = server.t;
  const token = await t.token();
  const created = await t.api(token, "POST", "/api/v1/incidents", {
    slug: "xss-services",
    title: XSS_PAYLOADS[5],
    status: "investigating",
    impact: "major",
    body: XSS_ALL,
    services: XSS_PAYLOADS.map((p) => p.slice(0, 80)),
  });
  expect(created.status).toBe(201);
  const poll = await t.api(token, "POST", "/api/v1/polls", {
    slug: "xss-invite",
    question: XSS_ALL.slice(0, 200),
    options: XSS_PAYLOADS.slice(0, 10).map((p) => p.slice(0, 100)),
    audience: "list",
    list_id: listId,
  });
  expect(poll.status).toBe(201);
  const pollId = ((await poll.json()) as { id: number }).id;
  const { signInvitation } = await import("../src/polls/invitation");
  const contact = Number(
    (await t.client.execute("SELECT id FROM contacts WHERE email = 'x2@example.org'")).rows[0]?.id,
  );
  const vote = `/v/${signInvitation(t.deps.config.secretKey, { pollId, contactId: contact })}`;
  const page = await browser.newPage();
  let dialogs = 0;
  page.on("dialog", (d) => {
    dialogs++;
    void d.dismiss();
  });
  for (const path of ["/incidents/xss-services", vote, "/embed/polls/xss", "/polls/xss"]) {
    const res = await page.goto(`${server.url}${path}`);
    expect(res?.status(), path).toBe(200);
    await expectClean(page, path);
    expect(await page.textContent("body"), path).toContain("data-xss");
  }
  // The share block's snippet holds the poll's address as text, never the question as markup.
  expect(await page.locator("textarea, input[readonly], code").count()).toBeGreaterThan(0);
  // The follow and subscribe forms re-rendered with a hostile address.
  for (const [from, button] of [
    ["/incidents/xss-services", /suivre|follow/i],
    ["/", /recevoir|get updates/i],
  ] as const) {
    await page.goto(`${server.url}${from}`);
    await page.evaluate(() => {
      for (const f of Array.from(document.forms)) f.noValidate = true;
    });
    await page.locator('input[name="email"]').fill(XSS_PAYLOADS[1] ?? "");
    await page.getByRole("button", { name: button }).click();
    await page.waitForLoadState();
    await expectClean(page, `${from}: the form re-rendered with its error`);
  }
  expect(dialogs).toBe(0);
  await page.close();
});

test("second wave, admin: invitation, approval section and declare draft of a hostile send, subscribers, webhooks, two-step page", async () => {
  const t = server.t;
  const token = await t.token();
  const { endpoint, url } = await hostileEndpoint();
  try {
    const registered = await t.api(token, "POST", "/api/v1/webhook-endpoints", {
      url,
      events: ["*"],
    });
    expect(registered.status).toBe(201);
    const { emitEvent } = await import("../src/webhooks-out/service");
    const { deliverDueWebhooks } = await import("../src/webhooks-out/deliver");
    await emitEvent(t.deps, "incident.created", { incident: { slug: XSS_PAYLOADS[5] } });
    await deliverDueWebhooks(t.deps);
  } finally {
    endpoint.close();
  }
  const big = await listWithContacts(t, token, APPROVAL_AT, "xss-approval");
  for (const [email, id] of big.contacts)
    if (email.startsWith("p")) await moveTo(t.deps, big.listId, id, ["invited", "confirmed"]);
  const campaign = await t.api(token, "POST", "/api/v1/campaigns", {
    list_id: big.listId,
    subject: XSS_ALL.replaceAll("{{", "{ {").slice(0, 200),
    text: XSS_ALL.replaceAll("{{", "{ {"),
  });
  const hostileSend = ((await campaign.json()) as { id: number }).id;
  const started = await t.api(token, "POST", `/api/v1/campaigns/${hostileSend}/send`);
  const { send_id: sendId, status } = (await started.json()) as { send_id: number; status: string };
  expect(status).toBe("awaiting_approval");
  const invited = await t.api(token, "POST", "/api/v1/admins", {
    email: "new-admin@example.org",
    role: "viewer",
  });
  const inviteUrl = ((await invited.json()) as { invite_url: string }).invite_url;
  expect(
    (await t.form("/status/subscribe", { ...shownForm(t), email: "reader@example.org" })).status,
  ).toBe(200);

  const { context, page, unchecked, dialogs } = await adminPage();
  for (const path of [
    `/admin/sends/${sendId}`,
    `/admin/sends/${sendId}/declare`,
    "/admin/subscribers",
    "/admin/webhook-endpoints",
    "/admin/admins",
    "/admin/account/two-step",
    new URL(inviteUrl).pathname,
  ]) {
    const res = await page.goto(`${server.url}${path}`);
    expect(res?.status(), path).toBe(200);
    await expectClean(page, path);
  }
  await page.goto(`${server.url}/admin/sends/${sendId}`);
  expect(await page.textContent("main"), "the approval section is there").toMatch(/approv/i);
  for (const path of [
    `/admin/sends/${sendId}`,
    `/admin/sends/${sendId}/declare`,
    "/admin/webhook-endpoints",
  ]) {
    await page.goto(`${server.url}${path}`);
    expect(await page.textContent("main"), `${path} shows the payloads as text`).toContain(
      "data-xss",
    );
  }
  // Forms re-rendered with hostile input: an invitation, an endpoint URL, a two-step code.
  const refill = async (path: string, fields: Record<string, string>, submit: RegExp) => {
    await page.goto(`${server.url}${path}`);
    await unchecked();
    for (const [name, value] of Object.entries(fields))
      await page.locator(`input[name="${name}"]`).first().fill(value);
    await page.getByRole("button", { name: submit }).first().click();
    await page.waitForLoadState();
    await expectClean(page, `${path}: the form re-rendered with its error`);
  };
  await refill("/admin/admins", { email: XSS_PAYLOADS[1] ?? "" }, /invite/i);
  await refill("/admin/webhook-endpoints", { url: XSS_ALL.slice(0, 1000) }, /register/i);
  await page.goto(`${server.url}/admin/account/two-step`);
  await page.getByRole("button", { name: "Set up two-step sign-in" }).first().click();
  await page.waitForLoadState();
  await expectClean(page, "two-step: the secret and its QR code");
  await refill("/admin/account/two-step", { code: XSS_PAYLOADS[2] ?? "" }, /two-step sign-in on/i);
  expect(dialogs()).toBe(0);
  await context.close();
}, 90_000);

test("second wave, status page: hostile components, groups, maintenance and incidents on the home, embed, badge, admin, RSS and summary.json", async () => {
  const t = server.t;
  const token = await t.token();
  // Slugs are `a-z0-9-` only (422 otherwise), so the hostile text goes in names, groups, titles.
  const slugs = XSS_PAYLOADS.map((_, i) => `xss-c${i}`);
  for (const [i, p] of XSS_PAYLOADS.entries()) {
    const made = await t.api(token, "POST", "/api/v1/components", {
      slug: slugs[i],
      name: `${i} ${p}`.slice(0, 100),
      group: XSS_PAYLOADS[(i + 1) % XSS_PAYLOADS.length]?.slice(0, 100),
      description: XSS_ALL.slice(0, 500),
    });
    expect(made.status, p).toBe(201);
  }
  const now = t.deps.clock.now().getTime();
  const at = (minutes: number) => new Date(now + minutes * 60_000).toISOString();
  for (const [starts, ends] of [
    [1, 120],
    [60 * 24, 60 * 25],
  ]) {
    const maintenance = await t.api(token, "POST", "/api/v1/maintenances", {
      title: XSS_ALL.slice(0, 200),
      body: XSS_ALL,
      starts_at: at(starts ?? 0),
      ends_at: at(ends ?? 0),
      components: slugs.slice(0, 4),
      notify: false,
    });
    expect(maintenance.status).toBe(201);
  }
  const incident = await t.api(token, "POST", "/api/v1/incidents", {
    slug: "xss-components",
    title: XSS_PAYLOADS[6],
    status: "identified",
    impact: "major",
    body: XSS_ALL,
    components: slugs.map((slug) => ({ slug, status: "partial_outage" })),
  });
  expect(incident.status).toBe(201);
  // The first maintenance is in progress once the clock passes its start.
  t.clock.advance(5 * 60_000);

  const { context, page, dialogs } = await adminPage();
  for (const path of [
    "/",
    "/embed/status",
    "/incidents/xss-components",
    `/badge.svg?component=${slugs[6]}`,
    `/badge.svg?component=${encodeURIComponent(XSS_PAYLOADS[5] ?? "")}`,
    "/admin/status",
  ]) {
    const res = await page.goto(`${server.url}${path}`);
    if (!path.includes("%3C")) expect(res?.status(), path).toBe(200);
    await expectClean(page, path);
    if (path.startsWith("/badge")) continue; // an SVG document: its text is checked below
    expect(await page.textContent("body"), `${path} shows the payloads as text`).toContain(
      "data-xss",
    );
  }

  const { XMLParser, XMLValidator } = await import("fast-xml-parser");
  for (const [i, slug] of slugs.entries()) {
    const svg = await (await fetch(`${server.url}/badge.svg?component=${slug}`)).text();
    expect(XMLValidator.validate(svg), slug).toBe(true);
    expect(svg, slug).not.toMatch(/<(script|b|img|svg[^>]*onload|iframe|a)[\s>]/i);
    const text = JSON.stringify(new XMLParser({ ignoreAttributes: false }).parse(svg));
    expect(text, `${slug}: the name comes back exactly, as text`).toContain(
      JSON.stringify(`${i} ${XSS_PAYLOADS[i]}`.slice(0, 100)).slice(1, -1),
    );
  }

  const rss = await fetch(`${server.url}/incidents.rss`);
  const xml = await rss.text();
  expect(XMLValidator.validate(xml)).toBe(true);
  type Item = { title: string; description: string };
  const channel = (new XMLParser().parse(xml) as { rss: { channel: { item: Item | Item[] } } }).rss
    .channel;
  const items = ([] as Item[]).concat(channel.item);
  const hostile = items.find((item) => item.title === XSS_PAYLOADS[6]);
  expect(hostile, "the hostile title comes back exactly, as text").toBeDefined();
  for (const item of items) {
    // The description is HTML carried as text: the payloads in it are escaped HTML, never tags.
    expect(String(item.description)).not.toMatch(/<(script|b|img|svg|iframe)[\s>]/i);
    expect(String(item.description)).not.toMatch(/href="javascript:/i);
  }
  expect(xml).not.toMatch(/<(script|b|img|iframe)[\s>]/i);

  const summary = await fetch(`${server.url}/api/v2/summary.json`);
  expect(summary.headers.get("content-type")).toMatch(/^application\/json/);
  const json = JSON.stringify(await summary.json());
  for (const [i, p] of XSS_PAYLOADS.entries())
    expect(json, "each name comes back exactly").toContain(
      JSON.stringify(`${i} ${p}`.slice(0, 100)).slice(1, -1),
    );
  expect(dialogs()).toBe(0);
  await context.close();
}, 90_000);
