// Node only: keeps the embedded database's prepared statements for reuse.
//
// The libSQL client prepares every statement anew, each time it runs; the dispatcher runs the
// same fifteen or so per batch of 100 messages, and preparing them was a tenth of its CPU
// (bench/RESULTS.md). The client takes its connections from the `libsql` package, so the cache
// sits on that package's `prepare`, per connection. The client runs a statement to its end (`all`
// or `run`, which reset it first), sets its modes before each run, and never shares one between
// two calls at once, since each call is synchronous. What reuse would change is guarded:
// - values bound by an earlier run stay bound: a run passing fewer values binds NULL in their
//   place, as a fresh statement would have them;
// - a statement knows its columns from when it was prepared: a schema change on the connection
//   empties its cache, and PRAGMA statements are never kept;
// - `get` stops at the first row and leaves its statement active: such a statement is not kept.
//
// The patch leans on how `@libsql/client` uses `libsql` (a `prepare` per run, statements run to
// their end, `open` checked when a connection goes back to its pool): it is written for the exact
// versions in `DRIVER`, and `checkDriver` refuses to start with any other (see package.json).
//
// Not guarded, since the app never does either: a statement run with named values and then with
// positional ones keeps the named values; a schema change made through another connection leaves
// this one's kept statements reporting the old columns of a top-level `SELECT *`.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import Database from "libsql";

/** The driver versions the cache was written and tested for; pinned exactly in package.json. */
export const DRIVER: Readonly<Record<string, string>> = {
  libsql: "0.5.29",
  "@libsql/client": "0.18.0",
};

/** Distinct statements kept per connection; the least recently used goes first. */
export const STATEMENTS_KEPT = 200;

type Connection = Database.Database;
type Statement = Database.Statement;
/** Each connection's kept statements, on the connection itself (they live and go with it). */
const KEPT = Symbol.for("relance.statement-cache.kept");
type Keeping = Connection & { [KEPT]?: Map<string, Statement> };
const kept = {
  get: (db: Connection) => (db as Keeping)[KEPT],
  set: (db: Connection, statements: Map<string, Statement>) => {
    (db as Keeping)[KEPT] = statements;
  },
  delete: (db: Connection) => {
    delete (db as Keeping)[KEPT];
  },
};
/** Marks the package as patched (once, even if this module is loaded twice, as in tests). */
const CACHING = Symbol.for("relance.statement-cache");

const SCHEMA_CHANGE = /^\s*(CREATE|ALTER|DROP)\b/i;
const NEVER_KEPT = /^\s*PRAGMA\b/i;

/**
 * Makes every `libsql` connection keep its prepared statements (idempotent), once `checkDriver`
 * has found the driver it was written for.
 */
export function cacheStatements() {
  const proto = Database.prototype as Connection & { [CACHING]?: true };
  if (proto[CACHING]) return;
  checkDriver();
  proto[CACHING] = true;
  const prepare = proto.prepare;
  const close = proto.close;
  proto.prepare = function (this: Connection, sql: string) {
    if (SCHEMA_CHANGE.test(sql)) kept.delete(this);
    if (NEVER_KEPT.test(sql)) return guarded(this, sql, prepare.call(this, sql), false);
    let statements = kept.get(this);
    if (!statements) {
      statements = new Map();
      kept.set(this, statements);
    }
    const statement = statements.get(sql);
    if (statement) {
      // Most recently used last.
      statements.delete(sql);
      statements.set(sql, statement);
      return statement;
    }
    const prepared = guarded(this, sql, prepare.call(this, sql), true);
    statements.set(sql, prepared);
    if (statements.size > STATEMENTS_KEPT) {
      const oldest = statements.keys().next().value as string;
      statements.delete(oldest);
    }
    return prepared;
  } as Connection["prepare"];
  // A kept statement keeps its connection open: closing forgets them.
  proto.close = function (this: Connection) {
    kept.delete(this);
    return close.call(this);
  };
}

