// Opens the database for either runtime and applies the bundled migrations.
import type { Client } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { migrations as bundled, type Migration } from "../db/migrations.gen";
import * as schema from "../db/schema";

export type Db = ReturnType<typeof createDb>;

/** A database file on this machine (not `:memory:`, not a remote libSQL server). */
export const isLocalFile = (url: string) => url.startsWith("file:") && !url.includes(":memory:");

export function createDb(client: Client) {
  return drizzle(client, { schema });
}

/**
 * Applies, in order, each migration not yet recorded in `_migrations`. Each migration and
 * its record go in one batch, so a crash leaves it either fully applied or not at all.
 * Returns the tags applied by this call.
 */
export async function migrate(
  client: Client,
  migrations: Migration[] = bundled,
): Promise<string[]> {
  await client.execute(
    "CREATE TABLE IF NOT EXISTS _migrations (tag TEXT PRIMARY KEY, applied_at TEXT NOT NULL)",
  );
  const done = new Set(
    (await client.execute("SELECT tag FROM _migrations")).rows.map((r) => String(r.tag)),
  );
  const applied: string[] = [];
  for (const migration of migrations) {
    if (done.has(migration.tag)) continue;
    await client.batch(
      [
        ...migration.statements,
        {
          sql: "INSERT INTO _migrations (tag, applied_at) VALUES (?, ?)",
          args: [migration.tag, new Date().toISOString()],
        },
      ],
      "write",
    );
    applied.push(migration.tag);
  }
  return applied;
}
