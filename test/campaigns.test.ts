// Campaigns: sent once, their lifecycle, merge tags, test sends through the pipeline, failures.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { type FakeResend, startFakeResend } from "./fake-resend";
import { createTestApp, type TestApp } from "./helpers";
import { dispatchUntilIdle, listWithContacts, moveTo } from "./sending-helpers";

let fake: FakeResend;
let t: TestApp;
let bearer: string;
let cookie: string;

beforeAll(async () => {
  fake = await startFakeResend();
});
afterAll(() => fake.stop());

beforeEach(async () => {
  fake.reset();
  t = await createTestApp({
    MAIL_TRANSPORT: "resend",
    RESEND_API_KEY: fake.apiKey,
    RESEND_BASE_URL: fake.url,
    SEND_BATCH_SIZE: "10",
    MAIL_REPLY_TO: "humans@netsdor.example",
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
