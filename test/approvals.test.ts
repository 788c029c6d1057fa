// The two-person rule: a send reaching APPROVAL_THRESHOLD waits, calls nobody, and goes only once
// another sender approves it; a rejection calls nobody and leaves nobody half-invited. Any
// unfinished send can be cancelled.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { runPeriodicJobs } from "../src/jobs";
import { type FakeResend, startFakeResend } from "./fake-resend";
import { createTestApp, type TestApp } from "./helpers";
import { newPoll } from "./poll-helpers";
import { dispatchUntilIdle, listWithContacts, moveTo, resendTestApp } from "./sending-helpers";
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

const deadline = "2026-03-01T00:00:00Z";
type SendJson = { id: number; status: string; sent: number };

const count = async (sql: string, ...args: (string | number)[]) =>
  Number((await t.client.execute({ sql, args })).rows[0]?.n);

async function reconsent(listId: number, bearer = owner) {
  const res = await t.api(bearer, "POST", `/api/v1/lists/${listId}/reconsent`, { deadline });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const send = async (id: number, bearer = owner) =>
  (await (await t.api(bearer, "GET", `/api/v1/sends/${id}`)).json()) as SendJson;

/** Nothing was called, and the list's `n` contacts are all still `legacy`, none ever invited. */
async function expectNobodyInvited(listId: number, n: number) {
  await dispatchUntilIdle(t.deps);
  expect(fake.calls).toHaveLength(0);
  expect(await count("SELECT count(*) AS n FROM consent_events WHERE event = 'invited'")).toBe(0);
  expect(
    await count(
      "SELECT count(*) AS n FROM list_members WHERE status = 'legacy' AND list_id = ?",
      listId,
    ),
  ).toBe(n);
}

/** A fresh token for `member` (after the clock moved past their first one's life). */
async function tokenOf(member: Member) {
  const issued = await t.request("/api/v1/tokens", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: member.email, password: member.password }),
  });
  return ((await issued.json()) as { token: string }).token;
}

