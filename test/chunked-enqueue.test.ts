// A send is enqueued in chunks of list members while it is `preparing`: the result equals a
// one-shot enqueue, a crash between chunks leaves nobody half-invited and resumes to every member
// exactly once, and the API shows the preparation.
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { runPeriodicJobs } from "../src/jobs";
import { resumePreparingSends, startSend } from "../src/sending/outbox";
import { createTestApp, type TestApp } from "./helpers";
import { listWithContacts, moveTo } from "./sending-helpers";

let t: TestApp;
let bearer: string;

beforeEach(async () => {
  t = await createTestApp({
    APPROVAL_THRESHOLD: "off",
    CANARY_MIN_RECIPIENTS: "20",
    CANARY_PERCENT: "20",
    SEND_BATCH_SIZE: "2",
  });
  bearer = await t.token();
});
afterEach(() => t.close());

const MINUTE = 60_000;

/** A list of `n` legacy contacts, the first two already confirmed (no re-consent for them). */
async function legacyList(n: number, slug: string) {
  const { listId, contacts } = await listWithContacts(t, bearer, n, slug);
  const ids = [...contacts.values()];
  for (const id of ids.slice(0, 2)) await moveTo(t.deps, listId, id, ["invited", "confirmed"]);
  return { listId, ids };
}

const reconsent = (listId: number) => ({
  kind: "reconsent" as const,
  listId,
  subject: "Toujours partant ?",
  deadline: "2026-02-15T00:00:00.000Z",
  textVersion: 1,
  actor: "admin@test.example",
});

const rows = async (sql: string, ...args: (number | string)[]) =>
  (await t.client.execute({ sql, args })).rows.map((r) => ({ ...r }));

/** Per contact: its outbox rows in the send, and its `invited` events on the list. */
async function outcome(sendId: number, listId: number) {
  const outbox = await rows(
    "SELECT contact_id, count(*) AS n FROM outbox_messages WHERE send_id = ? GROUP BY contact_id ORDER BY contact_id",
    sendId,
  );
  const invited = await rows(
    "SELECT contact_id, count(*) AS n FROM consent_events WHERE list_id = ? AND event = 'invited' GROUP BY contact_id ORDER BY contact_id",
    listId,
  );
  const states = await rows(
    "SELECT contact_id, status FROM list_members WHERE list_id = ? ORDER BY contact_id",
    listId,
  );
  return { outbox, invited, states };
}

const sendRow = async (id: number) =>
  (await rows("SELECT status, total, prepared_through FROM sends WHERE id = ?", id))[0];

