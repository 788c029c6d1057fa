// Simulated consent (15.5): with MAIL_TRANSPORT=outbox no mail leaves the machine, so an answer
// given through a link (necessarily opened from the admin's Mailbox) is recorded as simulated,
// shown as such, and never counts as consent once mail really leaves.
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { countRecipients } from "../src/consent/eligibility";
import { recordConsentEvent } from "../src/consent/service";
import { startSend } from "../src/sending/outbox";
import { createTestApp, type TestApp } from "./helpers";
import {
  contactId,
  eventsOf,
  invitedParticipants,
  linksInMail,
  memberState,
} from "./participant-helpers";
import { dispatchUntilIdle } from "./sending-helpers";
import { shownForm } from "./subscription-helpers";

const visitor = { "User-Agent": "Firefox/128.0", "X-Forwarded-For": "203.0.113.7" };
type Report = { send_id: number | null; recipients: number; excluded: Record<string, number> };

describe("simulated consent", () => {
  let t: TestApp;
  let bearer: string;
  beforeEach(async () => {
    t = await createTestApp(); // MAIL_TRANSPORT=outbox, the default
    bearer = await t.token();
  });
  afterEach(() => t.close());

  /** As a restart with MAIL_TRANSPORT=resend would: the same database, mail now leaves. */
  const switchToResend = () => {
    t.deps.config.mail.transport = "resend";
  };

  const campaignSend = async (listId: number) => {
    const res = await t.api(bearer, "POST", "/api/v1/campaigns", {
      list_id: listId,
      subject: "Inscriptions ouvertes",
      text: "Les inscriptions sont ouvertes.",
    });
    const id = ((await res.json()) as { id: number }).id;
    const sent = await t.api(bearer, "POST", `/api/v1/campaigns/${id}/send`);
    expect(sent.status).toBe(202);
    return (await sent.json()) as Report;
  };

  test("an invitation answered from the Mailbox is simulated, shown so, and excluded once mail leaves", async () => {
    const { listId } = await invitedParticipants(t, bearer);
    const alice = await contactId(t, "alice@example.org");
    const links = await linksInMail(t, "alice@example.org");
    expect((await t.form(links.consent as string, { answer: "confirm" }, visitor)).status).toBe(
      303,
    );
    expect(await memberState(t, listId, alice)).toBe("confirmed");
    const confirmed = (await eventsOf(t, alice)).find((e) => e.event === "confirmed");
    expect(confirmed).toMatchObject({ source: "simulated", actor: "participant" });
    const cookie = await t.signIn();
    const page = await (
      await t.request(`/admin/lists/${listId}/contacts/${alice}`, { headers: { Cookie: cookie } })
    ).text();
    expect(page).toContain("simulated");
    expect(page).toContain("not consent once mail leaves");

    // While mail stays on the machine, the demo goes on: the campaign reaches the Mailbox.
    const request = { kind: "campaign", listId, subject: "S", textVersion: 1, actor: "a" } as const;
    expect(await startSend(t.deps, { ...request, dryRun: true })).toMatchObject({
      recipients: 1,
    });

    switchToResend();
    const dry = await startSend(t.deps, { ...request, dryRun: true });
    expect(dry.recipients).toBe(0);
    // Counted where the simulated answer found them: invited, never really asked.
    expect(dry.excluded).toMatchObject({ invited: 4, confirmed: 0, pending: 0 });
    const report = await campaignSend(listId);
    expect(report).toMatchObject({ send_id: null, recipients: 0 });
    expect(report.excluded.invited).toBe(4);
    expect(
      Number(
        (await t.client.execute("SELECT count(*) AS n FROM sends WHERE kind = 'campaign'")).rows[0]
          ?.n,
      ),
    ).toBe(0);
  });

  test("a web subscription confirmed from the Mailbox counts as pending once mail leaves; a real confirmation counts", async () => {
    const res = await t.api(bearer, "POST", "/api/v1/lists", {
      slug: "newsletter",
      name: "La lettre",
      purpose: "Recevoir la lettre.",
    });
    const listId = ((await res.json()) as { id: number }).id;
    const subscribe = (email: string) =>
      t.form("/lists/newsletter/subscribe", { ...shownForm(t), email, consent: "yes" }, visitor);
    expect((await subscribe("sim@example.org")).status).toBe(200);
    await dispatchUntilIdle(t.deps);
    const sim = await linksInMail(t, "sim@example.org");
    expect((await t.form(sim.confirm as string, {}, visitor)).status).toBe(303);
    const simId = await contactId(t, "sim@example.org");
    expect(await memberState(t, listId, simId)).toBe("confirmed");
    expect(await eventsOf(t, simId)).toEqual([
      expect.objectContaining({ event: "subscribed", source: "simulated" }),
      expect.objectContaining({ event: "confirmed", source: "simulated" }),
    ]);
    expect((await countRecipients(t.deps, "campaign", listId)).recipients).toBe(1);

    switchToResend();
    const counts = await countRecipients(t.deps, "campaign", listId);
    expect(counts.recipients).toBe(0);
    expect(counts.excluded.pending).toBe(1);
    for (const purpose of ["incident", "poll"] as const) {
      expect((await countRecipients(t.deps, purpose, listId)).recipients).toBe(0);
    }
    expect(await campaignSend(listId)).toMatchObject({ send_id: null, recipients: 0 });

    // The same journey once mail really leaves is real consent (the mail itself is not sent
    // here: the transport was switched under a running app, so the link is read from the send).
    expect((await subscribe("real@example.org")).status).toBe(200);
    const realId = await contactId(t, "real@example.org");
    const [row] = (
      await t.client.execute({
        sql: `SELECT s.id FROM sends s JOIN outbox_messages o ON o.send_id = s.id
              WHERE o.contact_id = ?`,
        args: [realId],
      })
    ).rows;
    expect(row).toBeDefined();
    await recordConsentEvent(t.deps, { listId, contactId: realId }, "confirmed", {
      source: `subscription confirmation (send #${row?.id})`,
      actor: "participant",
      by: "participant",
    });
    const after = await countRecipients(t.deps, "campaign", listId);
    expect(after.recipients).toBe(1);
    expect(after.excluded.pending).toBe(1);
  });
});
