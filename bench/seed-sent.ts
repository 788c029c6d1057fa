// Writes `count` sent campaign messages straight into a migrated database, for what follows a send
// (webhook events about them): contacts p1…pN@example.org, confirmed on one list, each with one
// sent message whose provider id is `bench-<contact id>`. The webhook bench and the webhook tests
// share it; the sending pipeline has its own benchmark.
import { createHmac } from "node:crypto";
import type { Client } from "@libsql/client";

export const providerIdOf = (contactId: number) => `bench-${contactId}`;
export const addressOf = (contactId: number) => `p${contactId}@example.org`;

export async function seedSentMessages(client: Client, count: number, secretKey: string) {
  const now = new Date().toISOString();
  await client.batch(
    [
      `INSERT INTO lists (slug, name, purpose, created_at, updated_at) VALUES ('bench', 'Bench', 'Bench', '${now}', '${now}')`,
      `INSERT INTO list_purposes (list_id, version, text, created_at, created_by) VALUES (1, 1, 'Bench', '${now}', 'bench')`,
      `INSERT INTO sends (kind, list_id, status, subject, text_version, total, excluded, created_by, created_at)
       VALUES ('campaign', 1, 'done', 'Bench', 1, ${count}, '{}', 'bench', '${now}')`,
    ],
    "write",
  );
  // The address hash as Relance computes it (consent/service.ts `hashAddress`).
  const hash = (key: string) =>
    createHmac("sha256", `address:${secretKey}`).update(key).digest("hex");
  for (let start = 1; start <= count; start += 500) {
    const ids = Array.from({ length: Math.min(500, count - start + 1) }, (_, k) => start + k);
    await client.batch(
      ids.flatMap((i) => [
        {
          sql: "INSERT INTO contacts (id, email, email_key, email_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
          args: [i, addressOf(i), addressOf(i), hash(addressOf(i)), now, now],
        },
        {
          sql: "INSERT INTO list_members (list_id, contact_id, status, updated_at) VALUES (1, ?, 'confirmed', ?)",
          args: [i, now],
        },
        {
          sql: "INSERT INTO outbox_messages (send_id, contact_id, status, provider_id, updated_at) VALUES (1, ?, 'sent', ?, ?)",
          args: [i, providerIdOf(i), now],
        },
      ]),
      "write",
    );
  }
}
