// Moving address hashes from a previous key to the current one. Contacts keep their address, so a
// rotation re-keys them (and their suppressions) at start; an erased address is gone, so its
// suppression stays under the old key until the address is seen again (an import, a sign-up, a
// webhook, a search) and is then moved. Every look-up by address goes through
// adoptPreviousHashes first, so the SQL that compares contacts.email_hash with suppression hashes
// only ever needs the current key.
import type { InStatement } from "@libsql/client";
import { addressHasher } from "../consent/address-hash";
import type { Deps } from "../deps";
import { keyIdOf } from "./ring";

type KeyDeps = Pick<Deps, "config" | "client">;

/** Address keys are hashed in chunks: a look-up's IN list stays well under SQLite's limits. */
const CHUNK = 200;

/** The statements moving every suppression row of `from` to `to` (a no-op when there is none). */
function moveHash(from: string, to: string): InStatement[] {
  return [
    // A reason already held under the new hash is kept once, not twice.
    {
      sql: `DELETE FROM suppression_reasons AS old WHERE old.address_hash = ? AND EXISTS (
              SELECT 1 FROM suppression_reasons AS cur WHERE cur.address_hash = ?
                AND cur.list_id IS old.list_id AND cur.reason = old.reason)`,
      args: [from, to],
    },
    {
      sql: "UPDATE suppression_reasons SET address_hash = ?, key_id = NULL WHERE address_hash = ?",
      args: [to, from],
    },
    {
      sql: `INSERT INTO suppressions (address_hash, created_at)
              SELECT ?, created_at FROM suppressions WHERE address_hash = ?
            ON CONFLICT DO NOTHING`,
      args: [to, from],
    },
    { sql: "DELETE FROM suppressions WHERE address_hash = ?", args: [from] },
  ];
}

/**
 * Moves the suppressions of these address keys made under a previous key to the current key.
 * Costs nothing without SECRET_KEY_PREVIOUS; with it, one indexed look-up per chunk.
 */
export async function adoptPreviousHashes(deps: KeyDeps, addressKeys: readonly string[]) {
  const previous = deps.config.secretKeyPrevious;
  if (previous.length === 0 || addressKeys.length === 0) return;
  const current = addressHasher(deps.config.secretKey);
  const hashers = previous.map(addressHasher);
  for (let i = 0; i < addressKeys.length; i += CHUNK) {
    const moves = new Map<string, string>();
    for (const key of addressKeys.slice(i, i + CHUNK)) {
      for (const hash of hashers) moves.set(hash(key), current(key));
    }
    const olds = [...moves.keys()];
    const found = await deps.client.execute({
      sql: `SELECT DISTINCT address_hash FROM suppression_reasons
              WHERE address_hash IN (${olds.map(() => "?").join(",")})`,
      args: olds,
    });
    const statements = found.rows.flatMap((row) => {
      const from = String(row.address_hash);
      return moveHash(from, moves.get(from) ?? from);
    });
    if (statements.length > 0) await deps.client.batch(statements, "write");
  }
}

/**
 * After a rotation: every contact that still has its address gets its hash under the current
 * key, and its suppressions follow. Idempotent, so a start interrupted halfway simply redoes it.
 */
export async function rekeyContacts(deps: KeyDeps) {
  const current = addressHasher(deps.config.secretKey);
  let after = 0;
  for (;;) {
    const { rows } = await deps.client.execute({
      sql: `SELECT id, email_key, email_hash FROM contacts
              WHERE id > ? AND email_key IS NOT NULL ORDER BY id LIMIT ?`,
      args: [after, CHUNK],
    });
    if (rows.length === 0) return;
    after = Number(rows.at(-1)?.id);
    const keys = rows.map((row) => String(row.email_key));
    const updates = rows.flatMap((row) => {
      const hash = current(String(row.email_key));
      return row.email_hash === hash
        ? []
        : [
            {
              sql: "UPDATE contacts SET email_hash = ? WHERE id = ?",
              args: [hash, Number(row.id)],
            },
          ];
    });
    if (updates.length > 0) await deps.client.batch(updates, "write");
    await adoptPreviousHashes(deps, keys);
  }
}

/**
 * Rows written since the last start are under the key that start used: they are labelled with
 * it now, before a rotation changes what "current" means.
 */
export async function labelUnlabelledHashes(deps: KeyDeps, keyOfLastStart: string) {
  await deps.client.execute({
    sql: "UPDATE suppression_reasons SET key_id = ? WHERE key_id IS NULL",
    args: [keyOfLastStart],
  });
}

/** The key id of rows still under another key than the current one, with their counts. */
export async function hashesUnderOtherKeys(deps: KeyDeps) {
  const { rows } = await deps.client.execute({
    sql: `SELECT key_id, count(DISTINCT address_hash) AS n FROM suppression_reasons
            WHERE key_id IS NOT NULL AND key_id <> ? GROUP BY key_id`,
    args: [keyIdOf(deps.config.secretKey)],
  });
  return rows.map((row) => ({ keyId: String(row.key_id), addresses: Number(row.n) }));
}