/** Wraps a statement's runs: NULL for values an earlier run bound and this one does not pass. */
function guarded(db: Connection, sql: string, statement: Statement, reused: boolean): Statement {
  let positions = 0; // the most positional values a run has bound
  const names = new Set<string>(); // the named values runs have bound
  /** The values of one run, with NULL for any an earlier run bound and this one does not pass. */
  const fill = (params: unknown[]): unknown[] => {
    const [only] = params;
    if (params.length === 1 && Array.isArray(only)) {
      // The client's case: one array of values, as many as last time.
      if (only.length >= positions) return params;
      return [only.concat(Array(positions - only.length).fill(null))];
    }
    if (params.length === 1 && only !== null && typeof only === "object") {
      const values = { ...(only as Record<string, unknown>) };
      for (const name of names) if (!(name in values)) values[name] = null;
      return [values];
    }
    const values = params.flat();
    return [values.concat(Array(Math.max(0, positions - values.length)).fill(null))];
  };
  const run = <T>(method: (...params: unknown[]) => T, params: unknown[]): T => {
    const values = reused ? fill(params) : params;
    const result = method.apply(statement, values);
    const [bound] = values;
    if (Array.isArray(bound)) {
      if (bound.length > positions) positions = bound.length;
    } else if (bound !== null && typeof bound === "object") {
      for (const name of Object.keys(bound)) names.add(name);
    }
    return result;
  };
  const original = { run: statement.run, all: statement.all, get: statement.get };
  Object.assign(statement, {
    run: (...params: unknown[]) => run(original.run, params),
    all: (...params: unknown[]) => run(original.all, params),
    get: (...params: unknown[]) => {
      // Stopped at its first row, the statement stays active: it is not reused.
      if (reused && kept.get(db)?.get(sql) === statement) kept.get(db)?.delete(sql);
      return run(original.get, params);
    },
  });
  return statement;
}

/** The driver is not the one the cache was written for: Relance refuses to start. */
export class DriverChangedError extends Error {}

/**
 * Refuses a driver the cache was not written for: other versions than `expected`, or a
 * connection or statement without what the cache and the client use.
 */
export function checkDriver(expected: Readonly<Record<string, string>> = DRIVER) {
  const problems = Object.entries(expected).flatMap(([name, version]) => {
    const found = installedVersion(name);
    return found === version ? [] : [`${name} ${found ?? "(not found)"} instead of ${version}`];
  });
  problems.push(...shapeProblems());
  if (problems.length === 0) return;
  throw new DriverChangedError(
    `the prepared-statement cache (src/statement-cache.ts) does not know this database driver: ${problems.join("; ")}. ` +
      "Install the versions pinned in package.json, or check the cache's assumptions against the new driver and update DRIVER.",
  );
}

/** A package's installed version, from the package.json above its entry point. */
function installedVersion(name: string): string | undefined {
  let dir: string;
  try {
    dir = dirname(createRequire(import.meta.url).resolve(name));
  } catch {
    return undefined; // not installed
  }
  for (let up = 0; up < 4; up++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
      if (pkg.name === name) return String(pkg.version);
    } catch {
      // no package.json at this level: look one up
    }
  }
  return undefined;
}

/** What the cache and the client touch on a connection and a statement, present and usable. */
function shapeProblems(): string[] {
  const db = new Database(":memory:");
  try {
    const problems: string[] = [];
    if (db.open !== true || typeof db.inTransaction !== "boolean")
      problems.push("a connection has no `open` or `inTransaction` flag");
    const statement = db.prepare("SELECT ?1 AS a");
    for (const method of ["run", "all", "get", "raw", "safeIntegers", "columns"] as const)
      if (typeof statement[method] !== "function") problems.push(`a statement has no ${method}()`);
    return problems;
  } finally {
    db.close();
  }
}
