// Invitations that never left are not invitations: a re-consent send cancelled, rejected or stopped
// half-way expires (and erases) only the people its message may have reached; the others go back
// to `legacy`, with a ledger event saying why, so that a later re-consent send can invite them.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { runPeriodicJobs } from "../src/jobs";
import { cancelSend } from "../src/sending/approval";
import { createDispatcher } from "../src/sending/dispatcher";
import { type FakeResend, startFakeResend } from "./fake-resend";
import type { TestApp } from "./helpers";
import { eventsOf, memberState } from "./participant-helpers";
import { dispatchUntilIdle, fastLimiter, listWithContacts, resendTestApp } from "./sending-helpers";
import { addMember, type Member } from "./team-helpers";

let fake: FakeResend;
let t: TestApp;
let owner: string;
let sender: Member;

beforeAll(async () => {
  fake = await startFakeResend();
});
afterAll(() => fake.stop());

beforeEach(async () => {
  t = await resendTestApp(fake, {
    SEND_BATCH_SIZE: "2",
    APPROVAL_THRESHOLD: "5",
    CANARY_PERCENT: "0",
  });
  owner = await t.token();
  sender = await addMember(t, owner, "sender");
  return () => t.close();
});

const DEADLINE = "2026-03-01T00:00:00Z";
const LATER_DEADLINE = "2026-04-01T00:00:00Z";

async function reconsent(listId: number, deadline = DEADLINE) {
  const res = await t.api(owner, "POST", `/api/v1/lists/${listId}/reconsent`, { deadline });
  expect(res.status).toBe(202);
  return (await res.json()) as { send_id: number; status: string; recipients: number };
}

const decide = async (id: number, what: "cancel" | "reject" | "approve", bearer = owner) => {
  const body = what === "reject" ? { reason: "wrong list" } : undefined;
  const res = await t.api(bearer, "POST", `/api/v1/sends/${id}/${what}`, body);
  expect(res.status, await res.clone().text()).toBe(200);
};

const rows = async (sql: string, ...args: (string | number)[]) =>
  (await t.client.execute({ sql, args })).rows;

/** Each contact's state on the list, whether its address is kept, and whether it is suppressed. */
async function fates(listId: number, ids: number[]) {
  const out = [];
  for (const id of ids) {
    const [contact] = await rows("SELECT email FROM contacts WHERE id = ?", id);
    out.push({
      id,
      state: await memberState(t, listId, id),
      erased: contact?.email == null,
    });
  }
  return out;
}

const suppressions = async () =>
  Number((await rows("SELECT count(DISTINCT address_hash) AS n FROM suppression_reasons"))[0]?.n);

const afterDeadline = async (deadline = DEADLINE) => {
  t.clock.set(new Date(Date.parse(deadline) + 1000).toISOString());
  await runPeriodicJobs(t.deps);
};

