import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchBrowser, startTestServer, type TestServer } from "./browser";

const SHOTS = "test/screenshots";
mkdirSync(SHOTS, { recursive: true });

let browser: Browser;
let server: TestServer;
let listId: number;

beforeAll(async () => {
  [browser, server] = await Promise.all([launchBrowser(), startTestServer()]);
  const t = server.t;
  const bearer = await t.token();
  const res = await t.api(bearer, "POST", "/api/v1/lists", {
    slug: "nets",
    name: "Nets",
    purpose: "News.",
  });
  listId = ((await res.json()) as { id: number }).id;
  const rows = Array.from(
    { length: 120 },
    (_, i) => `p${String(i).padStart(3, "0")}@example.org,Participant ${i}`,
  );
  await t.request(`/api/v1/lists/${listId}/imports?source=browser`, {
    method: "POST",
    headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "text/csv" },
    body: `email,name\n${rows.join("\n")}\nzed@example.org,Zed\n`,
  });
  // One erased contact, so filtering by state has something to find.
  const zed = (await t.client.execute("SELECT id FROM contacts WHERE email = 'zed@example.org'"))
    .rows[0]?.id;
  await t.api(bearer, "DELETE", `/api/v1/lists/${listId}/contacts/${zed}`);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function signedInPage(): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext();
  const [name, value] = (await server.t.signIn()).split("=") as [string, string];
  await context.addCookies([{ name, value, url: server.url }]);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(e.message));
  return { page, errors };
}

// The first cell of a row is its selection checkbox (issue 20), the address the second.
const emails = (page: Page) =>
  page.locator("table.contacts tbody tr td:nth-child(2)").allTextContents();

test("filtering and paging swap the contacts table in place and keep it in the URL", async () => {
  const { page, errors } = await signedInPage();
  const url = `${server.url}/admin/lists/${listId}`;
  await page.goto(url);
  await page.waitForFunction(() => "htmx" in window);
  expect(await page.locator("#contacts-count").textContent()).toContain("121 contacts match");
  const first = await emails(page);
  expect(first).toHaveLength(50);
  expect(first[0]).toBe("p000@example.org");

  await page.getByRole("link", { name: "Next page" }).click();
  await expect.poll(async () => (await emails(page))[0]).toBe("p050@example.org");
  // Swapped in place, and pushed to the address bar so reload and Back keep it (issue 20).
  expect(page.url()).toMatch(new RegExp(`^${url}\\?cursor=`));
  await page.getByRole("link", { name: "Next page" }).click();
  await expect.poll(async () => (await emails(page))[0]).toBe("p100@example.org");
  expect(await emails(page)).toHaveLength(21);
  await expect.poll(() => page.getByRole("link", { name: "Next page" }).count()).toBe(0);

  await page.locator('select[name="status"]').selectOption("erased");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect
    .poll(() => page.locator("#contacts-count").textContent())
    .toContain("1 contact matches this filter");
  expect(await emails(page)).toEqual(["erased"]);

  await page.locator('select[name="status"]').selectOption("");
  await page.getByLabel("Search email or name").fill("Participant 11");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect
    .poll(() => emails(page))
    .toEqual([
      "p011@example.org",
      "p110@example.org",
      "p111@example.org",
      "p112@example.org",
      "p113@example.org",
      "p114@example.org",
      "p115@example.org",
      "p116@example.org",
      "p117@example.org",
      "p118@example.org",
      "p119@example.org",
    ]);
  expect(page.url()).toBe(`${url}?status=&q=Participant+11`);
  await page.reload();
  expect(await emails(page)).toHaveLength(11);
  expect(errors).toEqual([]);
  await page.context().close();
});

test("the same filter and pager work without JavaScript", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const [name, value] = (await server.t.signIn()).split("=") as [string, string];
  await context.addCookies([{ name, value, url: server.url }]);
  const page = await context.newPage();
  await page.goto(`${server.url}/admin/lists/${listId}`);
  await page.getByRole("link", { name: "Next page" }).click();
  await page.waitForURL(/cursor=/);
  expect((await emails(page))[0]).toBe("p050@example.org");
  await page.locator('select[name="status"]').selectOption("erased");
  await page.getByRole("button", { name: "Filter" }).click();
  await page.waitForURL(/status=erased/);
  expect(await emails(page)).toEqual(["erased"]);
  await context.close();
});

