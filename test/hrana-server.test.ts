// The local Hrana server, driven the way the Worker drives Turso: through @libsql/client/web.
import { type Client, createClient, LibsqlError } from "@libsql/client/web";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrations } from "../db/migrations.gen";
import { migrate } from "../src/db";
import { type HranaServer, startHranaServer } from "./hrana-server";

let server: HranaServer;
let client: Client;

beforeAll(async () => {
  server = await startHranaServer();
  client = createClient({ url: server.url });
});

afterAll(async () => {
  client?.close();
  await server?.stop();
});

type StmtResult = { rows: unknown[][] };
type BatchResult = {
  step_results: Array<StmtResult | null>;
  step_errors: Array<{ message: string; code: string } | null>;
};
type DescribeResult = { is_readonly: boolean };
type PipelineBody = {
  baton: string | null;
  code?: string;
  results: Array<{
    type: "ok" | "error";
    error?: { message: string; code: string };
    response?: { type: string; is_autocommit?: boolean; result?: unknown };
  }>;
};

/** One raw Hrana 3 pipeline, for what @libsql/client never sends over HTTP (it speaks Hrana 2). */
async function pipeline(requests: unknown[], baton: string | null = null) {
  const res = await fetch(`${server.url}/v3/pipeline`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ baton, requests }),
  });
  return { status: res.status, body: (await res.json()) as PipelineBody };
}

/** The result of request `index` of a pipeline answer, which must have succeeded. */
function resultOf<T>(body: PipelineBody, index: number): T {
  const entry = body.results[index];
  if (entry?.type !== "ok") throw new Error(`request ${index} failed: ${JSON.stringify(entry)}`);
  return entry.response?.result as T;
}

const stmt = (sql: string, args: unknown[] = []) => ({ sql, args, want_rows: true });

