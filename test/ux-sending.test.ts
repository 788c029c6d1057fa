// Item 6 of issue 20: Stop and Resume stay on the page you are on, Resume asks for confirmation,
// both are audited; the pause shows once per page.
import { beforeEach, describe, expect, test } from "vitest";
import { createTestApp, ORIGIN, type TestApp } from "./helpers";

let t: TestApp;
let cookie: string;

beforeEach(async () => {
  t = await createTestApp();
  cookie = await t.signIn();
  return () => t.close();
});

const post = (path: string, fields: Record<string, string>, from?: string) =>
  t.form(path, fields, { Cookie: cookie, ...(from ? { Referer: `${ORIGIN}${from}` } : {}) });
const page = async (path: string) =>
  (await t.request(path, { headers: { Cookie: cookie } })).text();
const paused = async () =>
  ((await t.client.execute("SELECT paused FROM sending_state")).rows[0]?.paused ?? 0) === 1;
const auditActions = async () =>
  (await t.client.execute("SELECT action FROM audit_log ORDER BY id")).rows.map((r) => r.action);

describe("stop and resume", () => {
  test("stop returns to the page it was pressed on", async () => {
    const res = await post("/admin/sending/pause", { reason: "Storm" }, "/admin/lists?q=nets");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/lists?q=nets");
    expect(await paused()).toBe(true);
  });

  test("a Referer from another site is not followed", async () => {
    const res = await t.form(
      "/admin/sending/pause",
      { reason: "Storm" },
      { Cookie: cookie, Referer: "https://evil.example/x" },
    );
    expect(res.headers.get("location")).toBe("/admin/sending");
  });

  test("resume without the confirmation tick changes nothing and says why", async () => {
    await post("/admin/sending/pause", { reason: "Storm" });
    const res = await post("/admin/sending/resume", {}, "/admin/lists");
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("Tick the box to confirm");
    expect(await paused()).toBe(true);
  });

  test("resume with the tick goes back to the page and is audited like the pause", async () => {
    await post("/admin/sending/pause", { reason: "Storm" });
    const res = await post("/admin/sending/resume", { confirm: "yes" }, "/admin/mailbox");
    expect(res.headers.get("location")).toBe("/admin/mailbox");
    expect(await paused()).toBe(false);
    expect(await auditActions()).toEqual(["sending.paused", "sending.resumed"]);
  });

  test("the pause is told once on the Sends page: the header shows a short link to it", async () => {
    await post("/admin/sending/pause", { reason: "Storm" });
    const html = await page("/admin/sending");
    expect(html.match(/Sending is paused/g)).toHaveLength(1);
    const bar = await page("/admin/sending/bar");
    expect(bar).toContain('href="/admin/sending#resume"');
    expect(bar).not.toContain("Stop all sending");
  });
});