describe("chunked enqueue", () => {
  test("in chunks of 4 (its canary first) it enqueues and invites exactly what one chunk does", async () => {
    const a = await legacyList(23, "one-shot");
    const b = await legacyList(23, "chunked");
    const whole = await startSend(t.deps, reconsent(a.listId), { chunkSize: 1_000_000 });
    const chunks: number[] = [];
    const chunked = await startSend(t.deps, reconsent(b.listId), {
      chunkSize: 4,
      afterChunk: (through) => void chunks.push(through),
    });
    expect(chunks.length).toBeGreaterThanOrEqual(5);
    expect(chunked.recipients).toBe(21);
    expect(whole.recipients).toBe(21);
    expect(chunked.status).toBe("queued");
    const one = await outcome(whole.sendId as number, a.listId);
    const many = await outcome(chunked.sendId as number, b.listId);
    expect(many).toEqual(one);
    expect(many.outbox.every((r) => r.n === 1)).toBe(true);
    expect(await sendRow(chunked.sendId as number)).toEqual({
      status: "queued",
      total: 21,
      prepared_through: null,
    });
  });

  test("a crash between chunks invites only the enqueued; the resume reaches every member once", async () => {
    const { listId } = await legacyList(19, "crash"); // 17 recipients: below the canary
    let chunks = 0;
    const crash = startSend(t.deps, reconsent(listId), {
      chunkSize: 4,
      afterChunk: () => {
        if (++chunks === 2) throw new Error("the process died");
      },
    });
    await expect(crash).rejects.toThrow("the process died");
    const [send] = await rows("SELECT id FROM sends WHERE list_id = ?", listId);
    const id = Number(send?.id);
    const half = await outcome(id, listId);
    // Two chunks of 4 members, two of whom were confirmed already: 6 rows, 6 invitations.
    expect(half.outbox).toHaveLength(6);
    expect(half.invited.filter((r) => r.n === 1)).toHaveLength(6 + 2);
    expect(half.states.filter((r) => r.status === "legacy")).toHaveLength(11);

    // The API and the progress page show where it stands; the dispatcher calls nobody yet.
    const api = await t.api(bearer, "GET", `/api/v1/sends/${id}`);
    expect(await api.json()).toMatchObject({ status: "preparing", total: 17, enqueued: 6 });
    const cookie = await t.signIn();
    const page = await t.request(`/admin/sends/${id}/progress`, { headers: { Cookie: cookie } });
    expect(await page.text()).toContain("Preparing: 6 of 17 recipients enqueued");

    // Not stale yet: a resume leaves a preparation that may still be running alone.
    expect(await resumePreparingSends(t.deps, { chunkSize: 4 })).toEqual({
      resumed: [],
      discarded: [],
    });
    t.clock.advance(3 * MINUTE);
    expect(await resumePreparingSends(t.deps, { chunkSize: 4 })).toEqual({
      resumed: [id],
      discarded: [],
    });
    const done = await outcome(id, listId);
    expect(done.outbox).toHaveLength(17);
    expect(done.outbox.every((r) => r.n === 1)).toBe(true);
    // Each member invited once (the two confirmed ones by their own earlier invitation).
    expect(done.invited).toHaveLength(19);
    expect(done.invited.every((r) => r.n === 1)).toBe(true);
    expect(done.states.filter((r) => r.status === "legacy")).toHaveLength(0);
    expect(await sendRow(id)).toEqual({ status: "queued", total: 17, prepared_through: null });
    // Run again (the hourly job): nothing left to resume, nothing written twice.
    t.clock.advance(3 * MINUTE);
    await runPeriodicJobs(t.deps);
    expect(await outcome(id, listId)).toEqual(done);
  });

  test("a canary crashed halfway is completed at random, still every row up to its last id", async () => {
    const { listId, contacts: ids } = await listWithContacts(t, bearer, 20, "canary");
    for (const id of ids.values()) await moveTo(t.deps, listId, id, ["invited", "confirmed"]);
    let chunks = 0;
    const campaign = { ...reconsent(listId), kind: "campaign" as const };
    const crash = startSend(t.deps, campaign, {
      chunkSize: 1,
      afterChunk: () => {
        if (++chunks === 2) throw new Error("the process died");
      },
    });
    await expect(crash).rejects.toThrow("the process died");
    const [send] = await rows(
      "SELECT id, canary_last_message_id FROM sends WHERE list_id = ?",
      listId,
    );
    expect(send?.canary_last_message_id).toBeNull();
    const id = Number(send?.id);
    expect(await rows("SELECT id FROM outbox_messages WHERE send_id = ?", id)).toHaveLength(2);

    t.clock.advance(3 * MINUTE);
    expect((await resumePreparingSends(t.deps, { chunkSize: 3 })).resumed).toEqual([id]);
    const [after] = await rows(
      "SELECT status, total, canary_last_message_id AS last FROM sends WHERE id = ?",
      id,
    );
    expect(after).toMatchObject({ status: "queued", total: 20 });
    const canary = await rows(
      "SELECT contact_id FROM outbox_messages WHERE send_id = ? AND id <= ?",
      id,
      Number(after?.last),
    );
    // CANARY_PERCENT 20 of 20 recipients: 4.
    expect(canary).toHaveLength(4);
    const all = await outcome(id, listId);
    expect(all.outbox).toHaveLength(20);
    expect(all.outbox.every((r) => r.n === 1)).toBe(true);
  });

  test("a stale preparation of an incident notice (its filter is not recorded) is discarded, rows and send", async () => {
    const { listId, contacts: ids } = await listWithContacts(t, bearer, 12, "incident");
    for (const id of ids.values()) await moveTo(t.deps, listId, id, ["invited", "confirmed"]);
    const campaign = { ...reconsent(listId), kind: "incident" as const };
    const crash = startSend(t.deps, campaign, {
      chunkSize: 5,
      afterChunk: () => {
        throw new Error("the process died");
      },
    });
    await expect(crash).rejects.toThrow("the process died");
    const [send] = await rows("SELECT id FROM sends WHERE list_id = ?", listId);
    const id = Number(send?.id);
    expect(await rows("SELECT id FROM outbox_messages WHERE send_id = ?", id)).toHaveLength(5);
    t.clock.advance(3 * MINUTE);
    expect(await resumePreparingSends(t.deps, { chunkSize: 2 })).toEqual({
      resumed: [],
      discarded: [id],
    });
    expect(await rows("SELECT id FROM outbox_messages WHERE send_id = ?", id)).toHaveLength(0);
    expect(await rows("SELECT id FROM sends WHERE id = ?", id)).toHaveLength(0);
  });

  test("a reminder (invited to invited) crashed and resumed records one reminder per contact", async () => {
    const { listId } = await legacyList(19, "reminder");
    const first = await startSend(t.deps, reconsent(listId));
    const reconsentId = first.sendId as number;
    // As if the dispatcher had sent them all (a reminder reaches only those reached).
    await t.client.execute({
      sql: "UPDATE outbox_messages SET status = 'sent' WHERE send_id = ?",
      args: [reconsentId],
    });
    const reminder = { ...reconsent(listId), kind: "reminder" as const, reminderOf: reconsentId };
    let chunks = 0;
    const crash = startSend(t.deps, reminder, {
      chunkSize: 4,
      afterChunk: () => {
        if (++chunks === 2) throw new Error("the process died");
      },
    });
    await expect(crash).rejects.toThrow("the process died");
    const [send] = await rows("SELECT id FROM sends WHERE kind = 'reminder'");
    const id = Number(send?.id);
    t.clock.advance(3 * MINUTE);
    expect((await resumePreparingSends(t.deps, { chunkSize: 4 })).resumed).toEqual([id]);
    const reminders = await rows(
      "SELECT contact_id, count(*) AS n FROM consent_events WHERE list_id = ? AND source LIKE 'reminder%' GROUP BY contact_id",
      listId,
    );
    expect(reminders).toHaveLength(17);
    expect(reminders.every((r) => r.n === 1)).toBe(true);
    expect(await sendRow(id)).toEqual({ status: "queued", total: 17, prepared_through: null });
  });
});
