// The queue-driven dispatcher (what the Workers queue consumer and cron run), on Node with the
// Resend fake: bounded work per message, the verdict for the queue, and the cron's safety net.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import type { MailProvider } from "../src/mail/provider";
import {
  DISPATCH_MESSAGE,
  type DispatchMessage,
  dispatchForAWhile,
  enqueueIfWorkDue,
} from "../src/sending/consumer";
import { createDispatcher } from "../src/sending/dispatcher";
import { pauseSending } from "../src/sending/kill-switch";
import { pipelineStore } from "../src/sending/store";
import { type FakeResend, startFakeResend } from "./fake-resend";
import { createTestApp, type TestApp } from "./helpers";
import { fastLimiter, listWithContacts } from "./sending-helpers";

let fake: FakeResend;
let t: TestApp;
let bearer: string;

beforeAll(async () => {
  fake = await startFakeResend();
});
afterAll(() => fake.stop());

beforeEach(async () => {
  fake.reset();
  t = await createTestApp({
    MAIL_TRANSPORT: "resend",
    MAIL_REPLY_TO: "equipe@netsdor.example",
    RESEND_API_KEY: fake.apiKey,
    RESEND_BASE_URL: fake.url,
    SEND_BATCH_SIZE: "3",
  });
  bearer = await t.token();
  return () => t.close();
});

