import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient } from "@libsql/client";
import { afterEach, beforeEach, expect, test } from "vitest";
import { migrations } from "../db/migrations.gen";
import { boot } from "../src/boot";
import { parseConfig } from "../src/config";
import { migrate } from "../src/db";
import { eraseContact } from "../src/erasure/service";
import { singleRecipient } from "../src/mail/provider";
import { resendProvider } from "../src/mail/resend";
import { messagesOf } from "../src/participant/queries";
import { runOnce } from "../src/sending/dispatcher";
import { windowRateLimiter } from "../src/sending/rate";
import { startFakeResend } from "./fake-resend";

let dir: string;
let client: Client;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "relance-migrate-"));
  client = createClient({ url: `file:${join(dir, "db.sqlite")}` });
});
afterEach(() => {
  client.close();
  rmSync(dir, { recursive: true, force: true });
});

const tables = async () =>
  (
    await client.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
  ).rows.map((r) => String(r.name));

test("the bundled migrations are the ones drizzle-kit generated, in order", () => {
  expect(migrations.length).toBeGreaterThanOrEqual(2);
  expect(migrations.map((m) => m.tag)).toEqual([...migrations.map((m) => m.tag)].sort());
  expect(migrations[0]?.tag).toMatch(/^0000_/);
});

test("a database created by the first migration upgrades to the latest without losing rows", async () => {
  const first = migrations.slice(0, 1);
  expect(await migrate(client, first)).toEqual([first[0]?.tag]);
  await client.execute({
    sql: "INSERT INTO admins (email, password_hash) VALUES (?, ?)",
    args: ["old@example.org", "scrypt$x"],
  });
  await client.execute({
    sql: "INSERT INTO settings (key, value) VALUES (?, ?)",
    args: ["k", "v"],
  });

  const applied = await migrate(client);
  expect(applied).toEqual(migrations.slice(1).map((m) => m.tag));

  const admins = await client.execute("SELECT email, password_hash FROM admins");
  expect(admins.rows.map((r) => [r.email, r.password_hash])).toEqual([
    ["old@example.org", "scrypt$x"],
  ]);
  expect((await client.execute("SELECT value FROM settings WHERE key = 'k'")).rows[0]?.value).toBe(
    "v",
  );
  expect(await tables()).toContain("api_tokens");
});

test("migrating twice applies nothing the second time", async () => {
  await migrate(client);
  const before = await tables();
  expect(await migrate(client)).toEqual([]);
  expect(await tables()).toEqual(before);
});

test("a migration that fails halfway leaves nothing of itself behind", async () => {
  await migrate(client, migrations.slice(0, 1));
  const broken = {
    tag: "9999_broken",
    statements: ["CREATE TABLE half (id INTEGER)", "NOT SQL AT ALL"],
  };
  await expect(migrate(client, [broken])).rejects.toThrow();
  expect(await tables()).not.toContain("half");
  const recorded = await client.execute("SELECT tag FROM _migrations WHERE tag = '9999_broken'");
  expect(recorded.rows).toHaveLength(0);
});

