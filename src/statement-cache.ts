// Node only: keeps the embedded database's prepared statements for reuse. The libSQL client
// prepares every statement anew, each time it runs; the dispatcher runs the same fifteen or so
// per batch of 100 messages, and preparing them was a tenth of its CPU (bench/RESULTS.md).
//
// The client takes its connections from the `libsql` package, so the cache sits on that
// package's `prepare`, per connection, for the statements the client runs: it always runs a
// statement to its end (`all` or `run`, which reset it first), sets its modes before each run,
// and never shares one between two calls at once, since each call is synchronous.
import Database from "libsql";

/** Distinct statements kept per connection; the least recently used goes first. */
export const STATEMENTS_KEPT = 200;

type Connection = Database.Database;
const kept = new WeakMap<Connection, Map<string, Database.Statement>>();
/** Marks the package as patched (once, even if this module is loaded twice, as in tests). */
const CACHING = Symbol.for("relance.statement-cache");

/** Makes every `libsql` connection keep its prepared statements (idempotent). */
export function cacheStatements() {
  const proto = Database.prototype as Connection & { [CACHING]?: true };
  if (proto[CACHING]) return;
  proto[CACHING] = true;
  const prepare = Database.prototype.prepare;
  const close = Database.prototype.close;
  Database.prototype.prepare = function (this: Connection, sql: string) {
    const statements = kept.get(this) ?? new Map<string, Database.Statement>();
    if (statements.size === 0) kept.set(this, statements);
    const statement = statements.get(sql);
    if (statement) {
      // Most recently used last.
      statements.delete(sql);
      statements.set(sql, statement);
      return statement;
    }
    const prepared = prepare.call(this, sql);
    statements.set(sql, prepared);
    if (statements.size > STATEMENTS_KEPT) {
      const oldest = statements.keys().next().value as string;
      statements.delete(oldest);
    }
    return prepared;
  } as Connection["prepare"];
  // A kept statement keeps its connection open: closing forgets them.
  Database.prototype.close = function (this: Connection) {
    kept.delete(this);
    return close.call(this);
  };
}
