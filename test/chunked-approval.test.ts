// Approving a large re-consent send records its invitations chunk by chunk while the send is
// `preparing` (no transaction holds the writer for the whole list), and a crash in the middle
// resumes without inviting anyone twice: the re-consent "at most once" promise.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { approveSend } from "../src/sending/approval";
import { resumePreparingSends } from "../src/sending/outbox";
import { type FakeResend, startFakeResend } from "./fake-resend";
import type { TestApp } from "./helpers";
import { dispatchUntilIdle, listWithContacts, resendTestApp } from "./sending-helpers";
import { addMember, type Member } from "./team-helpers";

let fake: FakeResend;
let t: TestApp;
let owner: string;
let sender: Member;

beforeAll(async () => {
  fake = await startFakeResend();
});
afterAll(() => fake.stop());

beforeEach(async () => {
  t = await resendTestApp(fake, {
    SEND_BATCH_SIZE: "5",
    APPROVAL_THRESHOLD: "5",
    CANARY_PERCENT: "0",
  });
  owner = await t.token();
  sender = await addMember(t, owner, "sender");
  return () => t.close();
});

const count = async (sql: string, ...args: (string | number)[]) =>
  Number((await t.client.execute({ sql, args })).rows[0]?.n);

/** Per contact of the list, how many `invited` events the ledger holds. */
const invitations = async (listId: number) =>
  (
    await t.client.execute({
      sql: `SELECT m.contact_id, (SELECT count(*) FROM consent_events e WHERE e.list_id = m.list_id
              AND e.contact_id = m.contact_id AND e.event = 'invited') AS n
            FROM list_members m WHERE m.list_id = ? ORDER BY m.contact_id`,
      args: [listId],
    })
  ).rows.map((r) => Number(r.n));

const status = async (id: number) =>
  ((await (await t.api(owner, "GET", `/api/v1/sends/${id}`)).json()) as { status: string }).status;

describe("approving a large re-consent send", () => {
  test("invites in chunks while preparing; a crash midway resumes and invites each member once", async () => {
    const { listId } = await listWithContacts(t, owner, 13);
    const started = await t.api(owner, "POST", `/api/v1/lists/${listId}/reconsent`, {
      deadline: "2026-03-01T00:00:00Z",
    });
    const id = ((await started.json()) as { send_id: number }).send_id;
    expect(await status(id)).toBe("awaiting_approval");

    const admin = { adminId: sender.id, email: sender.email, role: sender.role };
    const chunks: number[] = [];
    const crash = approveSend(t.deps, admin, id, {
      chunkSize: 3,
      afterChunk: (through) => {
        chunks.push(through);
        if (chunks.length === 2) throw new Error("the process stops here");
      },
    });
    await expect(crash).rejects.toThrow("the process stops here");
    // Two chunks of three committed: those six invited once, nobody else, and no call.
    expect((await invitations(listId)).filter((n) => n === 1)).toHaveLength(6);
    expect((await invitations(listId)).filter((n) => n > 1)).toHaveLength(0);
    expect(await status(id)).toBe("preparing");
    await dispatchUntilIdle(t.deps);
    expect(fake.calls).toHaveLength(0);

    t.clock.advance(3 * 60_000);
    const resumed = await resumePreparingSends(t.deps, { chunkSize: 3 });
    expect(resumed.resumed).toEqual([id]);
    expect(await invitations(listId)).toEqual(Array(13).fill(1));
    expect(await status(id)).toBe("queued");
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE action = 'send.approved'")).toBe(
      1,
    );
    await dispatchUntilIdle(t.deps);
    expect(fake.delivered).toHaveLength(13);
    expect(await status(id)).toBe("done");
  });
});
