// POST /webhooks/resend with real Svix signatures: refusals change nothing, each event type has
// its effect, a replay has none, and bounces alone trip the breaker.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { eraseContact } from "../src/erasure/service";
import { runPeriodicJobs } from "../src/jobs";
import { erasedEventBody } from "../src/webhooks/service";
import { type FakeResend, startFakeResend } from "./fake-resend";
import { createTestApp, type TestApp } from "./helpers";
import { snapshot as everyRow } from "./participant-helpers";
import { dispatchUntilIdle, listWithContacts } from "./sending-helpers";
import {
  bounceEvent,
  campaignReport,
  clockSeconds,
  emailEvent,
  newSvixId,
  postWebhook,
  type SentMessage,
  sentCampaign,
  svixSignature,
  WEBHOOK_SECRET,
} from "./webhook-helpers";

let fake: FakeResend;
let t: TestApp;
let bearer: string;

beforeAll(async () => {
  fake = await startFakeResend();
});
afterAll(() => fake.stop());

const resendEnv = () => ({
  MAIL_TRANSPORT: "resend",
  MAIL_REPLY_TO: "equipe@netsdor.example",
  RESEND_API_KEY: fake.apiKey,
  RESEND_BASE_URL: fake.url,
  RESEND_WEBHOOK_SECRET: WEBHOOK_SECRET,
  SEND_BATCH_SIZE: "50",
});

beforeEach(async () => {
  fake.reset();
  t = await createTestApp(resendEnv());
  bearer = await t.token();
  return () => t.close();
});

const DAY = 24 * 60 * 60_000;

const count = async (sql: string, args: (string | number)[] = []) =>
  Number((await t.client.execute({ sql, args })).rows[0]?.n);
const storedEvents = () => count("SELECT count(*) AS n FROM webhook_events");
const consentEvents = () => count("SELECT count(*) AS n FROM consent_events");
const suppressions = () => count("SELECT count(*) AS n FROM suppressions");
const outcomeOf = async (m: SentMessage) =>
  (
    await t.client.execute({
      sql: "SELECT outcome, status, error FROM outbox_messages WHERE id = ?",
      args: [m.id],
    })
  ).rows[0];
const statesOf = async (contactId: number) =>
  (
    await t.client.execute({
      sql: "SELECT status FROM list_members WHERE contact_id = ? ORDER BY list_id",
      args: [contactId],
    })
  ).rows.map((r) => String(r.status));
const isSuppressed = async (contactId: number) =>
  (await count(
    `SELECT count(*) AS n FROM suppressions s JOIN contacts c ON c.email_hash = s.address_hash
     WHERE c.id = ?`,
    [contactId],
  )) === 1;

/** Everything a refused request could have touched. */
const snapshot = async () => ({
  events: await storedEvents(),
  consent: await consentEvents(),
  suppressions: await suppressions(),
  outcomes: await count("SELECT count(*) AS n FROM outbox_messages WHERE outcome IS NOT NULL"),
});

const problemOf = async (res: Response) => {
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  return (await res.json()) as { status: number; detail: string };
};

