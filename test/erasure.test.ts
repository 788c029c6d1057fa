// Erasure leaves nothing behind (the raw bytes of the database file and its WAL are searched),
// expiry is per list, and a suppression keeps every reason it was given.
import { existsSync, readFileSync } from "node:fs";
import { afterEach, describe, expect, test } from "vitest";
import { boot } from "../src/boot";
import { hashAddress, suppressAddress } from "../src/consent/service";
import { stageRows } from "../src/contacts/queries";
import { expireUnansweredInvitations } from "../src/sending/service";
import { createTestApp, type TestApp } from "./helpers";
import { linksInMail, memberState } from "./participant-helpers";
import { dispatchUntilIdle, moveTo } from "./sending-helpers";
import { emailEvent, postWebhook, WEBHOOK_SECRET } from "./webhook-helpers";

let t: TestApp;
afterEach(() => t?.close());

const DEADLINE = "2026-03-01T00:00:00.000Z";
const ADDRESS = "Zephyrine.Quillfeather@example.org";
const NAME = "Zephyrine Quillfeather";

async function newList(bearer: string, slug: string) {
  const res = await t.api(bearer, "POST", "/api/v1/lists", {
    slug,
    name: `List ${slug}`,
    purpose: "Recevoir les nouvelles du concours.",
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: number }).id;
}

const importInto = async (bearer: string, listId: number, csv: string) => {
  const res = await t.request(`/api/v1/lists/${listId}/imports?source=test`, {
    method: "POST",
    headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "text/csv" },
    body: csv,
  });
  expect(res.status).toBe(200);
  return (await res.json()) as {
    imported: number;
    updated: number;
    duplicates: number;
    rejected: { line: number; reason: string }[];
  };
};

const idOf = async (email: string) =>
  Number(
    (
      await t.client.execute({
        sql: "SELECT id FROM contacts WHERE lower(email) = lower(?)",
        args: [email],
      })
    ).rows[0]?.id,
  );

describe("expiry is per list", () => {
  test("unanswered on Y, confirmed on X: expired and suppressed on Y only, X untouched", async () => {
    t = await createTestApp();
    const bearer = await t.token();
    const x = await newList(bearer, "x");
    const y = await newList(bearer, "y");
    const csv = `email,name\n${ADDRESS},${NAME}\nother@example.org,Other\n`;
    await importInto(bearer, x, csv);
    await importInto(bearer, y, csv);
    const id = await idOf(ADDRESS);
    await moveTo(t.deps, x, id, ["invited", "confirmed"]);
    const sent = await t.api(bearer, "POST", `/api/v1/lists/${y}/reconsent`, {
      deadline: DEADLINE,
    });
    expect(sent.status).toBe(202);
    await dispatchUntilIdle(t.deps);
    t.clock.set("2026-03-01T00:00:01Z");
    expect(await expireUnansweredInvitations(t.deps)).toBe(2);

    expect(await memberState(t, y, id)).toBe("expired");
    expect(await memberState(t, x, id)).toBe("confirmed");
    const contact = (
      await t.client.execute({ sql: "SELECT email, name FROM contacts WHERE id = ?", args: [id] })
    ).rows[0];
    expect(contact?.email).toBe(ADDRESS);
    expect(contact?.name).toBe(NAME);
    const events = await t.client.execute({
      sql: "SELECT list_id, event FROM consent_events WHERE contact_id = ? ORDER BY id",
      args: [id],
    });
    expect(events.rows.filter((r) => r.event === "expired").map((r) => r.list_id)).toEqual([y]);
    expect(events.rows.filter((r) => r.list_id === x).map((r) => r.event)).toEqual([
      "imported",
      "invited",
      "confirmed",
    ]);
    // The other, on no other list in an active state, is erased everywhere.
    expect(await idOf("other@example.org")).toBeNaN();

    const fresh = await t.token();
    const intoY = await importInto(fresh, y, `email,name\n${ADDRESS},${NAME}\n`);
    expect(intoY.rejected).toEqual([{ line: 2, reason: "suppressed" }]);
    const intoX = await importInto(fresh, x, `email,name\n${ADDRESS},${NAME}\n`);
    expect(intoX.rejected).toEqual([]);
    expect(intoX.duplicates).toBe(1);

    // The campaign on X reaches them: the count and the real send agree.
    const created = await t.api(fresh, "POST", "/api/v1/campaigns", {
      list_id: x,
      subject: "Inscriptions ouvertes",
      text: "Bonjour.",
    });
    const campaign = ((await created.json()) as { id: number }).id;
    const send = await t.api(fresh, "POST", `/api/v1/campaigns/${campaign}/send`);
    const report = (await send.json()) as { send_id: number | null; recipients: number };
    expect(report.recipients).toBe(1);
    expect(report.send_id).not.toBeNull();
  });
});

