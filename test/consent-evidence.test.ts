// Proof of consent for an auditor: the ledger of each contact with the exact text of each version
// shown, and a check of a typed IP address against the stored hashes, the IP never stored.
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { ipCandidates } from "../src/consent/evidence";
import { createTestApp, type TestApp } from "./helpers";
import { contactId, invitedParticipants, linksInMail, snapshot } from "./participant-helpers";

const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const FIRST_TEXT = "Recevoir les nouvelles du concours des Nets d'Or 2001.";
const SECOND_TEXT = "Recevoir les nouvelles du concours et les résultats des votes.";

let t: TestApp;
let bearer: string;
let listId: number;
let alice: number;

type Evidence = {
  list: { id: number; slug: string };
  contacts: {
    contact_id: number;
    email: string | null;
    status: string;
    events: {
      event: string;
      at: string;
      source: string;
      actor: string;
      text_version: number;
      consent_text: string;
      ip_hash_present: boolean;
      ua_family: string | null;
    }[];
  }[];
};

beforeEach(async () => {
  t = await createTestApp();
  bearer = await t.token();
  ({ listId } = await invitedParticipants(t, bearer));
  alice = await contactId(t, "alice@example.org");
  // The purpose changes after the invitation: Alice still answers the text she was shown.
  const edit = await t.api(bearer, "PATCH", `/api/v1/lists/${listId}`, { purpose: SECOND_TEXT });
  expect(edit.status).toBe(200);
  const links = await linksInMail(t, "alice@example.org");
  const res = await t.form(
    links.consent as string,
    { answer: "confirm" },
    { "User-Agent": FIREFOX, "X-Forwarded-For": "203.0.113.7" },
  );
  expect(res.status).toBeLessThan(400);
});
afterEach(() => t.close());

describe("GET /api/v1/lists/:id/consent-evidence", () => {
  test("shows a confirmed contact's ledger with the text version they saw, in full", async () => {
    const res = await t.api(bearer, "GET", `/api/v1/lists/${listId}/consent-evidence`);
    expect(res.status).toBe(200);
    const evidence = (await res.json()) as Evidence;
    const entry = evidence.contacts.find((c) => c.contact_id === alice);
    expect(entry).toMatchObject({ email: "alice@example.org", status: "confirmed" });
    expect(entry?.events.map((e) => e.event)).toEqual(["imported", "invited", "confirmed"]);
    const confirmed = entry?.events[2];
    expect(confirmed).toMatchObject({
      text_version: 1,
      consent_text: FIRST_TEXT,
      ip_hash_present: true,
      ua_family: "Firefox",
      actor: "participant",
    });
    expect(JSON.stringify(evidence)).not.toMatch(/[0-9a-f]{64}/); // presence only, never the hash
    expect(evidence.contacts).toHaveLength(4);
  });

  test("an unknown list is a 404 problem", async () => {
    const res = await t.api(bearer, "GET", "/api/v1/lists/999/consent-evidence");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  });

  test("the admin list page links to a JSON download of the same evidence", async () => {
    const cookie = await t.signIn();
    const page = await (
      await t.request(`/admin/lists/${listId}`, { headers: { Cookie: cookie } })
    ).text();
    expect(page).toContain(`href="/admin/lists/${listId}/consent-evidence.json"`);
    const file = await t.request(`/admin/lists/${listId}/consent-evidence.json`, {
      headers: { Cookie: cookie },
    });
    expect(file.headers.get("content-disposition")).toMatch(/^attachment; filename=".+\.json"$/);
    const evidence = (await file.json()) as Evidence;
    expect(evidence.contacts.find((c) => c.contact_id === alice)?.status).toBe("confirmed");
  });
});

describe("verify an IP", () => {
  let cookie = "";
  beforeEach(async () => {
    cookie = await t.signIn();
  });
  const verify = (fields: Record<string, string>) =>
    t.form(`/admin/lists/${listId}/verify-ip`, fields, { Cookie: cookie });

  test("says which events the typed address matches, and stores nothing", async () => {
    const form = await t.request(`/admin/lists/${listId}/verify-ip`, {
      headers: { Cookie: cookie },
    });
    expect(await form.text()).toContain('name="ip"');
    const match = await verify({ ip: " 203.0.113.7 ", contact_id: String(alice) });
    expect(match.status).toBe(200);
    const html = await match.text();
    expect(html).toContain("matches");
    expect(html).toMatch(/confirmed/);
    const other = await verify({ ip: "198.51.100.1", contact_id: "" });
    expect(other.status).toBe(200);
    expect(await other.text()).toContain("No event of this list matches");
    // Only the audit entries changed, and they hold no address.
    expect(JSON.stringify(await snapshot(t))).not.toMatch(/203\.0\.113\.7|198\.51\.100\.1/);
  });

  test("the same check through the API", async () => {
    const res = await t.api(bearer, "POST", `/api/v1/lists/${listId}/consent-evidence/verify-ip`, {
      ip: "203.0.113.7",
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { matches: { contact_id: number; event: string }[] };
    expect(body.matches).toEqual([
      expect.objectContaining({ contact_id: alice, event: "confirmed" }),
    ]);
  });

  test("bad input is a clear error next to the field, and a 422 in the API", async () => {
    const res = await verify({ ip: "203.0.113", contact_id: "" });
    expect(res.status).toBe(422);
    expect(await res.text()).toMatch(/id="ip-error"[^>]*>[^<]*IPv4/);
    const badContact = await verify({ ip: "203.0.113.7", contact_id: "abc" });
    expect(badContact.status).toBe(422);
    const api = await t.api(bearer, "POST", `/api/v1/lists/${listId}/consent-evidence/verify-ip`, {
      ip: "not an ip",
    });
    expect(api.status).toBe(422);
    expect(((await api.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe("ip");
  });
});

describe("the forms an IP address may have been hashed in", () => {
  test.each([
    ["192.0.2.1", ["192.0.2.1", "::ffff:192.0.2.1"]],
    ["2001:DB8:0:0::1", ["2001:db8::1"]],
    ["::ffff:192.0.2.1", ["::ffff:c000:201", "::ffff:192.0.2.1", "192.0.2.1"]],
  ])("%s", (input, forms) => {
    expect(ipCandidates(input)).toEqual(forms);
  });
  test.each(["256.1.1.1", "1.2.3", "example.org", "", "1::2::3", "http://[::1]/"])(
    "%j is not an IP address",
    (input) => {
      expect(ipCandidates(input)).toBeUndefined();
    },
  );
});
