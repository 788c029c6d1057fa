// Pending expires (15.8): a web subscription not confirmed within 7 days is erased by the periodic
// jobs, its address and name gone and no suppression (they never consented nor refused).
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { isSuppressed } from "../src/consent/service";
import { runPeriodicJobs } from "../src/jobs";
import { createTestApp, type TestApp } from "./helpers";
import { contactId, eventsOf, linksInMail, memberState } from "./participant-helpers";
import { dispatchUntilIdle } from "./sending-helpers";
import { shownForm } from "./subscription-helpers";

const DAY = 24 * 3600 * 1000;
const visitor = { "User-Agent": "Firefox/128.0", "X-Forwarded-For": "203.0.113.7" };

describe("pending subscriptions expire", () => {
  let t: TestApp;
  let bearer: string;
  beforeEach(async () => {
    t = await createTestApp();
    bearer = await t.token();
  });
  afterEach(() => t.close());

  const list = async (slug: string) => {
    const res = await t.api(bearer, "POST", "/api/v1/lists", { slug, name: slug, purpose: "P." });
    return ((await res.json()) as { id: number }).id;
  };
  const subscribe = async (slug: string, email: string, name = "") => {
    const res = await t.form(
      `/lists/${slug}/subscribe`,
      { ...shownForm(t), email, name, consent: "yes" },
      visitor,
    );
    expect(res.status).toBe(200);
  };
  const contactRow = async (id: number) =>
    (
      await t.client.execute({
        sql: "SELECT email, email_key, name, attributes FROM contacts WHERE id = ?",
        args: [id],
      })
    ).rows[0];

  test("after 7 days unconfirmed the person is erased, without suppression; 6 days is not enough", async () => {
    const listId = await list("news");
    await subscribe("news", "late@example.org", "Late Larry");
    const late = await contactId(t, "late@example.org");
    t.clock.advance(2 * DAY);
    await subscribe("news", "fresh@example.org", "Fresh Fiona");
    const fresh = await contactId(t, "fresh@example.org");

    t.clock.advance(6 * DAY); // late: 8 days; fresh: 6 days
    await runPeriodicJobs(t.deps);
    expect(await memberState(t, listId, late)).toBe("erased");
    expect(await contactRow(late)).toMatchObject({ email: null, email_key: null, name: null });
    expect((await eventsOf(t, late)).map((e) => e.event)).toEqual([
      "subscribed",
      "expired",
      "erased",
    ]);
    expect(await isSuppressed(t.deps, "late@example.org")).toBe(false);
    expect(await memberState(t, listId, fresh)).toBe("pending");
    expect(await contactRow(fresh)).toMatchObject({ email: "fresh@example.org" });

    // Not suppressed: the person may subscribe again, and is pending anew.
    await subscribe("news", "late@example.org");
    expect(await memberState(t, listId, await contactId(t, "late@example.org"))).toBe("pending");
    // Running the jobs again changes nothing more.
    const before = await eventsOf(t, late);
    await runPeriodicJobs(t.deps);
    expect(await eventsOf(t, late)).toEqual(before);
  });

  test("a confirmed subscription never expires; another list's confirmation keeps the person", async () => {
    const a = await list("a");
    const b = await list("b");
    await subscribe("a", "both@example.org", "Both");
    await dispatchUntilIdle(t.deps);
    const { confirm } = await linksInMail(t, "both@example.org");
    expect((await t.form(confirm as string, {}, visitor)).status).toBe(303);
    t.clock.advance(2 * 3600 * 1000); // past the hour between two confirmation mails
    await subscribe("b", "both@example.org");
    const both = await contactId(t, "both@example.org");
    expect(await memberState(t, b, both)).toBe("pending");

    t.clock.advance(30 * DAY);
    await runPeriodicJobs(t.deps);
    expect(await memberState(t, a, both)).toBe("confirmed");
    expect(await memberState(t, b, both)).toBe("expired");
    expect(await contactRow(both)).toMatchObject({ email: "both@example.org", name: "Both" });
    expect(await isSuppressed(t.deps, "both@example.org")).toBe(false);
  });
});
