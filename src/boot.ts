// What both runtimes do before serving: migrate, settle the secret key, first admin, demo seed.
import type { Client } from "@libsql/client";
import { ensureFirstAdmin } from "./auth/service";
import type { Config } from "./config";
import { toBase64Url } from "./crypto";
import { createDb, migrate } from "./db";
import { type Clock, type Deps, systemClock, webRandomBytes } from "./deps";
import { mailProviderFor } from "./mail";
import type { MailProvider } from "./mail/provider";
import { createPollRuntime } from "./polls/runtime";
import { seedDemo } from "./seed";
import { readOrCreateSetting } from "./settings";

export type BootReport = { migrations: string[]; adminCreated: boolean; seeded: string[] };

/** A database file on this machine (not `:memory:`, not a remote libSQL server). */
const isLocalFile = (url: string) => url.startsWith("file:") && !url.includes(":memory:");

export async function boot(
  config: Config,
  client: Client,
  options: {
    clock?: Clock;
    randomBytes?: (n: number) => Uint8Array;
    mail?: MailProvider;
  } = {},
): Promise<{ deps: Deps; report: BootReport }> {
  if (isLocalFile(config.databaseUrl)) {
    // The embedded file keeps a write-ahead log: pages and the dispatcher read while a vote or a
    // webhook writes, and a commit is one append and one sync instead of a journal file created,
    // synced and deleted. Durability is unchanged (synchronous stays FULL: a commit is on disk).
    await client.execute("PRAGMA journal_mode = WAL");
  }
  const migrations = await migrate(client);
  const db = createDb(client);
  const randomBytes = options.randomBytes ?? webRandomBytes;
  // On Node a missing SECRET_KEY is generated once and kept; config refuses that on Workers.
  const secretKey =
    config.secretKey ??
    (await readOrCreateSetting(db, "secret_key", () => toBase64Url(randomBytes(32))));
  const clock = options.clock ?? systemClock;
  const deps: Deps = {
    config: { ...config, secretKey },
    client,
    db,
    clock,
    randomBytes,
    mail: options.mail ?? mailProviderFor(config, db, clock),
    polls: createPollRuntime(db, clock, config.runtime),
  };
  const adminCreated = await ensureFirstAdmin(deps);
  const seeded = config.seed === "demo" ? await seedDemo(deps) : [];
  return { deps, report: { migrations, adminCreated, seeded } };
}
