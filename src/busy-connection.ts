// Node only: has the libSQL client drop a connection that a busy database left broken.
//
// A statement that failed with SQLITE_BUSY (another process held the lock past the busy timeout)
// stays active in the `libsql` package, holding its implicit transaction open, so that the
// connection's later writes would never be committed. The connection is marked closed: the
// client's pool, finding it so when the call returns, closes it (which rolls back) and opens
// another. It is not closed under the call itself: `libsql` aborts the process when a caller then
// reads `inTransaction` on a closed connection, as the client's `migrate` does.
import Database from "libsql";

type Connection = Database.Database;
type Statement = Database.Statement;

/** Marks the package, and each statement, as guarded (once, even if this module loads twice). */
const GUARDED = Symbol.for("relance.busy-connection");

/** Makes every `libsql` statement mark its connection closed when it fails with SQLITE_BUSY. */
export function dropBusyConnections() {
  const proto = Database.prototype as Connection & { [GUARDED]?: true };
  if (proto[GUARDED]) return;
  proto[GUARDED] = true;
  const prepare = proto.prepare;
  proto.prepare = function (this: Connection, sql: string) {
    return guardBusy(this, prepare.call(this, sql));
  } as Connection["prepare"];
}

function guardBusy(db: Connection, statement: Statement): Statement {
  const marked = statement as Statement & { [GUARDED]?: true };
  if (marked[GUARDED]) return statement; // a statement kept for reuse is guarded once
  marked[GUARDED] = true;
  for (const method of ["run", "all", "get"] as const) {
    const original = statement[method] as (...params: unknown[]) => unknown;
    Object.assign(statement, {
      [method]: (...params: unknown[]) => {
        try {
          return original.apply(statement, params);
        } catch (error) {
          if (/^SQLITE_(BUSY|LOCKED)/.test(String((error as { code?: unknown }).code)))
            (db as { open: boolean }).open = false;
          throw error;
        }
      },
    });
  }
  return statement;
}