describe("the signature", () => {
  test("a correctly signed event is accepted and stored with its raw body", async () => {
    const body = JSON.stringify(emailEvent("email.sent", "unknown-1"));
    const res = await postWebhook(t, body, { id: "msg_accepted" });
    expect(res.status).toBe(200);
    const row = (await t.client.execute("SELECT * FROM webhook_events")).rows[0];
    expect(row).toMatchObject({
      svix_id: "msg_accepted",
      type: "email.sent",
      provider_id: "unknown-1",
      payload: body,
      received_at: "2026-01-15T08:00:00.000Z",
    });
  });

  test("a wrong secret, a tampered body, a missing or malformed header: 401 and no effect", async () => {
    const { messages } = await sentCampaign(t, bearer, 2);
    const m = messages[0] as SentMessage;
    const before = await snapshot();
    const event = bounceEvent(m.providerId, "Permanent");
    const otherSecret = `whsec_${Buffer.from("another secret, not ours").toString("base64")}`;

    const wrongSecret = await postWebhook(t, event, { secret: otherSecret });
    expect(wrongSecret.status).toBe(401);
    expect((await problemOf(wrongSecret)).detail).toBe("The signature does not match the body.");

    // Signed over one body, sent with another.
    const id = newSvixId();
    const ts = clockSeconds(t);
    const signed = JSON.stringify(emailEvent("email.delivered", m.providerId));
    const tampered = await t.request("/webhooks/resend", {
      method: "POST",
      headers: {
        "svix-id": id,
        "svix-timestamp": String(ts),
        "svix-signature": svixSignature(WEBHOOK_SECRET, id, ts, signed),
      },
      body: JSON.stringify(event),
    });
    expect(tampered.status).toBe(401);

    // The id is part of what is signed: the same signature under another id fails.
    const otherId = await t.request("/webhooks/resend", {
      method: "POST",
      headers: {
        "svix-id": `${id}-other`,
        "svix-timestamp": String(ts),
        "svix-signature": svixSignature(WEBHOOK_SECRET, id, ts, signed),
      },
      body: signed,
    });
    expect(otherId.status).toBe(401);

    for (const missing of ["svix-id", "svix-timestamp", "svix-signature"]) {
      const res = await postWebhook(t, event, { headers: { [missing]: "" } });
      expect(res.status, missing).toBe(401);
      expect((await problemOf(res)).detail).toContain("headers are all required");
    }
    const unsigned = await t.request("/webhooks/resend", {
      method: "POST",
      body: JSON.stringify(event),
    });
    expect(unsigned.status).toBe(401);
    const garbage = await postWebhook(t, event, {
      headers: { "svix-signature": "v1,not-base64!!! v2,whatever" },
    });
    expect(garbage.status).toBe(401);
    const notANumber = await postWebhook(t, event, { headers: { "svix-timestamp": "soon" } });
    expect(notANumber.status).toBe(401);

    expect(await snapshot()).toEqual(before);
    expect(await statesOf(m.contactId)).toEqual(["confirmed"]);
  });

  test("a timestamp more than 5 minutes old or ahead: 401 and no effect; within 5 minutes: accepted", async () => {
    const { messages } = await sentCampaign(t, bearer, 2);
    const m = messages[0] as SentMessage;
    const before = await snapshot();
    const event = bounceEvent(m.providerId, "Permanent");

    const stale = await postWebhook(t, event, { timestamp: clockSeconds(t) - 10 * 60 });
    expect(stale.status).toBe(401);
    expect((await problemOf(stale)).detail).toBe(
      "The svix-timestamp is more than 5 minutes in the past.",
    );
    const ahead = await postWebhook(t, event, { timestamp: clockSeconds(t) + 10 * 60 });
    expect(ahead.status).toBe(401);
    expect((await problemOf(ahead)).detail).toBe(
      "The svix-timestamp is more than 5 minutes in the future.",
    );
    expect(await snapshot()).toEqual(before);

    const recent = await postWebhook(t, event, { timestamp: clockSeconds(t) - 3 * 60 });
    expect(recent.status).toBe(200);
    expect(await isSuppressed(m.contactId)).toBe(true);
  });

  test("the window is measured on the app's clock (deps.clock), not the machine's", async () => {
    const { messages } = await sentCampaign(t, bearer, 2);
    const m = messages[0] as SentMessage;
    const event = bounceEvent(m.providerId, "Permanent");
    const before = await snapshot();

    // Signed, then delivered 5 minutes and 1 second later by the app's clock: too old.
    const signedAt = clockSeconds(t);
    t.clock.advance(5 * 60_000 + 1000);
    const late = await postWebhook(t, event, { timestamp: signedAt });
    expect(late.status).toBe(401);
    expect((await problemOf(late)).detail).toBe(
      "The svix-timestamp is more than 5 minutes in the past.",
    );
    // Signed 5 minutes and 1 second ahead of the app's clock.
    const early = await postWebhook(t, event, { timestamp: clockSeconds(t) + 5 * 60 + 1 });
    expect(early.status).toBe(401);
    expect((await problemOf(early)).detail).toBe(
      "The svix-timestamp is more than 5 minutes in the future.",
    );
    // The machine's clock an hour ahead of the app's: its "now" is refused...
    t.clock.set(new Date(Date.now() - 60 * 60_000));
    const machineNow = await postWebhook(t, event, { timestamp: Math.floor(Date.now() / 1000) });
    expect(machineNow.status).toBe(401);
    expect((await problemOf(machineNow)).detail).toBe(
      "The svix-timestamp is more than 5 minutes in the future.",
    );
    expect(await snapshot()).toEqual(before);
    expect(await statesOf(m.contactId)).toEqual(["confirmed"]);

    // ...and exactly 5 minutes before the app's clock, an hour from the machine's, is accepted.
    const edge = await postWebhook(t, event, { timestamp: clockSeconds(t) - 5 * 60 });
    expect(edge.status).toBe(200);
    expect(await isSuppressed(m.contactId)).toBe(true);
    expect((await t.client.execute("SELECT received_at FROM webhook_events")).rows).toEqual([
      expect.objectContaining({ received_at: t.clock.now().toISOString() }),
    ]);
  });

  test("a replayed svix-id is acknowledged and has no effect", async () => {
    const { messages } = await sentCampaign(t, bearer, 2);
    const m = messages[0] as SentMessage;
    const event = bounceEvent(m.providerId, "Permanent");
    const first = await postWebhook(t, event, { id: "msg_once" });
    expect(first.status).toBe(200);
    const after = await snapshot();
    expect(after).toMatchObject({ events: 1, suppressions: 1, outcomes: 1 });

    // The same delivery again (a new timestamp and signature, as Svix retries), and the same id
    // with another body: both are acknowledged, neither changes anything.
    const again = await postWebhook(t, event, { id: "msg_once" });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ received: true, replay: true });
    const other = await postWebhook(t, emailEvent("email.complained", m.providerId), {
      id: "msg_once",
    });
    expect(other.status).toBe(200);
    expect(await snapshot()).toEqual(after);
    expect(await statesOf(m.contactId)).toEqual(["bounced"]);
  });

  test("a body over 256 KB is refused with 413 before anything is stored", async () => {
    const big = JSON.stringify(
      emailEvent("email.sent", "big-1", { padding: "x".repeat(256 * 1024) }),
    );
    const res = await postWebhook(t, big);
    expect(res.status).toBe(413);
    expect(await storedEvents()).toBe(0);
    // Just under the limit is fine.
    const fits = JSON.stringify(
      emailEvent("email.sent", "big-2", { padding: "x".repeat(250 * 1024) }),
    );
    expect((await postWebhook(t, fits)).status).toBe(200);
    expect(await storedEvents()).toBe(1);
  });

  test("malformed JSON or a body that is not an event: 400 and nothing stored", async () => {
    const malformed = await postWebhook(t, '{"type": "email.bounced", "data": ');
    expect(malformed.status).toBe(400);
    expect((await problemOf(malformed)).detail).toBe("The body is not valid JSON.");
    for (const body of ["[]", '"email.bounced"', '{"data": {}}', '{"type": 42}']) {
      const res = await postWebhook(t, body);
      expect(res.status, body).toBe(400);
    }
    expect(await storedEvents()).toBe(0);
  });

  test("without RESEND_WEBHOOK_SECRET the endpoint answers 503 and accepts nothing", async () => {
    const bare = await createTestApp({ ...resendEnv(), RESEND_WEBHOOK_SECRET: "" });
    try {
      const res = await postWebhook(bare, emailEvent("email.delivered", "x"));
      expect(res.status).toBe(503);
      expect((await problemOf(res)).detail).toContain("set RESEND_WEBHOOK_SECRET");
      const stored = await bare.client.execute("SELECT count(*) AS n FROM webhook_events");
      expect(stored.rows[0]?.n).toBe(0);
    } finally {
      bare.close();
    }
  });

  test("the endpoint needs no Origin header (not a browser form) and no session", async () => {
    const res = await postWebhook(t, emailEvent("email.opened", "x"), {
      headers: { Origin: "https://evil.example" },
    });
    expect(res.status).toBe(200);
  });
});

