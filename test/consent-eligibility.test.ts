// The consent rule's three forms (TypeScript check, SQL selection, counts) agree, over random
// contact histories applied through the transition rules, for every kind of mail.
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  countRecipients,
  dispatchFactsSql,
  EXCLUSION_REASONS,
  eligibleAtDispatch,
  eligibleMemberSql,
  emptyExcluded,
  exclusionReason,
  type MailMode,
  type MemberFacts,
} from "../src/consent/eligibility";
import { hashAddress, recordConsentEvent, suppressAddress } from "../src/consent/service";
import {
  CONSENT_STATES,
  type ConsentEventName,
  type ConsentState,
  EVENT_ON_ENQUEUE,
  InvalidTransition,
  MAIL_PURPOSES,
  nextState,
  TRANSITIONS,
} from "../src/consent/states";
import { enterList } from "../src/consent/transitions";
import { insertContact } from "../src/contacts/queries";
import type { Deps } from "../src/deps";
import { createTestApp, type TestApp } from "./helpers";

const withTransport = (deps: Deps, transport: "outbox" | "resend"): Deps => ({
  ...deps,
  config: { ...deps.config, mail: { ...deps.config.mail, transport } },
});

const LATER_EVENTS: ConsentEventName[] = [
  "invited",
  "uninvited",
  "confirmed",
  "declined",
  "expired",
  "unsubscribed",
  "bounced",
  "complained",
  "erased",
  "subscribed",
];

/** One contact's history: how it joined, then events, each recorded under one transport. */
const historyArb = fc.record({
  entry: fc.constantFrom("imported", "added", "subscribed") as fc.Arbitrary<
    "imported" | "added" | "subscribed"
  >,
  events: fc.array(
    fc.record({
      event: fc.constantFrom(...LATER_EVENTS),
      outbox: fc.boolean(),
    }),
    { maxLength: 5 },
  ),
  suppressed: fc.boolean(),
  addressErased: fc.boolean(),
});
type History = typeof historyArb extends fc.Arbitrary<infer T> ? T : never;

