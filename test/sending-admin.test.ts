import { beforeEach, describe, expect, test } from "vitest";
import { listOutbox } from "../src/mail/outbox-transport";
import { createTestApp, type TestApp } from "./helpers";
import { dispatchUntilIdle, listWithContacts, moveTo } from "./sending-helpers";

let t: TestApp;
let bearer: string;
let cookie: string;

beforeEach(async () => {
  t = await createTestApp();
  bearer = await t.token();
  cookie = await t.signIn();
  return () => t.close();
});

const page = async (path: string) => {
  const res = await t.request(path, { headers: { Cookie: cookie } });
  return { status: res.status, html: await res.text() };
};
const post = (path: string, fields: Record<string, string>) =>
  t.form(path, fields, { Cookie: cookie });
const statusCounts = async () =>
  (await t.client.execute("SELECT status, count(*) AS n FROM list_members GROUP BY 1")).rows.map(
    (r) => [r.status, r.n],
  );

describe("re-consent from the admin", () => {
  test("shows the numbers first and asks to type them", async () => {
    const { listId, contacts } = await listWithContacts(t, bearer, 20);
    await moveTo(t.deps, listId, contacts.get("p0@example.org") as number, ["unsubscribed"]);
    const { status, html } = await page(`/admin/lists/${listId}/reconsent`);
    expect(status).toBe(200);
    expect(html).toContain(
      "20 contacts: <strong>19</strong> will be invited; excluded: 1 unsubscribed.",
    );
    // The number to type comes on the confirmation step, once the deadline is chosen.
    const review = await post(`/admin/lists/${listId}/reconsent`, { deadline: "2026-02-01T12:00" });
    expect(review.status).toBe(200);
    expect(await review.text()).toContain("Type 19 to confirm");
  });

  test("a wrong number or a past deadline re-renders with the message and sends nothing", async () => {
    const { listId } = await listWithContacts(t, bearer, 5);
    const wrong = await post(`/admin/lists/${listId}/reconsent`, {
      deadline: "2026-02-01T12:00",
      confirm: "50",
    });
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toContain("Type the number of recipients, 5, to confirm.");
    const past = await post(`/admin/lists/${listId}/reconsent`, {
      deadline: "2025-02-01T12:00",
      confirm: "5",
    });
    expect(past.status).toBe(422);
    const html = await past.text();
    expect(html).toContain("The deadline must be in the future.");
    expect(html).toContain('value="2025-02-01T12:00"');
    const garbage = await post(`/admin/lists/${listId}/reconsent`, {
      deadline: "soon",
      confirm: "5",
    });
    expect(garbage.status).toBe(422);
    expect(await statusCounts()).toEqual([["legacy", 5]]);
  });

  test("the right number sends, then the send page shows live progress", async () => {
    const { listId } = await listWithContacts(t, bearer, 5);
    const res = await post(`/admin/lists/${listId}/reconsent`, {
      deadline: "2026-02-01T12:00",
      confirm: "5",
    });
    expect(res.status).toBe(303);
    const location = res.headers.get("location") ?? "";
    expect(location).toMatch(/^\/admin\/sends\/\d+$/);
    expect(await statusCounts()).toEqual([["invited", 5]]);
    const before = await page(location);
    expect(before.html).toContain(`hx-get="${location}/progress"`);
    expect(before.html).toContain('data-status="queued"');
    await dispatchUntilIdle(t.deps);
    const after = await page(`${location}/progress`);
    expect(after.html).toContain('data-status="done"');
    expect(after.html).not.toContain("hx-get"); // polling stops when finished
    expect((await listOutbox(t.deps.db)).length).toBe(5);
  });
});

describe("the kill switch from the admin", () => {
  test("the red button is on every admin page and stops sending; resume restarts it", async () => {
    expect((await page("/admin")).html).toContain("Stop all sending");
    expect((await post("/admin/sending/pause", { reason: "Reply-all storm" })).status).toBe(303);
    const bar = await page("/admin/sending/bar");
    expect(bar.html).toContain("Sending is paused");
    expect(bar.html).toContain("Reply-all storm");
    expect((await page("/admin/sending")).html).toContain("Resume sending");
    expect((await (await t.api(bearer, "GET", "/api/v1/sending")).json()) as object).toMatchObject({
      paused: true,
    });
    await post("/admin/sending/resume", { confirm: "yes" });
    expect((await page("/admin/sending/bar")).html).toContain("Stop all sending");
  });

  test("a pause from another site is refused (CSRF)", async () => {
    const res = await t.form(
      "/admin/sending/pause",
      { reason: "x" },
      { Cookie: cookie, Origin: "https://evil.example" },
    );
    expect(res.status).toBe(403);
  });
});

describe("campaigns from the admin", () => {
  test("bad fields re-render next to the field; nothing is saved", async () => {
    const { listId } = await listWithContacts(t, bearer, 2);
    const res = await post("/admin/campaigns", { list_id: String(listId), subject: "", text: "" });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("The subject is empty.");
    expect(html).toContain("The text is empty.");
    expect((await t.client.execute("SELECT count(*) AS n FROM campaigns")).rows[0]?.n).toBe(0);
  });

  test("preview escapes, test send goes to the admin only, the gate explains an empty audience", async () => {
    const { listId, contacts } = await listWithContacts(t, bearer, 3);
    const created = await post("/admin/campaigns", {
      list_id: String(listId),
      subject: "<script>alert(1)</script> Inscriptions",
      text: "Bonjour <b>tous</b>",
    });
    expect(created.status).toBe(303);
    const location = created.headers.get("location") ?? "";
    const view = await page(location);
    expect(view.html).not.toContain("<script>alert(1)</script>");
    expect(view.html).toContain("Nobody can receive this campaign");
    const tested = await post(`${location}/test`, {});
    // A test goes through the outbox pipeline like every message: it leaves when dispatched.
    expect(await tested.text()).toContain("A test is on its way to admin@test.example");
    await dispatchUntilIdle(t.deps);
    const mail = await listOutbox(t.deps.db);
    expect(mail.map((m) => m.to)).toEqual(["admin@test.example"]);
    expect(mail[0]?.subject).toBe("[TEST] <script>alert(1)</script> Inscriptions");

    await moveTo(t.deps, listId, contacts.get("p0@example.org") as number, [
      "invited",
      "confirmed",
    ]);
    const ready = await page(location);
    expect(ready.html).toContain(
      "3 contacts: <strong>1</strong> will receive it; excluded: 2 legacy.",
    );
    expect((await post(`${location}/send`, { confirm: "3" })).status).toBe(422);
    const sent = await post(`${location}/send`, { confirm: "1" });
    expect(sent.status).toBe(303);
    await dispatchUntilIdle(t.deps);
    expect((await listOutbox(t.deps.db, { to: "p0@example.org" })).length).toBe(1);
  });
});

test("pausing twice keeps the first reason and is audited once", async () => {
  await post("/admin/sending/pause", { reason: "first" });
  await post("/admin/sending/pause", { reason: "second" });
  const state = (await (await t.api(bearer, "GET", "/api/v1/sending")).json()) as {
    reason: string;
  };
  expect(state.reason).toBe("first");
  const audited = await t.client.execute(
    "SELECT count(*) AS n FROM audit_log WHERE action = 'sending.paused'",
  );
  expect(audited.rows[0]?.n).toBe(1);
});
