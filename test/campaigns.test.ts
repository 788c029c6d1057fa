// Campaigns: sent once, their lifecycle, merge tags, test sends through the pipeline, failures.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { minuteJobs, runPeriodicJobs } from "../src/jobs";
import type { List } from "../src/lists/queries";
import { findList, setArchived } from "../src/lists/service";
import { createDispatcher } from "../src/sending/dispatcher";
import { fillTemplate, prepareCampaign, renderCampaign } from "../src/sending/templates";
import { XSS_PAYLOADS } from "./corpus/xss";
import { type FakeResend, startFakeResend } from "./fake-resend";
import { createTestApp, type TestApp } from "./helpers";
import {
  dispatchUntilIdle,
  fastLimiter,
  listWithContacts,
  moveTo,
  resendTestApp,
} from "./sending-helpers";

/** What a start runs: the hourly jobs, then the minute ones (scheduled campaigns start there). */
const runAllJobs = async (deps: Parameters<typeof runPeriodicJobs>[0]) => {
  await runPeriodicJobs(deps);
  await runPeriodicJobs(deps, minuteJobs);
};

let fake: FakeResend;
let t: TestApp;
let bearer: string;
let cookie: string;

beforeAll(async () => {
  fake = await startFakeResend();
});
afterAll(() => fake.stop());

beforeEach(async () => {
  t = await resendTestApp(fake, {
    SEND_BATCH_SIZE: "10",
  });
  bearer = await t.token();
  cookie = await t.signIn();
  return () => t.close();
});

type Report = { send_id: number | null; recipients: number; excluded: Record<string, number> };

/** A list of `n` contacts of whom the first `confirmed` have confirmed. */
async function audience(n: number, confirmed: number) {
  const { listId, contacts } = await listWithContacts(t, bearer, n);
  for (let i = 0; i < confirmed; i++)
    await moveTo(t.deps, listId, contacts.get(`p${i}@example.org`) as number, [
      "invited",
      "confirmed",
    ]);
  return { listId, contacts };
}

