// The re-consent deadline minimum (RECONSENT_MIN_DAYS), the form's erasure warning, and the one
// reminder a re-consent may carry.
import { afterEach, describe, expect, test } from "vitest";
import { createTestApp, type TestApp } from "./helpers";
import { listWithContacts } from "./sending-helpers";

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
    const sent = await post({ deadline: "2026-02-14T08:00", subject: "", confirm: "5" });
    expect(sent.status).toBe(303);
    expect(await memberStates()).toEqual([["invited", 5]]);
  });
});