describe("suppressions keep every reason", () => {
  test("a hard bounce, then the person's own erasure: both kept, not liftable, never re-imported", async () => {
    t = await createTestApp({ RESEND_WEBHOOK_SECRET: WEBHOOK_SECRET });
    const bearer = await t.token();
    const x = await newList(bearer, "x");
    await importInto(bearer, x, `email,name\n${ADDRESS},${NAME}\n`);
    const sent = await t.api(bearer, "POST", `/api/v1/lists/${x}/reconsent`, {
      deadline: DEADLINE,
    });
    expect(sent.status).toBe(202);
    await dispatchUntilIdle(t.deps);
    const id = await idOf(ADDRESS);
    const { preferences } = await linksInMail(t, ADDRESS);
    const providerId = String(
      (
        await t.client.execute({
          sql: "SELECT provider_id FROM outbox_messages WHERE contact_id = ?",
          args: [id],
        })
      ).rows[0]?.provider_id,
    );
    const bounce = await postWebhook(
      t,
      emailEvent("email.bounced", providerId, {
        bounce: { type: "Permanent", subType: "General", message: `550 ${ADDRESS}: no such user` },
      }),
    );
    expect(bounce.status).toBe(200);

    const lookup = async () => {
      const res = await t.api(
        bearer,
        "GET",
        `/api/v1/suppressions?q=${encodeURIComponent(ADDRESS.toUpperCase())}`,
      );
      expect(res.status).toBe(200);
      return (await res.json()) as {
        items: { address_hint: string; reasons: { reason: string }[]; liftable: boolean }[];
      };
    };
    const bounced = await lookup();
    expect(bounced.items).toHaveLength(1);
    expect(bounced.items[0]?.reasons.map((r) => r.reason)).toEqual(["bounced"]);
    expect(bounced.items[0]?.liftable).toBe(true);

    const erase = await t.form(`${preferences}/erase`, {});
    expect(erase.status).toBe(200);
    const both = await lookup();
    expect(both.items[0]?.reasons.map((r) => r.reason)).toEqual(["bounced", "erased"]);
    expect(both.items[0]?.liftable).toBe(false);
    expect(JSON.stringify(both)).not.toContain(ADDRESS);

    // The admin page refuses to lift it, with a message; the API too.
    const hash = hashAddress(t.deps, ADDRESS.toLowerCase());
    const cookie = await t.signIn();
    const lift = await t.form(
      "/admin/suppressions/remove",
      { hash, note: "the mailbox works again" },
      { Cookie: cookie },
    );
    expect(lift.status).toBe(409);
    expect(await lift.text()).toContain("own");
    const liftApi = await t.api(bearer, "DELETE", `/api/v1/suppressions/${hash}`, {
      note: "the mailbox works again",
    });
    expect(liftApi.status).toBe(409);
    expect(liftApi.headers.get("content-type")).toContain("application/problem+json");

    const again = await importInto(bearer, x, `email,name\n${ADDRESS},${NAME}\n`);
    expect(again.rejected).toEqual([{ line: 2, reason: "suppressed" }]);
    const added = await t.api(bearer, "POST", `/api/v1/lists/${x}/contacts`, { email: ADDRESS });
    expect(added.status).toBe(422);
  });

  test("a bounce alone may be lifted, through the API, with a reason", async () => {
    t = await createTestApp();
    const bearer = await t.token();
    const x = await newList(bearer, "x");
    await importInto(bearer, x, `email,name\n${ADDRESS},${NAME}\n`);
    await suppressAddress(t.deps, ADDRESS.toLowerCase(), "bounced", { source: "test" });
    const hash = hashAddress(t.deps, ADDRESS.toLowerCase());
    const lifted = await t.api(bearer, "DELETE", `/api/v1/suppressions/${hash}`, {
      note: "the mailbox works again",
    });
    expect(lifted.status).toBe(204);
    const res = await t.api(bearer, "GET", `/api/v1/suppressions?q=${ADDRESS}`);
    expect(((await res.json()) as { items: unknown[] }).items).toEqual([]);
    // Issue 20: any text is a partial search (address or name), not a 422.
    const partial = await t.api(bearer, "GET", "/api/v1/suppressions?q=not-an-address");
    expect(partial.status).toBe(200);
    expect(((await partial.json()) as { items: unknown[] }).items).toEqual([]);
    // A complaint is the person's own act: never lifted by an admin.
    await suppressAddress(t.deps, "moaner@example.org", "complained", { source: "test" });
    const complained = hashAddress(t.deps, "moaner@example.org");
    const refused = await t.api(bearer, "DELETE", `/api/v1/suppressions/${complained}`, {
      note: "they did not mean it",
    });
    expect(refused.status).toBe(409);
    const items = await t.api(bearer, "GET", "/api/v1/suppressions?q=moaner@example.org");
    expect(((await items.json()) as { items: { liftable: boolean }[] }).items).toEqual([
      expect.objectContaining({ liftable: false }),
    ]);
  });
});

