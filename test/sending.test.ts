import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import type { MailTemplate, StoredMessage } from "../db/schema";
import { suppressAddress } from "../src/consent/service";
import { createDispatcher, type Dispatcher, runOnce } from "../src/sending/dispatcher";
import { checkBreaker, expireUnansweredInvitations } from "../src/sending/service";
import { storedMail } from "../src/sending/templates";
import { type FakeResend, startFakeResend } from "./fake-resend";
import type { TestApp } from "./helpers";
import { snapshot } from "./participant-helpers";
import {
  dispatchUntilIdle,
  fastLimiter,
  listWithContacts,
  moveTo,
  resendTestApp,
} from "./sending-helpers";

let fake: FakeResend;
let t: TestApp;
let bearer: string;

beforeAll(async () => {
  fake = await startFakeResend({ recordBodyDigests: true });
});
afterAll(() => fake.stop());

beforeEach(async () => {
  t = await resendTestApp(fake, {
    SEND_BATCH_SIZE: "10",
  });
  bearer = await t.token();
  return () => t.close();
});

const DEADLINE = "2026-03-01T00:00:00.000Z";
const reconsent = (listId: number, body: unknown = { deadline: DEADLINE }) =>
  t.api(bearer, "POST", `/api/v1/lists/${listId}/reconsent`, body);

type Report = { send_id: number | null; recipients: number; excluded: Record<string, number> };
const states = async (listId: number) =>
  Object.fromEntries(
    (
      await t.client.execute({
        sql: "SELECT status, count(*) AS n FROM list_members WHERE list_id = ? GROUP BY 1",
        args: [listId],
      })
    ).rows.map((r) => [String(r.status), Number(r.n)]),
  );

