// Recognises "the database cannot answer right now" (locked, busy, closed, unreachable), which is
// a 503 to retry, not a bug: whatever was being written went in one transaction, or not at all.
const UNAVAILABLE_CODES = new Set([
  "SQLITE_BUSY",
  "SQLITE_LOCKED",
  "SQLITE_CANTOPEN",
  "SQLITE_IOERR",
  "SQLITE_FULL",
  "CLIENT_CLOSED",
  "SERVER_ERROR",
  "HRANA_WEBSOCKET_ERROR",
  "HRANA_CLOSED_ERROR",
  "STREAM_EXPIRED",
]);

export function isDatabaseUnavailable(error: unknown): boolean {
  // drizzle wraps the driver's error; the cause chain holds the LibsqlError and its code.
  for (
    let e: unknown = error, depth = 0;
    e && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    const code = (e as { code?: unknown }).code;
    if (
      typeof code === "string" &&
      (UNAVAILABLE_CODES.has(code) ||
        code.startsWith("SQLITE_BUSY") ||
        code.startsWith("SQLITE_LOCKED"))
    ) {
      return true;
    }
    const message = e instanceof Error ? e.message : "";
    if (/fetch failed|ECONNREFUSED|database is locked/i.test(message)) return true;
  }
  return false;
}
