import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  hashAddress,
  isSuppressed,
  recordConsentEvent,
  suppressAddress,
} from "../src/consent/service";
import {
  CONSENT_EVENTS,
  type ConsentEventName,
  type ConsentState,
  deriveState,
  InvalidTransition,
  nextState,
  TRANSITIONS,
} from "../src/consent/states";
import { createTestApp, type TestApp } from "./helpers";

/** The context of an event, made by the first kind of actor the rule table allows for it. */
const by = <T extends object>(event: ConsentEventName, ctx: T) => ({
  ...ctx,
  by: TRANSITIONS[event].by[0] ?? "system",
});

describe("consent states", () => {
  test("an address typed or imported is legacy; confirmation needs an invitation first", () => {
    expect(deriveState([{ event: "imported" }])).toBe("legacy");
    expect(deriveState([{ event: "added" }])).toBe("legacy");
    expect(nextState("legacy", "confirmed")).toBeInstanceOf(InvalidTransition);
    expect(deriveState([{ event: "imported" }, { event: "invited" }, { event: "confirmed" }])).toBe(
      "confirmed",
    );
    expect(deriveState([{ event: "subscribed" }, { event: "confirmed" }])).toBe("confirmed");
  });

  test("unsubscribed, bounced, complained and erased can happen from any state; nothing after erased", () => {
    for (const from of ["legacy", "invited", "confirmed", "pending"] as ConsentState[]) {
      for (const event of [
        "unsubscribed",
        "bounced",
        "complained",
        "erased",
      ] as ConsentEventName[]) {
        expect(nextState(from, event)).toBe(event);
      }
    }
    for (const event of CONSENT_EVENTS) {
      expect(nextState("erased", event)).toBeInstanceOf(InvalidTransition);
    }
  });

  test("a legacy contact can be invited, then expire; declined only after an invitation", () => {
    expect(deriveState([{ event: "imported" }, { event: "expired" }])).toBe("expired");
    expect(deriveState([{ event: "imported" }, { event: "invited" }, { event: "declined" }])).toBe(
      "declined",
    );
    expect(nextState("legacy", "declined")).toBeInstanceOf(InvalidTransition);
    expect(nextState("expired", "invited")).toBeInstanceOf(InvalidTransition);
    expect(() => deriveState([{ event: "confirmed" }])).toThrow(InvalidTransition);
  });
});

describe("the ledger and the state column", () => {
  let t: TestApp;
  let bearer: string;
  let listId: number;
  beforeEach(async () => {
    t = await createTestApp();
    bearer = await t.token();
    const res = await t.api(bearer, "POST", "/api/v1/lists", {
      slug: "l",
      name: "L",
      purpose: "P.",
    });
    listId = ((await res.json()) as { id: number }).id;
  });
  afterEach(() => t.close());

  /** Replays every member's events and compares with the stored state. */
  const expectLedgerAgrees = async () => {
    const members = await t.client.execute("SELECT list_id, contact_id, status FROM list_members");
    expect(members.rows.length).toBeGreaterThan(0);
    for (const m of members.rows) {
      const events = await t.client.execute({
        sql: "SELECT event FROM consent_events WHERE list_id = ? AND contact_id = ? ORDER BY id",
        args: [m.list_id ?? null, m.contact_id ?? null],
      });
      expect(deriveState(events.rows as unknown as { event: string }[])).toBe(m.status);
    }
  };

  test("recordConsentEvent appends the event and moves the state together", async () => {
    await t.request(`/api/v1/lists/${listId}/imports?source=s`, {
      method: "POST",
      headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "text/csv" },
      body: "email\na@example.org\nb@example.org\nc@example.org\n",
    });
    const ids = (await t.client.execute("SELECT id FROM contacts ORDER BY id")).rows.map((r) =>
      Number(r.id),
    );
    const [a, b, c] = ids as [number, number, number];
    const ctx = { source: "test", actor: "system", ipHash: "h" };
    expect(
      await recordConsentEvent(t.deps, { listId, contactId: a }, "invited", by("invited", ctx)),
    ).toEqual({
      ok: true,
      state: "invited",
    });
    expect(
      await recordConsentEvent(t.deps, { listId, contactId: a }, "confirmed", by("confirmed", ctx)),
    ).toEqual({
      ok: true,
      state: "confirmed",
    });
    expect(
      await recordConsentEvent(t.deps, { listId, contactId: b }, "bounced", by("bounced", ctx)),
    ).toEqual({
      ok: true,
      state: "bounced",
    });
    // A refused transition writes nothing.
    const refused = await recordConsentEvent(
      t.deps,
      { listId, contactId: c },
      "confirmed",
      by("confirmed", ctx),
    );
    expect(refused).toMatchObject({ ok: false, reason: "invalid_transition" });
    expect(
      await recordConsentEvent(t.deps, { listId, contactId: 999 }, "invited", by("invited", ctx)),
    ).toMatchObject({
      ok: false,
      reason: "not_member",
    });
    // Two concurrent changes from the same state: exactly one wins.
    const both = await Promise.all([
      recordConsentEvent(t.deps, { listId, contactId: c }, "invited", by("invited", ctx)),
      recordConsentEvent(t.deps, { listId, contactId: c }, "unsubscribed", by("unsubscribed", ctx)),
    ]);
    expect(both.filter((r) => r.ok)).toHaveLength(1);
    await t.api(bearer, "DELETE", `/api/v1/lists/${listId}/contacts/${a}`);
    await expectLedgerAgrees();
    const history = await t.client.execute({
      sql: "SELECT event, text_version, ip_hash FROM consent_events WHERE contact_id = ? ORDER BY id",
      args: [a],
    });
    expect(history.rows.map((r) => r.event)).toEqual([
      "imported",
      "invited",
      "confirmed",
      "erased",
    ]);
  });

  test("a random walk of events keeps the ledger and the column equal", async () => {
    const emails = Array.from({ length: 12 }, (_, i) => `w${i}@example.org`);
    for (const email of emails)
      await t.api(bearer, "POST", `/api/v1/lists/${listId}/contacts`, { email });
    const ids = (await t.client.execute("SELECT id FROM contacts")).rows.map((r) => Number(r.id));
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const events = CONSENT_EVENTS.filter((e) => e !== "erased");
    for (let i = 0; i < 150; i++) {
      const contactId = ids[Math.floor(random() * ids.length)] as number;
      const event = events[Math.floor(random() * events.length)] as ConsentEventName;
      await recordConsentEvent(t.deps, { listId, contactId }, event, {
        source: "walk",
        actor: "test",
        by: TRANSITIONS[event].by[0] ?? "system",
      });
    }
    await expectLedgerAgrees();
  });

  test("suppression is kept as a salted hash, looked up by key", async () => {
    expect(await isSuppressed(t.deps, "ana@example.org")).toBe(false);
    await suppressAddress(t.deps, "ana@example.org", "bounced");
    expect(await isSuppressed(t.deps, "ana@example.org")).toBe(true);
    const rows = await t.client.execute(
      "SELECT address_hash, reason FROM suppression_reasons ORDER BY id",
    );
    expect(rows.rows.map((r) => ({ ...r }))).toEqual([
      { address_hash: await hashAddress(t.deps, "ana@example.org"), reason: "bounced" },
    ]);
    expect(JSON.stringify(rows.rows)).not.toContain("ana");
  });
});
