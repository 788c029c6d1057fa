// The admin side of webhooks: the suppression list (search, lift with a reason, CSRF, audit), the
// deliverability panel overall and per send, and the inbound mail page.
import { beforeEach, describe, expect, test } from "vitest";
import { SUPPRESSION_REASONS } from "../src/suppressions/service";
import { SelectField, TextField } from "../src/views/fields";
import { createTestApp, type TestApp } from "./helpers";
import { dispatchUntilIdle, listWithContacts, moveTo } from "./sending-helpers";
import {
  bounceEvent,
  emailEvent,
  postWebhook,
  type SentMessage,
  sendCampaign,
  sentCampaign,
  WEBHOOK_SECRET,
} from "./webhook-helpers";

let t: TestApp;
let bearer: string;
let cookie: string;

beforeEach(async () => {
  t = await createTestApp({ RESEND_WEBHOOK_SECRET: WEBHOOK_SECRET });
  bearer = await t.token();
  cookie = await t.signIn();
  return () => t.close();
});

const page = async (path: string) => {
  const res = await t.request(path, { headers: { Cookie: cookie } });
  return { status: res.status, html: await res.text() };
};
const suppressionCount = async () =>
  Number((await t.client.execute("SELECT count(*) AS n FROM suppressions")).rows[0]?.n);
const hashOf = async (contactId: number) =>
  String(
    (
      await t.client.execute({
        sql: "SELECT email_hash FROM contacts WHERE id = ?",
        args: [contactId],
      })
    ).rows[0]?.email_hash,
  );

/** A campaign of 4 where the first contact bounced permanently and the second complained. */
async function bouncedAndComplained() {
  const sent = await sentCampaign(t, bearer, 4);
  const [a, b] = sent.messages as [SentMessage, SentMessage];
  expect((await postWebhook(t, bounceEvent(a.providerId, "Permanent"))).status).toBe(200);
  expect((await postWebhook(t, emailEvent("email.complained", b.providerId))).status).toBe(200);
  return { ...sent, bounced: a, complained: b };
}