const reconsent = async (contacts: number) => {
  const { listId } = await listWithContacts(t, bearer, contacts);
  const res = await t.api(bearer, "POST", `/api/v1/lists/${listId}/reconsent`, {
    deadline: "2026-03-01T00:00:00.000Z",
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { send_id: number }).send_id;
};

/** A consumer as the Worker makes one per isolate, over the test app's database. */
const consumer = () => ({
  dispatcher: createDispatcher(t.deps, { limiter: fastLimiter() }),
  store: pipelineStore(t.deps.db),
  clock: t.deps.clock,
});

const deliveredTo = () => fake.delivered.map((e) => String(e.to)).sort();

/** A provider that always answers "try again later" (a 5xx, a 429 with Retry-After). */
const unavailable = (retryAfterMs: number): MailProvider => ({
  name: "resend",
  sendBatch: async () => ({ kind: "retry", reason: "503 unavailable", retryAfterMs }),
});

describe("dispatchForAWhile (one queue message's work)", () => {
  test("stops at its budget with work left (continue), then finishes the send (ack); each contact mailed once", async () => {
    const sendId = await reconsent(7); // 3 batches of 3, 3, 1
    const first = await dispatchForAWhile(consumer(), { maxMs: 60_000, maxCalls: 2 });
    expect(first.verdict).toEqual({ kind: "continue" });
    expect(first.steps.filter((s) => s.kind === "called")).toHaveLength(2);
    expect(fake.delivered).toHaveLength(6);

    const second = await dispatchForAWhile(consumer(), { maxMs: 60_000, maxCalls: 2 });
    expect(second.verdict).toEqual({ kind: "ack" });
    expect(deliveredTo()).toEqual(Array.from({ length: 7 }, (_, i) => `p${i}@example.org`).sort());
    const send = await t.api(bearer, "GET", `/api/v1/sends/${sendId}`);
    expect(await send.json()).toMatchObject({ status: "done", total: 7, sent: 7 });
  });

  test("claiming ahead (as the Worker does), it lets go of the batch claimed ahead when its budget ends: the next consumer sends it at once", async () => {
    await reconsent(7); // 3 batches of 3, 3, 1
    const ahead = () => ({
      ...consumer(),
      dispatcher: createDispatcher(t.deps, { limiter: fastLimiter(), claimAhead: true }),
    });
    const first = await dispatchForAWhile(ahead(), { maxMs: 60_000, maxCalls: 2 });
    expect(first.verdict).toEqual({ kind: "continue" });
    expect(fake.delivered).toHaveLength(6);
    const leased = await t.client.execute(
      "SELECT count(*) AS n FROM send_batches WHERE lease_until IS NOT NULL AND status = 'pending'",
    );
    expect(Number(leased.rows[0]?.n)).toBe(0);

    // Another isolate's consumer: nothing held by the first one stands in its way.
    const second = await dispatchForAWhile(ahead(), { maxMs: 60_000, maxCalls: 2 });
    expect(second.verdict).toEqual({ kind: "ack" });
    expect(deliveredTo()).toEqual(Array.from({ length: 7 }, (_, i) => `p${i}@example.org`).sort());
  });

  test("while paused it calls nothing and acknowledges", async () => {
    await reconsent(4);
    await pauseSending(t.deps, "test", "admin@test.example");
    const { verdict, steps } = await dispatchForAWhile(consumer());
    expect(verdict).toEqual({ kind: "ack" });
    expect(steps).toEqual([{ kind: "paused" }]);
    expect(fake.calls).toHaveLength(0);
  });

  test("a batch waiting for its retry asks the queue to retry the message when it is due", async () => {
    await reconsent(2);
    t.deps.mail = unavailable(90_000);
    const { verdict, steps } = await dispatchForAWhile(consumer());
    expect(steps[0]).toMatchObject({ kind: "called", outcome: "retry" });
    expect(verdict).toEqual({ kind: "retry", delaySeconds: 90 });
  });

  test("a batch leased by another consumer is waited for until its lease runs out", async () => {
    await reconsent(2);
    t.deps.mail = unavailable(1000);
    await dispatchForAWhile(consumer());
    t.clock.advance(5_000); // the retry is due…
    const leaseUntil = new Date(t.clock.now().getTime() + 100_000).toISOString();
    await t.client.execute({ sql: "UPDATE send_batches SET lease_until = ?", args: [leaseUntil] });
    const { verdict, steps } = await dispatchForAWhile(consumer());
    expect(steps).toEqual([expect.objectContaining({ kind: "idle" })]); // …but someone holds it
    expect(verdict).toEqual({ kind: "retry", delaySeconds: 100 });
  });

  test("nothing to send: acknowledge", async () => {
    const { verdict } = await dispatchForAWhile(consumer());
    expect(verdict).toEqual({ kind: "ack" });
  });
});

describe("enqueueIfWorkDue (the cron's safety net)", () => {
  const recorder = () => {
    const sent: DispatchMessage[] = [];
    return { sent, enqueue: async (m: DispatchMessage) => void sent.push(m) };
  };

  test("enqueues when a send has rows to claim, not when there is nothing or sending is paused", async () => {
    const idle = recorder();
    expect(await enqueueIfWorkDue(consumer(), idle.enqueue)).toBe(false);
    expect(idle.sent).toEqual([]);

    await reconsent(3);
    const paused = recorder();
    await pauseSending(t.deps, "test", "admin@test.example");
    expect(await enqueueIfWorkDue(consumer(), paused.enqueue)).toBe(false);
    expect(paused.sent).toEqual([]);

    await t.client.execute("UPDATE sending_state SET paused = 0");
    const due = recorder();
    expect(await enqueueIfWorkDue(consumer(), due.enqueue)).toBe(true);
    expect(due.sent).toEqual([DISPATCH_MESSAGE]);
  });

  test("re-enqueues a batch whose lease expired, not one whose lease is live or retry is not due", async () => {
    await reconsent(3); // one batch
    t.deps.mail = unavailable(60_000);
    await dispatchForAWhile(consumer());
    const notDue = recorder();
    expect(await enqueueIfWorkDue(consumer(), notDue.enqueue)).toBe(false);

    t.clock.advance(61_000);
    // A consumer claimed it and died: its lease is live for a while, then expires.
    const until = new Date(t.clock.now().getTime() + 120_000).toISOString();
    await t.client.execute({ sql: "UPDATE send_batches SET lease_until = ?", args: [until] });
    const leased = recorder();
    expect(await enqueueIfWorkDue(consumer(), leased.enqueue)).toBe(false);

    t.clock.advance(121_000);
    const expired = recorder();
    expect(await enqueueIfWorkDue(consumer(), expired.enqueue)).toBe(true);
    expect(expired.sent).toEqual([DISPATCH_MESSAGE]);
  });
});