describe("the one consent rule", () => {
  let t: TestApp;
  let bearer: string;
  let run = 0;
  beforeAll(async () => {
    t = await createTestApp();
    bearer = await t.token();
  });
  afterAll(() => t.close());

  /** Applies one history to a new contact on `listId`; returns its id and the facts it proves. */
  async function applyHistory(listId: number, h: History, n: number) {
    const at = t.clock.now().toISOString();
    const key = `p${run}-${n}@example.org`;
    await insertContact(t.deps.db, {
      email: key,
      emailKey: key,
      emailHash: hashAddress(t.deps, key),
      name: null,
      attributes: {},
      at,
    });
    const by = TRANSITIONS[h.entry].by[0] ?? "admin";
    await t.deps.db.batch(
      enterList(
        t.deps.db,
        listId,
        { id: sql`id`, from: sql`contacts WHERE email_key = ${key}` },
        h.entry,
        { at, source: "property", actor: "test", by },
      ),
    );
    const id = Number(
      (await t.client.execute({ sql: "SELECT id FROM contacts WHERE email_key = ?", args: [key] }))
        .rows[0]?.id,
    );
    let state: ConsentState = TRANSITIONS[h.entry].to;
    const facts = { invitedBefore: false, simulatedConfirmation: false };
    for (const { event, outbox } of h.events) {
      const next = nextState(state, event);
      const deps = withTransport(t.deps, outbox ? "outbox" : "resend");
      const result = await recordConsentEvent(deps, { listId, contactId: id }, event, {
        source: "property",
        actor: "test",
        by: TRANSITIONS[event].by[0] ?? "system",
      });
      expect(result.ok).toBe(!(next instanceof InvalidTransition));
      if (next instanceof InvalidTransition) continue;
      state = next;
      if (event === "invited") facts.invitedBefore = true;
      // An invitation withdrawn because it never left is no invitation.
      if (event === "uninvited") facts.invitedBefore = false;
      if (event === "confirmed") facts.simulatedConfirmation = outbox;
    }
    if (h.suppressed) await suppressAddress(t.deps, key, "bounced");
    if (h.addressErased) {
      // The person erased through another list: this membership keeps its state.
      await t.client.execute({
        sql: "UPDATE contacts SET email = NULL, email_key = NULL, email_hash = NULL WHERE id = ?",
        args: [id],
      });
    }
    const member: MemberFacts = {
      state,
      hasAddress: !h.addressErased,
      suppressed: h.suppressed && !h.addressErased,
      ...facts,
    };
    return { id, member };
  }

  test("TypeScript check, SQL selection and counts agree for every kind of mail (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(historyArb, { minLength: 1, maxLength: 6 }), async (histories) => {
        run++;
        const res = await t.api(bearer, "POST", "/api/v1/lists", {
          slug: `prop-${run}`,
          name: `Prop ${run}`,
          purpose: "P.",
        });
        const listId = ((await res.json()) as { id: number }).id;
        const members = [];
        for (const [n, h] of histories.entries()) members.push(await applyHistory(listId, h, n));
        const stored = await t.client.execute({
          sql: "SELECT contact_id, status FROM list_members WHERE list_id = ? ORDER BY contact_id",
          args: [listId],
        });
        expect(stored.rows.map((r) => r.status)).toEqual(members.map((m) => m.member.state));

        for (const transport of ["outbox", "resend"] as const) {
          const deps = withTransport(t.deps, transport);
          const mode: MailMode = { mailLeavesMachine: transport === "resend" };
          for (const purpose of MAIL_PURPOSES) {
            const expected = emptyExcluded();
            const eligible: number[] = [];
            for (const { id, member } of members) {
              const reason = exclusionReason(purpose, member, mode);
              if (reason === null) eligible.push(id);
              else expected[reason]++;
            }
            const selected = await t.deps.db.all<{ id: number }>(sql`
              SELECT m.contact_id AS id FROM list_members m JOIN contacts c ON c.id = m.contact_id
              WHERE m.list_id = ${listId} AND ${eligibleMemberSql(purpose, mode)}
              ORDER BY m.contact_id`);
            const where = `${purpose}, ${transport}`;
            expect(
              selected.map((r) => Number(r.id)),
              where,
            ).toEqual(eligible);
            const counts = await countRecipients(deps, purpose, listId);
            expect(counts, where).toEqual({ recipients: eligible.length, excluded: expected });
            expect(Object.keys(counts.excluded).sort()).toEqual([...EXCLUSION_REASONS].sort());
            // The dispatcher's last check, on the facts it selects, agrees with the model's.
            const dispatchFacts = await t.deps.db.all<{
              id: number;
              has_address: number;
              suppressed: number;
              simulated_confirmation: number;
            }>(sql`
              SELECT m.contact_id AS id, ${dispatchFactsSql}
              FROM list_members m JOIN contacts c ON c.id = m.contact_id
              WHERE m.list_id = ${listId} ORDER BY m.contact_id`);
            for (const [i, row] of dispatchFacts.entries()) {
              const model = members[i]?.member as MemberFacts;
              const read = {
                state: model.state,
                hasAddress: Boolean(row.has_address),
                suppressed: Boolean(row.suppressed),
                simulatedConfirmation: Boolean(row.simulated_confirmation),
              };
              expect(eligibleAtDispatch(purpose, read, mode), where).toBe(
                eligibleAtDispatch(purpose, model, mode),
              );
            }
          }
        }
      }),
      { numRuns: 40 },
    );
  }, 240_000);

  test("whoever a send selects is still eligible when the message goes out, unless something changed (property)", () => {
    const factsArb = fc.record({
      state: fc.constantFrom(...CONSENT_STATES),
      hasAddress: fc.boolean(),
      suppressed: fc.boolean(),
      invitedBefore: fc.boolean(),
      simulatedConfirmation: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.constantFrom(...MAIL_PURPOSES),
        factsArb,
        fc.boolean(),
        (purpose, facts, mailLeavesMachine) => {
          const mode = { mailLeavesMachine };
          if (exclusionReason(purpose, facts, mode) !== null) return;
          const event = EVENT_ON_ENQUEUE[purpose];
          const state = event ? nextState(facts.state, event) : facts.state;
          expect(state).not.toBeInstanceOf(InvalidTransition);
          expect(
            eligibleAtDispatch(purpose, { ...facts, state: state as ConsentState }, mode),
          ).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
    // Once mail leaves, a simulated confirmation is refused at the last check too.
    const confirmed = { state: "confirmed", hasAddress: true, suppressed: false } as const;
    const simulated = { ...confirmed, simulatedConfirmation: true };
    expect(eligibleAtDispatch("campaign", simulated, { mailLeavesMachine: true })).toBe(false);
    expect(eligibleAtDispatch("campaign", simulated, { mailLeavesMachine: false })).toBe(true);
  });
});
