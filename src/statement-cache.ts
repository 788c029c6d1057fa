// Node only: keeps the embedded database's prepared statements for reuse, and has the client drop a
// connection that a busy database left in a broken state.
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
// And, cached or not: a statement that failed with SQLITE_BUSY (another process held the lock past
// the busy timeout) stays active in the `libsql` package, holding its implicit transaction open,
// so that the connection's later writes would never be committed. The connection is marked closed:
// the client's pool, finding it so when the call returns, closes it (which rolls back) and opens
// another. It is not closed under the call itself: `libsql` aborts the process when a caller then
// reads `inTransaction` on a closed connection, as the client's `migrate` does.
//
// Not guarded, since the app never does either: a statement run with named values and then with
// positional ones keeps the named values; a schema change made through another connection leaves
// this one's kept statements reporting the old columns of a top-level `SELECT *`.
import Database from "libsql";

/** Distinct statements kept per connection; the least recently used goes first. */
export const STATEMENTS_KEPT = 200;

type Connection = Database.Database;
type Statement = Database.Statement;
const kept = new WeakMap<Connection, Map<string, Statement>>();
/** Marks the package as patched (once, even if this module is loaded twice, as in tests). */
const CACHING = Symbol.for("relance.statement-cache");

const SCHEMA_CHANGE = /^\s*(CREATE|ALTER|DROP)\b/i;
const NEVER_KEPT = /^\s*PRAGMA\b/i;

/** Makes every `libsql` connection keep its prepared statements (idempotent). */
export function cacheStatements() {
  const proto = Database.prototype as Connection & { [CACHING]?: true };
  if (proto[CACHING]) return;
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

/**
 * Wraps a statement's runs: NULL for values not passed again; SQLITE_BUSY marks the connection
 * closed.
 */
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
    try {
      const result = method.apply(statement, values);
      const [bound] = values;
      if (Array.isArray(bound)) {
        if (bound.length > positions) positions = bound.length;
      } else if (bound !== null && typeof bound === "object") {
        for (const name of Object.keys(bound)) names.add(name);
      }
      return result;
    } catch (error) {
      if (/^SQLITE_(BUSY|LOCKED)/.test(String((error as { code?: unknown }).code)))
        (db as { open: boolean }).open = false;
      throw error;
    }
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
