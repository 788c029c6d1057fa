// Canary sends: a large send goes first to a random slice, holds, and is judged on the slice's own
// outcomes (bounces injected through the webhook path): it pauses and calls nobody more, or goes on.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { type FakeResend, startFakeResend } from "./fake-resend";
import type { TestApp } from "./helpers";
import { dispatchUntilIdle, listWithContacts, moveTo, resendTestApp } from "./sending-helpers";
import { bounceEvent, postWebhook, WEBHOOK_SECRET } from "./webhook-helpers";

let fake: FakeResend;
let t: TestApp;
let bearer: string;

beforeAll(async () => {
  fake = await startFakeResend();
});
afterAll(() => fake.stop());

beforeEach(async () => {
  t = await resendTestApp(fake, {
    RESEND_WEBHOOK_SECRET: WEBHOOK_SECRET,
    SEND_BATCH_SIZE: "2",
    APPROVAL_THRESHOLD: "off",
    CANARY_MIN_RECIPIENTS: "20",
    CANARY_PERCENT: "5",
    CANARY_HOLD_MINUTES: "30",
  });
  bearer = await t.token();
  return () => t.close();
});

const MINUTE = 60_000;
type SendJson = {
  status: string;
  sent: number;
  stop_reason: string | null;
  canary_hold_until: string | null;
};

/** A campaign to `n` confirmed contacts, started: its send id. */
async function startCampaign(n: number) {
  const { listId, contacts } = await listWithContacts(t, bearer, n);
  for (const id of contacts.values()) await moveTo(t.deps, listId, id, ["invited", "confirmed"]);
  const created = await t.api(bearer, "POST", "/api/v1/campaigns", {
    list_id: listId,
    subject: "Inscriptions",
    text: "Bonjour {{name}}",
  });
  const { id } = (await created.json()) as { id: number };
  const sent = await t.api(bearer, "POST", `/api/v1/campaigns/${id}/send`);
  return ((await sent.json()) as { send_id: number }).send_id;
}

const send = async (id: number) =>
  (await (await t.api(bearer, "GET", `/api/v1/sends/${id}`)).json()) as SendJson;

const providerIds = async (sendId: number) =>
  (
    await t.client.execute({
      sql: "SELECT provider_id FROM outbox_messages WHERE send_id = ? AND status = 'sent'",
      args: [sendId],
    })
  ).rows.map((r) => String(r.provider_id));

describe("a canary send", () => {
  test("goes first to one batch at random, holds, and pauses when its own bounces exceed the threshold", async () => {
    const id = await startCampaign(24);
    await dispatchUntilIdle(t.deps);
    expect(fake.delivered).toHaveLength(2);
    const held = await send(id);
    expect(held.status).toBe("canary_hold");
    expect(held.canary_hold_until).toBe("2026-01-15T08:30:00.000Z");

    const [bounced] = await providerIds(id);
    const res = await postWebhook(t, bounceEvent(bounced as string, "Permanent"));
    expect(res.status).toBe(200);
    t.clock.advance(10 * MINUTE);
    await dispatchUntilIdle(t.deps);
    expect(fake.delivered).toHaveLength(2); // still holding

    t.clock.advance(21 * MINUTE);
    await dispatchUntilIdle(t.deps);
    const paused = await send(id);
    expect(paused.status).toBe("paused");
    expect(paused.stop_reason).toContain("canary");
    expect(paused.stop_reason).toContain("1 hard bounces");
    const audited = await t.client.execute(
      "SELECT count(*) AS n FROM audit_log WHERE action = 'send.canary_paused'",
    );
    expect(Number(audited.rows[0]?.n)).toBe(1);
    t.clock.advance(60 * MINUTE);
    await dispatchUntilIdle(t.deps);
    expect(fake.delivered).toHaveLength(2); // the rest is never called

    const page = await t.request(`/admin/sends/${id}`, { headers: { Cookie: await t.signIn() } });
    const html = await page.text();
    expect(html).toContain("canary");
    expect(html).toContain("1 hard bounces");
  });

  test("a clean canary goes on after the hold, to everyone else", async () => {
    const id = await startCampaign(24);
    await dispatchUntilIdle(t.deps);
    expect(fake.delivered).toHaveLength(2);
    const page = await t.request(`/admin/sends/${id}`, { headers: { Cookie: await t.signIn() } });
    expect(await page.text()).toContain('data-canary-hold-until="2026-01-15T08:30:00.000Z"');
    t.clock.advance(30 * MINUTE);
    await dispatchUntilIdle(t.deps);
    expect(fake.delivered).toHaveLength(24);
    expect((await send(id)).status).toBe("done");
    const recipients = new Set(fake.delivered.map((m) => String(m.to)));
    expect(recipients.size).toBe(24);
  });
});
