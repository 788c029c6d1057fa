// `npm run migrate`: applies the migrations bundled in db/migrations.gen.ts (the very statements
// the Worker applies at its first request) to DATABASE_URL, typically the Turso database before a
// deploy. Idempotent: migrations already recorded in `_migrations` are skipped.
import { migrate } from "../src/db";
import { openNodeClient } from "../src/node";

const USAGE =
  "Usage: DATABASE_URL=libsql://<db>-<org>.turso.io DATABASE_AUTH_TOKEN=<token> npm run migrate";

async function main(): Promise<number> {
  const databaseUrl = process.env.DATABASE_URL?.trim();
  if (!databaseUrl) {
    console.error(`relance migrate: DATABASE_URL is not set.\n${USAGE}`);
    return 1;
  }
  if (!/^(file:|libsql:\/\/|https?:\/\/)/.test(databaseUrl)) {
    console.error(
      `relance migrate: DATABASE_URL must be a libsql://… or https://… URL (Turso) or a file:… path (got ${JSON.stringify(databaseUrl)}).\n${USAGE}`,
    );
    return 1;
  }
  const client = openNodeClient({
    databaseUrl,
    databaseAuthToken: process.env.DATABASE_AUTH_TOKEN?.trim() || undefined,
  });
  try {
    const applied = await migrate(client);
    const where = databaseUrl.replace(/\?.*$/, ""); // never echo a token passed in the URL
    console.log(
      applied.length
        ? `relance migrate: applied ${applied.length} migration(s) to ${where}: ${applied.join(", ")}`
        : `relance migrate: ${where} is up to date.`,
    );
    return 0;
  } catch (error) {
    console.error(
      "relance migrate: failed:",
      error instanceof Error ? error.message : String(error),
    );
    return 1;
  } finally {
    client.close();
  }
}

process.exitCode = await main();
