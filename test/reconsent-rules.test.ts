// The re-consent deadline minimum (RECONSENT_MIN_DAYS), the form's erasure warning, and the one
// reminder a re-consent may carry.
import { afterEach, describe, expect, test } from "vitest";
import { suppressAddress } from "../src/consent/service";
import { runPeriodicJobs } from "../src/jobs";
import { listOutbox } from "../src/mail/outbox-transport";
import { sendDueReminders } from "../src/sending/reminder";
import { createTestApp, type TestApp } from "./helpers";
import { dispatchUntilIdle, listWithContacts, moveTo } from "./sending-helpers";

const REMINDER_JOB = "send due re-consent reminders";

let t: TestApp;
afterEach(() => t?.close());

type Problem = { status: number; errors?: { field: string; message: string }[] };

const DAY = 86_400_000;
/** The test clock starts at 2026-01-15T08:00:00Z. */
const daysAhead = (days: number, extraMs = 0) =>
  new Date(Date.parse("2026-01-15T08:00:00.000Z") + days * DAY + extraMs).toISOString();

const memberStates = async () =>
  (await t.client.execute("SELECT status, count(*) AS n FROM list_members GROUP BY 1")).rows.map(
    (r) => [r.status, Number(r.n)],
  );

describe("the re-consent deadline minimum (API)", () => {
  test("a deadline closer than RECONSENT_MIN_DAYS (7 by default) is a 422 on deadline", async () => {
    t = await createTestApp();
    const bearer = await t.token();
    const { listId } = await listWithContacts(t, bearer, 3);
    const res = await t.api(bearer, "POST", `/api/v1/lists/${listId}/reconsent`, {
      deadline: daysAhead(7, -60_000),
    });
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const body = (await res.json()) as Problem;
    expect(body.errors).toEqual([
      { field: "deadline", message: expect.stringContaining("at least 7 days ahead") },
    ]);
    expect(await memberStates()).toEqual([["legacy", 3]]);
    const ok = await t.api(bearer, "POST", `/api/v1/lists/${listId}/reconsent`, {
      deadline: daysAhead(7),
    });
    expect(ok.status).toBe(202);
  });

  test("RECONSENT_MIN_DAYS=0 allows any future time, never a past one", async () => {
    t = await createTestApp({ RECONSENT_MIN_DAYS: "0" });
    const bearer = await t.token();
    const { listId } = await listWithContacts(t, bearer, 2);
    const past = await t.api(bearer, "POST", `/api/v1/lists/${listId}/reconsent`, {
      deadline: daysAhead(0, -1000),
    });
    expect(past.status).toBe(422);
    expect(((await past.json()) as Problem).errors?.[0]?.field).toBe("deadline");
    const soon = await t.api(bearer, "POST", `/api/v1/lists/${listId}/reconsent`, {
      deadline: daysAhead(0, 10 * 60_000),
    });
    expect(soon.status).toBe(202);
  });

  test("every invalid field is reported at once", async () => {
    t = await createTestApp();
    const bearer = await t.token();
    const { listId } = await listWithContacts(t, bearer, 2);
    const res = await t.api(bearer, "POST", `/api/v1/lists/${listId}/reconsent`, {
      deadline: daysAhead(1),
      subject: "a\nBcc: x@example.org",
      reminder_days_before: 0,
    });
    expect(res.status).toBe(422);
    const fields = ((await res.json()) as Problem).errors?.map((e) => e.field).sort();
    expect(fields).toEqual(["deadline", "reminder_days_before", "subject"]);
    expect(await memberStates()).toEqual([["legacy", 2]]);
  });
});

