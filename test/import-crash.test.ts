// A crash during an import leaves either the whole of it or nothing: the importer is killed at
// random moments, and after each kill every contact it wrote is on the list with its `imported`
// event, and nothing else.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { afterAll, beforeAll, expect, test } from "vitest";
import { boot } from "../src/boot";
import { parseConfig } from "../src/config";
import { createList } from "../src/lists/service";

const dir = mkdtempSync(join(tmpdir(), "relance-import-crash-"));
const url = `file:${join(dir, "crash.db")}`;
const env = {
  DATABASE_URL: url,
  SEED: "none",
  SECRET_KEY: "import-crash-secret-of-at-least-32-chars",
  ADMIN_EMAIL: "a@test.example",
  ADMIN_PASSWORD: "password-1",
};

beforeAll(async () => {
  const client = createClient({ url });
  const { deps } = await boot(parseConfig(env, "node"), client);
  const list = await createList(deps, "test", {
    slug: "crash",
    name: "Crash",
    purpose: "Testing crashes.",
  });
  expect(list.ok).toBe(true);
  client.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runImporter(offset: number, killAfterMs: number | null): Promise<"killed" | "done"> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "test/fixtures/import-child.ts"], {
      env: { ...process.env, ...env, IMPORT_ROWS: "20000", IMPORT_OFFSET: String(offset) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (killAfterMs !== null && out.includes("ready")) {
        killAfterMs = null;
        setTimeout(() => child.kill("SIGKILL"), Math.random() * 1500);
      }
    });
    child.on("error", reject);
    child.on("exit", (_code, signal) => resolve(signal === "SIGKILL" ? "killed" : "done"));
  });
}

test("killed at random points, an import leaves whole rows or nothing", async () => {
  const client = createClient({ url });
  let killed = 0;
  for (let run = 0; run < 8; run++) {
    const outcome = await runImporter(run * 20_000, 0);
    if (outcome === "killed") killed++;
    const counts = (
      await client.execute(`
        SELECT (SELECT count(*) FROM contacts) AS contacts,
               (SELECT count(*) FROM list_members WHERE list_id = 1 AND status = 'legacy') AS members,
               (SELECT count(*) FROM consent_events WHERE event = 'imported') AS events,
               (SELECT count(*) FROM contacts c WHERE NOT EXISTS
                  (SELECT 1 FROM list_members m WHERE m.contact_id = c.id)) AS orphans`)
    ).rows[0] as unknown as Record<string, number>;
    // Whole rows only: every contact is a member with its event, and each import all or nothing.
    expect(counts.orphans).toBe(0);
    expect(Number(counts.members)).toBe(Number(counts.contacts));
    expect(Number(counts.events)).toBe(Number(counts.contacts));
    expect(Number(counts.contacts) % 20_000).toBe(0);
  }
  console.log(`import crash test: ${killed} of 8 imports killed`);
  expect(killed).toBeGreaterThan(0);
  client.close();
}, 240_000);