describe("staged rows and sign-in failures keep no address", () => {
  test("rows staged by an import a stop interrupted are dropped at the next start", async () => {
    t = await createTestApp();
    await stageRows(t.client, [
      {
        importId: 7,
        emailKey: ADDRESS.toLowerCase(),
        line: 2,
        email: ADDRESS,
        emailHash: "0".repeat(64),
        name: NAME,
        attributes: "{}",
      },
    ]);
    await boot(t.deps.config, t.client, { clock: t.clock });
    const left = await t.client.execute("SELECT count(*) AS n FROM import_rows");
    expect(left.rows[0]?.n).toBe(0);
  });

  test("a failed sign-in is counted under a salted hash of the address typed", async () => {
    t = await createTestApp();
    await t.form("/admin/login", { email: ADDRESS, password: "wrong password" });
    const rows = await t.client.execute("SELECT email FROM login_failures");
    expect(rows.rows).toHaveLength(1);
    expect(String(rows.rows[0]?.email)).toMatch(/^[0-9a-f]{64}$/);
  });
});

// ---- The raw bytes ------------------------------------------------------------------------

const variants = (text: string) => [text, text.toLowerCase(), text.toUpperCase()];
const NEEDLES = [...variants(ADDRESS), ...variants(NAME), "quillfeather"];

function leftovers(url: string) {
  const path = url.slice("file:".length);
  const found: string[] = [];
  for (const file of [path, `${path}-wal`]) {
    if (!existsSync(file)) continue;
    const bytes = readFileSync(file);
    for (const needle of NEEDLES) {
      for (const encoding of ["utf8", "utf16le"] as const) {
        if (bytes.includes(Buffer.from(needle, encoding))) {
          found.push(`${file.endsWith("-wal") ? "WAL" : "file"}: ${needle} (${encoding})`);
        }
      }
    }
  }
  return [...new Set(found)];
}

type Door = (ctx: { bearer: string; listId: number; id: number; cookie: string }) => Promise<void>;

const DOORS: Record<string, Door> = {
  "API DELETE": async ({ bearer, listId, id }) => {
    const res = await t.api(bearer, "DELETE", `/api/v1/lists/${listId}/contacts/${id}`);
    expect(res.status).toBeLessThan(300);
  },
  "admin page": async ({ listId, id, cookie }) => {
    const res = await t.form(`/admin/lists/${listId}/contacts/${id}/erase`, {}, { Cookie: cookie });
    expect(res.status).toBeLessThan(400);
  },
  "bulk erase": async ({ listId, cookie }) => {
    const res = await t.form(
      `/admin/lists/${listId}/bulk`,
      { action: "erase", status: "", q: ADDRESS, expected: "1" },
      { Cookie: cookie },
    );
    expect(res.status).toBe(303);
  },
  "participant erase": async () => {
    const { preferences } = await linksInMail(t, ADDRESS);
    expect((await t.form(`${preferences}/erase`, {})).status).toBe(200);
  },
  decline: async () => {
    const { consent } = await linksInMail(t, ADDRESS);
    expect((await t.form(consent as string, { answer: "decline" })).status).toBeLessThan(400);
  },
  expiry: async ({ listId }) => {
    await moveTo(t.deps, listId, await idOf("keep@example.org"), ["confirmed"]);
    t.clock.set("2026-03-01T00:00:01Z");
    expect(await expireUnansweredInvitations(t.deps)).toBeGreaterThan(0);
  },
};

