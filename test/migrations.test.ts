import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient } from "@libsql/client";
import { afterEach, beforeEach, expect, test } from "vitest";
import { migrations } from "../db/migrations.gen";
import { migrate } from "../src/db";

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