describe("the re-consent form", () => {
  const open = async () => {
    t = await createTestApp();
    const bearer = await t.token();
    const cookie = await t.signIn();
    const { listId } = await listWithContacts(t, bearer, 5);
    const path = `/admin/lists/${listId}/reconsent`;
    const post = (fields: Record<string, string>) => t.form(path, fields, { Cookie: cookie });
    const get = async () => (await t.request(path, { headers: { Cookie: cookie } })).text();
    return { post, get };
  };

  test("proposes a deadline 30 days ahead", async () => {
    const { get } = await open();
    expect(await get()).toContain('value="2026-02-14T08:00"');
  });

  test("shows every error together and changes nothing", async () => {
    const { post } = await open();
    const res = await post({
      deadline: "2026-01-16T08:00",
      subject: "line\nbreak",
      reminder_days_before: "zero",
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("at least 7 days ahead");
    expect(html).toContain("The subject cannot contain line breaks.");
    expect(html).toContain('id="reminder_days_before-error"');
    expect(await memberStates()).toEqual([["legacy", 5]]);
  });

  test("the confirmation step says who will be erased and when, before anything is sent", async () => {
    const { post } = await open();
    const review = await post({ deadline: "2026-02-14T08:00", subject: "" });
    expect(review.status).toBe(200);
    const html = await review.text();
    expect(html).toContain(
      "5 contacts will be erased on 14 February 2026 at 09:00 CET unless they answer",
    );
    expect(html).toContain("Type 5 to confirm");
    expect(await memberStates()).toEqual([["legacy", 5]]);
    expect(html).toContain("No reminder will be sent.");
    const withReminder = await post({ deadline: "2026-02-14T08:00", reminder_days_before: "7" });
    expect(await withReminder.text()).toContain(
      "Those who have not answered get one reminder on 7 February 2026 at 09:00 CET.",
    );
    const sent = await post({
      deadline: "2026-02-14T08:00",
      subject: "",
      reminder_days_before: "7",
      confirm: "5",
    });
    expect(sent.status).toBe(303);
    expect(await memberStates()).toEqual([["invited", 5]]);
    const stored = await t.client.execute("SELECT deadline, reminder_days_before FROM sends");
    expect(stored.rows.map((r) => [r.deadline, r.reminder_days_before])).toEqual([
      ["2026-02-14T08:00:00.000Z", 7],
    ]);
  });
});

describe("the one reminder", () => {
  const setUp = async () => {
    t = await createTestApp();
    const bearer = await t.token();
    const { listId, contacts } = await listWithContacts(t, bearer, 6);
    const res = await t.api(bearer, "POST", `/api/v1/lists/${listId}/reconsent`, {
      deadline: "2026-03-01T00:00:00Z",
      reminder_days_before: 7,
    });
    expect(res.status).toBe(202);
    const sendId = ((await res.json()) as { send_id: number }).send_id;
    await dispatchUntilIdle(t.deps);
    const id = (n: number) => contacts.get(`p${n}@example.org`) as number;
    return { bearer, listId, sendId, id };
  };
  const reminderSends = async () =>
    (await t.client.execute("SELECT id, total FROM sends WHERE kind = 'reminder'")).rows.map(
      (r) => ({ id: Number(r.id), total: Number(r.total) }),
    );

  test("a reminder_days_before that falls in the past is a 422 on that field", async () => {
    t = await createTestApp();
    const bearer = await t.token();
    const { listId } = await listWithContacts(t, bearer, 2);
    const res = await t.api(bearer, "POST", `/api/v1/lists/${listId}/reconsent`, {
      deadline: daysAhead(10),
      reminder_days_before: 10,
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as Problem).errors).toEqual([
      { field: "reminder_days_before", message: expect.stringContaining("already be past") },
    ]);
    expect(await memberStates()).toEqual([["legacy", 2]]);
  });

  test("goes once, at deadline − N days, only to the still invited and unsuppressed", async () => {
    const { listId, sendId, id } = await setUp();
    await moveTo(t.deps, listId, id(0), ["confirmed"]);
    await moveTo(t.deps, listId, id(1), ["unsubscribed"]);
    await moveTo(t.deps, listId, id(2), ["declined"]);
    await suppressAddress(t.deps, "p3@example.org", "bounced");
    expect(await runPeriodicJobs(t.deps)).toContainEqual({ name: REMINDER_JOB, ok: true });
    expect(await reminderSends()).toEqual([]); // not due yet
    t.clock.set("2026-02-22T00:00:01Z");
    await runPeriodicJobs(t.deps);
    await runPeriodicJobs(t.deps);
    expect(await reminderSends()).toEqual([{ id: expect.any(Number), total: 2 }]);
    await dispatchUntilIdle(t.deps);
    const mails = (await listOutbox(t.deps.db)).filter((m) => /rappel|reminder/i.test(m.subject));
    expect(mails.map((m) => m.to).sort()).toEqual(["p4@example.org", "p5@example.org"]);
    const ledger = await t.client.execute({
      sql: "SELECT contact_id FROM consent_events WHERE event = 'invited' AND source = ? ORDER BY 1",
      args: [`reminder of re-consent send #${sendId}`],
    });
    expect(ledger.rows.map((r) => Number(r.contact_id))).toEqual([id(4), id(5)]);
    // A later run, however many, sends nothing more.
    t.clock.set("2026-02-25T00:00:00Z");
    await runPeriodicJobs(t.deps);
    expect((await reminderSends()).length).toBe(1);
  });

  test("someone who answers after the reminder is queued, before it goes, does not get it", async () => {
    const { listId, id } = await setUp();
    t.clock.set("2026-02-22T00:00:01Z");
    await sendDueReminders(t.deps);
    await moveTo(t.deps, listId, id(4), ["confirmed"]);
    await dispatchUntilIdle(t.deps);
    const reminded = (await listOutbox(t.deps.db))
      .filter((m) => /rappel|reminder/i.test(m.subject))
      .map((m) => m.to);
    expect(reminded).toHaveLength(5);
    expect(reminded).not.toContain("p4@example.org");
  });

  test("its consent link works like the invitation's, with the same deadline", async () => {
    await setUp();
    t.clock.set("2026-02-23T00:00:00Z");
    await runPeriodicJobs(t.deps);
    await dispatchUntilIdle(t.deps);
    const [reminder] = (await listOutbox(t.deps.db, { to: "p0@example.org" })).filter((m) =>
      /rappel|reminder/i.test(m.subject),
    );
    expect(reminder?.text).toContain("1 mars 2026");
    const token = /\/c\/([^\s"<]+)/.exec(reminder?.text ?? "")?.[1];
    const page = await t.request(`/c/${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Je confirme");
  });

  test("never after the deadline, nor without being asked for", async () => {
    await setUp();
    t.clock.set("2026-03-01T00:00:01Z"); // the job did not run between reminder time and deadline
    await sendDueReminders(t.deps);
    expect(await reminderSends()).toEqual([]);
    const bearer = await t.token();
    const other = await listWithContacts(t, bearer, 2, "other");
    await t.api(bearer, "POST", `/api/v1/lists/${other.listId}/reconsent`, {
      deadline: "2026-03-20T00:00:00Z",
    });
    t.clock.set("2026-03-19T00:00:00Z");
    await sendDueReminders(t.deps);
    expect(await reminderSends()).toEqual([]);
  });
});
