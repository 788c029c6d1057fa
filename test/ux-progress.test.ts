// Item 6 of issue 20: honest progress. Rate and time left over the last 30 s (no start-up
// spike, seconds under a minute, nothing once finished); `paused` in the sends table.
import { beforeEach, describe, expect, test } from "vitest";
import { createTestApp, type TestApp } from "./helpers";
import { listWithContacts } from "./sending-helpers";

let t: TestApp;
let cookie: string;
let sendId: number;

beforeEach(async () => {
  t = await createTestApp();
  const bearer = await t.token();
  cookie = await t.signIn();
  const { listId } = await listWithContacts(t, bearer, 300);
  const res = await t.api(bearer, "POST", `/api/v1/lists/${listId}/reconsent`, {
    deadline: "2026-03-01T00:00:00Z",
  });
  sendId = ((await res.json()) as { send_id: number }).send_id;
  return () => t.close();
});

/** Marks `n` queued messages sent at the clock's current time, as the dispatcher would. */
async function sendSome(n: number) {
  await t.client.execute({
    sql: `UPDATE outbox_messages SET status = 'sent', updated_at = ?
          WHERE id IN (SELECT id FROM outbox_messages WHERE send_id = ? AND status = 'queued' ORDER BY id LIMIT ?)`,
    args: [t.clock.now().toISOString(), sendId, n],
  });
  await t.client.execute({
    sql: "UPDATE sends SET status = 'sending' WHERE id = ?",
    args: [sendId],
  });
}

const progress = async () =>
  (await t.request(`/admin/sends/${sendId}/progress`, { headers: { Cookie: cookie } })).text();
const figure = (html: string, term: string) =>
  new RegExp(`<dt>${term}</dt><dd>([^<]*)</dd>`).exec(html)?.[1];

describe("rate and time left", () => {
  test("no spike at start: the first seconds measure instead of guessing", async () => {
    t.clock.advance(500);
    await sendSome(100);
    const html = await progress();
    expect(figure(html, "Rate")).toBe("measuring…");
    expect(figure(html, "Time left")).toBe("measuring…");
  });

  test("over the last 30 s only, and seconds when under a minute", async () => {
    await sendSome(100); // long ago: outside the window
    t.clock.advance(120_000);
    await sendSome(60);
    t.clock.advance(20_000);
    await sendSome(60);
    t.clock.advance(10_000);
    const html = await progress();
    // 120 sent in the last 30 s: 4 a second; 80 left: 20 s.
    expect(figure(html, "Rate")).toBe("4.0 messages/s");
    expect(figure(html, "Time left")).toBe("about 20 s");
  });

  test("paused: shown as paused, in the sends table too, with no time left", async () => {
    t.clock.advance(10_000);
    await sendSome(100);
    await t.form("/admin/sending/pause", { reason: "Storm" }, { Cookie: cookie });
    const html = await progress();
    expect(html).toContain('data-status="paused"');
    expect(figure(html, "Time left")).toBe("—");
    const table = await (await t.request("/admin/sending", { headers: { Cookie: cookie } })).text();
    expect(table).toMatch(new RegExp(`#${sendId}</a></td><td>reconsent</td><td>paused</td>`));
  });

  test("finished: no rate, no time left", async () => {
    t.clock.advance(10_000);
    await sendSome(300);
    await t.client.execute({
      sql: "UPDATE sends SET status = 'done' WHERE id = ?",
      args: [sendId],
    });
    const html = await progress();
    expect(html).not.toContain("<dt>Rate</dt>");
    expect(html).not.toContain("<dt>Time left</dt>");
  });
});
