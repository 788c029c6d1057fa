// Sends and the consent rule end to end: the counts an admin sees are what a send enqueues, a
// send that enqueues nobody does not exist, and simulated consent never authorises real mail.
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { forgetContact } from "../src/contacts/queries";
import { startSend } from "../src/sending/outbox";
import { createTestApp, type TestApp } from "./helpers";
import { dispatchUntilIdle, listWithContacts, moveTo } from "./sending-helpers";

type Report = { send_id: number | null; recipients: number; excluded: Record<string, number> };

const sendRows = async (t: TestApp) =>
  Number((await t.client.execute("SELECT count(*) AS n FROM sends")).rows[0]?.n);

describe("counts and enqueue agree", () => {
  let t: TestApp;
  let bearer: string;
  beforeEach(async () => {
    t = await createTestApp();
    bearer = await t.token();
  });
  afterEach(() => t.close());

  const campaign = async (listId: number) => {
    const res = await t.api(bearer, "POST", "/api/v1/campaigns", {
      list_id: listId,
      subject: "Inscriptions ouvertes",
      text: "Les inscriptions sont ouvertes.",
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: number }).id;
  };

  test("a confirmed member whose address is gone counts as erased, and the send answers send_id null", async () => {
    const { listId, contacts } = await listWithContacts(t, bearer, 2);
    const [a, b] = [contacts.get("p0@example.org"), contacts.get("p1@example.org")] as number[];
    await moveTo(t.deps, listId, a as number, ["invited", "confirmed"]);
    await moveTo(t.deps, listId, b as number, ["invited", "confirmed"]);
    // Erased through another list: this membership still says `confirmed`.
    const at = t.clock.now().toISOString();
    for (const id of [a, b] as number[]) {
      await t.deps.db.batch(forgetContact(t.deps.db, id, at));
    }
    const request = { kind: "campaign", listId, subject: "S", textVersion: 1, actor: "t" } as const;
    const dry = await startSend(t.deps, { ...request, dryRun: true });
    expect(dry).toMatchObject({ sendId: null, recipients: 0 });
    expect(dry.excluded.erased).toBe(2);

    const res = await t.api(bearer, "POST", `/api/v1/campaigns/${await campaign(listId)}/send`);
    expect(res.status).toBe(202);
    const report = (await res.json()) as Report;
    expect(report).toMatchObject({ send_id: null, recipients: 0 });
    expect(report.excluded.erased).toBe(2);
    expect(await sendRows(t)).toBe(0);
  });

  test("two re-consent sends started at once: one invites everyone, the other is no send at all", async () => {
    const { listId } = await listWithContacts(t, bearer, 5);
    const request = {
      kind: "reconsent",
      listId,
      subject: "S",
      deadline: "2026-03-01T00:00:00.000Z",
      textVersion: 1,
      actor: "admin@test.example",
    } as const;
    const reports = await Promise.all([startSend(t.deps, request), startSend(t.deps, request)]);
    const started = reports.filter((r) => r.sendId !== null);
    expect(started).toHaveLength(1);
    expect(started[0]?.recipients).toBe(5);
    const empty = reports.find((r) => r.sendId === null);
    expect(empty?.recipients).toBe(0);
    expect(await sendRows(t)).toBe(1);
    await dispatchUntilIdle(t.deps);
    const invited = await t.client.execute(
      "SELECT count(*) AS n FROM consent_events WHERE event = 'invited'",
    );
    expect(Number(invited.rows[0]?.n)).toBe(5);
  });
});
