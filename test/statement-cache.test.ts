// The prepared-statement cache on Node's embedded database: statements are prepared once per
// connection and reused, and reuse never serves stale rows, stale bound values, stale columns, a
// statement left failing or active, or a closed connection.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "@libsql/client";
import Database from "libsql";
import { afterEach, beforeEach, expect, test } from "vitest";
import { openNodeClient } from "../src/node";
import {
  cacheStatements,
  checkDriver,
  DRIVER,
  DriverChangedError,
  STATEMENTS_KEPT,
} from "../src/statement-cache";

let dir: string;
let file: string;
const clients: Client[] = [];
const open = () => {
  const client = openNodeClient({ databaseUrl: `file:${file}`, databaseAuthToken: undefined });
  clients.push(client);
  return client;
};

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "relance-statements-"));
  file = join(dir, "db.sqlite");
  const client = open();
  await client.execute("PRAGMA journal_mode = WAL");
  await client.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)");
});
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  rmSync(dir, { recursive: true, force: true });
});

test("a connection prepares a statement once and reuses it, keeping the most recent ones", () => {
  cacheStatements();
  const db = new Database(file);
  const first = db.prepare("SELECT 1");
  expect(db.prepare("SELECT 1")).toBe(first);
  // Another connection has statements of its own.
  const other = new Database(file);
  expect(other.prepare("SELECT 1")).not.toBe(first);
  // Past the limit the least recently used goes: "SELECT 1" was used last, "SELECT 2" was not.
  const second = db.prepare("SELECT 2");
  db.prepare("SELECT 1");
  for (let i = 0; i < STATEMENTS_KEPT - 1; i++) db.prepare(`SELECT ${i + 10}`);
  expect(db.prepare("SELECT 1")).toBe(first);
  expect(db.prepare("SELECT 2")).not.toBe(second);
  // Closing forgets them: a connection opened again prepares afresh.
  db.close();
  other.close();
});

test("a reused query sees what another connection wrote since (no stale snapshot)", async () => {
  const reader = open();
  const writer = open();
  const count = async () => (await reader.execute("SELECT count(*) AS n FROM t")).rows[0]?.n;
  expect(await count()).toBe(0);
  for (let i = 1; i <= 3; i++) {
    await writer.execute({ sql: "INSERT INTO t (v) VALUES (?)", args: [`w${i}`] });
    expect(await count()).toBe(i);
  }
  // The writer can still checkpoint the whole log: no reader holds an old snapshot open.
  const checkpoint = await writer.execute("PRAGMA wal_checkpoint(TRUNCATE)");
  expect(checkpoint.rows[0]?.[0]).toBe(0); // not busy
});

test("a statement that failed is reused cleanly, in a query, a write and a batch", async () => {
  const client = open();
  const insert = (v: string) => client.execute({ sql: "INSERT INTO t (v) VALUES (?)", args: [v] });
  await insert("a");
  await expect(insert("a")).rejects.toThrow(/UNIQUE/);
  await insert("b");
  const parse = (text: string) => client.execute({ sql: "SELECT json(?) AS j", args: [text] });
  await expect(parse("{not json")).rejects.toThrow(/JSON/);
  expect((await parse('{"ok":1}')).rows[0]?.j).toBe('{"ok":1}');
  // A batch failing half-way rolls back, and the same statements then commit.
  await expect(
    client.batch([
      { sql: "INSERT INTO t (v) VALUES (?)", args: ["c"] },
      { sql: "INSERT INTO t (v) VALUES (?)", args: ["a"] },
    ]),
  ).rejects.toThrow(/UNIQUE/);
  await client.batch([
    { sql: "INSERT INTO t (v) VALUES (?)", args: ["c"] },
    { sql: "INSERT INTO t (v) VALUES (?)", args: ["d"] },
  ]);
  const rows = await client.execute("SELECT v FROM t ORDER BY v");
  expect(rows.rows.map((r) => r.v)).toEqual(["a", "b", "c", "d"]);
});

test("a client closed and opened again on the file works as before", async () => {
  const first = open();
  await first.execute({ sql: "INSERT INTO t (v) VALUES (?)", args: ["kept"] });
  first.close();
  const again = open();
  expect((await again.execute("SELECT v FROM t")).rows.map((r) => r.v)).toEqual(["kept"]);
});

test("a run passing fewer values than an earlier one gets NULL for the others, not the old ones", async () => {
  const client = open();
  const positional = (args: number[]) =>
    client.execute({ sql: "SELECT ?1 AS a, ?2 AS b", args }).then((r) => ({ ...r.rows[0] }));
  expect(await positional([1, 2])).toEqual({ a: 1, b: 2 });
  expect(await positional([3])).toEqual({ a: 3, b: null });
  const named = (args: Record<string, number>) =>
    client.execute({ sql: "SELECT :x AS x, :y AS y", args }).then((r) => ({ ...r.rows[0] }));
  expect(await named({ x: 1, y: 2 })).toEqual({ x: 1, y: 2 });
  expect(await named({ x: 3 })).toEqual({ x: 3, y: null });
});

test("after a schema change on the connection a query's columns are the new ones", async () => {
  const client = open();
  await client.execute({ sql: "INSERT INTO t (v) VALUES (?)", args: ["a"] });
  expect((await client.execute("SELECT * FROM t")).columns).toEqual(["id", "v"]);
  await client.execute("ALTER TABLE t ADD COLUMN w TEXT DEFAULT 'new'");
  const after = await client.execute("SELECT * FROM t");
  expect(after.columns).toEqual(["id", "v", "w"]);
  expect({ ...after.rows[0] }).toEqual({ id: 1, v: "a", w: "new" });
});

test("PRAGMA statements and statements read with get() are never reused", () => {
  cacheStatements();
  const db = new Database(file);
  const pragma = db.prepare("PRAGMA user_version");
  expect(db.prepare("PRAGMA user_version")).not.toBe(pragma);
  const query = db.prepare("SELECT v FROM t");
  query.get();
  expect(db.prepare("SELECT v FROM t")).not.toBe(query);
  db.close();
});

test("the driver is checked before it is patched: another version is refused with what to do", () => {
  expect(() => checkDriver()).not.toThrow();
  const other = { ...DRIVER, libsql: "0.5.30" };
  expect(() => checkDriver(other)).toThrow(DriverChangedError);
  expect(() => checkDriver(other)).toThrow(
    /libsql 0\.5\.29 instead of 0\.5\.30.*Install the versions pinned in package\.json/,
  );
  expect(() => checkDriver({ "not-a-driver": "1.0.0" })).toThrow(
    /not-a-driver \(not found\) instead of 1\.0\.0/,
  );
});