describe("erasure leaves no byte behind", () => {
  for (const [door, erase] of Object.entries(DOORS)) {
    test(`through ${door}: neither the address nor the name is in the file or its WAL`, async () => {
      t = await createTestApp({ RESEND_WEBHOOK_SECRET: WEBHOOK_SECRET });
      const bearer = await t.token();
      const listId = await newList(bearer, "nets");
      await importInto(
        bearer,
        listId,
        `email,name,site\n${ADDRESS},${NAME},http://quillfeather.example.org/\nkeep@example.org,Keep Me,x\n`,
      );
      const id = await idOf(ADDRESS);
      // A campaign list elsewhere keeps someone, so the file is not simply emptied.
      const sent = await t.api(bearer, "POST", `/api/v1/lists/${listId}/reconsent`, {
        deadline: DEADLINE,
      });
      expect(sent.status).toBe(202);
      await dispatchUntilIdle(t.deps);
      const providerId = String(
        (
          await t.client.execute({
            sql: "SELECT provider_id FROM outbox_messages WHERE contact_id = ?",
            args: [id],
          })
        ).rows[0]?.provider_id,
      );
      // The provider's words quote the address (a transient bounce changes no state).
      const bounce = () =>
        postWebhook(
          t,
          emailEvent("email.bounced", providerId, {
            to: [ADDRESS],
            bounce: {
              type: "Transient",
              subType: "MailboxFull",
              message: `452 <${ADDRESS}> (${NAME}): mailbox full`,
            },
          }),
        );
      expect((await bounce()).status).toBe(200);
      // An admin searched, exported and tried to sign in with it.
      const cookie = await t.signIn();
      const exported = await t.request(
        `/admin/lists/${listId}/export.csv?q=${encodeURIComponent(ADDRESS)}`,
        { headers: { Cookie: cookie } },
      );
      expect(exported.status).toBe(200);
      await exported.text();
      // A note naming them, typed when lifting another address's suppression.
      await suppressAddress(t.deps, "lifted@example.org", "bounced");
      const lifted = await t.form(
        "/admin/suppressions/remove",
        {
          hash: hashAddress(t.deps, "lifted@example.org"),
          note: `Same mailbox as ${NAME} <${ADDRESS}>, works again`,
        },
        { Cookie: cookie },
      );
      expect(lifted.status).toBe(303);
      const failed = await t.form("/admin/login", { email: ADDRESS, password: "wrong password" });
      expect(failed.status).toBeLessThan(500);
      // An import interrupted after staging.
      await stageRows(t.client, [
        {
          importId: 424242,
          emailKey: ADDRESS.toLowerCase(),
          line: 2,
          email: ADDRESS,
          emailHash: "0".repeat(64),
          name: NAME,
          attributes: "{}",
        },
      ]);
      expect(leftovers(t.url).length).toBeGreaterThan(0); // the search finds what is there

      await erase({ bearer, listId, id, cookie });
      // Events arriving after the erasure do not bring the address back: about their message,
      // about a message Relance cannot match, or mail they send in.
      expect((await bounce()).status).toBe(200);
      const later = (type: string, data: Record<string, unknown>) =>
        postWebhook(t, { type, created_at: "2026-01-15T09:00:00.000Z", data });
      const unknown = { email_id: "unknown-id", to: [ADDRESS.toUpperCase()], subject: NAME };
      expect((await later("email.delivered", unknown)).status).toBe(200);
      const inbound = { email_id: "in-1", from: `${NAME} <${ADDRESS}>`, to: ["contact@x.example"] };
      expect((await later("email.received", { ...inbound, subject: `Re: ${NAME}` })).status).toBe(
        200,
      );

      expect(leftovers(t.url)).toEqual([]);
      await t.client.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      expect(leftovers(t.url)).toEqual([]);
      // The other contact is still there, readable.
      const kept = await t.client.execute("SELECT name FROM contacts WHERE name = 'Keep Me'");
      expect(kept.rows).toHaveLength(1);
    });
  }
});
