// Defect 16.2: a provider 429 with retry-after speaks for the whole account. After it, no provider
// call of any batch, from any dispatcher, starts before retry-after has passed.
import { createClient } from "@libsql/client";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createDb } from "../src/db";
import { type Deps, systemClock } from "../src/deps";
import type { MailProvider } from "../src/mail/provider";
import { createDispatcher } from "../src/sending/dispatcher";
import { windowRateLimiter } from "../src/sending/rate";
import { dbRateLimiter } from "../src/sending/rate-db";
import { type PipelineStore, pipelineStore } from "../src/sending/store";
import { type FakeResend, startFakeResend } from "./fake-resend";
import { createTestApp, type TestApp } from "./helpers";
import { listWithContacts } from "./sending-helpers";

let fake: FakeResend;
let t: TestApp;
beforeAll(async () => {
  fake = await startFakeResend();
  t = await createTestApp({
    MAIL_TRANSPORT: "resend",
    MAIL_REPLY_TO: "equipe@netsdor.example",
    RESEND_API_KEY: fake.apiKey,
    RESEND_BASE_URL: fake.url,
    SEND_BATCH_SIZE: "2",
    SEND_RATE_PER_SECOND: "5",
  });
});
afterAll(async () => {
  t.close();
  await fake.stop();
});

/** A re-consent send of `n` contacts; the fake's second call will answer 429 with retry-after: 1. */
async function sendWithOne429(n: number, listSlug: string) {
  fake.reset();
  const bearer = await t.token();
  const { listId } = await listWithContacts(t, bearer, n, listSlug);
  const sent = await t.api(bearer, "POST", `/api/v1/lists/${listId}/reconsent`, {
    deadline: "2030-01-01T00:00:00Z",
  });
  expect(sent.status).toBe(202);
  let calls = 0;
  const push = fake.calls.push;
  fake.calls.push = function (...items) {
    if (++calls === 1) fake.failNext(1, 429, { retryAfter: "1" });
    return push.apply(this, items);
  };
  return () => {
    fake.calls.push = push;
  };
}

const until = async (done: () => boolean) => {
  const deadline = Date.now() + 20_000;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
};

test("the Node loop: after a 429 with retry-after: 1, no call of another batch reaches the provider within 1 s", {
  timeout: 30_000,
}, async () => {
  const restore = await sendWithOne429(16, "node");
  const deps: Deps = { ...t.deps, clock: systemClock };
  const limiter = windowRateLimiter(5);
  const dispatcher = createDispatcher(deps, { limiter, claimAhead: true, idleMs: 20 });
  void dispatcher.run();
  await until(() => fake.delivered.length >= 16);
  await dispatcher.stop();
  restore();

  const throttled = fake.calls.find((c) => c.status === 429);
  const at = throttled?.at ?? Number.NaN;
  expect(fake.calls.filter((c) => c.at > at && c.at - at < 1000).map((c) => c.at - at)).toEqual([]);
  expect(fake.delivered).toHaveLength(16);
  expect(new Set(fake.delivered.map((e) => e.to)).size).toBe(16);
});

test("two consumers: once one has recorded the 429's hold, neither starts a call before it ends", {
  timeout: 30_000,
}, async () => {
  const restore = await sendWithOne429(16, "workers");
  let heldAt = Number.NaN;
  let holdUntil = Number.NaN;
  const starts: number[] = [];
  // Two dispatchers in real time, as two Workers isolates: their own connection, the rate limit
  // (5 calls/s) shared through the database; the provider and the store watched.
  const consumers = Array.from({ length: 2 }, () => {
    const client = createClient({ url: t.url });
    const db = createDb(client);
    const base = pipelineStore(db);
    const store: PipelineStore = {
      ...base,
      commit: async (changes) => {
        const claimed = await base.commit(changes);
        for (const c of changes)
          if (c.kind === "retry" && c.holdUntil) {
            heldAt = Date.now();
            holdUntil = Date.parse(c.holdUntil);
          }
        return claimed;
      },
    };
    const mail: MailProvider = {
      name: "resend",
      sendBatch: (messages, key) => {
        starts.push(Date.now());
        return t.deps.mail.sendBatch(messages, key);
      },
    };
    const deps: Deps = { ...t.deps, client, db, mail, clock: systemClock };
    const dispatcher = createDispatcher(deps, {
      limiter: dbRateLimiter(client, 5),
      store,
      idleMs: 20,
    });
    return { client, dispatcher };
  });
  for (const c of consumers) void c.dispatcher.run();
  await until(() => fake.delivered.length >= 16);
  for (const c of consumers) {
    await c.dispatcher.stop();
    c.client.close();
  }
  restore();

  expect(holdUntil - heldAt).toBeGreaterThan(900);
  expect(starts.filter((s) => s >= heldAt && s < holdUntil).map((s) => s - heldAt)).toEqual([]);
  expect(fake.delivered).toHaveLength(16);
  expect(new Set(fake.delivered.map((e) => e.to)).size).toBe(16);
});
