// Item 2 of issue 20: the admin home is a dashboard where every number links to its page.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestApp, type TestApp } from "./helpers";
import { invitedParticipants } from "./participant-helpers";

let t: TestApp;
let cookie: string;
let listId: number;
let sendId: number;

beforeAll(async () => {
  t = await createTestApp({ SEED: "demo" });
  const bearer = await t.token();
  cookie = await t.signIn();
  ({ listId, sendId } = await invitedParticipants(t, bearer, "dash"));
}, 120_000);
afterAll(() => t.close());

const home = async () => (await t.request("/admin", { headers: { Cookie: cookie } })).text();

describe("the dashboard", () => {
  test("says sending runs, lists the consent counts with links to the filtered contacts", async () => {
    const html = await home();
    expect(html).toContain("Sending is running");
    expect(html).toContain(`href="/admin/lists/${listId}?status=invited"`);
    const demo = (await t.client.execute("SELECT id FROM lists WHERE slug = 'nets-dor-2001'"))
      .rows[0]?.id;
    expect(html).toMatch(
      new RegExp(`href="/admin/lists/${demo}\\?status=legacy"[^>]*>\\s*3,800\\s*<`),
    );
  });

  test("shows the open incident and poll of the demo, linked", async () => {
    await t.client.execute("UPDATE incidents SET resolved_at = NULL"); // the demo's is resolved
    const html = await home();
    const incident = (await t.client.execute("SELECT id FROM incidents LIMIT 1")).rows[0]?.id;
    const poll = (await t.client.execute("SELECT id FROM polls LIMIT 1")).rows[0]?.id;
    expect(html).toContain(`href="/admin/incidents/${incident}"`);
    expect(html).toContain(`href="/admin/polls/${poll}"`);
  });

  test("deliverability of the last 7 days links to its page", async () => {
    const html = await home();
    expect(html).toContain("Last 7 days");
    expect(html).toContain('href="/admin/deliverability"');
  });

  test("a send in progress shows its bar; one awaiting approval is listed by its status", async () => {
    await t.client.execute({
      sql: "UPDATE sends SET status = 'sending' WHERE id = ?",
      args: [sendId],
    });
    let html = await home();
    expect(html).toContain(`href="/admin/sends/${sendId}"`);
    expect(html).toMatch(/<progress[^>]*value="4"[^>]*max="4"/);
    await t.client.execute({
      sql: "UPDATE sends SET status = 'awaiting_approval' WHERE id = ?",
      args: [sendId],
    });
    html = await home();
    expect(html).toContain("Waiting for approval");
    expect(html).toContain(`href="/admin/sends/${sendId}"`);
  });

  test("when paused: why, by whom, and the confirmed Resume on the page", async () => {
    await t.form("/admin/sending/pause", { reason: "Reply-all storm" }, { Cookie: cookie });
    const html = await home();
    expect(html).toContain("Reply-all storm");
    expect(html).toContain('action="/admin/sending/resume"');
    await t.form("/admin/sending/resume", { confirm: "yes" }, { Cookie: cookie });
  });
});
