// Preparing a large send leaves the event loop to others: the recipient count reads the list in
// steps with a turn of the event loop between them (on Node the embedded driver runs each
// statement on the loop), and the chunks are sized by how long the previous one took.
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { countRecipients } from "../src/consent/eligibility";
import { startSend } from "../src/sending/outbox";
import { CHUNK_BOUNDS, CHUNK_TARGET_MS, nextChunkSize } from "../src/sending/prepare";
import { createTestApp, type TestApp } from "./helpers";
import { listWithContacts, moveTo } from "./sending-helpers";

let t: TestApp;
let bearer: string;

beforeEach(async () => {
  t = await createTestApp({ APPROVAL_THRESHOLD: "off", CANARY_PERCENT: "0" });
  bearer = await t.token();
});
afterEach(() => t.close());

/** Whether a callback queued just before `work` ran before `work` was done. */
async function letsOthersRun(work: () => Promise<unknown>) {
  let ran = false;
  setImmediate(() => {
    ran = true;
  });
  await work();
  return ran;
}

describe("the recipient count in steps", () => {
  test("counts what one read counts, and gives the event loop a turn between steps", async () => {
    const { listId, contacts } = await listWithContacts(t, bearer, 11, "steps");
    const [first, second] = [...contacts.values()];
    await moveTo(t.deps, listId, first as number, ["invited", "confirmed"]);
    await moveTo(t.deps, listId, second as number, ["invited", "declined"]);
    const whole = await countRecipients(t.deps, "reconsent", listId, undefined, 1_000);
    expect(whole.recipients).toBe(9);
    for (const step of [1, 2, 3, 10, 11])
      expect(await countRecipients(t.deps, "reconsent", listId, undefined, step)).toEqual(whole);
    expect(
      await letsOthersRun(() => countRecipients(t.deps, "reconsent", listId, undefined, 4)),
    ).toBe(true);
  });
});

describe("the chunk size, by the time the previous chunk took", () => {
  const target = CHUNK_TARGET_MS.embedded;

  test("grows toward the target when fast, shrinks when slow, by at most double or half", () => {
    expect(nextChunkSize(CHUNK_BOUNDS.min, target / 10, target)).toBe(CHUNK_BOUNDS.min * 2);
    expect(nextChunkSize(1_000, target, target)).toBe(1_000);
    expect(nextChunkSize(1_000, target * 1.25, target)).toBe(800);
    expect(nextChunkSize(4_000, target * 10, target)).toBe(2_000);
    expect(nextChunkSize(1_000, 0, target)).toBe(2_000);
  });

  test("stays within its bounds", () => {
    expect(nextChunkSize(CHUNK_BOUNDS.max, 1, target)).toBe(CHUNK_BOUNDS.max);
    expect(nextChunkSize(CHUNK_BOUNDS.min, 10_000, target)).toBe(CHUNK_BOUNDS.min);
  });

  test("a preparation starts at the smallest chunk and gives the event loop a turn between chunks", async () => {
    const { listId } = await listWithContacts(t, bearer, 600, "sized");
    const through: number[] = [];
    const request = {
      kind: "reconsent" as const,
      listId,
      subject: "Toujours partant ?",
      deadline: "2026-02-15T00:00:00.000Z",
      textVersion: 1,
      actor: "admin@test.example",
    };
    const started = letsOthersRun(() =>
      startSend(t.deps, request, { afterChunk: (at) => void through.push(at) }),
    );
    expect(await started).toBe(true);
    const first = await t.client.execute({
      sql: "SELECT id FROM list_members WHERE list_id = ? ORDER BY id LIMIT 1",
      args: [listId],
    });
    expect(through[0]).toBe(Number(first.rows[0]?.id) + CHUNK_BOUNDS.min - 1);
    const invited = await t.client.execute({
      sql: "SELECT count(*) AS n FROM list_members WHERE list_id = ? AND status = 'invited'",
      args: [listId],
    });
    expect(Number(invited.rows[0]?.n)).toBe(600);
  });
});

describe("chunks whose size changes from one to the next", () => {
  test("the canary (picked in steps) and the list are each enqueued whole, every member once", async () => {
    const app = await createTestApp({
      APPROVAL_THRESHOLD: "off",
      CANARY_MIN_RECIPIENTS: "20",
      CANARY_PERCENT: "50",
      SEND_BATCH_SIZE: "2",
    });
    try {
      const { listId } = await listWithContacts(app, await app.token(), 31, "varying");
      const report = await startSend(
        app.deps,
        {
          kind: "reconsent",
          listId,
          subject: "Toujours partant ?",
          deadline: "2026-02-15T00:00:00.000Z",
          textVersion: 1,
          actor: "admin@test.example",
        },
        // 4, then 7, 2, 7, 2…: a size that grows, then shrinks, as timed chunks would; the canary
        // picked from the list read 3 members at a time.
        { chunkSize: 4, nextSize: (size) => (size === 7 ? 2 : 7), readStep: 3 },
      );
      expect(report.recipients).toBe(31);
      const rows = await app.client.execute({
        sql: `SELECT (SELECT count(*) FROM outbox_messages o WHERE o.send_id = s.id
                AND o.id <= s.canary_last_message_id) AS canary,
              (SELECT count(DISTINCT contact_id) FROM outbox_messages o WHERE o.send_id = s.id) AS contacts,
              (SELECT count(*) FROM consent_events e WHERE e.list_id = s.list_id AND e.event = 'invited') AS invited,
              s.status FROM sends s WHERE s.id = ?`,
        args: [report.sendId],
      });
      expect({ ...rows.rows[0] }).toEqual({
        canary: 16,
        contacts: 31,
        invited: 31,
        status: "queued",
      });
    } finally {
      app.close();
    }
  });
});
