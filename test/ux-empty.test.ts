// Item 7 of issue 20: empty states say what would fill them and offer the action.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestApp, type TestApp } from "./helpers";

let t: TestApp;
let cookie: string;

beforeAll(async () => {
  t = await createTestApp();
  cookie = await t.signIn();
});
afterAll(() => t.close());

const page = async (path: string) =>
  (await t.request(path, { headers: { Cookie: cookie } })).text();

describe("empty states", () => {
  test("deliverability in outbox mode says no provider reports events and links to the Mailbox", async () => {
    const html = await page("/admin/deliverability");
    expect(html).toContain("no provider reports deliveries, bounces or complaints in this mode");
    expect(html).toMatch(/<main[\s\S]*href="\/admin\/mailbox"/);
  });

  test("no send yet: the recent sends say how to start one", async () => {
    const html = await page("/admin/deliverability");
    expect(html).toContain("Nothing has been sent yet.");
    expect(html).toMatch(/Nothing has been sent yet\.[^<]*<a href="\/admin\/lists">/);
  });

  test("the dashboard with no list offers to create one", async () => {
    const html = await page("/admin");
    expect(html).toContain('href="/admin/lists/new"');
  });
});
