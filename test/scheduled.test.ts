// Scheduled sends: approval asked when scheduling, the schedule kept across a restart (a new app
// on the same database file), shown on the admin, cancellable; only senders may schedule.

import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { boot } from "../src/boot";
import { minuteJobs, runPeriodicJobs } from "../src/jobs";
import { createNodeApp, openNodeClient } from "../src/node";
import { findCampaign, scheduleCampaign } from "../src/sending/campaigns";
import { type FakeResend, startFakeResend } from "./fake-resend";
import { ORIGIN, type TestApp } from "./helpers";
import { dispatchUntilIdle, listWithContacts, moveTo, resendTestApp } from "./sending-helpers";
import { addMember, type Member } from "./team-helpers";

/** What a start runs: the hourly jobs, then the minute ones (scheduled campaigns start there). */
const runAllJobs = async (deps: Parameters<typeof runPeriodicJobs>[0]) => {
  await runPeriodicJobs(deps);
  await runPeriodicJobs(deps, minuteJobs);
};

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
    APPROVAL_THRESHOLD: "3",
    CANARY_PERCENT: "0",
  });
  owner = await t.token();
  sender = await addMember(t, owner, "sender");
  return () => t.close();
});

const SEND_AT = "2026-01-15T12:00:00.000Z";

async function draft(confirmed: number, slug = "nets") {
  const { listId, contacts } = await listWithContacts(t, owner, confirmed, slug);
  for (const id of contacts.values()) await moveTo(t.deps, listId, id, ["invited", "confirmed"]);
  const res = await t.api(owner, "POST", "/api/v1/campaigns", {
    list_id: listId,
    subject: "Plus tard",
    text: "Bonjour {{name}}",
  });
  return ((await res.json()) as { id: number }).id;
}

type CampaignJson = { status: string; send_id: number | null; send_at: string | null };
const campaignOf = async (bearer: string, id: number, request = t.request) =>
  (await (
    await request(`/api/v1/campaigns/${id}`, { headers: { Authorization: `Bearer ${bearer}` } })
  ).json()) as CampaignJson;
const sendStatus = async (id: number) =>
  ((await (await t.api(owner, "GET", `/api/v1/sends/${id}`)).json()) as { status: string }).status;