describe("a send that reaches APPROVAL_THRESHOLD", () => {
  test("waits with no provider call; its starter gets 403; another sender approves, then it goes", async () => {
    const { listId } = await listWithContacts(t, owner, 6);
    const started = await reconsent(listId);
    expect(started.status).toBe(202);
    expect(started.body.status).toBe("awaiting_approval");
    const id = started.body.send_id as number;
    await dispatchUntilIdle(t.deps);
    expect(fake.calls).toHaveLength(0);
    // Nobody is invited yet: the ledger and the members are as before.
    expect(await count("SELECT count(*) AS n FROM consent_events WHERE event = 'invited'")).toBe(0);

    const own = await t.api(owner, "POST", `/api/v1/sends/${id}/approve`);
    expect(own.status).toBe(403);
    expect(own.headers.get("content-type")).toContain("application/problem+json");
    expect((await send(id)).status).toBe("awaiting_approval");

    const approved = await t.api(sender.token, "POST", `/api/v1/sends/${id}/approve`);
    expect(approved.status).toBe(200);
    expect(((await approved.json()) as SendJson).status).toBe("queued");
    expect(
      await count(
        "SELECT count(*) AS n FROM list_members WHERE status = 'invited' AND list_id = ?",
        listId,
      ),
    ).toBe(6);
    await dispatchUntilIdle(t.deps);
    expect(fake.delivered).toHaveLength(6);
    expect((await send(id)).status).toBe("done");
    expect(
      await count(
        "SELECT count(*) AS n FROM audit_log WHERE action = 'send.approved' AND actor = ?",
        sender.email,
      ),
    ).toBe(1);
    // Approving twice is a conflict.
    expect((await t.api(sender.token, "POST", `/api/v1/sends/${id}/approve`)).status).toBe(409);
  });

  test("a rejected send calls nobody and leaves nobody invited; a new invitation can then go", async () => {
    const { listId } = await listWithContacts(t, owner, 6);
    const id = (await reconsent(listId)).body.send_id as number;
    const empty = await t.api(sender.token, "POST", `/api/v1/sends/${id}/reject`, {});
    expect(empty.status).toBe(422);
    const rejected = await t.api(sender.token, "POST", `/api/v1/sends/${id}/reject`, {
      reason: "Wrong list",
    });
    expect(rejected.status).toBe(200);
    expect(((await rejected.json()) as SendJson).status).toBe("rejected");
    await expectNobodyInvited(listId, 6);
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE action = 'send.rejected'")).toBe(
      1,
    );
    // The contacts were never invited: a later invitation reaches them all.
    const again = await reconsent(listId, sender.token);
    expect(again.body.recipients).toBe(6);
    expect(again.body.status).toBe("awaiting_approval");
  });

  test("a re-consent whose deadline came too close while it waited cannot be approved; nobody is invited", async () => {
    const { listId } = await listWithContacts(t, owner, 6);
    const id = (await reconsent(listId)).body.send_id as number;
    // RECONSENT_MIN_DAYS (7) before the deadline, approving would leave people too little time.
    t.clock.set("2026-02-23T00:00:00Z");
    const token = await tokenOf(sender); // tokens issued five weeks earlier have expired
    const close = await t.api(token, "POST", `/api/v1/sends/${id}/approve`);
    expect(close.status).toBe(409);
    expect(JSON.stringify(await close.json())).toMatch(/deadline/);
    // Past the deadline (its expiry has run): still refused, and nobody is invited or erased.
    t.clock.set("2026-03-02T00:00:00Z");
    await runPeriodicJobs(t.deps);
    const late = await t.api(await tokenOf(sender), "POST", `/api/v1/sends/${id}/approve`);
    expect(late.status).toBe(409);
    await expectNobodyInvited(listId, 6);
    expect((await send(id, await tokenOf(sender))).status).toBe("awaiting_approval");
    // It can still be rejected, and the list asked again with a later deadline.
    const rejected = await t.api(await tokenOf(sender), "POST", `/api/v1/sends/${id}/reject`, {
      reason: "Deadline passed",
    });
    expect(rejected.status).toBe(200);
  });

  test("a second re-consent of the list is refused while one awaits approval (it would invite twice)", async () => {
    const { listId } = await listWithContacts(t, owner, 6);
    await reconsent(listId);
    const second = await reconsent(listId, sender.token);
    expect(second.status).toBe(409);
  });

  test("a campaign of that size waits too; viewers and editors may not approve; below it nothing waits", async () => {
    const { listId, contacts } = await listWithContacts(t, owner, 6);
    for (const contactId of contacts.values())
      await moveTo(t.deps, listId, contactId, ["invited", "confirmed"]);
    const created = await t.api(owner, "POST", "/api/v1/campaigns", {
      list_id: listId,
      subject: "Inscriptions",
      text: "Bonjour {{name}}",
    });
    const campaignId = ((await created.json()) as { id: number }).id;
    const res = await t.api(owner, "POST", `/api/v1/campaigns/${campaignId}/send`);
    const report = (await res.json()) as { send_id: number; status: string };
    expect(report.status).toBe("awaiting_approval");
    for (const role of ["viewer", "editor"] as const) {
      const member = await addMember(t, owner, role);
      const refused = await t.api(member.token, "POST", `/api/v1/sends/${report.send_id}/approve`);
      expect(refused.status).toBe(403);
    }
    await dispatchUntilIdle(t.deps);
    expect(fake.calls).toHaveLength(0);
    await t.api(sender.token, "POST", `/api/v1/sends/${report.send_id}/approve`);
    await dispatchUntilIdle(t.deps);
    expect(fake.delivered).toHaveLength(6);

    const small = await listWithContacts(t, owner, 4, "small");
    const below = await reconsent(small.listId);
    expect(below.body.status).toBe("queued");
  });
});

describe("a resend to the failed", () => {
  test("of that size waits for approval too", async () => {
    const { listId, contacts } = await listWithContacts(t, owner, 6);
    for (const contactId of contacts.values())
      await moveTo(t.deps, listId, contactId, ["invited", "confirmed"]);
    const created = await t.api(owner, "POST", "/api/v1/campaigns", {
      list_id: listId,
      subject: "Inscriptions",
      text: "Bonjour",
    });
    const campaignId = ((await created.json()) as { id: number }).id;
    const sent = await t.api(owner, "POST", `/api/v1/campaigns/${campaignId}/send`);
    const { send_id: sendId } = (await sent.json()) as { send_id: number };
    await t.api(sender.token, "POST", `/api/v1/sends/${sendId}/approve`);
    fake.failNext(3, 422); // every batch of 2 refused: all 6 fail
    await dispatchUntilIdle(t.deps);
    expect((await send(sendId)).status).toBe("done");
    const retry = await t.api(owner, "POST", `/api/v1/sends/${sendId}/retry-failed`);
    const report = (await retry.json()) as { send_id: number; recipients: number; status: string };
    expect(report).toMatchObject({ recipients: 6, status: "awaiting_approval" });
    await dispatchUntilIdle(t.deps);
    expect(fake.delivered).toHaveLength(0);
    await t.api(sender.token, "POST", `/api/v1/sends/${report.send_id}/approve`);
    await dispatchUntilIdle(t.deps);
    expect(fake.delivered).toHaveLength(6);
  });
});

