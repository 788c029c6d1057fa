// `npm run migrate` against a Turso-like database (the local Hrana server): applies the bundled
// migrations once, is idempotent, and refuses to run without a DATABASE_URL.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { createClient } from "@libsql/client/web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrations } from "../db/migrations.gen";
import { type HranaServer, startHranaServer } from "./hrana-server";

const ROOT = join(import.meta.dirname, "..");
const TIMEOUT = 120_000;

/** Runs `npm run migrate` with these variables (and none inherited that could point elsewhere). */
async function runMigrate(vars: Record<string, string>) {
  const env = { ...process.env, ...vars };
  for (const name of ["DATABASE_URL", "DATABASE_AUTH_TOKEN"]) {
    if (!(name in vars)) delete env[name];
  }
  try {
    const { stdout, stderr } = await promisify(execFile)("npm", ["run", "--silent", "migrate"], {
      cwd: ROOT,
      env,
      timeout: TIMEOUT,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

describe("npm run migrate", () => {
  let server: HranaServer;

  beforeAll(async () => {
    server = await startHranaServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it(
    "applies every bundled migration to the Turso database, then finds it up to date",
    async () => {
      const first = await runMigrate({ DATABASE_URL: server.url, DATABASE_AUTH_TOKEN: "unused" });
      expect(first.stderr).toBe("");
      expect(first.code).toBe(0);
      expect(first.stdout).toContain(`applied ${migrations.length} migration(s)`);

      const turso = createClient({ url: server.url });
      try {
        const tags = await turso.execute("SELECT tag FROM _migrations ORDER BY tag");
        expect(tags.rows.map((r) => r.tag)).toEqual(migrations.map((m) => m.tag));
        const tables = await turso.execute(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('sends', 'provider_calls') ORDER BY name",
        );
        expect(tables.rows.map((r) => r.name)).toEqual(["provider_calls", "sends"]);
      } finally {
        turso.close();
      }

      const again = await runMigrate({ DATABASE_URL: server.url });
      expect(again.code).toBe(0);
      expect(again.stdout).toContain("is up to date");
    },
    TIMEOUT * 2,
  );

  it(
    "refuses to run without DATABASE_URL, and says how to call it",
    async () => {
      const result = await runMigrate({});
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("DATABASE_URL is not set");
      expect(result.stderr).toContain("npm run migrate");
    },
    TIMEOUT,
  );
});
