// What both runtimes do before serving: migrate, settle the secret key, first admin, demo seed.
import type { Client } from "@libsql/client";
import { type ConfiguredAdminOutcome, settleConfiguredAdmin } from "./auth/configured-admin";
import { createPasswords } from "./auth/password";
import type { Config } from "./config";
import { discardAllStaged } from "./contacts/queries";
import { createDb, isLocalFile, migrate } from "./db";
import { type Clock, type Deps, systemClock, webRandomBytes } from "./deps";
import { resolveKeys, settleKeyChange } from "./keys/settle";
import { mailProviderFor } from "./mail";
import type { MailProvider } from "./mail/provider";
import { createPollRuntime } from "./polls/runtime";
import { seedDemo } from "./seed";
import { createPageMemory } from "./status/page-memory";
import { directIngestor, groupCommitIngestor } from "./webhooks/ingestor";

export type BootReport = {
  migrations: string[];
  /** What start did with the admin ADMIN_EMAIL names (created, password updated…). */
  admin: ConfiguredAdminOutcome;
  seeded: string[];
};

export async function boot(
  config: Config,
  client: Client,
  options: {
    clock?: Clock;
    randomBytes?: (n: number) => Uint8Array;
    mail?: MailProvider;
    /** Node: dns.lookup, for the outgoing webhooks' SSRF guard (see node.ts). */
    resolveHost?: (hostname: string) => Promise<string[]>;
  } = {},
): Promise<{ deps: Deps; report: BootReport }> {
  if (isLocalFile(config.databaseUrl)) {
    // The embedded file keeps a write-ahead log: pages and the dispatcher read while a vote or a
    // webhook writes, and a commit is one append and one sync instead of a journal file created,
    // synced and deleted. Durability is unchanged (synchronous stays FULL: a commit is on disk).
    await client.execute("PRAGMA journal_mode = WAL");
    // What is deleted is overwritten with zeros, not left in free pages: an erased address must
    // not be readable in the file (the Node client keeps one connection, see node.ts).
    await client.execute("PRAGMA secure_delete = ON");
  }
  const migrations = await migrate(client);
  const db = createDb(client);
  // Rows staged by an import that a stop or a crash interrupted: no import runs before start.
  if (isLocalFile(config.databaseUrl)) await discardAllStaged(db);
  const randomBytes = options.randomBytes ?? webRandomBytes;
  // On Node a missing SECRET_KEY is generated once and kept; config refuses that on Workers.
  // A key the database was not used with refuses the start (see src/keys/).
  const keys = await resolveKeys(db, config, randomBytes);
  const clock = options.clock ?? systemClock;
  const deps: Deps = {
    config: { ...config, secretKey: keys.current, secretKeyPrevious: keys.previous },
    client,
    db,
    clock,
    randomBytes,
    passwords: createPasswords(randomBytes),
    mail: options.mail ?? mailProviderFor(config, db, clock),
    polls: createPollRuntime(db, clock, config.runtime),
    statusPages: createPageMemory(clock, {
      shareLoads: config.runtime === "node",
      gzip: config.runtime === "node",
    }),
    webhooks: config.runtime === "node" ? groupCommitIngestor() : directIngestor,
    ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}),
  };
  await settleKeyChange(deps, keys);
  const admin = await settleConfiguredAdmin(deps);
  const seeded = config.seed === "demo" ? await seedDemo(deps) : [];
  return { deps, report: { migrations, admin, seeded } };
}