describe("events", () => {
  test("email.delivered marks the message delivered", async () => {
    const { messages } = await sentCampaign(t, bearer, 3);
    const m = messages[1] as SentMessage;
    const res = await postWebhook(t, emailEvent("email.delivered", m.providerId));
    expect(res.status).toBe(200);
    expect(await outcomeOf(m)).toMatchObject({ outcome: "delivered", status: "sent" });
    const event = (await t.client.execute("SELECT * FROM webhook_events")).rows[0];
    expect(event).toMatchObject({ kind: "delivered", message_id: m.id, contact_id: m.contactId });
    // Nobody else changed.
    expect(await count("SELECT count(*) AS n FROM outbox_messages WHERE outcome IS NOT NULL")).toBe(
      1,
    );
  });

  test("a permanent bounce: outcome bounced, bounced on every list, suppressed at once; a later campaign excludes it", async () => {
    const { listId, messages } = await sentCampaign(t, bearer, 4);
    const m = messages[0] as SentMessage;
    // The same person on a second list, still legacy there.
    const second = await listWithContacts(t, bearer, 1, "second");
    expect(second.contacts.get(m.email)).toBe(m.contactId);

    const res = await postWebhook(t, bounceEvent(m.providerId, "Permanent"), { id: "msg_hard" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ kind: "bounced" });
    expect(await outcomeOf(m)).toMatchObject({ outcome: "bounced" });
    expect(await statesOf(m.contactId)).toEqual(["bounced", "bounced"]);
    expect(await isSuppressed(m.contactId)).toBe(true);
    const ledger = await t.client.execute({
      sql: "SELECT list_id, event, source, actor FROM consent_events WHERE contact_id = ? AND event = 'bounced' ORDER BY list_id",
      args: [m.contactId],
    });
    expect(ledger.rows.map((r) => [r.list_id, r.event, r.actor])).toEqual([
      [listId, "bounced", "resend"],
      [second.listId, "bounced", "resend"],
    ]);
    expect(String(ledger.rows[0]?.source)).toContain(`message #${m.id}`);
    const reason = await t.client.execute("SELECT reason FROM suppression_reasons ORDER BY id");
    expect(reason.rows.map((r) => r.reason)).toEqual(["bounced"]);

    const report = await campaignReport(t, bearer, listId);
    expect(report.recipients).toBe(3);
    expect(report.excluded.bounced).toBe(1);
  });

  test("a single transient bounce is counted, not suppressed; the third within 30 days is permanent", async () => {
    const { listId, messages } = await sentCampaign(t, bearer, 2);
    const m = messages[0] as SentMessage;
    const first = await postWebhook(t, bounceEvent(m.providerId, "Transient"));
    expect(await first.json()).toMatchObject({ kind: "bounced_transient" });
    expect(await isSuppressed(m.contactId)).toBe(false);
    expect(await statesOf(m.contactId)).toEqual(["confirmed"]);
    expect((await outcomeOf(m))?.outcome).toBeNull();

    // Later sends to the same address bounce again.
    t.clock.advance(10 * DAY);
    const { send_id: second } = await campaignReport(t, bearer, listId);
    await dispatchUntilIdle(t.deps);
    const secondId = await providerIdOf(second as number, m.contactId);
    const undetermined = await postWebhook(t, bounceEvent(secondId, "Undetermined"));
    expect(await undetermined.json()).toMatchObject({ kind: "bounced_transient" });
    expect(await isSuppressed(m.contactId)).toBe(false);

    t.clock.advance(10 * DAY);
    const { send_id: third } = await campaignReport(t, bearer, listId);
    await dispatchUntilIdle(t.deps);
    const thirdId = await providerIdOf(third as number, m.contactId);
    const res = await postWebhook(t, bounceEvent(thirdId, "Transient"));
    expect(await res.json()).toMatchObject({ kind: "bounced" });
    expect(await isSuppressed(m.contactId)).toBe(true);
    expect(await statesOf(m.contactId)).toEqual(["bounced"]);
  });

  test("transient bounces spread over more than 30 days never add up to a permanent one", async () => {
    const { messages } = await sentCampaign(t, bearer, 1);
    const m = messages[0] as SentMessage;
    for (let i = 0; i < 4; i++) {
      // The same message id is fine: each delivery has its own svix-id.
      const res = await postWebhook(t, bounceEvent(m.providerId, "Transient"));
      expect(await res.json()).toMatchObject({ kind: "bounced_transient" });
      t.clock.advance(16 * DAY);
    }
    expect(await isSuppressed(m.contactId)).toBe(false);
    expect(await statesOf(m.contactId)).toEqual(["confirmed"]);
  });

  test("email.complained: complained on every list, suppressed, outcome complained", async () => {
    const { messages } = await sentCampaign(t, bearer, 2);
    const m = messages[1] as SentMessage;
    await listWithContacts(t, bearer, 2, "second");
    await postWebhook(t, emailEvent("email.delivered", m.providerId));
    const res = await postWebhook(t, emailEvent("email.complained", m.providerId));
    expect(res.status).toBe(200);
    expect(await outcomeOf(m)).toMatchObject({ outcome: "complained" });
    expect(await statesOf(m.contactId)).toEqual(["complained", "complained"]);
    expect(await isSuppressed(m.contactId)).toBe(true);
    // A late `delivered` does not hide the complaint.
    await postWebhook(t, emailEvent("email.delivered", m.providerId));
    expect(await outcomeOf(m)).toMatchObject({ outcome: "complained" });
  });

  test("email.failed and email.suppressed fail the message with the reason", async () => {
    const { messages } = await sentCampaign(t, bearer, 2);
    const [a, b] = messages as [SentMessage, SentMessage];
    await postWebhook(
      t,
      emailEvent("email.failed", a.providerId, {
        failed: { reason: "reached_daily_quota" },
      }),
    );
    await postWebhook(
      t,
      emailEvent("email.suppressed", b.providerId, {
        suppressed: { message: "This address is on the account's suppression list", type: "" },
      }),
    );
    expect(await outcomeOf(a)).toMatchObject({
      status: "failed",
      error: "failed: reached_daily_quota",
    });
    expect(await outcomeOf(b)).toMatchObject({
      status: "failed",
      error: "suppressed by the provider: This address is on the account's suppression list",
    });
    const send = await t.api(bearer, "GET", `/api/v1/sends/${await sendIdOf(a)}`);
    expect(await send.json()).toMatchObject({ sent: 0, failed: 2 });
  });

  test("an unknown event type is acknowledged and stored for inspection", async () => {
    const { messages } = await sentCampaign(t, bearer, 1);
    const m = messages[0] as SentMessage;
    const before = await snapshot();
    for (const type of ["email.opened", "domain.updated", "something.new"]) {
      const res = await postWebhook(t, {
        type,
        created_at: "now",
        data: { email_id: m.providerId },
      });
      expect(res.status, type).toBe(200);
    }
    const rows = await t.client.execute("SELECT type, kind FROM webhook_events ORDER BY id");
    expect(rows.rows.map((r) => [r.type, r.kind])).toEqual([
      ["email.opened", "other"],
      ["domain.updated", "other"],
      ["something.new", "other"],
    ]);
    expect({ ...(await snapshot()), events: before.events }).toEqual(before);
  });

  test("an event about an unknown provider id is kept, not dropped, and changes nothing", async () => {
    await sentCampaign(t, bearer, 1);
    const before = await snapshot();
    const res = await postWebhook(t, bounceEvent("re_not_ours", "Permanent"));
    expect(res.status).toBe(200);
    const row = (await t.client.execute("SELECT * FROM webhook_events")).rows[0];
    expect(row).toMatchObject({
      type: "email.bounced",
      kind: "bounced",
      provider_id: "re_not_ours",
      message_id: null,
    });
    expect(String(row?.effect)).toContain("No message is known by provider id re_not_ours");
    expect(await snapshot()).toEqual({ ...before, events: 1 });
  });

  test("erasing a contact scrubs their address from the provider's events, their inbound mail and batch errors", async () => {
    const { messages } = await sentCampaign(t, bearer, 3);
    const [other, erased] = messages as [SentMessage, SentMessage];
    expect(
      (
        await postWebhook(
          t,
          emailEvent("email.delivered", erased.providerId, { to: [erased.email] }),
        )
      ).status,
    ).toBe(200);
    expect(
      (await postWebhook(t, emailEvent("email.delivered", other.providerId, { to: [other.email] })))
        .status,
    ).toBe(200);
    const inbound = (from: string, id: string) => ({
      type: "email.received",
      created_at: "2026-01-15T08:10:00.000Z",
      data: {
        email_id: id,
        created_at: "2026-01-15T08:10:00.000Z",
        from,
        to: ["contact@netsdor.example"],
        subject: "RE",
      },
    });
    expect((await postWebhook(t, inbound(erased.email.toUpperCase(), "in_1"))).status).toBe(200);
    expect((await postWebhook(t, inbound(other.email, "in_2"))).status).toBe(200);
    // A provider's refusal of the batch that quoted the address, on every row and on the batch.
    await t.client.execute({
      sql: "UPDATE outbox_messages SET error = ? WHERE batch_id = (SELECT batch_id FROM outbox_messages WHERE id = ?)",
      args: [`422 validation_error: ${erased.email} is refused`, erased.id],
    });
    await t.client.execute({
      sql: "UPDATE send_batches SET last_error = ? WHERE id = (SELECT batch_id FROM outbox_messages WHERE id = ?)",
      args: [`422 validation_error: ${erased.email} is refused`, erased.id],
    });

    expect(
      await eraseContact(t.deps, erased.contactId, {
        reason: "erased",
        actor: "admin",
        source: "test",
      }),
    ).toBe(true);
    // An event arriving after the erasure does not bring the address back.
    const late = emailEvent("email.failed", erased.providerId, {
      to: [erased.email],
      failed: { reason: `Mailbox ${erased.email} does not exist` },
    });
    expect((await postWebhook(t, late)).status).toBe(200);
    const dump = JSON.stringify(await everyRow(t)).toLowerCase();
    expect(dump).not.toContain(erased.email.toLowerCase());
    // Only that address: the other person's events and mail stay as they were.
    expect(dump).toContain(other.email.toLowerCase());
    expect(await count("SELECT count(*) AS n FROM webhook_events")).toBe(5);
    // The batch's other rows keep the rest of the refusal (the erased row's error is the late
    // event's, below).
    expect(
      await count(
        "SELECT count(*) AS n FROM outbox_messages WHERE error LIKE '%[erased] is refused'",
      ),
    ).toBe(2);
    // Their events keep their rows (a replayed svix-id stays a no-op), without the body; their
    // inbound mail is listed as from an erased address.
    const kept = await t.client.execute({
      sql: "SELECT payload FROM webhook_events WHERE contact_id = ? OR provider_id = 'in_1'",
      args: [erased.contactId],
    });
    expect(kept.rows.map((r) => JSON.parse(String(r.payload)))).toEqual([
      JSON.parse(erasedEventBody("email.delivered", erased.providerId)),
      JSON.parse(erasedEventBody("email.received", "in_1")),
      JSON.parse(erasedEventBody("email.failed", erased.providerId)),
    ]);
    const failed = await t.client.execute({
      sql: "SELECT status, error FROM outbox_messages WHERE id = ?",
      args: [erased.id],
    });
    expect(failed.rows[0]).toMatchObject({
      status: "failed",
      error: "failed: reason not kept: the contact is erased",
    });
  });

  test("inbound mail (email.received) is stored for the admin and never forwarded to anyone", async () => {
    await sentCampaign(t, bearer, 3);
    const callsBefore = fake.calls.length;
    const deliveredBefore = fake.delivered.length;
    const outboxBefore = await count("SELECT count(*) AS n FROM outbox_messages");
    const res = await postWebhook(t, {
      type: "email.received",
      created_at: "2026-01-15T08:10:00.000Z",
      data: {
        email_id: "in_1",
        created_at: "2026-01-15T08:10:00.000Z",
        from: "p1@example.org",
        to: ["contact@netsdor.example"],
        cc: [],
        bcc: [],
        received_for: ["contact@netsdor.example"],
        message_id: "<reply@example.org>",
        subject: "RE: Les Nets d'Or 2001 <script>alert(1)</script>",
        attachments: [],
      },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ kind: "received" });
    // Even with the dispatcher running, nothing goes out.
    await dispatchUntilIdle(t.deps);
    await runPeriodicJobs(t.deps);
    expect(fake.calls.length).toBe(callsBefore);
    expect(fake.delivered.length).toBe(deliveredBefore);
    expect(await count("SELECT count(*) AS n FROM outbox_messages")).toBe(outboxBefore);
    expect(await count("SELECT count(*) AS n FROM mail_outbox")).toBe(0);

    const cookie = await t.signIn();
    const page = await t.request("/admin/inbound", { headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("p1@example.org");
    expect(html).toContain("RE: Les Nets d&#39;Or 2001 &lt;script&gt;");
    expect(html).not.toContain("<script>alert(1)");
  });
});

async function providerIdOf(sendId: number, contactId: number) {
  const row = await t.client.execute({
    sql: "SELECT provider_id FROM outbox_messages WHERE send_id = ? AND contact_id = ?",
    args: [sendId, contactId],
  });
  return String(row.rows[0]?.provider_id);
}

async function sendIdOf(m: SentMessage) {
  const row = await t.client.execute({
    sql: "SELECT send_id FROM outbox_messages WHERE id = ?",
    args: [m.id],
  });
  return Number(row.rows[0]?.send_id);
}

describe("the breaker", () => {
  test("hard bounces reported by webhooks alone pause all sending, and a later campaign excludes them", async () => {
    const { listId, messages } = await sentCampaign(t, bearer, 110);
    // 10 hard bounces first: too few outcomes to judge.
    for (const m of messages.slice(0, 10)) {
      expect((await postWebhook(t, bounceEvent(m.providerId, "Permanent"))).status).toBe(200);
    }
    let state = await (await t.api(bearer, "GET", "/api/v1/sending")).json();
    expect(state).toMatchObject({ paused: false });
    // Then deliveries: at 100 outcomes, 10% hard bounces > 5%.
    for (const m of messages.slice(10)) {
      expect((await postWebhook(t, emailEvent("email.delivered", m.providerId))).status).toBe(200);
    }
    state = await (await t.api(bearer, "GET", "/api/v1/sending")).json();
    expect(state).toMatchObject({ paused: true });
    expect(state.reason).toMatch(/^breaker: 10 hard bounces in the last 100 outcomes/);

    const report = await campaignReport(t, bearer, listId);
    expect(report.recipients).toBe(100);
    expect(report.excluded.bounced).toBe(10);
  });
});

describe("retention", () => {
  test("webhook events older than EVENT_RETENTION_DAYS are pruned; consent events and suppressions stay", async () => {
    const retention = 30; // the least allowed: the transient-bounce window
    const app = await createTestApp({ ...resendEnv(), EVENT_RETENTION_DAYS: String(retention) });
    try {
      const token = await app.token();
      const { messages } = await sentCampaign(app, token, 10);
      const perDay = 2;
      let peak = 0;
      for (let day = 0; day < retention + 9; day++) {
        for (let i = 0; i < perDay; i++) {
          const m = messages[(day * perDay + i) % messages.length] as SentMessage;
          const event =
            day === 0 && i === 0
              ? bounceEvent(m.providerId, "Permanent")
              : emailEvent("email.opened", m.providerId);
          expect((await postWebhook(app, event)).status).toBe(200);
        }
        await runPeriodicJobs(app.deps);
        const n = Number(
          (await app.client.execute("SELECT count(*) AS n FROM webhook_events")).rows[0]?.n,
        );
        peak = Math.max(peak, n);
        app.clock.advance(DAY);
      }
      // At most the last `retention` days' events (plus today's) are ever kept: bounded.
      expect(peak).toBeLessThanOrEqual(perDay * (retention + 1));
      const oldest = await app.client.execute("SELECT min(received_at) AS at FROM webhook_events");
      expect(Date.parse(String(oldest.rows[0]?.at))).toBeGreaterThanOrEqual(
        app.clock.now().getTime() - (retention + 1) * DAY,
      );
      // The bounce of day 0 is gone from the events, not from the ledger or the suppression list.
      const kept = await app.client.execute(
        "SELECT (SELECT count(*) FROM consent_events WHERE event = 'bounced') AS bounced, (SELECT count(*) FROM suppressions) AS suppressed",
      );
      expect(kept.rows[0]).toMatchObject({ bounced: 1, suppressed: 1 });
    } finally {
      app.close();
    }
  });
});
