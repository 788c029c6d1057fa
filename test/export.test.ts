// Issue 22, finding 2: the personal-data export holds everything Relance keeps about the person:
// the ledger, every message as sent (HTML and headers too) with its outcome, every delivery,
// bounce and complaint event, the suppression status with its reasons, registrations and lists.
import { afterEach, beforeEach, expect, test } from "vitest";
import { createTestApp, type TestApp } from "./helpers";
import { contactId, invitedParticipants, linksInMail } from "./participant-helpers";
import { dispatchUntilIdle } from "./sending-helpers";
import { emailEvent, postWebhook, sendCampaign, WEBHOOK_SECRET } from "./webhook-helpers";

let t: TestApp;
let bearer: string;
beforeEach(async () => {
  t = await createTestApp({ RESEND_WEBHOOK_SECRET: WEBHOOK_SECRET });
  bearer = await t.token();
});
afterEach(() => t.close());

const providerIds = async (contact: number) =>
  (
    await t.client.execute({
      sql: "SELECT provider_id FROM outbox_messages WHERE contact_id = ? ORDER BY id",
      args: [contact],
    })
  ).rows.map((r) => String(r.provider_id));

test("finding 2: messages as sent with HTML, every provider event, suppression and its reasons", async () => {
  const { listId } = await invitedParticipants(t, bearer);
  const { consent, preferences } = await linksInMail(t, "alice@example.org");
  await t.form(consent as string, { answer: "confirm" });
  await t.form(`${consent}/registration`, {
    name: "Alice Martin",
    site: "Jazz",
    url: "https://jazz.example.org/",
    category: "Culture",
  });
  await sendCampaign(t, bearer, listId);
  await dispatchUntilIdle(t.deps);
  const alice = await contactId(t, "alice@example.org");
  const [invitation, campaign] = await providerIds(alice);
  expect((await postWebhook(t, emailEvent("email.delivered", invitation as string))).status).toBe(
    200,
  );
  expect((await postWebhook(t, emailEvent("email.complained", campaign as string))).status).toBe(
    200,
  );

  const res = await t.form(`${preferences}/export`, {});
  expect(res.status).toBe(200);
  const data = (await res.json()) as Record<string, unknown> & {
    messages: Record<string, unknown>[];
    delivery_events: Record<string, unknown>[];
    suppression: { suppressed: boolean; reasons: Record<string, unknown>[] };
  };
  expect(data.format).toBe(2);
  expect(data.messages.map((m) => m.kind)).toEqual(["reconsent", "campaign"]);
  for (const m of data.messages) {
    expect(String(m.html)).toContain("<");
    expect(m.headers).toMatchObject({
      "List-Unsubscribe": expect.stringMatching(/^<http.*\/u\//),
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    });
    expect(m).toMatchObject({
      to: "alice@example.org",
      from: t.deps.config.mail.from,
      reply_to: t.deps.config.mail.replyTo,
    });
  }
  expect(data.messages[0]).toMatchObject({ outcome: "delivered" });
  expect(data.messages[1]).toMatchObject({ outcome: "complained" });
  expect(data.delivery_events.map((e) => [e.type, e.message])).toEqual([
    ["email.delivered", 0],
    ["email.complained", 1],
  ]);
  expect(data.delivery_events[1]?.payload).toMatchObject({ type: "email.complained" });
  expect(data.suppression.suppressed).toBe(true);
  expect(data.suppression.reasons).toEqual([
    expect.objectContaining({
      reason: "complained",
      list: null,
      at: expect.any(String),
      source: expect.any(String),
    }),
  ]);
  expect((data.lists as Record<string, unknown>[])[0]).toMatchObject({ status: "complained" });
  expect((data.consent_history as { event: string }[]).map((e) => e.event)).toEqual([
    "imported",
    "invited",
    "confirmed",
    "complained",
  ]);
  expect(data.registrations as unknown[]).toHaveLength(1);
  expect(data.poll_invitations).toEqual([]);
});

test("finding 2: a person never suppressed says so, with no reason", async () => {
  await invitedParticipants(t, bearer);
  const { preferences } = await linksInMail(t, "bob@example.org");
  const data = (await (await t.form(`${preferences}/export`, {})).json()) as {
    suppression: unknown;
    delivery_events: unknown[];
  };
  expect(data.suppression).toEqual({ suppressed: false, since: null, reasons: [] });
  expect(data.delivery_events).toEqual([]);
});