describe("re-consent invitations", () => {
  test("a dry run reports who would be invited and changes nothing", async () => {
    const { listId } = await listWithContacts(t, bearer, 25);
    const res = await reconsent(listId, { deadline: DEADLINE, dry_run: true });
    expect(res.status).toBe(202);
    const report = (await res.json()) as Report;
    expect(report).toMatchObject({ send_id: null, recipients: 25 });
    expect(Object.values(report.excluded).every((n) => n === 0)).toBe(true);
    expect(await states(listId)).toEqual({ legacy: 25 });
    expect((await t.client.execute("SELECT count(*) AS n FROM outbox_messages")).rows[0]?.n).toBe(
      0,
    );
  });

  test("one invitation per legacy contact: one recipient, Reply-To, List-Unsubscribe, a consent link", async () => {
    const { listId } = await listWithContacts(t, bearer, 25);
    const res = await reconsent(listId, {
      deadline: DEADLINE,
      subject: "Les Nets d'Or reviennent",
    });
    const report = (await res.json()) as Report;
    expect(report.recipients).toBe(25);
    expect(report.send_id).toEqual(expect.any(Number));
    expect(await states(listId)).toEqual({ invited: 25 });
    const events = await t.client.execute(
      "SELECT event, source, text_version FROM consent_events WHERE event = 'invited'",
    );
    expect(events.rows).toHaveLength(25);
    expect(events.rows[0]).toMatchObject({
      source: `reconsent send #${report.send_id}`,
      text_version: 1,
    });

    await dispatchUntilIdle(t.deps);
    expect(fake.delivered).toHaveLength(25);
    expect(new Set(fake.delivered.map((e) => e.to)).size).toBe(25);
    for (const email of fake.delivered) {
      expect(typeof email.to).toBe("string");
      expect(email.cc ?? email.bcc).toBeUndefined();
      expect(email.reply_to).toBe("humans@netsdor.example");
      expect(email.subject).toBe("Les Nets d'Or reviennent");
      expect(email.headers?.["List-Unsubscribe"]).toMatch(
        /^<http:\/\/127\.0\.0\.1:8787\/u\/[\w-]+\.[\w-]+>$/,
      );
      expect(email.headers?.["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
      expect(email.text).toMatch(/http:\/\/127\.0\.0\.1:8787\/c\/[\w-]+\.[\w-]+/);
    }
    // Language from the contact's attribute: p1 asked for English.
    expect(fake.delivered.find((e) => e.to === "p1@example.org")?.text).toContain(
      "Hello Participant 1,",
    );
    expect(fake.delivered.find((e) => e.to === "p0@example.org")?.text).toContain(
      "Bonjour Participant 0,",
    );
    // Three batches of at most 10, each with its own key.
    const calls = fake.calls.filter((c) => c.status === 200);
    expect(calls.map((c) => c.count)).toEqual([10, 10, 5]);
    expect(new Set(calls.map((c) => c.idempotencyKey)).size).toBe(3);
    expect(calls.every((c) => c.idempotencyKey?.startsWith(`relance-s${report.send_id}-`))).toBe(
      true,
    );

    const send = await (await t.api(bearer, "GET", `/api/v1/sends/${report.send_id}`)).json();
    expect(send).toMatchObject({
      id: report.send_id,
      kind: "reconsent",
      status: "done",
      total: 25,
      sent: 25,
      failed: 0,
      suppressed: 0,
    });
  });

  test("a second call finds nobody: no second invitation, ever", async () => {
    const { listId } = await listWithContacts(t, bearer, 12);
    await reconsent(listId);
    await dispatchUntilIdle(t.deps);
    const again = (await (
      await reconsent(listId, { deadline: "2026-04-01T00:00:00Z" })
    ).json()) as Report;
    expect(again.send_id).toBeNull();
    expect(again.recipients).toBe(0);
    expect(again.excluded.invited).toBe(12);
    await dispatchUntilIdle(t.deps);
    expect(fake.delivered).toHaveLength(12);
  });

  test("opted-out, bounced, complained, erased and suppressed contacts are never invited", async () => {
    const { listId, contacts } = await listWithContacts(t, bearer, 10);
    const id = (i: number) => contacts.get(`p${i}@example.org`) as number;
    await moveTo(t.deps, listId, id(0), ["unsubscribed"]);
    await moveTo(t.deps, listId, id(1), ["bounced"]);
    await moveTo(t.deps, listId, id(2), ["complained"]);
    expect(
      (await t.api(bearer, "DELETE", `/api/v1/lists/${listId}/contacts/${id(3)}`)).status,
    ).toBeLessThan(300);
    await suppressAddress(t.deps, "p4@example.org", "bounced");
    const report = (await (await reconsent(listId)).json()) as Report;
    expect(report.recipients).toBe(5);
    expect(report.excluded).toMatchObject({
      unsubscribed: 1,
      bounced: 1,
      complained: 1,
      erased: 1,
      suppressed: 1,
    });
    await dispatchUntilIdle(t.deps);
    expect(fake.delivered.map((e) => e.to).sort()).toEqual(
      ["p5", "p6", "p7", "p8", "p9"].map((p) => `${p}@example.org`),
    );
  });

  test("bad input gets a clear error and changes nothing", async () => {
    const { listId } = await listWithContacts(t, bearer, 3);
    const malformed = await t.api(bearer, "POST", `/api/v1/lists/${listId}/reconsent`, "{nope");
    expect(malformed.status).toBe(400);
    const past = await reconsent(listId, { deadline: "2020-01-01T00:00:00Z" });
    expect(past.status).toBe(422);
    expect(((await past.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe(
      "deadline",
    );
    const garbage = await reconsent(listId, {
      deadline: "next tuesday",
      subject: "a\r\nBcc: x@example.org",
    });
    expect(garbage.status).toBe(422);
    const fields = ((await garbage.json()) as { errors: { field: string }[] }).errors
      .map((e) => e.field)
      .sort();
    expect(fields).toEqual(["deadline", "subject"]);
    expect((await reconsent(999)).status).toBe(404);
    expect(await states(listId)).toEqual({ legacy: 3 });
  });

  test("after the deadline, unanswered invitations expire: data erased, address suppressed for good", async () => {
    const { listId, contacts, csv } = await listWithContacts(t, bearer, 6);
    await reconsent(listId);
    await dispatchUntilIdle(t.deps);
    await moveTo(t.deps, listId, contacts.get("p0@example.org") as number, ["confirmed"]);
    expect(await expireUnansweredInvitations(t.deps)).toBe(0); // before the deadline
    t.clock.set("2026-03-01T00:00:01Z");
    expect(await expireUnansweredInvitations(t.deps)).toBe(5);
    expect(await expireUnansweredInvitations(t.deps)).toBe(0);
    expect(await states(listId)).toEqual({ confirmed: 1, expired: 5 });
    const left = await t.client.execute(
      "SELECT email, name, attributes FROM contacts WHERE email IS NOT NULL",
    );
    expect(left.rows.map((r) => r.email)).toEqual(["p0@example.org"]);
    const fresh = await t.token(); // a month later the first token has expired
    const reimport = await t.request(`/api/v1/lists/${listId}/imports?source=again`, {
      method: "POST",
      headers: { Authorization: `Bearer ${fresh}`, "Content-Type": "text/csv" },
      body: csv,
    });
    expect(reimport.status).toBe(200);
    const report = (await reimport.json()) as { rejected: { reason: string }[]; imported: number };
    expect(report.imported).toBe(0);
    expect(report.rejected.filter((r) => r.reason === "suppressed")).toHaveLength(5);
  });
});

describe("the consent gate (campaigns)", () => {
  const campaign = async (listId: number) => {
    const res = await t.api(bearer, "POST", "/api/v1/campaigns", {
      list_id: listId,
      subject: "Inscriptions ouvertes",
      text: "Les inscriptions aux Nets d'Or 2001 sont ouvertes.",
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: number }).id;
  };

  test("only confirmed, unsuppressed contacts receive; every other state is excluded and counted", async () => {
    const { listId, contacts } = await listWithContacts(t, bearer, 12);
    const id = (i: number) => contacts.get(`p${i}@example.org`) as number;
    await moveTo(t.deps, listId, id(0), ["invited", "confirmed"]);
    await moveTo(t.deps, listId, id(1), ["invited", "confirmed"]);
    await moveTo(t.deps, listId, id(2), ["invited", "confirmed"]);
    await suppressAddress(t.deps, "p2@example.org", "complained"); // confirmed but suppressed
    await moveTo(t.deps, listId, id(3), ["invited"]);
    await moveTo(t.deps, listId, id(4), ["invited", "declined"]);
    await moveTo(t.deps, listId, id(5), ["expired"]);
    await moveTo(t.deps, listId, id(6), ["invited", "confirmed", "unsubscribed"]);
    await moveTo(t.deps, listId, id(7), ["bounced"]);
    await moveTo(t.deps, listId, id(8), ["complained"]);
    await moveTo(t.deps, listId, id(9), ["erased"]);
    // p10, p11 stay legacy
    const campaignId = await campaign(listId);
    const res = await t.api(bearer, "POST", `/api/v1/campaigns/${campaignId}/send`);
    expect(res.status).toBe(202);
    const report = (await res.json()) as Report;
    expect(report.recipients).toBe(2);
    expect(report.excluded).toEqual({
      legacy: 2,
      pending: 0,
      invited: 1,
      confirmed: 0,
      declined: 1,
      expired: 1,
      unsubscribed: 1,
      bounced: 1,
      complained: 1,
      erased: 1,
      suppressed: 1,
    });
    await dispatchUntilIdle(t.deps);
    expect(fake.delivered.map((e) => e.to).sort()).toEqual(["p0@example.org", "p1@example.org"]);
    expect(fake.delivered[0]?.text).toContain("Les inscriptions aux Nets d'Or 2001 sont ouvertes.");
    expect(fake.delivered[0]?.headers?.["List-Unsubscribe-Post"]).toBe(
      "List-Unsubscribe=One-Click",
    );
  });

  test("a campaign on a list with no confirmed contact sends nothing and says why", async () => {
    const { listId } = await listWithContacts(t, bearer, 4);
    const res = await t.api(bearer, "POST", `/api/v1/campaigns/${await campaign(listId)}/send`);
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({
      send_id: null,
      recipients: 0,
      excluded: { legacy: 4 },
    });
    await dispatchUntilIdle(t.deps);
    expect(fake.calls).toHaveLength(0);
  });

  test("a contact who unsubscribes after enqueuing is dropped before the call", async () => {
    const { listId, contacts } = await listWithContacts(t, bearer, 3);
    for (const i of [0, 1, 2])
      await moveTo(t.deps, listId, contacts.get(`p${i}@example.org`) as number, [
        "invited",
        "confirmed",
      ]);
    const report = (await (
      await t.api(bearer, "POST", `/api/v1/campaigns/${await campaign(listId)}/send`)
    ).json()) as Report;
    await moveTo(t.deps, listId, contacts.get("p1@example.org") as number, ["unsubscribed"]);
    await dispatchUntilIdle(t.deps);
    expect(fake.delivered.map((e) => e.to).sort()).toEqual(["p0@example.org", "p2@example.org"]);
    expect(
      await (await t.api(bearer, "GET", `/api/v1/sends/${report.send_id}`)).json(),
    ).toMatchObject({
      status: "done",
      total: 3,
      sent: 2,
      suppressed: 1,
    });
  });

  test("campaign input is validated", async () => {
    const bad = await t.api(bearer, "POST", "/api/v1/campaigns", {
      list_id: 404,
      subject: "",
      text: 3,
    });
    expect(bad.status).toBe(422);
    const unknown = await t.api(bearer, "POST", "/api/v1/campaigns", {
      list_id: 404,
      subject: "Hi",
      text: "Hello",
    });
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe(
      "list_id",
    );
    expect((await t.api(bearer, "POST", "/api/v1/campaigns/77/send")).status).toBe(404);
    expect((await t.api(bearer, "GET", "/api/v1/sends/abc")).status).toBe(404);
  });
});

describe("faults, retries and the kill switch", () => {
  const queuedInvitations = async (n: number) => {
    const { listId } = await listWithContacts(t, bearer, n);
    return ((await (await reconsent(listId)).json()) as Report).send_id as number;
  };

  test("a 5xx is retried later with the same key and an identical payload, delivering once", async () => {
    await queuedInvitations(5);
    fake.failNext(2, 503);
    const first = await runOnce(t.deps, fastLimiter());
    expect(first).toMatchObject({ kind: "called", outcome: "retry" });
    expect(await dispatchUntilIdle(t.deps)).toEqual([
      { kind: "idle", nextAttemptAt: expect.any(String) },
    ]);
    t.clock.advance(5_000);
    await dispatchUntilIdle(t.deps); // second 503
    t.clock.advance(10_000);
    await dispatchUntilIdle(t.deps);
    expect(fake.calls.map((c) => c.status)).toEqual([503, 503, 200]);
    expect(new Set(fake.calls.map((c) => c.idempotencyKey)).size).toBe(1);
    expect(fake.delivered).toHaveLength(5);
  });

  test("a 5xx on a batch's first call: its retry carries the same Idempotency-Key and the very same bytes", async () => {
    const { listId, contacts } = await listWithContacts(t, bearer, 25);
    await reconsent(listId);
    fake.failNext(1, 503);
    expect(await runOnce(t.deps, fastLimiter())).toMatchObject({
      kind: "called",
      outcome: "retry",
    });
    // Meanwhile the other batches go, a name in the failed batch changes and time passes: the
    // retry sends what was claimed, not a new rendering.
    const p0 = contacts.get("p0@example.org") as number;
    const renamed = await t.api(bearer, "PATCH", `/api/v1/lists/${listId}/contacts/${p0}`, {
      name: "Someone Else",
    });
    expect(renamed.status).toBe(200);
    await dispatchUntilIdle(t.deps);
    t.clock.advance(60_000);
    await dispatchUntilIdle(t.deps);

    const first = fake.calls[0];
    expect(first).toMatchObject({
      status: 503,
      bodySha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const sameKey = fake.calls.filter((c) => c.idempotencyKey === first?.idempotencyKey);
    expect(sameKey.map((c) => [c.status, c.bodySha256])).toEqual([
      [503, first?.bodySha256],
      [200, first?.bodySha256],
    ]);
    // Three batches, three different bodies; each of the 25 delivered once, as first rendered.
    expect(fake.calls.map((c) => c.status)).toEqual([503, 200, 200, 200]);
    expect(new Set(fake.calls.map((c) => c.bodySha256)).size).toBe(3);
    expect(fake.delivered).toHaveLength(25);
    expect(fake.delivered.find((e) => e.to === "p0@example.org")?.text).toContain(
      "Bonjour Participant 0,",
    );
  });

  test("a 429 waits at least its retry-after", async () => {
    await queuedInvitations(2);
    fake.failNext(1, 429, { retryAfter: "30" });
    await dispatchUntilIdle(t.deps);
    t.clock.advance(29_000);
    await dispatchUntilIdle(t.deps);
    expect(fake.calls).toHaveLength(1);
    t.clock.advance(1_500);
    await dispatchUntilIdle(t.deps);
    expect(fake.delivered).toHaveLength(2);
  });

  test("a validation error fails those messages with the reason and the rest goes on", async () => {
    const sendId = await queuedInvitations(15);
    fake.failNext(1, 422);
    await dispatchUntilIdle(t.deps);
    expect(fake.delivered).toHaveLength(5);
    const progress = await (await t.api(bearer, "GET", `/api/v1/sends/${sendId}`)).json();
    expect(progress).toMatchObject({ status: "done", sent: 5, failed: 10 });
    const errors = await t.client.execute(
      "SELECT DISTINCT error FROM outbox_messages WHERE status = 'failed'",
    );
    expect(String(errors.rows[0]?.error)).toMatch(/422/);
  });

  test("after 24 hours of failures a batch is given up, never retried past the key's life", async () => {
    const sendId = await queuedInvitations(3);
    fake.failNext(1000, 500);
    for (let i = 0; i < 40; i++) {
      await dispatchUntilIdle(t.deps);
      t.clock.advance(60 * 60_000);
    }
    const progress = await (await t.api(bearer, "GET", `/api/v1/sends/${sendId}`)).json();
    expect(progress).toMatchObject({ status: "done", failed: 3, sent: 0 });
    const attempts = fake.calls.length;
    expect(attempts).toBeGreaterThan(5);
    await dispatchUntilIdle(t.deps);
    t.clock.advance(48 * 60 * 60_000);
    await dispatchUntilIdle(t.deps);
    expect(fake.calls.length).toBe(attempts);
  });

  test("stop means stop: no provider call after a pause, and the send shows paused", async () => {
    const sendId = await queuedInvitations(30);
    expect(await runOnce(t.deps, fastLimiter())).toMatchObject({ kind: "called" });
    const pause = await t.api(bearer, "POST", "/api/v1/sending/pause", {
      reason: "the 2000 incident",
    });
    expect(pause.status).toBe(200);
    const callsAtPause = fake.calls.length;
    expect(await dispatchUntilIdle(t.deps)).toEqual([{ kind: "paused" }]);
    expect(fake.calls.length).toBe(callsAtPause);
    expect(await (await t.api(bearer, "GET", `/api/v1/sends/${sendId}`)).json()).toMatchObject({
      status: "paused",
      sent: 10,
    });
    expect(await (await t.api(bearer, "GET", "/api/v1/sending")).json()).toMatchObject({
      paused: true,
      reason: "the 2000 incident",
      since: expect.any(String),
    });
    await t.api(bearer, "POST", "/api/v1/sending/resume");
    await dispatchUntilIdle(t.deps);
    expect(fake.delivered).toHaveLength(30);
  });

  test("a pause recorded while waiting for the rate limit wins over the call", async () => {
    await queuedInvitations(3);
    const pausingLimiter = {
      acquire: async () => {
        await t.api(bearer, "POST", "/api/v1/sending/pause", { reason: "pressed during the wait" });
      },
    };
    expect(await runOnce(t.deps, pausingLimiter)).toEqual({ kind: "paused" });
    expect(fake.calls).toHaveLength(0);
  });

  test("pausing requires a reason", async () => {
    expect((await t.api(bearer, "POST", "/api/v1/sending/pause", {})).status).toBe(422);
    expect((await t.api(bearer, "GET", "/api/v1/sending")).status).toBe(200);
  });

  test("the breaker pauses all sending when injected bounces cross 5%", async () => {
    const sendId = await queuedInvitations(120);
    await dispatchUntilIdle(t.deps);
    await t.client.execute({
      sql: "UPDATE outbox_messages SET outcome = 'delivered', outcome_at = ? WHERE send_id = ?",
      args: ["2026-01-15T09:00:00Z", sendId],
    });
    expect((await checkBreaker(t.deps, sendId)).trip).toBe(false);
    await t.client.execute({
      sql: "UPDATE outbox_messages SET outcome = 'bounced' WHERE id IN (SELECT id FROM outbox_messages WHERE send_id = ? LIMIT 7)",
      args: [sendId],
    });
    expect((await checkBreaker(t.deps, sendId)).trip).toBe(true);
    const state = (await (await t.api(bearer, "GET", "/api/v1/sending")).json()) as Record<
      string,
      unknown
    >;
    expect(state).toMatchObject({ paused: true });
    expect(String(state.reason)).toMatch(/^breaker: 7 hard bounces in the last 120 outcomes/);
    expect(state.bounce_rate).toBeCloseTo(7 / 120);
  });
});

describe("rendered messages, stored once per batch", () => {
  /** Each batch's stored messages, as stored and filled in with the batch's templates. */
  const stored = async () =>
    (
      await t.client.execute(
        "SELECT batch_id, messages, templates FROM batch_payloads ORDER BY batch_id",
      )
    ).rows.map((r) => {
      const raw = JSON.parse(String(r.messages)) as StoredMessage[];
      const templates = JSON.parse(String(r.templates)) as Record<string, MailTemplate>;
      return {
        batchId: Number(r.batch_id),
        raw,
        templates,
        messages: raw.map((m) => ({ id: m.id, ...storedMail(m, templates) })),
      };
    });

  test("each batch stores its messages once, as sent", async () => {
    const { listId } = await listWithContacts(t, bearer, 15);
    await reconsent(listId);
    await dispatchUntilIdle(t.deps);
    expect(fake.delivered).toHaveLength(15);
    const batches = await stored();
    expect(batches.map((b) => b.messages.length)).toEqual([10, 5]);
    const rows = await t.client.execute(
      "SELECT id, batch_id, provider_id FROM outbox_messages ORDER BY id",
    );
    // Compactly: each message is its template's key and its own values (name, links); the
    // templates, rendered once per language and wording, are stored beside them.
    for (const batch of batches) {
      for (const m of batch.raw) expect(Object.keys(m).sort()).toEqual(["id", "t", "to", "v"]);
      expect(Object.keys(batch.templates ?? {}).length).toBeLessThanOrEqual(2);
    }
    // Stored in row order, each, filled in, what the provider received for that row.
    const byProviderId = new Map(fake.delivered.map((e) => [e.id, e]));
    for (const row of rows.rows) {
      const message = batches
        .find((b) => b.batchId === Number(row.batch_id))
        ?.messages.find((m) => m.id === Number(row.id));
      const email = byProviderId.get(String(row.provider_id));
      expect(message).toMatchObject({
        to: email?.to,
        subject: email?.subject,
        text: email?.text,
        html: email?.html,
      });
    }
    expect(batches[0]?.messages.map((m) => m.id)).toEqual(rows.rows.slice(0, 10).map((r) => r.id));
  });

  test("a row that leaves the queue just before its batch is claimed is not stored with it", async () => {
    const { listId, contacts } = await listWithContacts(t, bearer, 3);
    await reconsent(listId);
    const p1 = contacts.get("p1@example.org") as number;
    // Another request (a bounce, an unsubscribe) takes p1's row out of the queue between the
    // dispatcher's read and its claim.
    const batch = t.client.batch.bind(t.client);
    let raced = false;
    t.client.batch = async (...args: Parameters<typeof batch>) => {
      if (!raced) {
        raced = true;
        await t.client.execute({
          sql: "UPDATE outbox_messages SET status = 'suppressed' WHERE contact_id = ?",
          args: [p1],
        });
      }
      return batch(...args);
    };
    try {
      await dispatchUntilIdle(t.deps);
    } finally {
      t.client.batch = batch;
    }
    expect(raced).toBe(true);
    expect(fake.delivered.map((e) => e.to)).toEqual(["p0@example.org", "p2@example.org"]);
    const [stored1] = await stored();
    expect(stored1?.messages.map((m) => m.to)).toEqual(["p0@example.org", "p2@example.org"]);
    expect(JSON.stringify(stored1)).not.toContain("p1@example.org");
  });

  test("erasing a contact removes their message from a finished batch, and only theirs", async () => {
    const { listId, contacts } = await listWithContacts(t, bearer, 3);
    await reconsent(listId);
    await dispatchUntilIdle(t.deps);
    const p1 = contacts.get("p1@example.org") as number;
    expect((await t.api(bearer, "DELETE", `/api/v1/lists/${listId}/contacts/${p1}`)).status).toBe(
      204,
    );
    const [batch] = await stored();
    expect(batch?.messages.map((m) => m.to)).toEqual(["p0@example.org", "p2@example.org"]);
    expect(JSON.stringify(batch)).not.toContain("p1@example.org");
    expect(JSON.stringify(batch)).not.toContain("Participant 1");
  });

  test("a contact erased while their batch waits for a retry: the retry is identical, then their message goes", async () => {
    const { listId, contacts } = await listWithContacts(t, bearer, 3);
    await reconsent(listId);
    fake.failNext(1, 503);
    expect(await runOnce(t.deps, fastLimiter())).toMatchObject({ outcome: "retry" });
    const p1 = contacts.get("p1@example.org") as number;
    expect((await t.api(bearer, "DELETE", `/api/v1/lists/${listId}/contacts/${p1}`)).status).toBe(
      204,
    );
    // In flight, the batch keeps the message: a retry must send the same bytes under its key.
    expect(JSON.stringify(await stored())).toContain("p1@example.org");
    t.clock.advance(60_000);
    await dispatchUntilIdle(t.deps);
    expect(fake.calls.map((c) => c.status)).toEqual([503, 200]);
    expect(new Set(fake.calls.map((c) => c.idempotencyKey)).size).toBe(1);
    // Finished, it forgets the erased contact.
    const [batch] = await stored();
    expect(batch?.messages.map((m) => m.to)).toEqual(["p0@example.org", "p2@example.org"]);
    expect(JSON.stringify(batch)).not.toContain("Participant 1");
  });

  test("a batch whose stored messages cannot be rebuilt fails its rows with the reason, and its send closes", async () => {
    const { listId } = await listWithContacts(t, bearer, 3);
    const sendId = ((await (await reconsent(listId)).json()) as Report).send_id;
    fake.failNext(1, 503);
    expect(await runOnce(t.deps, fastLimiter())).toMatchObject({ outcome: "retry" });
    // A damaged database: the batch's templates are gone.
    await t.client.execute("UPDATE batch_payloads SET templates = NULL");
    t.clock.advance(60_000);
    await dispatchUntilIdle(t.deps);
    expect(fake.calls).toHaveLength(1);
    const rows = await t.client.execute({
      sql: "SELECT status, error FROM outbox_messages WHERE send_id = ?",
      args: [sendId],
    });
    expect(rows.rows.map((r) => [r.status, r.error])).toEqual(
      Array(3).fill(["failed", "its stored message could not be read back; not sent"]),
    );
    expect(await (await t.api(bearer, "GET", `/api/v1/sends/${sendId}`)).json()).toMatchObject({
      status: "done",
      failed: 3,
    });
  });

  test("a contact erased while their batch waits for a retry, then the batch is refused: the others fail with the reason, the erased contact is nowhere", async () => {
    const { listId, contacts } = await listWithContacts(t, bearer, 3);
    const sendId = ((await (await reconsent(listId)).json()) as Report).send_id;
    fake.failNext(1, 503);
    expect(await runOnce(t.deps, fastLimiter())).toMatchObject({ outcome: "retry" });
    const p1 = contacts.get("p1@example.org") as number;
    expect((await t.api(bearer, "DELETE", `/api/v1/lists/${listId}/contacts/${p1}`)).status).toBe(
      204,
    );
    fake.failNext(1, 422);
    t.clock.advance(60_000);
    await dispatchUntilIdle(t.deps);
    expect(fake.calls.map((c) => c.status)).toEqual([503, 422]);
    expect(fake.delivered).toHaveLength(0);

    const rows = await t.client.execute({
      sql: "SELECT contact_id, status, error FROM outbox_messages WHERE send_id = ? ORDER BY id",
      args: [sendId],
    });
    const others = rows.rows.filter((r) => Number(r.contact_id) !== p1);
    expect(others).toHaveLength(2);
    for (const row of others) {
      expect(row.status).toBe("failed");
      expect(String(row.error)).toMatch(/^422 validation_error/);
    }
    expect(await (await t.api(bearer, "GET", `/api/v1/sends/${sendId}`)).json()).toMatchObject({
      status: "done",
      sent: 0,
      failed: 3,
    });
    // The batch is finished: its stored messages are the others' only, and nothing anywhere
    // (outbox rows, batch payloads, events, audit) holds the erased address or name.
    const [batch] = await stored();
    expect(batch?.messages.map((m) => m.to)).toEqual(["p0@example.org", "p2@example.org"]);
    const dump = JSON.stringify(await snapshot(t));
    expect(dump).toContain("p0@example.org");
    expect(dump).toContain("Participant 2");
    expect(dump).not.toContain("p1@example.org");
    expect(dump).not.toContain("Participant 1");
  });
});

describe("claiming ahead (the Node loop): an outcome and the next claim share one transaction", () => {
  const AHEAD = { claimAhead: true };
  const invite = async (n: number) => {
    const { listId } = await listWithContacts(t, bearer, n);
    return ((await (await reconsent(listId)).json()) as Report).send_id as number;
  };
  let dispatcher: Dispatcher;
  beforeEach(() => {
    dispatcher = createDispatcher(t.deps, { limiter: fastLimiter(), ...AHEAD });
  });
  const step = () => dispatcher.step();
  const deliveredOnce = (n: number) => {
    expect(fake.delivered).toHaveLength(n);
    expect(new Set(fake.delivered.map((e) => String(e.to))).size).toBe(n);
  };

  test("every recipient gets one message, with one write transaction per batch", async () => {
    const sendId = await invite(30);
    const client = t.client as unknown as { batch: (...args: unknown[]) => Promise<unknown> };
    const batch = client.batch.bind(t.client);
    let transactions = 0;
    client.batch = (...args) => {
      transactions++;
      return batch(...args);
    };
    await dispatchUntilIdle(t.deps, fastLimiter(), 1000, AHEAD);
    client.batch = batch;
    deliveredOnce(30);
    expect(fake.calls.map((c) => c.status)).toEqual([200, 200, 200]);
    // The first claim, then three outcomes, the first two with the next claim (not six).
    expect(transactions).toBe(4);
    expect(await (await t.api(bearer, "GET", `/api/v1/sends/${sendId}`)).json()).toMatchObject({
      status: "done",
      sent: 30,
    });
  });

  test("a pause with a batch claimed ahead: no call, the batch is let go, then sent once on resume", async () => {
    await invite(30);
    expect(await step()).toMatchObject({ kind: "called", outcome: "sent" });
    const ahead = await t.client.execute(
      "SELECT id, lease_until FROM send_batches WHERE status = 'pending'",
    );
    expect(ahead.rows).toHaveLength(1);
    expect(ahead.rows[0]?.lease_until).not.toBeNull();
    await t.api(bearer, "POST", "/api/v1/sending/pause", { reason: "ahead" });
    expect(await step()).toEqual({ kind: "paused" });
    expect(fake.calls).toHaveLength(1);
    const released = await t.client.execute({
      sql: "SELECT lease_until FROM send_batches WHERE id = ?",
      args: [Number(ahead.rows[0]?.id)],
    });
    expect(released.rows[0]?.lease_until).toBeNull();
    await t.api(bearer, "POST", "/api/v1/sending/resume");
    await dispatchUntilIdle(t.deps, fastLimiter(), 1000, AHEAD);
    deliveredOnce(30);
    expect(fake.calls).toHaveLength(3);
    expect(new Set(fake.calls.map((c) => c.idempotencyKey)).size).toBe(3);
  });

  test("a retry that came due is called before the batch claimed ahead, which is called next", async () => {
    await invite(30);
    fake.failNext(1, 503);
    expect(await step()).toMatchObject({ outcome: "retry" }); // batch A, retried in a while
    expect(await step()).toMatchObject({ outcome: "sent" }); // batch B, and C claimed ahead
    t.clock.advance(5_000); // past A's backoff, well within C's lease
    expect(await step()).toMatchObject({ outcome: "sent" }); // A, due
    expect(await step()).toMatchObject({ outcome: "sent" }); // C
    const keys = fake.calls.map((c) => c.idempotencyKey);
    expect(keys[2]).toBe(keys[0]);
    expect(new Set(keys).size).toBe(3);
    expect(await dispatchUntilIdle(t.deps, fastLimiter(), 1000, AHEAD)).toEqual([
      { kind: "idle", nextAttemptAt: null },
    ]);
    deliveredOnce(30);
  });
  test("a batch claimed ahead whose lease ran out is called once, as a due batch, never again from memory", async () => {
    await invite(30);
    expect(await step()).toMatchObject({ outcome: "sent" }); // A, and B claimed ahead
    t.clock.advance(2 * 60_000 + 1); // B's lease runs out
    fake.failNext(1, 503);
    expect(await step()).toMatchObject({ outcome: "retry" }); // B, leased again as due
    expect(await step()).toMatchObject({ outcome: "sent" }); // C: B waits for its backoff
    t.clock.advance(60 * 60_000);
    await dispatchUntilIdle(t.deps, fastLimiter(), 1000, AHEAD);
    const keys = fake.calls.map((c) => c.idempotencyKey);
    expect(fake.calls.map((c) => c.status)).toEqual([200, 503, 200, 200]);
    expect(keys[3]).toBe(keys[1]); // B retried after its backoff, under its key
    expect(new Set(keys).size).toBe(3);
    deliveredOnce(30);
  });

  test("claiming ahead failing never costs the outcome of the call that went through", async () => {
    const { listId } = await listWithContacts(t, bearer, 3);
    await reconsent(listId);
    // A second send whose purpose text is missing: rendering its first batch throws.
    const other = await listWithContacts(t, bearer, 3, "other");
    const broken = ((await (await reconsent(other.listId)).json()) as Report).send_id;
    await t.client.execute({
      sql: "UPDATE sends SET text_version = 999 WHERE id = ?",
      args: [broken],
    });
    expect(await step()).toMatchObject({ outcome: "sent" }); // the first send's batch
    const batches = await t.client.execute("SELECT status FROM send_batches");
    expect(batches.rows.map((r) => r.status)).toEqual(["sent"]);
    await expect(step()).rejects.toThrow(/purpose v999 is missing/);
    t.clock.advance(10 * 60_000);
    await expect(step()).rejects.toThrow(/purpose v999 is missing/);
    expect(fake.calls).toHaveLength(1);
  });
});