describe("Hrana server", () => {
  it("answers the version probes the way sqld does (JSON yes, protobuf no)", async () => {
    expect((await fetch(`${server.url}/v2`)).status).toBe(200);
    expect((await fetch(`${server.url}/v3`)).status).toBe(200);
    expect((await fetch(`${server.url}/v3-protobuf`)).status).toBe(404);
  });

  it("executes statements with positional and named arguments", async () => {
    await client.execute("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age)");
    const inserted = await client.execute({
      sql: "INSERT INTO people (name, age) VALUES (?, ?)",
      args: ["Ada", 36],
    });
    expect(inserted.rowsAffected).toBe(1);
    expect(inserted.lastInsertRowid).toBe(1n);
    await client.execute({
      sql: "INSERT INTO people (name, age) VALUES (:name, @age)",
      args: { name: "Grace", age: 45 },
    });
    const found = await client.execute({
      sql: "SELECT id, name, age FROM people WHERE age > ? ORDER BY id",
      args: [40],
    });
    expect(found.columns).toEqual(["id", "name", "age"]);
    expect(found.columnTypes).toEqual(["INTEGER", "TEXT", ""]);
    expect(found.rows.map((r) => ({ ...r }))).toEqual([{ id: 2, name: "Grace", age: 45 }]);
    expect(found.rowsAffected).toBe(0);
  });

  it("counts the rows of UPDATE and of INSERT … RETURNING", async () => {
    const returned = await client.execute({
      sql: "INSERT INTO people (name) VALUES (?), (?) RETURNING id",
      args: ["Linus", "Barbara"],
    });
    expect(returned.rows.map((r) => r.id)).toEqual([3, 4]);
    expect(returned.rowsAffected).toBe(2);
    const updated = await client.execute("UPDATE people SET age = 50 WHERE age IS NULL");
    expect(updated.rowsAffected).toBe(2);
  });

  it("round-trips integers, floats, text, blobs and null with their SQLite types", async () => {
    const big = createClient({ url: server.url, intMode: "bigint" });
    try {
      await big.execute("CREATE TABLE vals (i, f, t, b, n)");
      const blob = new Uint8Array([0, 1, 2, 250, 255]);
      await big.execute({
        sql: "INSERT INTO vals VALUES (?, ?, ?, ?, ?)",
        args: [9007199254740993n, 2.5, "héllo ✓ «»", blob, null],
      });
      const rs = await big.execute(
        "SELECT i, f, t, b, n, typeof(i), typeof(f), typeof(t), typeof(b), typeof(n) FROM vals",
      );
      const row = rs.rows[0];
      expect(row?.i).toBe(9007199254740993n);
      expect(row?.f).toBe(2.5);
      expect(row?.t).toBe("héllo ✓ «»");
      expect(new Uint8Array(row?.b as ArrayBuffer)).toEqual(blob);
      expect(row?.n).toBeNull();
      expect([row?.[5], row?.[6], row?.[7], row?.[8], row?.[9]]).toEqual([
        "integer",
        "real",
        "text",
        "blob",
        "null",
      ]);
      // A JS number travels as a float, as with Turso: 2 is stored as REAL unless the column
      // has INTEGER affinity; booleans travel as integers.
      const kinds = await big.execute({
        sql: "SELECT typeof(?), typeof(?), ?, typeof(CAST(? AS INTEGER))",
        args: [2, true, -9223372036854775808n, 7],
      });
      expect(Array.from(kinds.rows[0] ?? [])).toEqual([
        "real",
        "integer",
        -9223372036854775808n,
        "integer",
      ]);
      // Text with NUL is refused (the libsql package would truncate it), not stored cut short.
      await expect(big.execute({ sql: "SELECT ?", args: ["a\u0000b"] })).rejects.toMatchObject({
        code: "ARGS_INVALID",
      });
    } finally {
      big.close();
    }
  });

  it("applies a write batch atomically and rolls it back when a statement fails", async () => {
    await client.batch(
      [
        "CREATE TABLE accounts (name TEXT PRIMARY KEY, balance INTEGER NOT NULL)",
        { sql: "INSERT INTO accounts VALUES (?, ?)", args: ["a", 100] },
        { sql: "INSERT INTO accounts VALUES (?, ?)", args: ["b", 0] },
      ],
      "write",
    );
    const failing = client.batch(
      [
        { sql: "UPDATE accounts SET balance = balance - 60 WHERE name = ?", args: ["a"] },
        { sql: "INSERT INTO accounts VALUES (?, ?)", args: ["a", 1] }, // duplicate key
        { sql: "UPDATE accounts SET balance = balance + 60 WHERE name = ?", args: ["b"] },
      ],
      "write",
    );
    await expect(failing).rejects.toMatchObject({ code: "SQLITE_CONSTRAINT_PRIMARYKEY" });
    const rs = await client.execute("SELECT name, balance FROM accounts ORDER BY name");
    expect(rs.rows.map((r) => [r.name, r.balance])).toEqual([
      ["a", 100],
      ["b", 0],
    ]);
    // The server is still in autocommit afterwards: a following write is not swallowed.
    await client.execute("UPDATE accounts SET balance = 1 WHERE name = 'b'");
    expect(
      (await client.execute("SELECT balance FROM accounts WHERE name = 'b'")).rows[0]?.[0],
    ).toBe(1);
  });

  it("keeps an interactive transaction on its stream, for commit and for rollback", async () => {
    const rolledBack = await client.transaction("write");
    await rolledBack.execute({ sql: "INSERT INTO accounts VALUES (?, ?)", args: ["c", 5] });
    const inside = await rolledBack.execute("SELECT count(*) AS n FROM accounts");
    expect(inside.rows[0]?.n).toBe(3);
    await rolledBack.rollback();

    const committed = await client.transaction("write");
    await committed.execute({ sql: "INSERT INTO accounts VALUES (?, ?)", args: ["d", 7] });
    await committed.commit();

    const names = await client.execute("SELECT name FROM accounts ORDER BY name");
    expect(names.rows.map((r) => r.name)).toEqual(["a", "b", "d"]);
  });

  it("makes a second writer wait for the first transaction instead of failing", async () => {
    const tx = await client.transaction("write");
    await tx.execute({ sql: "INSERT INTO accounts VALUES (?, ?)", args: ["e", 1] });
    const other = client.execute({ sql: "INSERT INTO accounts VALUES (?, ?)", args: ["f", 1] });
    await tx.commit();
    await other;
    const rs = await client.execute("SELECT count(*) FROM accounts WHERE name IN ('e', 'f')");
    expect(rs.rows[0]?.[0]).toBe(2);
  });

  it("runs several statements in one sequence (executeMultiple)", async () => {
    await client.executeMultiple(`
      CREATE TABLE notes (body TEXT); -- a comment; with a semicolon
      INSERT INTO notes VALUES ('one; two');
      INSERT INTO notes VALUES ('three');
    `);
    const rs = await client.execute("SELECT body FROM notes ORDER BY rowid");
    expect(rs.rows.map((r) => r.body)).toEqual(["one; two", "three"]);
  });

  it("answers SQL errors as Hrana errors and keeps serving", async () => {
    const syntax = await client.execute("SELEC 1").catch((e: unknown) => e);
    expect(syntax).toBeInstanceOf(LibsqlError);
    expect(syntax).toMatchObject({ code: "SQLITE_ERROR" });
    expect((syntax as Error).message).toContain("syntax error");
    const many = await client.execute("SELECT 1; SELECT 2").catch((e: unknown) => e);
    expect(many).toMatchObject({ code: "SQL_MANY_STATEMENTS" });
    expect((await client.execute("SELECT 1 AS one")).rows[0]?.one).toBe(1);
  });

  it("answers a malformed body or an unknown baton with a 400 JSON error", async () => {
    const bad = await fetch(`${server.url}/v2/pipeline`, { method: "POST", body: "{not json" });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toBe("application/json");
    expect(await bad.json()).toMatchObject({ message: expect.stringContaining("JSON") });

    const stale = await pipeline([{ type: "close" }], "no-such-baton");
    expect(stale.status).toBe(400);
    expect(stale.body.code).toBe("STREAM_EXPIRED");
  });

  it("speaks Hrana 3: batons, stored SQL, get_autocommit, conditions and describe", async () => {
    const first = await pipeline([
      { type: "store_sql", sql_id: 1, sql: "SELECT ? + 1 AS next" },
      { type: "execute", stmt: { sql_id: 1, args: [{ type: "integer", value: "41" }] } },
      { type: "execute", stmt: stmt("BEGIN") },
      { type: "get_autocommit" },
    ]);
    expect(first.status).toBe(200);
    expect(first.body.results.map((r) => r.type)).toEqual(["ok", "ok", "ok", "ok"]);
    expect(resultOf<StmtResult>(first.body, 1).rows).toEqual([[{ type: "integer", value: "42" }]]);
    expect(first.body.results[3]?.response?.is_autocommit).toBe(false);
    expect(typeof first.body.baton).toBe("string");

    // The same stream: still in the transaction, the stored SQL still there.
    const second = await pipeline(
      [
        {
          type: "batch",
          batch: {
            steps: [
              { stmt: stmt("SELECT nope FROM nowhere") },
              { condition: { type: "error", step: 0 }, stmt: stmt("SELECT 'ran'") },
              { condition: { type: "ok", step: 0 }, stmt: stmt("SELECT 'skipped'") },
              {
                condition: {
                  type: "and",
                  conds: [
                    { type: "not", cond: { type: "is_autocommit" } },
                    {
                      type: "or",
                      conds: [
                        { type: "ok", step: 1 },
                        { type: "ok", step: 2 },
                      ],
                    },
                  ],
                },
                stmt: stmt("ROLLBACK"),
              },
              { condition: { type: "is_autocommit" }, stmt: stmt("SELECT 'autocommit again'") },
            ],
          },
        },
        { type: "close_sql", sql_id: 1 },
        { type: "execute", stmt: { sql_id: 1, args: [] } },
        {
          type: "describe",
          sql: "SELECT name, ?2 AS second, :who FROM accounts WHERE balance > ?1",
        },
        { type: "describe", sql: "UPDATE accounts SET balance = 0" },
        { type: "close" },
      ],
      first.body.baton,
    );
    const results = second.body.results;
    expect(second.status).toBe(200);
    const batch = resultOf<BatchResult>(second.body, 0);
    expect(batch.step_errors[0]?.message).toContain("no such table");
    expect(batch.step_results.map((r) => r !== null)).toEqual([false, true, false, true, true]);
    expect(results[2]).toMatchObject({
      type: "error",
      error: { code: "SQL_NOT_FOUND" },
    });
    expect(resultOf(second.body, 3)).toEqual({
      params: [{ name: "?1" }, { name: "?2" }, { name: ":who" }],
      cols: [
        { name: "name", decltype: "TEXT" },
        { name: "second", decltype: null },
        { name: ":who", decltype: null },
      ],
      is_explain: false,
      is_readonly: true,
    });
    expect(resultOf<DescribeResult>(second.body, 4).is_readonly).toBe(false);
    expect(second.body.baton).toBeNull();
  });

  it("lets migrate() from src/db.ts apply every migration, once", async () => {
    const fresh = await startHranaServer();
    const db = createClient({ url: fresh.url });
    try {
      expect(await migrate(db)).toEqual(migrations.map((m) => m.tag));
      expect(await migrate(db)).toEqual([]);
      const tables = await db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
      );
      const names = tables.rows.map((r) => String(r.name));
      expect(names).toEqual(expect.arrayContaining(["_migrations", "admins", "settings"]));
      const recorded = await db.execute("SELECT tag FROM _migrations ORDER BY tag");
      expect(recorded.rows.map((r) => r.tag)).toEqual(migrations.map((m) => m.tag).sort());
    } finally {
      db.close();
      await fresh.stop();
    }
  });
});