describe("a scheduled campaign", () => {
  test("asks for approval when scheduled, survives a restart, and goes when due", async () => {
    const id = await draft(4);
    const scheduled = await t.api(owner, "POST", `/api/v1/campaigns/${id}/send`, {
      send_at: SEND_AT,
    });
    expect(scheduled.status).toBe(202);
    const campaign = await campaignOf(owner, id);
    expect(campaign).toMatchObject({ status: "scheduled", send_at: SEND_AT });
    const sendId = campaign.send_id as number;
    // Approval is asked now, hours ahead, not at the last minute.
    expect(await sendStatus(sendId)).toBe("awaiting_approval");
    expect((await t.api(owner, "POST", `/api/v1/sends/${sendId}/approve`)).status).toBe(403);
    expect((await t.api(sender.token, "POST", `/api/v1/sends/${sendId}/approve`)).status).toBe(200);
    expect(await sendStatus(sendId)).toBe("scheduled");
    const cookie = await t.signIn();
    const dashboard = await (
      await t.request("/admin/campaigns", { headers: { Cookie: cookie } })
    ).text();
    expect(dashboard).toContain('data-status="scheduled"');
    await runAllJobs(t.deps);
    await dispatchUntilIdle(t.deps);
    expect(fake.calls).toHaveLength(0);

    // Restart: a new app and deps on the same database file, later in the day.
    t.client.close();
    const client = openNodeClient(t.deps.config);
    try {
      const { deps } = await boot(t.deps.config, client, { clock: t.clock });
      const app = createNodeApp(deps);
      const request = (path: string, init?: RequestInit) => app.request(`${ORIGIN}${path}`, init);
      expect((await campaignOf(owner, id, request)).status).toBe("scheduled");
      await runAllJobs(deps); // the start's run: not due yet
      await dispatchUntilIdle(deps);
      expect(fake.calls).toHaveLength(0);
      t.clock.set("2026-01-15T12:30:00Z");
      await runAllJobs(deps);
      await dispatchUntilIdle(deps);
      expect(fake.delivered).toHaveLength(4);
      expect((await campaignOf(owner, id, request)).status).toBe("sent");
    } finally {
      client.close();
    }
  });

  test("approved only after its time, it goes at once; sending it now is refused while it is scheduled", async () => {
    const id = await draft(4);
    await t.api(owner, "POST", `/api/v1/campaigns/${id}/schedule`, { send_at: SEND_AT });
    const { send_id: sendId } = await campaignOf(owner, id);
    const now = await t.api(owner, "POST", `/api/v1/campaigns/${id}/send`);
    expect(now.status).toBe(409);
    expect(((await now.json()) as { detail: string }).detail).toContain("scheduled");
    t.clock.set("2026-01-15T13:00:00Z");
    await runAllJobs(t.deps);
    await dispatchUntilIdle(t.deps);
    expect(fake.calls).toHaveLength(0); // due, but not approved: nothing goes
    expect(await sendStatus(sendId as number)).toBe("awaiting_approval");
    const approved = await t.api(sender.token, "POST", `/api/v1/sends/${sendId}/approve`);
    expect(((await approved.json()) as { status: string }).status).toBe("queued");
    await dispatchUntilIdle(t.deps);
    expect(fake.delivered).toHaveLength(4);
  });

  test("goes within a minute of its time: the minute jobs start it, not only the hourly ones", async () => {
    const id = await draft(2);
    await t.api(sender.token, "POST", `/api/v1/campaigns/${id}/schedule`, { send_at: SEND_AT });
    t.clock.set("2026-01-15T12:00:30Z");
    await runPeriodicJobs(t.deps, minuteJobs);
    await dispatchUntilIdle(t.deps);
    expect(fake.delivered).toHaveLength(2);
    expect((await campaignOf(owner, id)).status).toBe("sent");
  });

  test("cancelling its send (or the campaign) means it never goes", async () => {
    for (const cancel of ["send", "campaign"] as const) {
      const id = await draft(2, `nets-${cancel}`);
      await t.api(sender.token, "POST", `/api/v1/campaigns/${id}/schedule`, { send_at: SEND_AT });
      const { send_id: sendId } = await campaignOf(owner, id);
      expect(await sendStatus(sendId as number)).toBe("scheduled");
      const path =
        cancel === "send" ? `/api/v1/sends/${sendId}/cancel` : `/api/v1/campaigns/${id}/cancel`;
      expect((await t.api(sender.token, "POST", path)).status).toBe(200);
      expect((await campaignOf(owner, id)).status).toBe("cancelled");
      expect(await sendStatus(sendId as number)).toBe("cancelled");
    }
    t.clock.set("2026-01-15T13:00:00Z");
    await runAllJobs(t.deps);
    await dispatchUntilIdle(t.deps);
    expect(fake.calls).toHaveLength(0);
  });

  test("only a sender or an owner may schedule, through any route and in the service itself", async () => {
    const id = await draft(2);
    const editor = await addMember(t, owner, "editor");
    const created = await t.api(editor.token, "POST", "/api/v1/campaigns", {
      list_id: 1,
      subject: "x",
      text: "x",
      send_at: SEND_AT,
    });
    expect(created.status).toBe(403);
    const patched = await t.api(editor.token, "PATCH", `/api/v1/campaigns/${id}`, {
      send_at: SEND_AT,
    });
    expect(patched.status).toBe(403);
    expect((await campaignOf(owner, id)).status).toBe("draft");
    const campaign = await findCampaign(t.deps, id);
    const refused = await scheduleCampaign(
      t.deps,
      { adminId: editor.id, email: editor.email, role: "editor" },
      campaign as NonNullable<typeof campaign>,
      SEND_AT,
    );
    expect(refused).toMatchObject({ ok: false, reason: "forbidden" });
    expect((await campaignOf(owner, id)).status).toBe("draft");
  });
});