describe("a re-consent send stopped before any provider call", () => {
  test("cancelled: nobody expires, is suppressed or erased; all are legacy again, and the ledger says why", async () => {
    const { listId, contacts } = await listWithContacts(t, owner, 4);
    const ids = [...contacts.values()];
    const started = await reconsent(listId);
    expect(started.status).toBe("queued");
    for (const id of ids) expect(await memberState(t, listId, id)).toBe("invited");
    await decide(started.send_id, "cancel");
    await dispatchUntilIdle(t.deps);
    expect(fake.calls).toHaveLength(0);

    // Released at once, so a new re-consent send can invite them before the old deadline.
    for (const id of ids) expect(await memberState(t, listId, id)).toBe("legacy");
    // The list's counts no longer show them invited.
    const list = await t.api(owner, "GET", `/api/v1/lists/${listId}`);
    const { counts } = (await list.json()) as { counts: Record<string, number> };
    expect(counts.invited ?? 0).toBe(0);
    expect(counts.legacy).toBe(4);
    const page = await t.request(`/admin/sends/${started.send_id}`, {
      headers: { Cookie: await t.signIn() },
    });
    const html = await page.text();
    expect(html).toContain("Contacts whose invitation had not left are legacy again");
    // Its four messages will never leave: counted as never sent, not as queued.
    expect(html).toMatch(/<dt>Never sent \(send stopped\)<\/dt>\s*<dd>4<\/dd>/);
    expect(html).toContain("+ 4 never sent");
    expect(html).not.toMatch(/<dt>Queued<\/dt>/);
    const [first] = ids;
    const events = await eventsOf(t, first as number);
    expect(events.map((e) => e.event)).toEqual(["imported", "invited", "uninvited"]);
    expect(events[2]?.source).toBe(
      `re-consent send #${started.send_id} cancelled before their invitation left`,
    );
    expect(events[2]?.actor).toBe("system");

    await afterDeadline();
    expect(await fates(listId, ids)).toEqual(
      ids.map((id) => ({ id, state: "legacy", erased: false })),
    );
    expect(await suppressions()).toBe(0);
  });

  test("cancelled, then invited again: the first send's deadline leaves them invited by the second", async () => {
    const { listId, contacts } = await listWithContacts(t, owner, 4);
    const ids = [...contacts.values()];
    const first = await reconsent(listId);
    await decide(first.send_id, "cancel");
    const second = await reconsent(listId, LATER_DEADLINE);
    expect(second.recipients).toBe(4);
    await dispatchUntilIdle(t.deps);
    expect(fake.calls.length).toBeGreaterThan(0);

    await afterDeadline(DEADLINE);
    expect(await fates(listId, ids)).toEqual(
      ids.map((id) => ({ id, state: "invited", erased: false })),
    );
    await afterDeadline(LATER_DEADLINE);
    for (const id of ids) expect(await memberState(t, listId, id)).toBe("expired");
  });

  test("rejected at approval, then another send approved: the rejected send's deadline expires nobody", async () => {
    const { listId, contacts } = await listWithContacts(t, owner, 6);
    const ids = [...contacts.values()];
    const rejected = await reconsent(listId);
    expect(rejected.status).toBe("awaiting_approval");
    await decide(rejected.send_id, "reject", sender.token);
    for (const id of ids) expect(await memberState(t, listId, id)).toBe("legacy");

    const approved = await reconsent(listId, LATER_DEADLINE);
    await decide(approved.send_id, "approve", sender.token);
    await dispatchUntilIdle(t.deps);

    await afterDeadline(DEADLINE);
    expect(await fates(listId, ids)).toEqual(
      ids.map((id) => ({ id, state: "invited", erased: false })),
    );
    expect(await suppressions()).toBe(0);
  });

  test("rejected at approval: after its deadline nobody is expired, suppressed or erased", async () => {
    const { listId, contacts } = await listWithContacts(t, owner, 6);
    const ids = [...contacts.values()];
    const rejected = await reconsent(listId);
    await decide(rejected.send_id, "reject", sender.token);
    await afterDeadline();
    expect(await fates(listId, ids)).toEqual(
      ids.map((id) => ({ id, state: "legacy", erased: false })),
    );
    expect(await suppressions()).toBe(0);
    expect(fake.calls).toHaveLength(0);
  });
});

describe("a re-consent send cancelled half-way", () => {
  test("only those whose message was sent, or may have been (claimed), can expire; the others are legacy again", async () => {
    const { listId, contacts } = await listWithContacts(t, owner, 4);
    const ids = [...contacts.values()];
    const started = await reconsent(listId);
    // The first batch (two messages) is called, then the send is cancelled.
    const d = createDispatcher(t.deps, { limiter: fastLimiter() });
    for (let i = 0; i < 10 && fake.calls.length === 0; i++) await d.step();
    await d.stop();
    expect(fake.calls).toHaveLength(1);
    const sent = (
      await rows(
        "SELECT contact_id FROM outbox_messages WHERE send_id = ? AND status = 'sent'",
        started.send_id,
      )
    ).map((r) => Number(r.contact_id));
    expect(sent).toHaveLength(2);
    // A third message's call may be under way when the send is cancelled (its row `claimed`, as a
    // crash mid-call leaves it): it may have reached the person.
    const [claimed] = (
      await rows(
        "SELECT contact_id FROM outbox_messages WHERE send_id = ? AND status = 'queued' ORDER BY id LIMIT 1",
        started.send_id,
      )
    ).map((r) => Number(r.contact_id));
    await t.client.execute({
      sql: "UPDATE outbox_messages SET status = 'claimed' WHERE send_id = ? AND contact_id = ?",
      args: [started.send_id, claimed as number],
    });
    await decide(started.send_id, "cancel");
    const mailed = [...sent, claimed as number];
    const never = ids.filter((id) => !mailed.includes(id));
    expect(never).toHaveLength(1);

    for (const id of mailed) expect(await memberState(t, listId, id)).toBe("invited");
    for (const id of never) expect(await memberState(t, listId, id)).toBe("legacy");
    await afterDeadline();
    for (const id of mailed) expect(await memberState(t, listId, id)).toBe("expired");
    expect(await fates(listId, never)).toEqual(
      never.map((id) => ({ id, state: "legacy", erased: false })),
    );
    expect(await suppressions()).toBe(mailed.length);
  });
});