test("click-to-edit: the name becomes a form, errors show inline, a save updates the row", async () => {
  const { page, errors } = await signedInPage();
  await page.goto(`${server.url}/admin/lists/${listId}?q=p003`);
  await page.waitForFunction(() => "htmx" in window);
  await page.getByRole("link", { name: "Participant 3" }).click();
  const nameInput = page.locator("tr.editing").getByLabel("Name", { exact: true });
  await expect.poll(() => nameInput.count()).toBe(1);
  await nameInput.fill("<b>Ana</b> Lopez");
  await page
    .locator("tr.editing")
    .getByLabel(/Attributes/)
    .fill("site ana.example");
  await page.getByRole("button", { name: "Save" }).click();
  await expect
    .poll(() => page.locator("tr.editing [role=alert]").textContent())
    .toContain("write each attribute as “name: value”");
  await page
    .locator("tr.editing")
    .getByLabel(/Attributes/)
    .fill("site: ana.example");
  await page.getByRole("button", { name: "Save" }).click();
  await expect.poll(() => page.locator("tr.editing").count()).toBe(0);
  const row = page.locator("table.contacts tbody tr").first();
  expect(await row.getByRole("link", { name: "<b>Ana</b> Lopez" }).count()).toBe(1); // text, not markup
  expect(await row.textContent()).toContain("ana.example");
  await page.reload();
  expect(await page.locator("table.contacts tbody tr").first().textContent()).toContain(
    "<b>Ana</b> Lopez",
  );
  expect(errors.filter((e) => !e.includes("422"))).toEqual([]);
  await page.context().close();
});

test("the upload form imports a CSV through htmx and reports in place", async () => {
  const { page, errors } = await signedInPage();
  const url = `${server.url}/admin/lists/${listId}`;
  await page.goto(url);
  await page.waitForFunction(() => "htmx" in window);
  const legacy = page.locator('strong[data-state="legacy"]');
  const before = Number((await legacy.textContent())?.replace(/,/g, ""));
  const matching = async () =>
    Number(
      /[\d,]+/
        .exec((await page.locator("#contacts-count").textContent()) ?? "")?.[0]
        ?.replace(/,/g, ""),
    );
  const matchingBefore = await matching();
  await page.getByText("Add or import contacts").click(); // folded above the table (issue 20)
  await page.getByLabel("File").setInputFiles({
    name: "new.csv",
    mimeType: "text/csv",
    buffer: Buffer.from("email;name\nnew1@example.org;New 1\nnew2@example.org;New 2\nbad;Bad\n"),
  });
  await page.getByLabel(/^Source/).fill("browser upload");
  await page.getByRole("button", { name: "Import" }).click();
  await expect
    .poll(() => page.locator("#import-result").textContent())
    .toContain("Imported 2, updated 0, 0 duplicates, 1 rejected.");
  // The counts and the table reload in place (issue 20).
  await expect
    .poll(async () => Number((await legacy.textContent())?.replace(/,/g, "")))
    .toBe(before + 2);
  await expect.poll(matching).toBe(matchingBefore + 2);
  expect(page.url()).toBe(url);
  expect(errors).toEqual([]);
  await page.context().close();
});

test("select all on this page ticks every row and the bar counts them; the action confirms", async () => {
  const { page, errors } = await signedInPage();
  await page.goto(`${server.url}/admin/lists/${listId}`);
  await page.waitForFunction(() => "htmx" in window);
  const count = page.locator("[data-selected-count] [data-count]");
  expect(await count.textContent()).toBe("0");
  await page.getByLabel("Select all on this page").check();
  await expect.poll(() => count.textContent()).toBe("50");
  expect(await page.locator('tbody input[name="id"]:checked').count()).toBe(50);
  await page.locator('tbody input[name="id"]').first().uncheck();
  await expect.poll(() => count.textContent()).toBe("49");
  expect(await page.getByLabel("Select all on this page").isChecked()).toBe(false);
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `${SHOTS}/contacts-selection-${width}.png`, fullPage: true });
    await page.locator("#contacts-count").scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/contacts-selection-bar-${width}.png` });
  }
  await page.getByRole("button", { name: "Erase selected…" }).click();
  await expect.poll(() => page.locator("h1").textContent()).toBe("Erase 49 selected contacts?");
  expect(errors).toEqual([]);
  await page.context().close();
});

test("a sort header reorders the table in place and keeps the sort in the URL", async () => {
  const { page, errors } = await signedInPage();
  await page.goto(`${server.url}/admin/lists/${listId}`);
  await page.waitForFunction(() => "htmx" in window);
  await page.getByRole("link", { name: "State" }).click();
  await expect.poll(() => page.url()).toContain("sort=state&dir=asc");
  const sorted = page.locator('th[aria-sort="ascending"]');
  await expect.poll(() => sorted.textContent()).toContain("State");
  await page.reload();
  await expect.poll(() => sorted.textContent()).toContain("State");
  expect(errors).toEqual([]);
  await page.context().close();
});
