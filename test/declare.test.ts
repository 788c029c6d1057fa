// "Declare an incident" from a send: the draft holds the send's facts, and the send's recipients
// are told once (a second attempt is a 409), only those the rule lets receive incident mail.
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { pauseSending } from "../src/sending/kill-switch";
import { createTestApp, type TestApp } from "./helpers";
import { dispatchUntilIdle, moveTo } from "./sending-helpers";
import {
  bounceEvent,
  emailEvent,
  postWebhook,
  type SentMessage,
  sentCampaign,
  WEBHOOK_SECRET,
} from "./webhook-helpers";

let t: TestApp;
let bearer: string;
beforeEach(async () => {
  t = await createTestApp({ RESEND_WEBHOOK_SECRET: WEBHOOK_SECRET });
  bearer = await t.token();
});
afterEach(() => t.close());

/** A campaign to 4 confirmed contacts: one hard bounce, one complaint; stopped by the breaker. */
async function troubledSend() {
  const sent = await sentCampaign(t, bearer, 4);
  const [a, b] = sent.messages as [SentMessage, SentMessage];
  await postWebhook(t, bounceEvent(a.providerId, "Permanent"));
  await postWebhook(t, emailEvent("email.complained", b.providerId));
  await pauseSending(t.deps, `breaker: too many bounces (send #${sent.sendId})`, "breaker");
  return sent;
}

async function declare(sendId: number) {
  const draft = await t.api(bearer, "GET", `/api/v1/sends/${sendId}/incident-draft`);
  const { draft: body } = (await draft.json()) as { draft: Record<string, unknown> };
  const res = await t.api(bearer, "POST", "/api/v1/incidents", body);
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: number }).id;
}