async function campaign(listId: number, fields: Record<string, unknown> = {}) {
  const res = await t.api(bearer, "POST", "/api/v1/campaigns", {
    list_id: listId,
    subject: "Inscriptions ouvertes",
    text: "Les inscriptions aux Nets d'Or 2001 sont ouvertes.",
    ...fields,
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { id: number }).id;
}

const count = async (table: string) =>
  Number((await t.client.execute(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n);

const page = async (path: string) => {
  const res = await t.request(path, { headers: { Cookie: cookie } });
  return { status: res.status, html: await res.text() };
};
const post = (path: string, fields: Record<string, string>) =>
  t.form(path, fields, { Cookie: cookie });

describe("a campaign is sent once", () => {
  test("a second send answers 409 and calls nobody", async () => {
    const { listId } = await audience(3, 2);
    const id = await campaign(listId);
    const first = await t.api(bearer, "POST", `/api/v1/campaigns/${id}/send`);
    expect(first.status).toBe(202);
    await dispatchUntilIdle(t.deps);
    expect(fake.delivered).toHaveLength(2);

    const again = await t.api(bearer, "POST", `/api/v1/campaigns/${id}/send`);
    expect(again.status).toBe(409);
    expect(again.headers.get("content-type")).toContain("application/problem+json");
    expect(((await again.json()) as { detail: string }).detail).toContain("already");
    await dispatchUntilIdle(t.deps);
    expect(fake.delivered).toHaveLength(2);
    expect(await count("sends")).toBe(1);
  });

  test("two concurrent sends of one campaign create one send", async () => {
    const { listId } = await audience(4, 4);
    const id = await campaign(listId);
    const answers = await Promise.all(
      [1, 2, 3].map(() => t.api(bearer, "POST", `/api/v1/campaigns/${id}/send`)),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([202, 409, 409]);
    await dispatchUntilIdle(t.deps);
    expect(fake.delivered).toHaveLength(4);
    expect(await count("sends")).toBe(1);
  });

  test("the admin page offers no Send once sent, says when and to how many, offers Duplicate", async () => {
    const { listId } = await audience(3, 2);
    const id = await campaign(listId);
    const sent = await post(`/admin/campaigns/${id}/send`, { confirm: "2" });
    expect(sent.status).toBe(303);
    await dispatchUntilIdle(t.deps);
    const view = await page(`/admin/campaigns/${id}`);
    expect(view.html).not.toContain(`action="/admin/campaigns/${id}/send"`);
    expect(view.html).toContain("Sent on");
    expect(view.html).toContain("to 2 contacts");
    expect(view.html).toContain(`action="/admin/campaigns/${id}/duplicate"`);

    const again = await post(`/admin/campaigns/${id}/send`, { confirm: "2" });
    expect(again.status).toBe(409);
    await dispatchUntilIdle(t.deps);
    expect(fake.delivered).toHaveLength(2);
    expect(await count("sends")).toBe(1);

    const copy = await post(`/admin/campaigns/${id}/duplicate`, {});
    expect(copy.status).toBe(303);
    expect(copy.headers.get("location")).toMatch(/^\/admin\/campaigns\/\d+$/);
    expect(copy.headers.get("location")).not.toBe(`/admin/campaigns/${id}`);
  });
});

describe("the lifecycle of a campaign", () => {
  const get = async (id: number) =>
    (await (await t.api(bearer, "GET", `/api/v1/campaigns/${id}`)).json()) as {
      id: number;
      list_id: number;
      subject: string;
      status: string;
      send_id: number | null;
      send_at: string | null;
    };

  test("draft, sending, sent; PATCH only on a draft; duplicate makes a new draft", async () => {
    const { listId } = await audience(3, 2);
    const id = await campaign(listId);
    expect(await get(id)).toEqual({
      id,
      list_id: listId,
      subject: "Inscriptions ouvertes",
      status: "draft",
      send_id: null,
      send_at: null,
      // Campaigns in French and English: the main version's language, and the others' versions.
      lang: "fr",
      versions: [],
    });
    const patched = await t.api(bearer, "PATCH", `/api/v1/campaigns/${id}`, { subject: "Ouvert" });
    expect(patched.status).toBe(200);
    expect(((await patched.json()) as { subject: string }).subject).toBe("Ouvert");
    const bad = await t.api(bearer, "PATCH", `/api/v1/campaigns/${id}`, { subject: "" });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe(
      "subject",
    );

    const sent = (await (
      await t.api(bearer, "POST", `/api/v1/campaigns/${id}/send`)
    ).json()) as Report;
    expect(await get(id)).toMatchObject({ status: "sending", send_id: sent.send_id });
    await dispatchUntilIdle(t.deps);
    expect(await get(id)).toMatchObject({ status: "sent", send_id: sent.send_id });

    const late = await t.api(bearer, "PATCH", `/api/v1/campaigns/${id}`, { subject: "Trop tard" });
    expect(late.status).toBe(409);
    expect((await get(id)).subject).toBe("Ouvert");

    const copy = await t.api(bearer, "POST", `/api/v1/campaigns/${id}/duplicate`);
    expect(copy.status).toBe(201);
    const copyId = ((await copy.json()) as { id: number }).id;
    expect(copyId).not.toBe(id);
    expect(await get(copyId)).toMatchObject({ status: "draft", subject: "Ouvert", send_id: null });
    expect((await t.api(bearer, "GET", "/api/v1/campaigns/999")).status).toBe(404);
  });

  test("send_at schedules; the periodic job starts it when due, checking consent then", async () => {
    const { listId, contacts } = await audience(3, 1);
    const past = await t.api(bearer, "POST", "/api/v1/campaigns", {
      list_id: listId,
      subject: "Plus tard",
      text: "Bonjour",
      send_at: "2020-01-01T00:00:00Z",
    });
    expect(past.status).toBe(422);
    expect(((await past.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe(
      "send_at",
    );
    const id = await campaign(listId, { send_at: "2026-01-16T09:00:00Z" });
    expect(await get(id)).toMatchObject({
      status: "scheduled",
      send_at: "2026-01-16T09:00:00.000Z",
    });
    // Confirmed after scheduling: counted when the campaign starts, not when it was scheduled.
    await moveTo(t.deps, listId, contacts.get("p1@example.org") as number, [
      "invited",
      "confirmed",
    ]);
    await runAllJobs(t.deps);
    expect((await get(id)).status).toBe("scheduled");
    t.clock.advance(26 * 3600_000);
    await runAllJobs(t.deps);
    const started = await get(id);
    expect(started.status).toBe("sending");
    await dispatchUntilIdle(t.deps);
    expect(fake.delivered.map((m) => m.to).sort()).toEqual(["p0@example.org", "p1@example.org"]);
    expect((await get(id)).status).toBe("sent");
    await runAllJobs(t.deps);
    expect(await count("sends")).toBe(1);
  });

  test("a scheduled campaign can be cancelled, and then never goes", async () => {
    const { listId } = await audience(2, 2);
    const id = await campaign(listId);
    const scheduled = await t.api(bearer, "POST", `/api/v1/campaigns/${id}/send`, {
      send_at: "2026-01-15T10:00:00Z",
    });
    expect(scheduled.status).toBe(202);
    expect((await get(id)).status).toBe("scheduled");
    const cancelled = await t.api(bearer, "POST", `/api/v1/campaigns/${id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect((await get(id)).status).toBe("cancelled");
    t.clock.advance(3 * 3600_000);
    await runAllJobs(t.deps);
    await dispatchUntilIdle(t.deps);
    expect(fake.calls).toHaveLength(0);
    expect((await t.api(bearer, "POST", `/api/v1/campaigns/${id}/send`)).status).toBe(409);
  });

  test("the admin list and page show the status", async () => {
    const { listId } = await audience(2, 1);
    const id = await campaign(listId, { send_at: "2026-02-01T09:00:00Z" });
    expect((await page("/admin/campaigns")).html).toContain('data-status="scheduled"');
    expect((await page(`/admin/campaigns/${id}`)).html).toContain("2026-02-01T09:00:00.000Z");
  });
});

describe("editing a draft from the admin", () => {
  test("a draft is edited and scheduled; a bad tag re-renders next to its field; a sent one is read-only", async () => {
    const { listId } = await audience(2, 2);
    const id = await campaign(listId);
    const bad = await post(`/admin/campaigns/${id}/edit`, {
      subject: "Bonjour",
      text: "Bonjour {{prenom}}",
      html: "",
      send_at: "",
    });
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain("Unknown merge tag {{prenom}}");
    expect(html).toContain("Bonjour {{prenom}}");
    const saved = await post(`/admin/campaigns/${id}/edit`, {
      subject: "Bonjour",
      text: "Bonjour {{name}}",
      html: "",
      send_at: "2026-02-01T09:00",
    });
    expect(saved.status).toBe(303);
    const json = (await (await t.api(bearer, "GET", `/api/v1/campaigns/${id}`)).json()) as {
      subject: string;
      status: string;
      send_at: string;
    };
    expect(json).toMatchObject({
      subject: "Bonjour",
      status: "scheduled",
      send_at: "2026-02-01T09:00:00.000Z",
    });
    const other = await campaign(listId);
    await t.api(bearer, "POST", `/api/v1/campaigns/${other}/send`);
    expect((await page(`/admin/campaigns/${other}`)).html).not.toContain("/edit");
    const late = await post(`/admin/campaigns/${other}/edit`, {
      subject: "Trop tard",
      text: "x",
      html: "",
      send_at: "",
    });
    expect(late.status).toBe(409);
  });
});

describe("merge tags", () => {
  test("an unknown or unclosed tag is refused at save time, naming it, on its field", async () => {
    const { listId } = await audience(1, 0);
    for (const [field, value, named] of [
      ["text", "Bonjour {{email}}", "{{email}}"],
      ["text", "Bonjour {{foo}}", "{{foo}}"],
      ["html", "<p>Bonjour {{ name </p>", "{{"],
      ["subject", "Pour {{attr.}}", "{{attr.}}"],
    ] as const) {
      const res = await t.api(bearer, "POST", "/api/v1/campaigns", {
        list_id: listId,
        subject: "Bonjour",
        text: "Bonjour",
        [field]: value,
      });
      expect(res.status, value).toBe(422);
      const body = (await res.json()) as { errors: { field: string; message: string }[] };
      expect(body.errors[0]?.field).toBe(field);
      expect(body.errors[0]?.message).toContain(named);
    }
    expect(await count("campaigns")).toBe(0);
    const form = await post("/admin/campaigns", {
      list_id: String(listId),
      subject: "Bonjour",
      text: "Bonjour {{prenom}}",
    });
    expect(form.status).toBe(422);
    expect(await form.text()).toContain("Unknown merge tag {{prenom}}");
  });

  test("each recipient gets their own values: plain in text, escaped in HTML, fallbacks", async () => {
    const { listId, contacts } = await audience(2, 2);
    const first = contacts.get("p0@example.org") as number;
    await t.api(bearer, "PATCH", `/api/v1/lists/${listId}/contacts/${first}`, {
      name: "<script>alert(1)</script>",
      attributes: { city: "Lyon & Co" },
    });
    const second = contacts.get("p1@example.org") as number;
    await t.api(bearer, "PATCH", `/api/v1/lists/${listId}/contacts/${second}`, {
      name: "",
      attributes: {},
    });
    const id = await campaign(listId, {
      subject: "Pour {{name|vous}}",
      text: "Bonjour {{name|ami}},\n\nÀ bientôt à {{attr.city}}.",
      html: "<p>Bonjour {{ name | ami }} de {{attr.city|partout}}</p>",
    });
    await t.api(bearer, "POST", `/api/v1/campaigns/${id}/send`);
    await dispatchUntilIdle(t.deps);
    const to = (address: string) => fake.delivered.find((m) => m.to === address);
    const a = to("p0@example.org");
    expect(a?.subject).toBe("Pour <script>alert(1)</script>");
    expect(a?.text).toContain("Bonjour <script>alert(1)</script>,\n\nÀ bientôt à Lyon & Co.");
    expect(a?.html).toContain(
      "<p>Bonjour &lt;script&gt;alert(1)&lt;/script&gt; de Lyon &amp; Co</p>",
    );
    expect(a?.html).not.toContain("<script>");
    const b = to("p1@example.org");
    expect(b?.subject).toBe("Pour vous");
    expect(b?.text).toContain("Bonjour ami,\n\nÀ bientôt à .");
    expect(b?.html).toContain("<p>Bonjour ami de partout</p>");
  });

  test("the outbox transport shows the rendered text; the preview renders for a sample contact, in paragraphs", async () => {
    const local = await createTestApp();
    try {
      const token = await local.token();
      const localCookie = await local.signIn();
      const { listId, contacts } = await listWithContacts(local, token, 1);
      await moveTo(local.deps, listId, contacts.get("p0@example.org") as number, [
        "invited",
        "confirmed",
      ]);
      const res = await local.api(token, "POST", "/api/v1/campaigns", {
        list_id: listId,
        subject: "Bonjour {{name}}",
        text: "Bonjour {{name|ami}},\n\nDeuxième paragraphe.",
      });
      const id = ((await res.json()) as { id: number }).id;
      const preview = await local.request(`/admin/campaigns/${id}`, {
        headers: { Cookie: localCookie },
      });
      const html = await preview.text();
      expect(html).toContain("Bonjour Participant 0,");
      expect(html).toContain("&lt;p&gt;Deuxième paragraphe.&lt;/p&gt;");
      await local.api(token, "POST", `/api/v1/campaigns/${id}/send`);
      await dispatchUntilIdle(local.deps);
      const outbox = (await (
        await local.api(token, "GET", "/api/v1/outbox?to=p0@example.org")
      ).json()) as { items: { subject: string; text: string }[] };
      expect(outbox.items[0]?.subject).toBe("Bonjour Participant 0");
      expect(outbox.items[0]?.text).toContain("Bonjour Participant 0,\n\nDeuxième paragraphe.");
    } finally {
      await local.close();
    }
  });
});

describe("a test send goes through the pipeline", () => {
  test("while paused: 409, no provider call, no send; the admin button says so too", async () => {
    const { listId } = await audience(1, 1);
    const id = await campaign(listId);
    await t.api(bearer, "POST", "/api/v1/sending/pause", { reason: "incident" });
    const res = await t.api(bearer, "POST", `/api/v1/campaigns/${id}/test`);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { detail: string }).detail).toContain("paused");
    const form = await post(`/admin/campaigns/${id}/test`, {});
    expect(form.status).toBe(409);
    expect(await form.text()).toContain("Sending is paused");
    await t.api(bearer, "POST", "/api/v1/sending/resume");
    await dispatchUntilIdle(t.deps);
    expect(fake.calls).toHaveLength(0);
    expect(await count("sends")).toBe(0);
    expect(await count("outbox_messages")).toBe(0);
  });

  test("unpaused: one outbox row, one audit entry, one provider call, to the admin by default", async () => {
    const { listId } = await audience(2, 2);
    const id = await campaign(listId, { text: "Bonjour {{name|ami}}" });
    const audits = await count("audit_log");
    const res = await t.api(bearer, "POST", `/api/v1/campaigns/${id}/test`);
    expect(res.status).toBe(202);
    expect(await count("outbox_messages")).toBe(1);
    expect(await count("audit_log")).toBe(audits + 1);
    await dispatchUntilIdle(t.deps);
    expect(fake.calls).toHaveLength(1);
    expect(fake.delivered.map((m) => m.to)).toEqual(["admin@test.example"]);
    expect(fake.delivered[0]?.subject).toBe("[TEST] Inscriptions ouvertes");
    expect(fake.delivered[0]?.text).toContain("Bonjour ami");
    // A test is no send of the campaign: it can still be sent, once.
    expect((await t.api(bearer, "GET", `/api/v1/campaigns/${id}`)).status).toBe(200);
    expect((await t.api(bearer, "POST", `/api/v1/campaigns/${id}/send`)).status).toBe(202);

    const other = await t.api(bearer, "POST", `/api/v1/campaigns/${id}/test`, {
      to: "relecteur@example.net",
    });
    expect(other.status).toBe(202);
    const bad = await t.api(bearer, "POST", `/api/v1/campaigns/${id}/test`, {
      to: "a@example.net, b@example.net",
    });
    expect(bad.status).toBe(422);
    await dispatchUntilIdle(t.deps);
    expect(fake.delivered.filter((m) => m.to === "relecteur@example.net")).toHaveLength(1);
    await runAllJobs(t.deps);
    const raw = await t.client.execute(
      "SELECT count(*) AS n FROM sends WHERE test_recipient IS NOT NULL",
    );
    expect(raw.rows[0]?.n).toBe(0);
    const audit = await t.client.execute("SELECT summary, details FROM audit_log");
    expect(JSON.stringify(audit.rows)).not.toContain("relecteur@example.net");
  });
});

describe("failed recipients", () => {
  /** 12 confirmed; the first batch of 10 is rejected by the provider, p11 unsubscribes meanwhile. */
  async function sendWithFailures() {
    const { listId, contacts } = await audience(12, 12);
    const id = await campaign(listId);
    const report = (await (
      await t.api(bearer, "POST", `/api/v1/campaigns/${id}/send`)
    ).json()) as Report;
    await moveTo(t.deps, listId, contacts.get("p11@example.org") as number, ["unsubscribed"]);
    fake.failNext(1, 422);
    await dispatchUntilIdle(t.deps);
    return { listId, contacts, id, sendId: report.send_id as number };
  }

  test("the API lists failed and suppressed rows with the reason", async () => {
    const { contacts, sendId } = await sendWithFailures();
    expect(fake.delivered.map((m) => m.to)).toEqual(["p10@example.org"]);
    const res = await t.api(bearer, "GET", `/api/v1/sends/${sendId}/failures`);
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as {
      items: { contact_id: number; reason: string; at: string }[];
    };
    expect(items).toHaveLength(11);
    expect(items.every((i) => i.reason.length > 0 && !Number.isNaN(Date.parse(i.at)))).toBe(true);
    const unsubscribed = items.find((i) => i.contact_id === contacts.get("p11@example.org"));
    expect(unsubscribed?.reason).toContain("unsubscribed");
    expect(items.map((i) => i.contact_id)).not.toContain(contacts.get("p10@example.org"));
    expect((await t.api(bearer, "GET", "/api/v1/sends/999/failures")).status).toBe(404);
  });

  test("retry-failed resends to the failed only, consent checked again, never to the delivered", async () => {
    const { listId, contacts, sendId } = await sendWithFailures();
    await moveTo(t.deps, listId, contacts.get("p0@example.org") as number, ["unsubscribed"]);
    const res = await t.api(bearer, "POST", `/api/v1/sends/${sendId}/retry-failed`);
    expect(res.status).toBe(202);
    const report = (await res.json()) as Report;
    expect(report.recipients).toBe(9);
    expect(report.excluded.unsubscribed).toBe(1);
    expect(report.send_id).not.toBe(sendId);
    await dispatchUntilIdle(t.deps);
    const to = fake.delivered.map((m) => m.to);
    expect(to.filter((a) => a === "p10@example.org")).toHaveLength(1);
    expect(to).not.toContain("p0@example.org");
    expect(to).not.toContain("p11@example.org");
    expect(to).toHaveLength(10);
    // Again: everyone failed has been reached since, or is excluded.
    const again = (await (
      await t.api(bearer, "POST", `/api/v1/sends/${sendId}/retry-failed`)
    ).json()) as Report;
    expect(again).toMatchObject({ send_id: null, recipients: 0 });
    expect(again.excluded.delivered).toBe(9);
    await dispatchUntilIdle(t.deps);
    expect(fake.delivered).toHaveLength(10);
  });

  test("retry-failed leaves out those a call may have reached (no definite answer), so nobody gets it twice", async () => {
    const { listId } = await audience(12, 12);
    const id = await campaign(listId);
    const report = (await (
      await t.api(bearer, "POST", `/api/v1/campaigns/${id}/send`)
    ).json()) as Report;
    // The first batch's call gets a 500: the provider may have accepted it. Then the send is cancelled.
    fake.failNext(1, 500);
    const d = createDispatcher(t.deps, { limiter: fastLimiter() });
    for (let i = 0; i < 10 && fake.calls.length === 0; i++) await d.step();
    await d.stop();
    expect(fake.calls).toHaveLength(1);
    const cancelled = await t.api(bearer, "POST", `/api/v1/sends/${report.send_id}/cancel`);
    expect(cancelled.status).toBe(200);
    const retry = (await (
      await t.api(bearer, "POST", `/api/v1/sends/${report.send_id}/retry-failed`)
    ).json()) as Report;
    // The second batch was never called: it stays queued with its cancelled send, not failed.
    expect(retry).toMatchObject({ send_id: null, recipients: 0 });
    expect(retry.excluded.uncertain).toBe(10);
    await dispatchUntilIdle(t.deps);
    expect(fake.delivered).toHaveLength(0);
  });

  test("retry-failed refuses a send still in progress and one that is no campaign's", async () => {
    const { listId } = await audience(3, 3);
    const id = await campaign(listId);
    const report = (await (
      await t.api(bearer, "POST", `/api/v1/campaigns/${id}/send`)
    ).json()) as Report;
    expect(
      (await t.api(bearer, "POST", `/api/v1/sends/${report.send_id}/retry-failed`)).status,
    ).toBe(409);
    const test = (await (
      await t.api(bearer, "POST", `/api/v1/campaigns/${id}/test`)
    ).json()) as Report;
    await dispatchUntilIdle(t.deps);
    expect((await t.api(bearer, "POST", `/api/v1/sends/${test.send_id}/retry-failed`)).status).toBe(
      409,
    );
  });

  test("the admin send page reconciles, lists failures with a CSV, and offers the resend", async () => {
    const { sendId } = await sendWithFailures();
    const view = await page(`/admin/sends/${sendId}`);
    expect(view.html).toContain("Total 12 = 1 sent + 10 failed + 1 suppressed + 0 queued");
    expect(view.html).toContain(`href="/admin/sends/${sendId}/failures.csv"`);
    expect(view.html).toContain(`action="/admin/sends/${sendId}/retry-failed"`);
    const csv = await t.request(`/admin/sends/${sendId}/failures.csv`, {
      headers: { Cookie: cookie },
    });
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines[0]).toBe("contact_id,status,reason,at");
    expect(lines).toHaveLength(12);
    const resent = await post(`/admin/sends/${sendId}/retry-failed`, {});
    expect(resent.status).toBe(303);
    await dispatchUntilIdle(t.deps);
    expect(fake.delivered).toHaveLength(11);
  });
});

describe("merge tags in the mail prepared once per send", () => {
  const escapeHtml = (v: string) =>
    v
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&#39;");
  const fixed = {
    listName: "Les Nets d'Or",
    subject: "Pour {{name|vous}}",
    text: "Bonjour {{name|ami}},\n\n{{attr.city}} et {{name|ami}}",
    html: "<p>{{ name }}</p><p>{{attr.city|partout}}</p>",
  };
  const links = { unsubscribeUrl: "https://relance.example/u/t", preferencesUrl: undefined };
  const names: (string | null)[] = [null, "", "Alice", ...XSS_PAYLOADS, "\u{E000}0\u{E001}"];

  test("filling the stored template gives what a render of the substituted text gives", () => {
    const mail = prepareCampaign(fixed);
    names.forEach((name, i) => {
      const city = i % 2 ? `<b>${name ?? ""}</b> & co` : undefined;
      const contact = { name, attributes: city === undefined ? {} : { city } };
      const composed = mail.compose({ lang: "fr", ...links, contact });
      const got =
        "rendered" in composed
          ? composed.rendered
          : fillTemplate(composed.template, composed.values);
      const n = name?.trim() || "";
      expect(got).toEqual(
        renderCampaign({
          lang: "fr",
          ...links,
          listName: fixed.listName,
          subject: `Pour ${n || "vous"}`,
          text: `Bonjour ${n || "ami"},\n\n${city ?? ""} et ${n || "ami"}`,
          html: `<p>${escapeHtml(n)}</p><p>${escapeHtml(city ?? "partout")}</p>`,
        }),
      );
    });
  });
});

describe("a scheduled campaign on an archived list", () => {
  const archive = async (listId: number) =>
    setArchived(t.deps, (await findList(t.deps, listId)) as List, true);

  test("POST with send_at answers 409 and saves no draft", async () => {
    const { listId } = await audience(2, 1);
    await archive(listId);
    const before = await count("campaigns");
    const res = await t.api(bearer, "POST", "/api/v1/campaigns", {
      list_id: listId,
      subject: "Plus tard",
      text: "Bonjour.",
      send_at: new Date(t.deps.clock.now().getTime() + 3_600_000).toISOString(),
    });
    expect(res.status).toBe(409);
    expect(await count("campaigns")).toBe(before);
  });

  test("PATCH with send_at answers 409 and leaves the draft as it was", async () => {
    const { listId } = await audience(2, 1);
    const id = await campaign(listId);
    await archive(listId);
    const res = await t.api(bearer, "PATCH", `/api/v1/campaigns/${id}`, {
      subject: "Changé",
      send_at: new Date(t.deps.clock.now().getTime() + 3_600_000).toISOString(),
    });
    expect(res.status).toBe(409);
    const got = (await (await t.api(bearer, "GET", `/api/v1/campaigns/${id}`)).json()) as {
      subject: string;
    };
    expect(got.subject).toBe("Inscriptions ouvertes");
  });
});