describe("withdrawing a large cancelled send's invitations", () => {
  test("goes in chunks; a crash midway is finished by the periodic job, each member withdrawn once", async () => {
    const { listId, contacts } = await listWithContacts(t, owner, 4);
    const ids = [...contacts.values()];
    const started = await reconsent(listId);
    const admin = { adminId: sender.id, email: sender.email, role: sender.role };
    const chunks: number[] = [];
    const crash = cancelSend(t.deps, admin, started.send_id, {
      chunkSize: 1,
      afterChunk: (through) => {
        chunks.push(through);
        if (chunks.length === 2) throw new Error("the process stops here");
      },
    });
    await expect(crash).rejects.toThrow("the process stops here");
    const states = [];
    for (const id of ids) states.push(await memberState(t, listId, id));
    expect(states).toEqual(["legacy", "legacy", "invited", "invited"]);

    await runPeriodicJobs(t.deps);
    for (const id of ids) {
      expect(await memberState(t, listId, id)).toBe("legacy");
      const events = (await eventsOf(t, id)).map((e) => e.event);
      expect(events).toEqual(["imported", "invited", "uninvited"]);
    }
    const [send] = await rows("SELECT invited_through FROM sends WHERE id = ?", started.send_id);
    expect(send?.invited_through).toBeNull();
    // Done: a second run, and a new send that invites them again, leave the new invitations be.
    const again = await reconsent(listId, LATER_DEADLINE);
    expect(again.recipients).toBe(4);
    await runPeriodicJobs(t.deps);
    for (const id of ids) expect(await memberState(t, listId, id)).toBe("invited");
  });
});

describe("a re-consent send paused half-way when its deadline passes", () => {
  test("expires those it mailed; the others, never mailed, are legacy again and not mailed later", async () => {
    const { listId, contacts } = await listWithContacts(t, owner, 4);
    const ids = [...contacts.values()];
    await reconsent(listId);
    const d = createDispatcher(t.deps, { limiter: fastLimiter() });
    for (let i = 0; i < 10 && fake.calls.length === 0; i++) await d.step();
    await d.stop();
    const pause = await t.api(owner, "POST", "/api/v1/sending/pause", { reason: "half-way" });
    expect(pause.status).toBe(200);
    const sent = (await rows("SELECT contact_id FROM outbox_messages WHERE status = 'sent'")).map(
      (r) => Number(r.contact_id),
    );
    expect(sent).toHaveLength(2);
    await afterDeadline();
    for (const id of ids)
      expect(await memberState(t, listId, id)).toBe(sent.includes(id) ? "expired" : "legacy");

    // Resumed after the deadline: nothing more goes out to those it no longer invites.
    const resume = await t.api(await t.token(), "POST", "/api/v1/sending/resume");
    expect(resume.status).toBe(200);
    await dispatchUntilIdle(t.deps);
    expect(fake.delivered).toHaveLength(2);
  });
});

describe("a re-consent send cancelled while a call's outcome is unknown", () => {
  test("a batch the provider answered 5xx (may have been accepted), then cancelled: its people stay invited and expire", async () => {
    const { listId, contacts } = await listWithContacts(t, owner, 4);
    const ids = [...contacts.values()];
    const started = await reconsent(listId);
    fake.failNext(1, 500);
    const d = createDispatcher(t.deps, { limiter: fastLimiter() });
    for (let i = 0; i < 10 && fake.calls.length === 0; i++) await d.step();
    await d.stop();
    expect(fake.calls).toHaveLength(1);
    const called = (
      await rows(
        "SELECT contact_id FROM outbox_messages WHERE send_id = ? AND status = 'claimed'",
        started.send_id,
      )
    ).map((r) => Number(r.contact_id));
    expect(called).toHaveLength(2);
    await decide(started.send_id, "cancel");
    // The cancel fails the batch nobody is calling now; its call may still have delivered.
    for (const id of ids)
      expect(await memberState(t, listId, id)).toBe(called.includes(id) ? "invited" : "legacy");
    await afterDeadline();
    for (const id of ids)
      expect(await memberState(t, listId, id)).toBe(called.includes(id) ? "expired" : "legacy");
  });
});
