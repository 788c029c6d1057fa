// The January 2000 story replayed on the demo data, safely: 3,800 imported entrants, one
// re-consent invitation each, answers, a campaign that reaches only those who said yes, and the
// public incident page with its poll. Mail goes to the outbox, never to the internet.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestApp, type TestApp } from "./helpers";
import { linksInMail } from "./participant-helpers";
import { dispatchUntilIdle } from "./sending-helpers";
import { addMember } from "./team-helpers";

let t: TestApp;
let bearer: string;
let listId: number;

beforeAll(async () => {
  t = await createTestApp({ SEED: "demo", SEND_BATCH_SIZE: "100" });
  bearer = await t.token();
  const lists = (await (await t.api(bearer, "GET", "/api/v1/lists")).json()) as {
    items: { id: number; slug: string }[];
  };
  listId = lists.items.find((l) => l.slug === "nets-dor-2001")?.id as number;
}, 120_000);
afterAll(() => t.close());

describe("the 2000 story, replayed", () => {
  test("the demo list holds 3,800 legacy entrants under example.org", async () => {
    const list = (await (await t.api(bearer, "GET", `/api/v1/lists/${listId}`)).json()) as {
      counts: Record<string, number>;
    };
    expect(list.counts.legacy).toBe(3800);
    const page = (await (
      await t.api(bearer, "GET", `/api/v1/lists/${listId}/contacts?limit=5`)
    ).json()) as { items: { email: string }[] };
    expect(page.items.every((c) => c.email.endsWith("example.org"))).toBe(true);
  });

  test("no campaign can reach them before they confirm", async () => {
    const campaign = (await (
      await t.api(bearer, "POST", "/api/v1/campaigns", {
        list_id: listId,
        subject: "Nets d'Or 2001",
        text: "Inscrivez-vous !",
      })
    ).json()) as { id: number };
    const report = await (
      await t.api(bearer, "POST", `/api/v1/campaigns/${campaign.id}/send`)
    ).json();
    expect(report).toMatchObject({ send_id: null, recipients: 0, excluded: { legacy: 3800 } });
  });

  test("one invitation each, one recipient per message, into the outbox; then answers", async () => {
    const dry = await (
      await t.api(bearer, "POST", `/api/v1/lists/${listId}/reconsent`, {
        deadline: "2026-02-15T23:59:00Z",
        dry_run: true,
      })
    ).json();
    expect(dry).toMatchObject({ send_id: null, recipients: 3800 });
    const sent = (await (
      await t.api(bearer, "POST", `/api/v1/lists/${listId}/reconsent`, {
        deadline: "2026-02-15T23:59:00Z",
      })
    ).json()) as { send_id: number; recipients: number; status: string };
    expect(sent.recipients).toBe(3800);
    // 3,800 reach APPROVAL_THRESHOLD: nothing goes until a second admin who may send approves.
    expect(sent.status).toBe("awaiting_approval");
    await dispatchUntilIdle(t.deps);
    expect(await t.client.execute("SELECT count(*) AS n FROM mail_outbox")).toMatchObject({
      rows: [{ n: 0 }],
    });
    const second = await addMember(t, bearer, "sender");
    const approved = await t.api(second.token, "POST", `/api/v1/sends/${sent.send_id}/approve`);
    expect(approved.status).toBe(200);
    // The canary (one batch of 100, at random) goes first, then holds 30 minutes.
    await dispatchUntilIdle(t.deps);
    const held = await (await t.api(bearer, "GET", `/api/v1/sends/${sent.send_id}`)).json();
    expect(held).toMatchObject({ status: "canary_hold", sent: 100 });
    t.clock.advance(30 * 60_000);
    await dispatchUntilIdle(t.deps);
    const progress = await (await t.api(bearer, "GET", `/api/v1/sends/${sent.send_id}`)).json();
    expect(progress).toMatchObject({ status: "done", total: 3800, sent: 3800, failed: 0 });
    const stored = await t.client.execute(
      "SELECT count(*) AS n, count(DISTINCT to_address) AS d FROM mail_outbox",
    );
    expect(stored.rows[0]).toMatchObject({ n: 3800, d: 3800 });
    const again = await (
      await t.api(bearer, "POST", `/api/v1/lists/${listId}/reconsent`, {
        deadline: "2026-03-01T00:00:00Z",
      })
    ).json();
    expect(again).toMatchObject({ send_id: null, recipients: 0, excluded: { invited: 3800 } });

    // Two entrants answer from the link in their mail: one confirms (and re-registers), one declines.
    const rows = (
      await t.client.execute("SELECT to_address FROM mail_outbox ORDER BY id LIMIT 2")
    ).rows.map((r) => String(r.to_address));
    const [yes = "", no = ""] = rows;
    const yesLinks = await linksInMail(t, yes);
    expect((await t.form(yesLinks.consent as string, { answer: "confirm" })).status).toBe(303);
    const noLinks = await linksInMail(t, no);
    expect((await t.form(noLinks.consent as string, { answer: "decline" })).status).toBe(303);
    const list = (await (await t.api(bearer, "GET", `/api/v1/lists/${listId}`)).json()) as {
      counts: Record<string, number>;
    };
    expect(list.counts).toMatchObject({ invited: 3798, confirmed: 1, erased: 1 });

    // The campaign now reaches exactly the one who said yes.
    const campaign = (await (
      await t.api(bearer, "POST", "/api/v1/campaigns", {
        list_id: listId,
        subject: "Inscriptions ouvertes",
        text: "À vous !",
      })
    ).json()) as { id: number };
    const report = (await (
      await t.api(bearer, "POST", `/api/v1/campaigns/${campaign.id}/send`)
    ).json()) as { recipients: number };
    expect(report.recipients).toBe(1);
    await dispatchUntilIdle(t.deps);
    const campaignMail = await t.client.execute({
      sql: "SELECT to_address FROM mail_outbox WHERE subject = 'Inscriptions ouvertes'",
      args: [],
    });
    expect(campaignMail.rows.map((r) => r.to_address)).toEqual([yes]);
  }, 120_000);

  test("the public incident page tells the story, and the poll counts votes", async () => {
    const incident = (await (
      await t.request("/incidents/envoi-massif-nets-d-or-2000.json")
    ).json()) as { updates: unknown[]; status: string };
    expect(incident.updates.length).toBeGreaterThanOrEqual(4);
    const results = (await (
      await t.request("/polls/sort-de-l-administrateur/results", {
        headers: { Accept: "application/json" },
      })
    ).json()) as {
      total: number;
      options: { label: string; percent: number }[];
    };
    expect(results.options.reduce((sum, o) => sum + o.percent, 0)).toBe(100);
    expect(results.options[0]?.label).toMatch(/pardonner/i);
    expect(results.options.at(-1)?.label).toMatch(/pendaison/i);
    const home = await (await t.request("/")).text();
    expect(home).toContain("/incidents/envoi-massif-nets-d-or-2000");
  });
});
