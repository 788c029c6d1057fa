// Preparing a large send leaves the event loop to others: the recipient count reads the list in
// steps with a turn of the event loop between them (on Node the embedded driver runs each
// statement on the loop), and the chunks are sized by how long the previous one took.
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { countRecipients } from "../src/consent/eligibility";
import { createTestApp, type TestApp } from "./helpers";
import { listWithContacts, moveTo } from "./sending-helpers";

let t: TestApp;
let bearer: string;

beforeEach(async () => {
  t = await createTestApp({ APPROVAL_THRESHOLD: "off", CANARY_PERCENT: "0" });
  bearer = await t.token();
});
afterEach(() => t.close());

/** Whether a callback queued just before `work` ran before `work` was done. */
async function letsOthersRun(work: () => Promise<unknown>) {
  let ran = false;
  setImmediate(() => {
    ran = true;
  });
  await work();
  return ran;
}

describe("the recipient count in steps", () => {
  test("counts what one read counts, and gives the event loop a turn between steps", async () => {
    const { listId, contacts } = await listWithContacts(t, bearer, 11, "steps");
    const [first, second] = [...contacts.values()];
    await moveTo(t.deps, listId, first as number, ["invited", "confirmed"]);
    await moveTo(t.deps, listId, second as number, ["invited", "declined"]);
    const whole = await countRecipients(t.deps, "reconsent", listId, undefined, 1_000);
    expect(whole.recipients).toBe(9);
    for (const step of [1, 2, 3, 10, 11])
      expect(await countRecipients(t.deps, "reconsent", listId, undefined, step)).toEqual(whole);
    expect(
      await letsOthersRun(() => countRecipients(t.deps, "reconsent", listId, undefined, 4)),
    ).toBe(true);
  });
});