describe("a poll invitation", () => {
  test("of that size waits for approval with no provider call, then goes", async () => {
    const { listId, contacts } = await listWithContacts(t, owner, 6);
    for (const contactId of contacts.values())
      await moveTo(t.deps, listId, contactId, ["invited", "confirmed"]);
    const poll = await newPoll(t, owner, { audience: "list", list_id: listId });
    const invited = await t.api(owner, "POST", `/api/v1/polls/${poll.id}/invite`);
    expect(invited.status).toBe(202);
    const { send_id: sendId } = (await invited.json()) as { send_id: number };
    expect((await send(sendId)).status).toBe("awaiting_approval");
    await dispatchUntilIdle(t.deps);
    expect(fake.calls).toHaveLength(0);
    expect((await t.api(owner, "POST", `/api/v1/sends/${sendId}/approve`)).status).toBe(403);
    expect((await t.api(sender.token, "POST", `/api/v1/sends/${sendId}/approve`)).status).toBe(200);
    await dispatchUntilIdle(t.deps);
    expect(fake.delivered).toHaveLength(6);
  });
});

describe("cancelling a send", () => {
  test("a running send cancelled midway calls nobody more, is audited, and cannot be cancelled twice", async () => {
    const { listId } = await listWithContacts(t, owner, 4);
    const id = (await reconsent(listId)).body.send_id as number;
    const dispatcher = (await import("../src/sending/dispatcher")).createDispatcher(t.deps, {
      limiter: (await import("./sending-helpers")).fastLimiter(),
    });
    expect((await dispatcher.step()).kind).toBe("called");
    expect(fake.calls).toHaveLength(1);
    const cancelled = await t.api(sender.token, "POST", `/api/v1/sends/${id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(((await cancelled.json()) as SendJson).status).toBe("cancelled");
    await dispatchUntilIdle(t.deps);
    expect(fake.calls).toHaveLength(1);
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE action = 'send.cancelled'")).toBe(
      1,
    );
    expect((await t.api(sender.token, "POST", `/api/v1/sends/${id}/cancel`)).status).toBe(409);
    expect((await t.api(sender.token, "POST", "/api/v1/sends/9999/cancel")).status).toBe(404);
    // An id that is no number is named as given (not as "send 0").
    for (const action of ["approve", "cancel"]) {
      const wrong = await t.api(sender.token, "POST", `/api/v1/sends/abc/${action}`);
      expect(wrong.status).toBe(404);
      expect(((await wrong.json()) as { detail: string }).detail).toBe("No send with id abc.");
    }
  });

  test("a send awaiting approval can be cancelled by its starter, and then never goes", async () => {
    const { listId } = await listWithContacts(t, owner, 6);
    const id = (await reconsent(listId)).body.send_id as number;
    expect((await t.api(owner, "POST", `/api/v1/sends/${id}/cancel`)).status).toBe(200);
    expect((await t.api(sender.token, "POST", `/api/v1/sends/${id}/approve`)).status).toBe(409);
    await dispatchUntilIdle(t.deps);
    expect(fake.calls).toHaveLength(0);
  });
});

describe("the demo, replayed alone", () => {
  test("seeds a second demo admin, a sender, named at start beside the first; never beside real credentials", async () => {
    const { seedDemo, demoSecondAdminStep, DEMO_SECOND_ADMIN, demoSecondAdminLine } = await import(
      "../src/seed"
    );
    const demo = await createTestApp({ ADMIN_EMAIL: "", ADMIN_PASSWORD: "", SEED: "demo" });
    try {
      // Start seeded it, with the rest of the demo.
      expect(await seedDemo(demo.deps, [demoSecondAdminStep])).toEqual([]);
      await demo.signIn(DEMO_SECOND_ADMIN.email, DEMO_SECOND_ADMIN.password);
      const role = await demo.client.execute({
        sql: "SELECT role FROM admins WHERE email = ?",
        args: [DEMO_SECOND_ADMIN.email],
      });
      expect(role.rows[0]?.role).toBe("sender");
      expect(demoSecondAdminLine(demo.deps.config)).toContain(DEMO_SECOND_ADMIN.password);
    } finally {
      demo.close();
    }
    // With real credentials (the usual test app), no published password is ever created.
    await seedDemo(t.deps, [demoSecondAdminStep]);
    const none = await t.client.execute({
      sql: "SELECT count(*) AS n FROM admins WHERE email = ?",
      args: [DEMO_SECOND_ADMIN.email],
    });
    expect(Number(none.rows[0]?.n)).toBe(0);
    expect(demoSecondAdminLine(t.deps.config)).toBe("");
  });
});
