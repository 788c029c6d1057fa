// Issue 22, finding 3: control characters (C0 incl. TAB and NUL, DEL, C1 incl. NEL, U+2028/2029)
// are refused in subjects and names wherever they are typed (422 on the field, nothing stored),
// and stripped from headers at send whatever the database holds.
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { headerSafe, singleRecipient } from "../src/mail/provider";
import { createTestApp, type TestApp } from "./helpers";
import { contactId, invitedParticipants, linksInMail, snapshot } from "./participant-helpers";
import { shownForm } from "./subscription-helpers";

const CONTROLS = [
  "\u0000",
  "\t",
  "\u000b",
  "\u000c",
  "\u001f",
  "\u007f",
  "\u0085",
  "\u009b",
  "\u2028",
  "\u2029",
];
const visible = (c: string) => `U+${c.codePointAt(0)?.toString(16).padStart(4, "0")}`;

let t: TestApp;
let bearer: string;
beforeEach(async () => {
  t = await createTestApp();
  bearer = await t.token();
});
afterEach(() => t.close());

async function newList(slug = "l") {
  const res = await t.api(bearer, "POST", "/api/v1/lists", {
    slug,
    name: "The list",
    purpose: "A purpose long enough.",
  });
  return ((await res.json()) as { id: number }).id;
}

async function expect422On(res: Response, field: string, what: string) {
  expect(res.status, what).toBe(422);
  const body = (await res.json()) as { errors: { field: string }[] };
  expect(
    body.errors.map((e) => e.field),
    what,
  ).toContain(field);
}

test("at send: every control character is stripped from header values", () => {
  for (const c of CONTROLS) {
    expect(headerSafe(`Hello${c}Bcc: x@example.org`), visible(c)).toBe("Hello Bcc: x@example.org");
  }
  expect(headerSafe("A\u0000\u0085\tB")).toBe("A B");
});

test("at send: a subject holding control characters reaches the transport without them", async () => {
  await t.deps.mail.sendBatch(
    [
      {
        to: singleRecipient("a@example.org"),
        subject: `Hi\u0000there\u0085Bcc: all@example.org\ttab\u000bvt`,
        text: "x",
        html: "<p>x</p>",
        unsubscribeUrl: "http://127.0.0.1:8787/u/abc",
      },
    ],
    "key-1",
  );
  const row = (await t.client.execute("SELECT subject FROM mail_outbox")).rows[0];
  expect(row?.subject).toBe("Hi there Bcc: all@example.org tab vt");
});

describe("at input: 422 on the field, nothing stored", () => {
  test("campaign subject (create and edit) and re-consent subject", async () => {
    const listId = await newList();
    for (const c of CONTROLS) {
      const before = await snapshot(t);
      await expect422On(
        await t.api(bearer, "POST", "/api/v1/campaigns", {
          list_id: listId,
          subject: `News${c}Bcc: all@example.org`,
          text: "Hello",
        }),
        "subject",
        `campaign ${visible(c)}`,
      );
      await expect422On(
        await t.api(bearer, "POST", `/api/v1/lists/${listId}/reconsent`, {
          deadline: "2026-03-01T00:00:00.000Z",
          subject: `Still with us?${c}`,
        }),
        "subject",
        `reconsent ${visible(c)}`,
      );
      expect(await snapshot(t)).toEqual(before);
    }
    const draft = await t.api(bearer, "POST", "/api/v1/campaigns", {
      list_id: listId,
      subject: "News",
      text: "Hello",
    });
    const id = ((await draft.json()) as { id: number }).id;
    await expect422On(
      await t.api(bearer, "PATCH", `/api/v1/campaigns/${id}`, { subject: "News\u0085x" }),
      "subject",
      "campaign edit",
    );
  });

  test("contact names through the API (create and edit) and list names", async () => {
    const listId = await newList();
    const created = await t.api(bearer, "POST", `/api/v1/lists/${listId}/contacts`, {
      email: "ok@example.org",
      name: "Fine",
    });
    const contact = ((await created.json()) as { id: number }).id;
    for (const c of CONTROLS) {
      const before = await snapshot(t);
      await expect422On(
        await t.api(bearer, "POST", `/api/v1/lists/${listId}/contacts`, {
          email: "new@example.org",
          name: `Eve${c}`,
        }),
        "name",
        `create ${visible(c)}`,
      );
      await expect422On(
        await t.api(bearer, "PATCH", `/api/v1/lists/${listId}/contacts/${contact}`, {
          name: `Eve${c}Mallory`,
        }),
        "name",
        `edit ${visible(c)}`,
      );
      await expect422On(
        await t.api(bearer, "POST", "/api/v1/lists", {
          slug: "other",
          name: `List${c}`,
          purpose: "A purpose long enough.",
        }),
        "name",
        `list ${visible(c)}`,
      );
      expect(await snapshot(t)).toEqual(before);
    }
  });

  test("import: a name with a control character rejects its row (control_characters)", async () => {
    const listId = await newList();
    // (A NUL makes the whole file malformed: a 400 before any row, tested in import-malformed.)
    const controls = CONTROLS.filter((c) => c !== "\u0000");
    const rows = controls.map((c, i) => `p${i}@example.org,"Name${c}${i}"`);
    const res = await t.request(`/api/v1/lists/${listId}/imports?source=t`, {
      method: "POST",
      headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "text/csv" },
      body: `email,name\nfine@example.org,Fine\n${rows.join("\n")}\n`,
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      imported: number;
      rejected: { line: number; reason: string }[];
    };
    expect(body.imported).toBe(1);
    expect(body.rejected).toEqual(
      controls.map((_, i) => ({ line: 3 + i, reason: "control_characters" })),
    );
  });

  test("the public subscribe form and the participant's registration form", async () => {
    const { listId } = await invitedParticipants(t, bearer);
    const slug = "nets";
    for (const c of ["\u0000", "\u0085", "\t"]) {
      const before = await snapshot(t);
      const res = await t.form(`/lists/${slug}/subscribe`, {
        ...shownForm(t),
        email: "newcomer@example.org",
        name: `New${c}comer`,
        consent: "yes",
      });
      expect(res.status, visible(c)).toBe(422);
      expect(await res.text()).toContain('id="name-error"');
      expect(await snapshot(t)).toEqual(before);
    }
    const links = await linksInMail(t, "alice@example.org");
    await t.form(links.consent as string, { answer: "confirm" });
    const before = await snapshot(t);
    const res = await t.form(`${links.consent}/registration`, {
      name: "Alice\u2028Martin",
      site: "Le site",
      url: "https://jazz.example.org/",
      category: "Culture",
    });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('id="name-error"');
    expect(await snapshot(t)).toEqual(before);
    expect(listId).toBeGreaterThan(0);
    expect(await contactId(t, "alice@example.org")).toBeGreaterThan(0);
  });
});
