// A "follow this incident" subscription ends by itself 7 days after the incident is resolved, and
// the address is then erased, unless the person holds another live membership.
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { runPeriodicJobs } from "../src/jobs";
import { endFollowsOfResolvedIncidents } from "../src/subscriptions/expiry";
import { createTestApp, type TestApp } from "./helpers";
import { contactId, memberState } from "./participant-helpers";
import { dispatchUntilIdle } from "./sending-helpers";
import {
  createIncident,
  mailsTo,
  postUpdate,
  shownForm,
  subscribeAndConfirm,
} from "./subscription-helpers";

let t: TestApp;
let bearer: string;
beforeEach(async () => {
  t = await createTestApp();
  bearer = await t.token();
});
afterEach(() => t.close());

const DAY = 24 * 3600_000;

const followListId = async () =>
  Number(
    (await t.client.execute("SELECT list_id FROM status_lists WHERE kind = 'follow'")).rows[0]
      ?.list_id,
  );

const emailOf = async (id: number) =>
  (await t.client.execute({ sql: "SELECT email FROM contacts WHERE id = ?", args: [id] })).rows[0]
    ?.email ?? null;

const suppressions = async () =>
  Number((await t.client.execute("SELECT count(*) AS n FROM suppressions")).rows[0]?.n);

describe("followers expire", () => {
  test("7 days after resolution the follow ends and the address is erased, without suppression", async () => {
    const id = await createIncident(t, bearer, "api-down", { notify: false });
    await subscribeAndConfirm(t, "follower@example.org", "/incidents/api-down/follow");
    const follower = await contactId(t, "follower@example.org");
    await postUpdate(t, bearer, id, { status: "resolved", body: "Réglé." });
    await dispatchUntilIdle(t.deps);

    t.clock.advance(7 * DAY - 60_000);
    expect(await endFollowsOfResolvedIncidents(t.deps)).toBe(0);
    expect(await memberState(t, await followListId(), follower)).toBe("confirmed");

    t.clock.advance(2 * 60_000);
    const results = await runPeriodicJobs(t.deps);
    expect(results.find((r) => r.name.includes("incident followers"))?.ok).toBe(true);
    expect(await memberState(t, await followListId(), follower)).toBe("expired");
    expect(await emailOf(follower)).toBeNull();
    expect(await suppressions()).toBe(0); // they may follow another incident later
    // Nobody new may follow an incident whose follow has ended.
    await t.form("/incidents/api-down/follow", { ...shownForm(t), email: "late@example.org" });
    await dispatchUntilIdle(t.deps);
    expect(await mailsTo(t, "late@example.org")).toHaveLength(0);
  });

  test("a follower who also gets every update keeps the address and that subscription", async () => {
    const id = await createIncident(t, bearer, "api-down", { notify: false });
    await subscribeAndConfirm(t, "both@example.org");
    t.clock.advance(DAY + 1000);
    await subscribeAndConfirm(t, "both@example.org", "/incidents/api-down/follow");
    const both = await contactId(t, "both@example.org");
    await postUpdate(t, bearer, id, { status: "resolved", body: "Réglé.", notify: false });
    t.clock.advance(8 * DAY);
    expect(await endFollowsOfResolvedIncidents(t.deps)).toBe(1);
    expect(await memberState(t, await followListId(), both)).toBe("expired");
    expect(await emailOf(both)).toBe("both@example.org");
    const page = Number(
      (await t.client.execute("SELECT list_id FROM status_lists WHERE kind = 'page'")).rows[0]
        ?.list_id,
    );
    expect(await memberState(t, page, both)).toBe("confirmed");
  });

  test("an incident reopened before the 7 days keeps its followers", async () => {
    const id = await createIncident(t, bearer, "api-down", { notify: false });
    await subscribeAndConfirm(t, "follower@example.org", "/incidents/api-down/follow");
    const follower = await contactId(t, "follower@example.org");
    await postUpdate(t, bearer, id, { status: "resolved", body: "Réglé.", notify: false });
    t.clock.advance(3 * DAY);
    await postUpdate(t, bearer, id, { status: "investigating", body: "Revenu.", notify: false });
    t.clock.advance(10 * DAY);
    expect(await endFollowsOfResolvedIncidents(t.deps)).toBe(0);
    expect(await memberState(t, await followListId(), follower)).toBe("confirmed");
  });
});