// Two earlier versions kept a batch's rendered messages: on each outbox row (before batch
// payloads), then in full in the batch's payload row (before templates).
test.each([
  { kept: "on its rows", before: "_batch_payloads" },
  { kept: "rendered in its payload row", before: "_batch_templates" },
])(
  "a batch claimed with its messages $kept is sent after the upgrade with its identical payload",
  async ({ kept, before }) => {
    // The database as the previous version left it: a batch claimed, its call made but its answer
    // lost (a timeout), its messages rendered in full.
    const upTo = migrations.findIndex((m) => m.tag.endsWith(before));
    expect(upTo).toBeGreaterThan(0);
    const onRows = kept === "on its rows";
    await migrate(client, migrations.slice(0, upTo));
    const at = "2026-01-15T08:00:00.000Z";
    const key = "relance-s1-0123456789abcdef0123456789abcdef01234567";
    const legacy = [1, 2].map((n) => ({
      to: `p${n}@example.org`,
      subject: "Les Nets d'Or 2001 : souhaitez-vous continuer à recevoir nos messages ?",
      text: `Bonjour Participant ${n},\n\nhttp://127.0.0.1:8787/c/consent${n}`,
      html: `<!DOCTYPE html><html lang="fr"><body><p>Bonjour Participant ${n},</p></body></html>`,
      unsubscribeUrl: `http://127.0.0.1:8787/u/unsubscribe${n}`,
    }));
    await client.batch([
      {
        sql: "INSERT INTO lists (id, slug, name, purpose, created_at, updated_at) VALUES (1, 'nets', 'Les Nets', 'Nouvelles', ?, ?)",
        args: [at, at],
      },
      ...[1, 2].map((n) => ({
        sql: "INSERT INTO contacts (id, email, email_key, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
        args: [n, `p${n}@example.org`, `p${n}@example.org`, `Participant ${n}`, at, at],
      })),
      {
        sql: `INSERT INTO sends (id, kind, list_id, status, subject, deadline, text_version, total, excluded, created_by, created_at)
            VALUES (1, 'reconsent', 1, 'sending', '', '2026-03-01T00:00:00.000Z', 1, 2, '{}', 'admin', ?)`,
        args: [at],
      },
      {
        sql: `INSERT INTO send_batches (id, send_id, idempotency_key, status, attempts, next_attempt_at, first_attempt_at, last_error, created_at)
            VALUES (1, 1, ?, 'pending', 1, ?, ?, 'timeout', ?)`,
        args: [key, at, at, at],
      },
      ...legacy.map((payload, i) => ({
        sql: "INSERT INTO outbox_messages (id, send_id, contact_id, status, batch_id, payload, updated_at) VALUES (?, 1, ?, 'claimed', 1, ?, ?)",
        args: [i + 1, i + 1, onRows ? JSON.stringify(payload) : null, at],
      })),
      ...(onRows
        ? []
        : [
            {
              sql: "INSERT INTO batch_payloads (batch_id, messages) VALUES (1, ?)",
              args: [JSON.stringify(legacy.map((payload, i) => ({ id: i + 1, ...payload })))],
            },
          ]),
    ]);
    const fake = await startFakeResend();
    try {
      const settings = {
        apiKey: fake.apiKey,
        baseUrl: fake.url,
        from: "Relance <relance@netsdor.example>",
        replyTo: "equipe@netsdor.example",
      };
      // The call the previous version made (the same adapter, from the same rows).
      const first = await resendProvider(settings).sendBatch(
        legacy.map((p) => ({ ...p, to: singleRecipient(p.to) })),
        key,
      );
      expect(first.kind).toBe("sent");

      const config = parseConfig(
        {
          DATABASE_URL: `file:${join(dir, "db.sqlite")}`,
          SEED: "none",
          SECRET_KEY: "test-secret-key-that-is-at-least-32-chars",
          ADMIN_EMAIL: "admin@test.example",
          ADMIN_PASSWORD: "correct horse battery",
          MAIL_TRANSPORT: "resend",
          RESEND_API_KEY: fake.apiKey,
          RESEND_BASE_URL: fake.url,
          MAIL_FROM: settings.from,
          MAIL_REPLY_TO: settings.replyTo,
        },
        "node",
      );
      const { deps, report } = await boot(config, client, {
        clock: { now: () => new Date("2026-01-15T09:00:00.000Z") },
      });
      expect(report.migrations).toEqual(migrations.slice(upTo).map((m) => m.tag));
      // The export still reads what the old rows say.
      expect((await messagesOf(deps.db, 2))[0]?.payload).toMatchObject({
        to: "p2@example.org",
        subject: legacy[1]?.subject,
      });

      // p1 is erased while the batch is in flight: the batch keeps their message until it is done.
      expect(
        await eraseContact(deps, 1, { reason: "erased", actor: "admin", source: "test" }),
      ).toBe(true);

      // The retry: same key, and a payload the fake finds identical (otherwise it answers 409).
      expect(await runOnce(deps, windowRateLimiter(100))).toMatchObject({
        kind: "called",
        outcome: "sent",
        messages: 2,
      });
      expect(fake.calls.map((c) => [c.idempotencyKey, c.status])).toEqual([
        [key, 200],
        [key, 200],
      ]);
      expect(fake.delivered.map((e) => e.to)).toEqual(["p1@example.org", "p2@example.org"]);
      const rows = await client.execute(
        "SELECT status, provider_id FROM outbox_messages ORDER BY id",
      );
      expect(rows.rows.map((r) => [r.status, r.provider_id])).toEqual([
        ["sent", "fake-1"],
        ["sent", "fake-2"],
      ]);
      // Done, the batch forgets the erased contact's message; the other one stays for the export.
      if (onRows) {
        const payloads = await client.execute("SELECT payload FROM outbox_messages ORDER BY id");
        expect(payloads.rows[0]?.payload).toBeNull();
        expect(JSON.parse(String(payloads.rows[1]?.payload))).toEqual(legacy[1]);
      } else {
        const payload = await client.execute("SELECT messages FROM batch_payloads");
        expect(JSON.parse(String(payload.rows[0]?.messages))).toEqual([{ id: 2, ...legacy[1] }]);
      }
      expect((await messagesOf(deps.db, 2))[0]?.payload).toEqual(legacy[1]);
    } finally {
      await fake.stop();
    }
  },
);

test("the embedded file keeps a write-ahead log; a commit stays synced to disk (synchronous FULL)", async () => {
  const config = parseConfig(
    { DATABASE_URL: `file:${join(dir, "db.sqlite")}`, SEED: "none", SECRET_KEY: "k".repeat(40) },
    "node",
  );
  await boot(config, client);
  const pragma = async (name: string) =>
    Object.values((await client.execute(`PRAGMA ${name}`)).rows[0] ?? {})[0];
  expect(String(await pragma("journal_mode")).toLowerCase()).toBe("wal");
  expect(Number(await pragma("synchronous"))).toBe(2); // FULL
});
