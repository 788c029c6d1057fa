// The embedded database on Node: a write that meets another process's write on the same file
// waits for it (a while) instead of failing at once, and the app never holds the write lock
// across an await, where the wait, which blocks the thread, could only time out.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "@libsql/client";
import { afterEach, beforeEach, expect, test } from "vitest";
import { BUSY_TIMEOUT_MS, openNodeClient } from "../src/node";

let dir: string;
let client: Client;
let child: ChildProcess | undefined;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "relance-node-client-"));
  client = openNodeClient({
    databaseUrl: `file:${join(dir, "db.sqlite")}`,
    databaseAuthToken: undefined,
  });
  await client.execute("PRAGMA journal_mode = WAL");
  await client.execute("CREATE TABLE t (v TEXT NOT NULL)");
});
afterEach(() => {
  child?.kill();
  client.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Another process writes 'other' in a transaction it keeps open `holdMs` before committing. */
async function otherProcessWriting(holdMs: number) {
  const script = `
    const Database = require("libsql");
    const db = new Database(${JSON.stringify(join(dir, "db.sqlite"))});
    db.exec("BEGIN IMMEDIATE");
    db.exec("INSERT INTO t VALUES ('other')");
    process.send("locked");
    setTimeout(() => { db.exec("COMMIT"); db.close(); process.exit(0); }, ${holdMs});`;
  child = spawn(process.execPath, ["-e", script], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  await once(child, "message");
  return child;
}

const values = async () =>
  (await client.execute("SELECT v FROM t ORDER BY v")).rows.map((r) => r.v);

test("a write waits for another process's write on the same file, then lands", async () => {
  await otherProcessWriting(300);
  await client.execute("INSERT INTO t VALUES ('server')");
  expect(await values()).toEqual(["other", "server"]);
});

test("a write held longer than the wait fails with SQLITE_BUSY, and the client's next writes are committed", async () => {
  const other = await otherProcessWriting(BUSY_TIMEOUT_MS + 1_000);
  await expect(client.execute("INSERT INTO t VALUES ('server')")).rejects.toMatchObject({
    code: "SQLITE_BUSY",
  });
  await once(other, "exit");
  // The failed statement must not keep the connection in a transaction that never commits.
  await client.execute("INSERT INTO t VALUES ('server, later')");
  const fresh = openNodeClient({
    databaseUrl: `file:${join(dir, "db.sqlite")}`,
    databaseAuthToken: undefined,
  });
  try {
    expect((await fresh.execute("SELECT v FROM t ORDER BY v")).rows.map((r) => r.v)).toEqual([
      "other",
      "server, later",
    ]);
    await fresh.execute("INSERT INTO t VALUES ('fresh')");
  } finally {
    fresh.close();
  }
  expect(await values()).toEqual(["fresh", "other", "server, later"]);
}, 20_000);

test("a write that fails with SQLITE_BUSY inside the client's migrate leaves the process and the client working", async () => {
  const other = await otherProcessWriting(BUSY_TIMEOUT_MS + 1_000);
  // migrate() reads the connection's transaction state after the failure: on a connection
  // closed under it, libsql would abort the process.
  await expect(
    client.migrate([{ sql: "INSERT INTO t VALUES ('migrated')", args: [] }]),
  ).rejects.toMatchObject({ code: "SQLITE_BUSY" });
  await once(other, "exit");
  await client.execute("INSERT INTO t VALUES ('server, later')");
  expect(await values()).toEqual(["other", "server, later"]);
}, 20_000);

test("no code of the app opens an interactive transaction (it would hold the lock across awaits)", () => {
  const sources = (folder: string): string[] =>
    readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? sources(join(folder, entry.name))
        : /\.tsx?$/.test(entry.name)
          ? [join(folder, entry.name)]
          : [],
    );
  const opening = sources(join(__dirname, "..", "src")).filter((file) =>
    /\.transaction\(/.test(readFileSync(file, "utf8")),
  );
  expect(opening).toEqual([]);
});