describe("the suppression page", () => {
  test("needs a session", async () => {
    const res = await t.request("/admin/suppressions");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toMatch(/^\/admin\/login/);
  });

  test("lists suppressions with reason and date, filters by reason, finds an address however it is typed", async () => {
    const { bounced, complained } = await bouncedAndComplained();
    const all = await page("/admin/suppressions");
    expect(all.status).toBe(200);
    expect(all.html).toContain("2 suppressed");
    expect(all.html).toContain(bounced.email);
    expect(all.html).toContain(complained.email);
    expect(all.html).toContain('<time datetime="2026-01-15T08:00:00.000Z">');

    const onlyBounced = await page("/admin/suppressions?reason=bounced");
    expect(onlyBounced.html).toContain(bounced.email);
    expect(onlyBounced.html).not.toContain(complained.email);

    const typed = ` ${bounced.email.toUpperCase()} `;
    const found = await page(`/admin/suppressions?address=${encodeURIComponent(typed)}`);
    expect(found.status).toBe(200);
    expect(found.html).toContain(bounced.email);
    expect(found.html).toContain((await hashOf(bounced.contactId)).slice(0, 12));
    expect(found.html).not.toContain(complained.email);

    const unknown = await page("/admin/suppressions?address=nobody%40example.org");
    expect(unknown.html).toContain("This address is not on the suppression list.");

    // Issue 20: any text is a partial search (address or name), not an error.
    const partial = await page("/admin/suppressions?address=not-an-address");
    expect(partial.status).toBe(200);
    expect(partial.html).toContain("No suppressed address or name contains this text.");
  });

  test("the search form is made of the shared fields: the typed address and its error, the reason kept", async () => {
    const errors = { address: "The address has no @." };
    const address = (value: string, e = {}) =>
      String(
        TextField({
          name: "address",
          label: "Address or name",
          type: "search",
          value,
          maxlength: 320,
          placeholder: "someone@example.org, or a part of it",
          errors: e,
        }),
      );
    const reason = (value?: string) =>
      String(
        SelectField({
          name: "reason",
          label: "Reason",
          value,
          options: [{ value: "", label: "Any reason" }, ...SUPPRESSION_REASONS],
        }),
      );
    const partial = await page("/admin/suppressions?address=not-an-address");
    expect(partial.html).toContain(address("not-an-address"));
    expect(partial.html).toContain(reason());
    expect(String(address("x", errors))).toContain('aria-describedby="address-error"');
    const byReason = await page("/admin/suppressions?reason=complained");
    expect(byReason.html).toContain(address(""));
    expect(byReason.html).toContain(reason("complained"));
    expect(byReason.html).toContain('<option value="complained" selected="">complained</option>');
  });

  test("a suppression whose contact was erased is still found by address, without showing it", async () => {
    const { messages } = await sentCampaign(t, bearer, 2);
    const m = messages[0] as SentMessage;
    const hash = await hashOf(m.contactId);
    const erase = await t.api(
      bearer,
      "DELETE",
      `/api/v1/lists/${(await listIdOf(m.contactId)) as number}/contacts/${m.contactId}`,
    );
    expect(erase.status).toBeLessThan(300);
    const found = await page(`/admin/suppressions?address=${encodeURIComponent(m.email)}`);
    expect(found.html).toContain("erased");
    expect(found.html).toContain("(not kept)");
    // The address is not kept: the row shows only the hash of what was typed.
    expect(found.html).toContain(hash.slice(0, 12));
    // An erasure is never lifted by an admin (invariant 2): no form, and a forged POST is refused.
    expect(found.html).toContain("only they can lift it");
    const rows = async () =>
      (
        await t.client.execute({
          sql: "SELECT count(*) AS n FROM suppressions WHERE address_hash = ?",
          args: [hash],
        })
      ).rows[0]?.n;
    expect(await rows()).toBe(1);
    const lift = await t.form(
      "/admin/suppressions/remove",
      { hash, note: "they asked on the phone", address: m.email },
      { Cookie: cookie },
    );
    expect(lift.status).toBe(409);
    expect(await lift.text()).toContain("never lifted");
    expect(await rows()).toBe(1);
  });

  test("lifting needs a reason, the site's Origin, and is audited; the ledger is untouched", async () => {
    const { bounced } = await bouncedAndComplained();
    const hash = await hashOf(bounced.contactId);

    // From another site (no Origin): refused, nothing changed.
    const forged = await t.request("/admin/suppressions/remove", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie },
      body: new URLSearchParams({ hash, note: "forged" }).toString(),
    });
    expect(forged.status).toBe(403);
    const crossSite = await t.form(
      "/admin/suppressions/remove",
      { hash, note: "forged" },
      { Cookie: cookie, Origin: "https://evil.example" },
    );
    expect(crossSite.status).toBe(403);
    expect(await suppressionCount()).toBe(2);

    // Without a reason: the page again, with the message next to the field.
    const noReason = await t.form(
      "/admin/suppressions/remove",
      { hash, note: " ", address: bounced.email },
      { Cookie: cookie },
    );
    expect(noReason.status).toBe(422);
    const html = await noReason.text();
    expect(html).toContain("Say why this address may be mailed again");
    expect(html).toContain('aria-invalid="true"');
    expect(await suppressionCount()).toBe(2);

    // A hash that is not on the list.
    const unknown = await t.form(
      "/admin/suppressions/remove",
      { hash: "0".repeat(64), note: "no such thing" },
      { Cookie: cookie },
    );
    expect(unknown.status).toBe(404);
    expect(await suppressionCount()).toBe(2);

    const lifted = await t.form(
      "/admin/suppressions/remove",
      { hash, note: "Mailbox fixed, confirmed by phone", address: bounced.email },
      { Cookie: cookie },
    );
    expect(lifted.status).toBe(303);
    expect(lifted.headers.get("location")).toContain("/admin/suppressions?lifted=1");
    expect(await suppressionCount()).toBe(1);
    const after = await page(lifted.headers.get("location") as string);
    expect(after.html).toContain("Suppression lifted; recorded in the audit log.");
    expect(after.html).toContain("This address is not on the suppression list.");

    const audit = await t.client.execute(
      "SELECT actor, action, summary, details FROM audit_log WHERE action = 'suppression.removed'",
    );
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0]).toMatchObject({ actor: "admin@test.example" });
    expect(String(audit.rows[0]?.summary)).toContain("Mailbox fixed, confirmed by phone");
    expect(JSON.parse(String(audit.rows[0]?.details))).toMatchObject({
      address_hash: hash,
      reasons: [expect.objectContaining({ reason: "bounced" })],
      note: "Mailbox fixed, confirmed by phone",
    });
    // The ledger is append-only: the contact is still bounced until it consents again.
    const state = await t.client.execute({
      sql: "SELECT status FROM list_members WHERE contact_id = ?",
      args: [bounced.contactId],
    });
    expect(state.rows.map((r) => r.status)).toEqual(["bounced"]);
  });
});