describe("declare an incident from a send", () => {
  test("the draft is pre-filled with what was sent, to how many, when it stopped, and the rates", async () => {
    const { sendId } = await troubledSend();
    const res = await t.api(bearer, "GET", `/api/v1/sends/${sendId}/incident-draft`);
    expect(res.status).toBe(200);
    const { facts, draft } = (await res.json()) as {
      facts: Record<string, unknown>;
      draft: Record<string, unknown>;
    };
    expect(facts).toMatchObject({
      sendId,
      kind: "campaign",
      subject: "Les Nets d'Or 2001 : les inscriptions sont ouvertes",
      total: 4,
      sent: 4,
      stoppedAt: "2026-01-15T08:00:00.000Z",
      outcomes: 2,
      bounceRate: 0.5,
      complaintRate: 0.5,
    });
    expect(draft.from_send).toBe(sendId);
    expect(draft.notify).toBe(false);
    expect(String(draft.body_en)).toContain("4 of 4 messages went out");
    expect(String(draft.body_en)).toContain("Bounce rate: 50.0 %, complaint rate: 50.0 %");
    expect(String(draft.body_en)).toContain("stopped at 2026-01-15T08:00:00.000Z");

    // The admin pages: the send page, and the pause notice (on Sends and the Dashboard; the
    // header keeps a short chip), link to the same pre-filled draft.
    const cookie = await t.signIn();
    const sendPage = await (
      await t.request(`/admin/sends/${sendId}`, { headers: { Cookie: cookie } })
    ).text();
    expect(sendPage).toContain(`href="/admin/sends/${sendId}/declare"`);
    for (const path of ["/admin/sending", "/admin"]) {
      const notice = await (await t.request(path, { headers: { Cookie: cookie } })).text();
      expect(notice).toContain(`href="/admin/sends/${sendId}/declare"`);
    }
    const page = await t.request(`/admin/sends/${sendId}/declare`, { headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`name="from_send" value="${sendId}"`);
    expect(html).toContain("50.0 % bounces, 50.0 % complaints (of 2 outcomes)");
  });

  test("the recipients of the send are told once; a second attempt is a 409 and sends nothing", async () => {
    const { sendId, listId, messages } = await troubledSend();
    // One recipient has since unsubscribed: the rule keeps incident mail from them.
    const [, , c] = messages as [SentMessage, SentMessage, SentMessage];
    await moveTo(t.deps, listId, c.contactId, ["unsubscribed"]);
    const id = await declare(sendId);
    await t.api(bearer, "POST", "/api/v1/sending/resume");

    const first = await t.api(bearer, "POST", `/api/v1/incidents/${id}/notify-send-recipients`);
    expect(first.status).toBe(202);
    const report = (await first.json()) as { send_id: number; recipients: number };
    // 4 sent; the bounced and the complained are out, and the one who unsubscribed.
    expect(report.recipients).toBe(1);
    const second = await t.api(bearer, "POST", `/api/v1/incidents/${id}/notify-send-recipients`);
    expect(second.status).toBe(409);
    expect(second.headers.get("content-type")).toContain("application/problem+json");
    await dispatchUntilIdle(t.deps);
    const notices = await t.client.execute(
      "SELECT to_address, headers FROM mail_outbox WHERE subject LIKE '%interrompu%' OR subject LIKE '%stopped%'",
    );
    expect(notices.rows).toHaveLength(1);
    expect(JSON.parse(String(notices.rows[0]?.headers))["List-Unsubscribe-Post"]).toBe(
      "List-Unsubscribe=One-Click",
    );
  });

  test("an incident not declared from a send has no recipients to tell (409)", async () => {
    const res = await t.api(bearer, "POST", "/api/v1/incidents", {
      slug: "plain",
      title: "Plain",
      status: "investigating",
      impact: "minor",
      body: "Nothing to do with a send.",
    });
    const { id } = (await res.json()) as { id: number };
    const told = await t.api(bearer, "POST", `/api/v1/incidents/${id}/notify-send-recipients`);
    expect(told.status).toBe(409);
    expect(
      (await t.api(bearer, "POST", "/api/v1/incidents/999/notify-send-recipients")).status,
    ).toBe(404);
  });
});

describe("declare from the admin pages", () => {
  test("publishing the draft keeps its send; the incident page offers the poll and the one-time notice", async () => {
    const { sendId } = await troubledSend();
    const cookie = await t.signIn();
    const draft = (await (
      await t.api(bearer, "GET", `/api/v1/sends/${sendId}/incident-draft`)
    ).json()) as {
      draft: Record<string, unknown>;
    };
    const fields = Object.fromEntries(Object.entries(draft.draft).map(([k, v]) => [k, String(v)]));
    const res = await t.form("/admin/incidents", { ...fields, services: "" }, { Cookie: cookie });
    expect(res.status).toBe(303);
    const location = res.headers.get("location") as string;
    const html = await (await t.request(location, { headers: { Cookie: cookie } })).text();
    expect(html).toContain(`Declared from send #${sendId}`);
    expect(html).toContain(`href="/admin/polls?incident=send-${sendId}"`);
    const polls = await (
      await t.request(`/admin/polls?incident=send-${sendId}`, { headers: { Cookie: cookie } })
    ).text();
    expect(polls).toMatch(new RegExp(`<option value="send-${sendId}" selected`));
    await t.api(bearer, "POST", "/api/v1/sending/resume");
    const told = await t.form(`${location}/notify-send-recipients`, {}, { Cookie: cookie });
    expect(told.status).toBe(303);
    const again = await t.form(`${location}/notify-send-recipients`, {}, { Cookie: cookie });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("already told");
  });

  test("the admin's update form can publish without telling subscribers", async () => {
    const cookie = await t.signIn();
    const { subscribeAndConfirm } = await import("./subscription-helpers");
    await subscribeAndConfirm(t, "fr@example.org");
    const created = await t.form(
      "/admin/incidents",
      {
        title: "Panne",
        slug: "panne",
        status: "investigating",
        impact: "minor",
        body: "B",
        notify: "false",
      },
      { Cookie: cookie },
    );
    const location = created.headers.get("location") as string;
    await t.form(
      `${location}/updates`,
      { status: "identified", body: "Quiet", notify: "false" },
      { Cookie: cookie },
    );
    await t.form(
      `${location}/updates`,
      { status: "monitoring", body: "Loud", notify: "true" },
      { Cookie: cookie },
    );
    await dispatchUntilIdle(t.deps);
    const mails = await t.client.execute({
      sql: "SELECT subject FROM mail_outbox WHERE to_address = ? ORDER BY id",
      args: ["fr@example.org"],
    });
    expect(mails.rows.map((r) => String(r.subject)).slice(1)).toEqual([
      "Mise à jour : Panne (Sous surveillance)",
    ]);
  });
});

test("an incident cannot name a send that does not exist (422 on from_send, nothing stored)", async () => {
  const res = await t.api(bearer, "POST", "/api/v1/incidents", {
    slug: "ghost",
    title: "Ghost",
    status: "investigating",
    impact: "minor",
    body: "From a send that never was.",
    from_send: 4242,
  });
  expect(res.status).toBe(422);
  expect(((await res.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe(
    "from_send",
  );
  const n = await t.client.execute("SELECT count(*) AS n FROM incidents");
  expect(Number(n.rows[0]?.n)).toBe(0);
});
