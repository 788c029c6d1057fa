// Builds invited participants through the real API and pipeline, and reads their links from the
// outbox transport's mail, as a participant would from their mailbox.
import { expect } from "vitest";
import type { TestApp } from "./helpers";
import { dispatchUntilIdle } from "./sending-helpers";

export const DEADLINE = "2026-03-01T00:00:00.000Z";

export const PARTICIPANTS_CSV = [
  "email,name,site,url,category,language",
  "alice@example.org,Alice Martin,Le site jazz d'Alice,http://www.jazz-martin.example.org/,Culture,fr",
  "bob@example.org,Bob Smith,Bob's radio,http://radio-bob.example.org/,Site personnel,en",
  'carol@example.org,"<script>alert(1)</script>",<b>bold</b>,http://carol.example.org/,Commerce,fr',
  "dave@example.org,Dave,Dave's garden,http://dave.example.org/,Association,fr",
].join("\n");

/** A list of four imported participants, invited by a re-consent send dispatched to the outbox. */
export async function invitedParticipants(t: TestApp, bearer: string, slug = "nets") {
  const res = await t.api(bearer, "POST", "/api/v1/lists", {
    slug,
    name: "Les Nets d'Or 2001",
    purpose: "Recevoir les nouvelles du concours des Nets d'Or 2001.",
  });
  expect(res.status).toBe(201);
  const listId = ((await res.json()) as { id: number }).id;
  const imported = await t.request(`/api/v1/lists/${listId}/imports?source=test`, {
    method: "POST",
    headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "text/csv" },
    body: `${PARTICIPANTS_CSV}\n`,
  });
  expect(imported.status).toBe(200);
  const sent = await t.api(bearer, "POST", `/api/v1/lists/${listId}/reconsent`, {
    deadline: DEADLINE,
  });
  expect(sent.status).toBe(202);
  const sendId = ((await sent.json()) as { send_id: number }).send_id;
  await dispatchUntilIdle(t.deps);
  return { listId, sendId };
}

export async function contactId(t: TestApp, email: string) {
  const row = (
    await t.client.execute({ sql: "SELECT id FROM contacts WHERE email = ?", args: [email] })
  ).rows[0];
  return Number(row?.id);
}

/** The links of the newest mail to `to`: consent, unsubscribe, preferences, subscribe-confirm. */
export async function linksInMail(t: TestApp, to: string) {
  const row = (
    await t.client.execute({
      sql: "SELECT text, headers FROM mail_outbox WHERE to_address = ? ORDER BY id DESC LIMIT 1",
      args: [to],
    })
  ).rows[0];
  if (!row) throw new Error(`no mail to ${to}`);
  const text = String(row.text);
  const path = (prefix: string) => {
    const match = new RegExp(`https?://[^/\\s]+(/${prefix}/[\\w-]+\\.[\\w-]+)`).exec(text);
    return match?.[1];
  };
  return {
    consent: path("c"),
    unsubscribe: path("u"),
    preferences: path("p"),
    confirm: path("s"),
    headers: JSON.parse(String(row.headers)) as Record<string, string>,
  };
}

/** Every row of every table: what "nothing changed" is compared on. */
export async function snapshot(t: TestApp) {
  const tables = (
    await t.client.execute(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_\\_%' ESCAPE '\\' ORDER BY name",
    )
  ).rows
    .map((r) => String(r.name))
    // The abuse-limit counters count every POST by design; they hold no personal data.
    .filter((name) => name !== "rate_limit_hits");
  const out: Record<string, unknown[]> = {};
  for (const table of tables) {
    out[table] = (await t.client.execute(`SELECT * FROM "${table}" ORDER BY rowid`)).rows.map(
      (r) => ({ ...r }),
    );
  }
  return out;
}

export const memberState = async (t: TestApp, listId: number, contact: number) =>
  (
    await t.client.execute({
      sql: "SELECT status FROM list_members WHERE list_id = ? AND contact_id = ?",
      args: [listId, contact],
    })
  ).rows[0]?.status;

export const eventsOf = async (t: TestApp, contact: number) =>
  (
    await t.client.execute({
      sql: "SELECT event, source, text_version, ip_hash, ua_family, actor FROM consent_events WHERE contact_id = ? ORDER BY id",
      args: [contact],
    })
  ).rows.map((r) => ({ ...r }));