describe("the deliverability panel", () => {
  test("overall: counts, rates, a chart, and each send linked", async () => {
    const { sendId, messages } = await bouncedAndComplained();
    for (const m of messages.slice(2))
      await postWebhook(t, emailEvent("email.delivered", m.providerId));
    const { status, html } = await page("/admin/deliverability");
    expect(status).toBe(200);
    expect(html).toContain('<td data-outcome="delivered">2</td>');
    expect(html).toContain('<td data-outcome="bounced">1</td>');
    expect(html).toContain('<td data-outcome="complained">1</td>');
    expect(html).toContain('<td data-rate="bounce">25.00%</td>');
    expect(html).toContain('<td data-rate="complaint">25.00%</td>');
    expect(html).toContain("<svg");
    expect(html).toContain('class="bar-delivered"');
    expect(html).toContain('class="bar-bounced"');
    expect(html).toContain("2026-01-15: 2 delivered, 1 bounced, 1 complained");
    expect(html).toContain(`href="/admin/deliverability/sends/${sendId}"`);
    expect(html).toContain('href="/admin/suppressions"');
    expect(html).toContain('href="/admin/inbound"');
  });

  test("overall: messages sent and failed over the period, by when they were sent or failed", async () => {
    // Two messages the provider refused outright (a rejected batch: no outcome ever comes).
    const refused = await listWithContacts(t, bearer, 2, "refused");
    for (const id of refused.contacts.values())
      await moveTo(t.deps, refused.listId, id, ["invited", "confirmed"]);
    const refusedSend = await sendCampaign(t, bearer, refused.listId);
    const mail = t.deps.mail;
    t.deps.mail = { name: "resend", sendBatch: async () => ({ kind: "rejected", reason: "422" }) };
    try {
      await dispatchUntilIdle(t.deps);
    } finally {
      t.deps.mail = mail;
    }
    expect(await (await t.api(bearer, "GET", `/api/v1/sends/${refusedSend}`)).json()).toMatchObject(
      { failed: 2, sent: 0 },
    );
    // Four sent, of which one failed afterwards (the provider's email.failed) and one delivered.
    const { messages } = await sentCampaign(t, bearer, 4);
    const [failed, delivered] = messages as [SentMessage, SentMessage];
    const failure = emailEvent("email.failed", failed.providerId, { failed: { reason: "quota" } });
    expect((await postWebhook(t, failure)).status).toBe(200);
    expect((await postWebhook(t, emailEvent("email.delivered", delivered.providerId))).status).toBe(
      200,
    );

    const { html } = await page("/admin/deliverability");
    expect(html).toContain('<td data-count="sent">3</td>');
    expect(html).toContain('<td data-count="failed">3</td>');
    expect(html).toContain('<td data-outcome="delivered">1</td>');
    expect(html).toContain("(6 messages)");

    // A month later they are out of the period.
    t.clock.advance(31 * 24 * 60 * 60_000);
    cookie = await t.signIn(); // the session has long expired
    const later = await page("/admin/deliverability");
    expect(later.html).toContain('<td data-count="sent">0</td>');
    expect(later.html).toContain('<td data-count="failed">0</td>');
  });

  test("per send, hour by hour, reached from the send's page and from the navigation", async () => {
    const first = await bouncedAndComplained();
    t.clock.advance(2 * 60 * 60_000);
    const m = first.messages[3] as SentMessage;
    await postWebhook(t, emailEvent("email.delivered", m.providerId));

    const sendPage = await page(`/admin/sends/${first.sendId}`);
    expect(sendPage.html).toContain(`href="/admin/deliverability/sends/${first.sendId}"`);
    expect(sendPage.html).toContain('href="/admin/deliverability"');

    const { status, html } = await page(`/admin/deliverability/sends/${first.sendId}`);
    expect(status).toBe(200);
    expect(html).toContain('<td data-outcome="delivered">1</td>');
    expect(html).toContain('<td data-outcome="bounced">1</td>');
    expect(html).toContain('<td data-rate="bounce">33.33%</td>');
    expect(html).toContain("2026-01-15T08: 0 delivered, 1 bounced, 1 complained");
    expect(html).toContain("2026-01-15T10: 1 delivered, 0 bounced, 0 complained");
    expect(html).toContain("per hour");

    expect((await page("/admin/deliverability/sends/999")).status).toBe(404);
    expect((await page("/admin/deliverability/sends/abc")).status).toBe(404);
  });

  test("with nothing sent, the pages still render", async () => {
    expect((await page("/admin/deliverability")).html).toContain("Nothing has been sent yet.");
    expect((await page("/admin/inbound")).html).toContain("No inbound mail.");
    expect((await page("/admin/suppressions")).html).toContain("0 suppressed.");
  });
});

async function listIdOf(contactId: number) {
  const row = await t.client.execute({
    sql: "SELECT list_id FROM list_members WHERE contact_id = ?",
    args: [contactId],
  });
  return Number(row.rows[0]?.list_id);
}
