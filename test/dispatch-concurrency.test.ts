// Concurrent dispatchers (queue consumers in several isolates) never call the same batch twice.
import { createClient } from "@libsql/client";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createDb } from "../src/db";
import type { Deps } from "../src/deps";
import { createDispatcher } from "../src/sending/dispatcher";
import { type FakeResend, startFakeResend } from "./fake-resend";
import { createTestApp, type TestApp } from "./helpers";
import { fastLimiter, listWithContacts } from "./sending-helpers";

let fake: FakeResend;
let t: TestApp;
beforeAll(async () => {
  fake = await startFakeResend();
  t = await createTestApp({
    MAIL_TRANSPORT: "resend",
    MAIL_REPLY_TO: "equipe@netsdor.example",
    RESEND_API_KEY: fake.apiKey,
    RESEND_BASE_URL: fake.url,
    SEND_BATCH_SIZE: "5",
  });
});
afterAll(async () => {
  t.close();
  await fake.stop();
});

test("three dispatchers racing over one send: every batch called once, every contact mailed once", async () => {
  const bearer = await t.token();
  const { listId } = await listWithContacts(t, bearer, 60);
  const sent = await t.api(bearer, "POST", `/api/v1/lists/${listId}/reconsent`, {
    deadline: "2026-06-01T00:00:00Z",
  });
  expect(sent.status).toBe(202);
  const dispatchers = Array.from({ length: 3 }, () => {
    const client = createClient({ url: t.url });
    const deps: Deps = { ...t.deps, client, db: createDb(client) };
    return { client, dispatcher: createDispatcher(deps, { limiter: fastLimiter() }) };
  });
  await Promise.all(
    dispatchers.map(async (d) => {
      for (let idle = 0; idle < 3; ) {
        const step = await d.dispatcher.step();
        idle = step.kind === "idle" ? idle + 1 : 0;
      }
    }),
  );
  for (const d of dispatchers) d.client.close();
  const keys = fake.calls.map((c) => c.idempotencyKey);
  expect(fake.calls.every((c) => c.status === 200)).toBe(true);
  expect(new Set(keys).size).toBe(keys.length); // no key called twice
  expect(fake.delivered).toHaveLength(60);
  expect(new Set(fake.delivered.map((e) => e.to)).size).toBe(60);
});
